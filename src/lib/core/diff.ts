// Unified diff of two texts (LCS over lines; generated files are small).

type Op = {kind: ' ' | '-' | '+'; line: string}

function lineOps(a: string[], b: string[]): Op[] {
  const lcs: number[][] = Array.from({length: a.length + 1}, () => new Array<number>(b.length + 1).fill(0))
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1])
  }
  const ops: Op[] = []
  let i = 0
  let j = 0
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({kind: ' ', line: a[i++]})
      j++
    } else if (i < a.length && (j === b.length || lcs[i + 1][j] >= lcs[i][j + 1])) {
      ops.push({kind: '-', line: a[i++]})
    } else {
      ops.push({kind: '+', line: b[j++]})
    }
  }
  return ops
}

const splitLines = (text: string): string[] => (text === '' ? [] : text.replace(/\n$/, '').split('\n'))

/** `diff -u` style output with 3 lines of context; empty when the texts are equal. */
export function unifiedDiff(oldText: string, newText: string, oldName: string, newName: string, context = 3): string {
  if (oldText === newText) return ''
  const ops = lineOps(splitLines(oldText), splitLines(newText))
  const changed = ops.map((op, index) => (op.kind === ' ' ? -1 : index)).filter((index) => index >= 0)
  const hunks: [number, number][] = []
  for (const index of changed) {
    const start = Math.max(0, index - context)
    const end = Math.min(ops.length, index + context + 1)
    const last = hunks.at(-1)
    if (last && start <= last[1]) last[1] = Math.max(last[1], end)
    else hunks.push([start, end])
  }
  const out = [`--- ${oldName}`, `+++ ${newName}`]
  for (const [start, end] of hunks) {
    const before = ops.slice(0, start)
    const oldStart = before.filter((op) => op.kind !== '+').length + 1
    const newStart = before.filter((op) => op.kind !== '-').length + 1
    const body = ops.slice(start, end)
    const oldCount = body.filter((op) => op.kind !== '+').length
    const newCount = body.filter((op) => op.kind !== '-').length
    out.push(`@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`, ...body.map((op) => op.kind + op.line))
  }
  return out.join('\n') + '\n'
}
