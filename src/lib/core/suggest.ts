// "Did you mean …?" for mistyped commands and flags.

/** Edit distance where swapping two neighbours counts as one edit (deplyo → deploy). */
export function distance(a: string, b: string): number {
  const d = Array.from({length: a.length + 1}, (_, i) => Array.from({length: b.length + 1}, (_, j) => (i === 0 ? j : j === 0 ? i : 0)))
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1)
    }
  }
  return d[a.length][b.length]
}

/** The candidate closest to `word`, when it is close enough to be a typo of it. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase()
  let best: {candidate: string; score: number} | undefined
  for (const candidate of candidates) {
    const score = distance(lower, candidate.toLowerCase())
    if (!best || score < best.score) best = {candidate, score}
  }
  // Short words need a closer match: "dev" is not a typo of "deploy".
  return best && best.score > 0 && best.score <= Math.min(2, Math.floor(Math.max(word.length, 3) / 3)) ? best.candidate : undefined
}
