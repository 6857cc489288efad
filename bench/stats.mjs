// Small numeric helpers of the bench scripts.
//
//   node stats.mjs time FILE RUNS WARMUP PREPARE NAME=CMD...
//       Fallback when hyperfine is missing: runs each command RUNS times
//       (after WARMUP untimed runs), round-robin so that a burst of load on a
//       shared machine hits every command alike, and writes hyperfine's JSON
//       shape ({results: [{command, times}]}, seconds) to FILE. PREPARE runs
//       untimed before each run. Commands go through `sh -c exec ...`.
//   node stats.mjs summary FILE...
//       One TSV line per command: name, median ms, p90 ms, runs; the times of
//       a command are pooled across FILES (one file a round).
//   node stats.mjs median N...
//       Median of the numbers.
//   node stats.mjs autocannon FILE
//       "req/s p50 p99 requests" of autocannon's JSON result; fails unless every
//       answer was a 2xx (a fast 401 is no throughput).
import {spawnSync} from 'node:child_process'
import {readFileSync, writeFileSync} from 'node:fs'

export function median(values) {
  const s = [...values].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

// Nearest-rank percentile: a value that was actually observed.
export function percentile(values, p) {
  const s = [...values].sort((a, b) => a - b)
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)]
}

function sh(cmd, timed) {
  const start = process.hrtime.bigint()
  const r = spawnSync('/bin/sh', ['-c', `exec ${cmd}`], {stdio: ['ignore', 'ignore', 'pipe']})
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  if (r.status !== 0) {
    process.stderr.write(`command failed (${r.status ?? r.signal}): ${cmd}\n${r.stderr}`)
    process.exit(1)
  }
  return timed ? seconds : 0
}

const [mode, ...args] = process.argv.slice(2)
if (mode === 'time') {
  const [file, runs, warmup, prepare, ...specs] = args
  const cmds = specs.map((spec) => {
    const eq = spec.indexOf('=')
    return {command: spec.slice(0, eq), cmd: spec.slice(eq + 1), times: []}
  })
  for (let i = 0; i < Number(warmup) + Number(runs); i++) {
    for (const c of cmds) {
      if (prepare) sh(prepare, false)
      const t = sh(c.cmd, true)
      if (i >= Number(warmup)) c.times.push(t)
    }
  }
  writeFileSync(file, JSON.stringify({results: cmds.map(({command, times}) => ({command, times}))}))
} else if (mode === 'summary') {
  const pooled = new Map()
  for (const file of args)
    for (const r of JSON.parse(readFileSync(file, 'utf8')).results)
      pooled.set(r.command, [...(pooled.get(r.command) ?? []), ...r.times.map((t) => t * 1000)])
  for (const [command, ms] of pooled) console.log([command, median(ms).toFixed(1), percentile(ms, 90).toFixed(1), ms.length].join('\t'))
} else if (mode === 'median') {
  console.log(String(median(args.map(Number))))
} else if (mode === 'autocannon') {
  const r = JSON.parse(readFileSync(args[0], 'utf8'))
  if (r.errors || r.timeouts || r.non2xx) {
    process.stderr.write(`errors ${r.errors}, timeouts ${r.timeouts}, non-2xx ${r.non2xx}\n`)
    process.exit(1)
  }
  console.log(r.requests.average, r.latency.p50, r.latency.p99, r.requests.total)
} else {
  process.stderr.write('usage: stats.mjs time|summary|median|autocannon ...\n')
  process.exit(2)
}
