import assert from 'node:assert/strict'
import {mkdir, writeFile} from 'node:fs/promises'
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'

import {startFakeGrafana} from '../helpers/fake-grafana.ts'
import {runCli, tempDir} from '../helpers/cli.ts'

const TOKEN = 'ingest-token-0123456789abcdef'
const USER = 'grafana'
const PASSWORD = 'query-password-0123456789abcdef'
const CREDENTIALS = {TEMPO_INGEST_TOKEN: TOKEN, TEMPO_QUERY_USER: USER, TEMPO_QUERY_PASSWORD: PASSWORD}

interface FakeTempo {
  /** 503s from /ready before the first 200 (Infinity: never ready). */
  notReady?: number
  /** No auth at all, as with TEMPO_AUTH=off. */
  authOff?: boolean
  /** Accept spans but never serve them. */
  loseSpans?: boolean
  /** Tempo 2.4: no /api/v2. */
  noV2?: boolean
  /** Serve a stored span only after this many lookups. */
  lookupsBeforeFound?: number
  /** Members of the ring behind GET /ingester/ring (the proxy's route, query credential). */
  ring?: string[]
  /** Tempo 2.x without the metrics-generator's local blocks: TraceQL metrics answer 500 empty ring. */
  noMetrics?: boolean
  /** What /api/status/buildinfo says (default 2.10.8). */
  version?: string
}

/** Tempo behind the buildpack's proxy, as seen from outside. */
async function fakeTempo(behaviour: FakeTempo = {}): Promise<{url: string; server: Server; requests: string[]}> {
  const spans = new Map<string, unknown>()
  const requests: string[] = []
  let readyCalls = 0
  let lookups = 0
  const basic = 'Basic ' + Buffer.from(`${USER}:${PASSWORD}`).toString('base64')
  const send = (res: ServerResponse, status: number, body: string) => res.writeHead(status, {'content-type': 'text/plain'}).end(body)

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    let body = ''
    for await (const chunk of req) body += chunk
    const url = new URL(req.url ?? '/', 'http://x')
    requests.push(`${req.method} ${url.pathname} ${req.headers.authorization ? 'auth' : 'anonymous'}`)
    if (url.pathname === '/ready') {
      return readyCalls++ < (behaviour.notReady ?? 0)
        ? send(res, 503, 'Ingester not ready: waiting for 15s after being ready')
        : send(res, 200, 'ready')
    }
    if (req.method === 'POST' && url.pathname === '/v1/traces') {
      if (!behaviour.authOff && req.headers.authorization !== `Bearer ${TOKEN}`) return send(res, 401, 'Unauthorized')
      const doc = JSON.parse(body) as {resourceSpans: {scopeSpans: {spans: {traceId: string}[]}[]}[]}
      for (const rs of doc.resourceSpans)
        for (const ss of rs.scopeSpans) for (const span of ss.spans) if (!behaviour.loseSpans) spans.set(span.traceId, rs)
      return send(res, 200, '{}')
    }
    if (behaviour.ring && req.method === 'GET' && url.pathname === '/ingester/ring') {
      if (req.headers.authorization !== basic) return send(res, 401, 'Unauthorized')
      return send(res, 200, JSON.stringify({shards: behaviour.ring.map((id) => ({id, state: 'ACTIVE'})), now: new Date().toISOString()}))
    }
    if (url.pathname.startsWith('/api/')) {
      if (!behaviour.authOff && req.headers.authorization !== basic) return send(res, 401, 'Unauthorized')
      if (url.pathname === '/api/search') return send(res, 200, '{"traces":[]}')
      if (url.pathname === '/api/echo') return send(res, 200, 'echo')
      if (url.pathname === '/api/status/buildinfo') return send(res, 200, JSON.stringify({version: behaviour.version ?? '2.10.8'}))
      if (url.pathname === '/api/metrics/query_range') {
        if (behaviour.noMetrics)
          return send(res, 500, 'error querying generators in Querier.queryRangeRecent: error finding generators: empty ring')
        const series = spans.size > 0 ? [{labels: [], samples: [{timestampMs: String(Date.now()), value: spans.size / 15}]}] : []
        return send(res, 200, JSON.stringify({series}))
      }
      const v2 = /^\/api\/v2\/traces\/([0-9a-f]+)$/.exec(url.pathname)
      const v1 = /^\/api\/traces\/([0-9a-f]+)$/.exec(url.pathname)
      const id = (v2 ?? v1)?.[1]
      if (id === undefined || (v2 && behaviour.noV2)) return send(res, 404, '404 page not found')
      const found = spans.get(id) !== undefined && lookups++ >= (behaviour.lookupsBeforeFound ?? 0)
      if (v2) return send(res, 200, JSON.stringify(found ? {trace: {resourceSpans: [spans.get(id)]}} : {trace: {}, metrics: {}}))
      return found ? send(res, 200, JSON.stringify({batches: [spans.get(id)]})) : send(res, 404, 'trace not found')
    }
    send(res, 404, '404 page not found')
  }

  const server = createServer((req, res) => void handle(req, res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, requests}
}

const servers: Server[] = []
async function start(behaviour: FakeTempo = {}) {
  const tempo = await fakeTempo(behaviour)
  servers.push(tempo.server)
  return tempo
}
after(() => {
  for (const s of servers) s.close()
})

const check = (args: string[], env: Record<string, string> = CREDENTIALS, cwd?: string) => runCli(['check', ...args], {env, cwd})
const noSecret = (text: string) => {
  assert.ok(!text.includes(TOKEN), 'ingest token printed')
  assert.ok(!text.includes(PASSWORD), 'query password printed')
}

interface Report {
  url: string
  ok: boolean
  traceId: string
  steps: {
    id: string
    status: string
    durationMs: number
    error?: string
    cause?: string
    detail?: string
    response?: {status: number; body: string}
  }[]
  snippets?: {otelEnv: Record<string, string>; collector: string; grafana: string}
}

describe('check against a deployment', () => {
  let ok: Awaited<ReturnType<typeof fakeTempo>>
  before(async () => {
    ok = await start()
  })

  it('passes every step and prints timings and the settings to paste', async () => {
    const r = await check([ok.url])
    assert.equal(r.code, 0, r.stderr + r.stdout)
    assert.match(r.stdout, /✔ 1\/5 Tempo is ready.*\(\d+\.\d\d s\)/)
    assert.match(r.stdout, /✔ 2\/5 Auth is enforced/)
    assert.match(r.stdout, /✔ 3\/5 Span accepted.*trace [0-9a-f]{32}/)
    assert.match(r.stdout, /✔ 4\/5 Span read back \(query credentials\): found through GET \/api\/v2\/traces\/<id>/)
    assert.match(r.stdout, /✔ 5\/5 TraceQL metrics answer \(Grafana's Traces Drilldown\): \{\} \| rate\(\) counted the span/)
    assert.match(r.stdout, /All 5 checks passed/)
    assert.ok(r.stdout.includes(`OTEL_EXPORTER_OTLP_ENDPOINT=${ok.url}\n`))
    assert.ok(r.stdout.includes('OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf'))
    assert.ok(r.stdout.includes('OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20${TEMPO_INGEST_TOKEN}'))
    assert.match(
      r.stdout,
      /otlphttp\/tempo:\n\s+endpoint: http:\/\/127\.0\.0\.1:\d+\n\s+headers:\n\s+authorization: "Bearer \$\{env:TEMPO_INGEST_TOKEN\}"/,
    )
    assert.match(
      r.stdout,
      /type: tempo\n\s+access: proxy\n\s+url: http:\/\/127\.0\.0\.1:\d+\n\s+basicAuth: true\n\s+basicAuthUser: grafana\n\s+secureJsonData:\n\s+basicAuthPassword: \$TEMPO_QUERY_PASSWORD/,
    )
    noSecret(r.stdout + r.stderr)
  })

  it('gives the same as one JSON document, secrets redacted', async () => {
    const r = await check([ok.url, '--json'])
    assert.equal(r.code, 0, r.stderr)
    const doc = JSON.parse(r.stdout) as Report
    assert.equal(doc.ok, true)
    assert.equal(doc.url, ok.url)
    assert.match(doc.traceId, /^[0-9a-f]{32}$/)
    assert.deepEqual(
      doc.steps.map((s) => [s.id, s.status]),
      [
        ['ready', 'passed'],
        ['auth', 'passed'],
        ['push', 'passed'],
        ['read', 'passed'],
        ['metrics', 'passed'],
      ],
    )
    for (const step of doc.steps) assert.equal(typeof step.durationMs, 'number')
    assert.equal(doc.snippets?.otelEnv.OTEL_EXPORTER_OTLP_HEADERS, 'Authorization=Bearer%20${TEMPO_INGEST_TOKEN}')
    assert.match(doc.snippets?.grafana ?? '', /basicAuthPassword: \$TEMPO_QUERY_PASSWORD/)
    noSecret(r.stdout + r.stderr)
  })

  it('reports how many members the ring of a cluster holds, read with the query credential', async () => {
    const cluster = await start({ring: ['tempo-10-240-0-5', 'tempo-10-240-0-6', 'tempo-10-240-0-7']})
    const r = await check([cluster.url])
    assert.equal(r.code, 0, r.stderr + r.stdout)
    assert.match(r.stdout, /Tempo ring: 3 members \(3 ACTIVE\)/)
    assert.ok(cluster.requests.includes('GET /ingester/ring auth'))
    const json = await check([cluster.url, '--json'])
    assert.deepEqual((JSON.parse(json.stdout) as {ring?: unknown}).ring, {members: 3, states: {ACTIVE: 3}})
    // A proxy without the route (an older buildpack) gets no ring line.
    assert.doesNotMatch((await check([ok.url])).stdout, /Tempo ring/)
  })

  it('prints the token only with --show-secrets', async () => {
    const r = await check([ok.url, '--show-secrets'])
    assert.equal(r.code, 0, r.stderr)
    assert.ok(r.stdout.includes(`OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20${TOKEN}`))
    assert.ok(!r.stdout.includes(PASSWORD))
  })

  it("takes credentials from flags before env, and from the app's .env last", async () => {
    const wrong = {TEMPO_INGEST_TOKEN: 'wrong-token-0123456789', TEMPO_QUERY_USER: USER, TEMPO_QUERY_PASSWORD: PASSWORD}
    assert.equal((await check([ok.url, '--ingest-token', TOKEN], wrong)).code, 0)
    assert.equal((await check([ok.url], wrong)).code, 1)

    const dir = await tempDir()
    await writeFile(
      path.join(dir, '.env'),
      `TEMPO_INGEST_TOKEN='${TOKEN}'\nTEMPO_QUERY_USER='${USER}'\nTEMPO_QUERY_PASSWORD='${PASSWORD}'\n`,
      {mode: 0o600},
    )
    const r = await check([ok.url], {}, dir)
    assert.equal(r.code, 0, r.stderr + r.stdout)
  })

  it('names every missing credential at once (exit 2)', async () => {
    const r = await check([ok.url], {}, await tempDir())
    assert.equal(r.code, 2)
    assert.match(r.stderr, /--ingest-token \(or TEMPO_INGEST_TOKEN\)/)
    assert.match(r.stderr, /--query-password \(or TEMPO_QUERY_PASSWORD\)/)
    assert.doesNotMatch(r.stderr, /--query-user/, 'the query user has a default')
  })

  it('refuses to run without a URL or an answers file (exit 2)', async () => {
    const r = await check([], CREDENTIALS, await tempDir())
    assert.equal(r.code, 2)
    assert.match(r.stderr, /no URL given and no \.tempo-scalingo\.json here/)
  })

  it('rejects something that is not a URL (exit 2)', async () => {
    const r = await check(['ftp://example.com'])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /not an http\(s\) URL/)
  })
})

describe('check failures', () => {
  it('retries /ready with backoff until Tempo is ready', async () => {
    const tempo = await start({notReady: 2})
    const r = await check([tempo.url, '--json', '--timeout', '10'])
    assert.equal(r.code, 0, r.stdout)
    const doc = JSON.parse(r.stdout) as Report
    assert.equal(doc.steps[0].detail, '200 after 3 attempts')
    assert.equal(tempo.requests.filter((q) => q.startsWith('GET /ready')).length, 3)
  })

  it('fails step 1 when Tempo never gets ready, blaming storage, and skips the rest', async () => {
    const tempo = await start({notReady: Infinity})
    const r = await check([tempo.url, '--timeout', '2'])
    assert.equal(r.code, 1)
    assert.match(r.stdout, /✘ 1\/5 Tempo is ready/)
    // The wait printed is the one measured: the whole --timeout, not more, not less.
    const waited = Number(/Tempo was not ready after (\d+\.\d) s \(\d+ attempts\): last answer 503/.exec(r.stdout)?.[1])
    assert.ok(waited >= 2 && waited < 3, r.stdout)
    assert.match(r.stdout, /answer: 503 Ingester not ready: waiting for 15s/)
    assert.match(r.stdout, /likely cause: .*S3 bucket, endpoint or credentials/)
    assert.match(r.stdout, /- 2\/5 .*skipped[\s\S]*- 3\/5 .*skipped[\s\S]*- 4\/5 .*skipped/)
    assert.match(r.stdout, /Check failed at step 1\/5: Tempo was not ready after 2\.\d s/)
    assert.ok(!tempo.requests.some((q) => q.startsWith('POST')), 'nothing pushed to an unready Tempo')
  })

  it('fails step 2 when auth is not enforced', async () => {
    const tempo = await start({authOff: true})
    const r = await check([tempo.url, '--json'])
    assert.equal(r.code, 1)
    const doc = JSON.parse(r.stdout) as Report
    const auth = doc.steps[1]
    assert.equal(auth.status, 'failed')
    assert.match(auth.error ?? '', /POST \/v1\/traces without credentials answered 200: anyone can push traces/)
    assert.match(auth.cause ?? '', /TEMPO_AUTH=off/)
    assert.deepEqual(auth.response, {status: 200, body: '{}'})
    assert.equal(doc.ok, false)
    assert.equal(doc.snippets, undefined)
  })

  it('fails step 3 when the ingest token does not match', async () => {
    const tempo = await start()
    const r = await check([tempo.url, '--ingest-token', 'not-the-right-token-000'])
    assert.equal(r.code, 1)
    assert.match(r.stdout, /✘ 3\/5 Span accepted/)
    assert.match(r.stdout, /the ingest token was refused \(401\)/)
    assert.match(r.stdout, /answer: 401 Unauthorized/)
    assert.match(r.stdout, /likely cause: auth mismatch/)
    assert.match(r.stdout, /- 4\/5 .*skipped/)
    assert.ok(!r.stdout.includes('not-the-right-token-000'), 'a wrong token is still a secret')
  })

  it('fails step 4 when the query password does not match', async () => {
    const tempo = await start()
    const r = await check([tempo.url, '--query-password', 'not-the-right-password'])
    assert.equal(r.code, 1)
    assert.match(r.stdout, /✘ 4\/5 Span read back/)
    assert.match(r.stdout, /the query credentials were refused \(401\)/)
    assert.match(r.stdout, /TEMPO_QUERY_PASSWORD/)
  })

  it('fails step 5 when TraceQL metrics answer 500 empty ring (Tempo 2.x without the generator), saying what turns them on', async () => {
    const tempo = await start({noMetrics: true})
    const r = await check([tempo.url])
    assert.equal(r.code, 1)
    assert.match(r.stdout, /✔ 4\/5 Span read back/)
    assert.match(r.stdout, /✘ 5\/5 TraceQL metrics answer/)
    assert.match(r.stdout, /answer: 500 error querying generators.*empty ring/)
    assert.match(r.stdout, /likely cause: Tempo 2\.x serves them only with the metrics-generator's local blocks/)
    assert.match(r.stdout, /Check failed at step 5\/5/)
  })

  it('skips step 5 on Tempo 2.4.0, which cannot serve Traces Drilldown, and passes', async () => {
    const tempo = await start({version: '2.4.0', noMetrics: true})
    const r = await check([tempo.url])
    assert.equal(r.code, 0, r.stdout + r.stderr)
    assert.match(r.stdout, /- 5\/5 TraceQL metrics answer.*skipped \(Tempo 2\.4\.0 cannot serve Grafana's Traces Drilldown/)
    assert.ok(!tempo.requests.some((q) => q.includes('/api/metrics/')))
  })

  it('fails step 4 on timeout when the trace never appears, despite 200s with an empty trace', async () => {
    const tempo = await start({loseSpans: true})
    const r = await check([tempo.url, '--json', '--timeout', '2'])
    assert.equal(r.code, 1)
    const doc = JSON.parse(r.stdout) as Report
    const read = doc.steps[3]
    assert.equal(read.id, 'read')
    assert.equal(read.status, 'failed')
    assert.match(
      read.error ?? '',
      new RegExp(
        `the span did not come back after 2\\.\\d s \\(trace ${doc.traceId}\\): last answer of GET /api/v2/traces/<id> was 200 without the span`,
      ),
    )
    assert.deepEqual(read.response, {status: 200, body: '{"trace":{},"metrics":{}}'})
    assert.ok(tempo.requests.filter((q) => q.startsWith('GET /api/v2/traces/')).length >= 2, 'polled')
  })

  it('polls until the span shows up', async () => {
    const tempo = await start({lookupsBeforeFound: 2})
    const r = await check([tempo.url, '--json', '--timeout', '10'])
    assert.equal(r.code, 0, r.stdout)
    assert.match((JSON.parse(r.stdout) as Report).steps[3].detail ?? '', /after 3 attempts/)
  })

  it('falls back to /api/traces/<id> on Tempo 2.4', async () => {
    const tempo = await start({noV2: true})
    const r = await check([tempo.url, '--json'])
    assert.equal(r.code, 0, r.stdout)
    assert.equal((JSON.parse(r.stdout) as Report).steps[3].detail, 'found through GET /api/traces/<id>')
  })

  it('says a refused connection is a wrong port or a stopped app', async () => {
    const tempo = await start()
    await new Promise((resolve) => tempo.server.close(resolve))
    const r = await check([tempo.url, '--timeout', '1'])
    assert.equal(r.code, 1)
    assert.match(r.stdout, /✘ 1\/5 Tempo is ready/)
    assert.match(r.stdout, /connection refused by 127\.0\.0\.1:\d+/)
    assert.match(
      r.stdout,
      /likely cause: nothing listens there: wrong port, or the app is not running \(its proxy opens the port only once Tempo is ready/,
    )
  })
})

describe('check never trusts what is not the proxy', () => {
  it('a port the client refuses fails at once with that cause', async () => {
    const started = Date.now()
    const r = await check(['https://127.0.0.1:1', '--timeout', '60'])
    assert.equal(r.code, 1, r.stderr)
    assert.ok(Date.now() - started < 10_000, 'no retrying for a whole minute')
    assert.match(r.stdout, /refuses to connect to port 1 of 127\.0\.0\.1/)
    assert.match(r.stdout, /likely cause: wrong port in the URL/)
  })

  it('a server that does not answer 401 without credentials never receives one', async () => {
    const seen: string[] = []
    // Like `python3 -m http.server` with a /ready file: 200 there, 501 for a POST.
    const server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? '-'}`)
      res.writeHead(req.method === 'GET' && req.url === '/ready' ? 200 : 501).end('Unsupported method')
    })
    servers.push(server)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const r = await check([`http://127.0.0.1:${(server.address() as AddressInfo).port}`])
    assert.equal(r.code, 1)
    assert.match(r.stdout, /POST \/v1\/traces without credentials answered 501, expected 401/)
    assert.match(r.stdout, /no credential was sent to it/)
    assert.match(r.stdout, /- 3\/5 .*skipped[\s\S]*- 4\/5 .*skipped/)
    assert.ok(
      seen.every((line) => line.endsWith(' -')),
      seen.join('\n'),
    )
  })
})

describe('check --config (offline lint)', () => {
  const legacy = path.join(import.meta.dirname, '../fixtures/sample-legacy-keys.yaml')

  it('names each legacy key with its replacement and line, exit 1', async () => {
    const r = await check(['--config', legacy, '--tempo-version', '2.4.0'], {})
    assert.equal(r.code, 1)
    const lines = r.stdout.trim().split('\n')
    assert.deepEqual(lines.slice(0, 5), [
      `${legacy}:10: unknown key storage.trace_by_id — did you mean storage.trace.backend?`,
      `${legacy}:12: unknown key storage.wal — did you mean storage.trace.wal?`,
      `${legacy}:14: unknown key storage.s3 — did you mean storage.trace.s3?`,
      `${legacy}:17: unknown key storage.s3.access_key_id — did you mean storage.trace.s3.access_key?`,
      `${legacy}:18: unknown key storage.s3.secret_access_key — did you mean storage.trace.s3.secret_key?`,
    ])
    assert.match(lines[5], /✘ .*5 problems for Tempo 2\.4\.0/)
  })

  it('passes a good config (exit 0) and flags a 3.x key for 2.x', async () => {
    const dir = await tempDir()
    await writeFile(
      path.join(dir, 'tempo.yaml'),
      'server:\n  grpc_listen_port: ${TEMPO_GRPC_LISTEN_PORT:-9095}\nlive_store:\n  max_block_duration: 5s\n',
    )
    const good = await check(['--config', 'tempo.yaml', '--tempo-version', '3.0.3'], {}, dir)
    assert.equal(good.code, 0, good.stdout)
    assert.match(good.stdout, /✔ tempo\.yaml: every key is known to Tempo 3\.0\.3/)
    const bad = await check(['--config', 'tempo.yaml', '--tempo-version', '2.4.0'], {}, dir)
    assert.equal(bad.code, 1)
    assert.match(bad.stdout, /^tempo\.yaml:3: unknown key live_store — it belongs to Tempo 3\.0\.3, 2\.10\.8$/m)
  })

  it('gives one JSON document and falls back to the nearest known version', async () => {
    const r = await check(['--config', legacy, '--tempo-version', '2.9.1', '--json'], {})
    assert.equal(r.code, 1)
    const doc = JSON.parse(r.stdout) as {
      tempoVersion: string
      checkedAgainst: string
      ok: boolean
      findings: {line: number; key: string; suggestion: string}[]
      warnings: string[]
    }
    assert.equal(doc.tempoVersion, '2.9.1')
    assert.equal(doc.checkedAgainst, '2.10.8')
    assert.equal(doc.ok, false)
    assert.deepEqual(doc.findings[0], {
      line: 10,
      column: 3,
      key: 'storage.trace_by_id',
      message: 'unknown key storage.trace_by_id — did you mean storage.trace.backend?',
      suggestion: 'storage.trace.backend',
    })
    assert.match(doc.warnings[0], /no key tree for Tempo 2\.9\.1: checked against 2\.10\.8/)
  })

  it('takes the version from TEMPO_VERSION, then from the answers file', async () => {
    const dir = await tempDir()
    await writeFile(path.join(dir, 'tempo.yaml'), 'ingester:\n  flush_all_on_shutdown: true\n')
    await writeFile(
      path.join(dir, '.tempo-scalingo.json'),
      JSON.stringify({format: 1, cliVersion: '0.1.0', answers: {appName: 'my-tempo-app', tempoVersion: '3.0.3'}, files: {}}),
    )
    const fromAnswers = await check(['--config', 'tempo.yaml', '--json'], {}, dir)
    assert.equal(fromAnswers.code, 1)
    assert.equal(JSON.parse(fromAnswers.stdout).checkedAgainst, '3.0.3')
    const fromEnv = await check(['--config', 'tempo.yaml', '--json'], {TEMPO_VERSION: '2.10.8'}, dir)
    assert.equal(fromEnv.code, 0, fromEnv.stdout)
    assert.equal(JSON.parse(fromEnv.stdout).checkedAgainst, '2.10.8')
  })

  it('is a usage error (exit 2) for a missing file, a bad version, or a URL as well', async () => {
    const missing = await check(['--config', 'no-such.yaml'], {}, await tempDir())
    assert.equal(missing.code, 2)
    assert.match(missing.stderr, /cannot read no-such\.yaml \(ENOENT\)/)
    const version = await check(['--config', legacy, '--tempo-version', 'latest'], {})
    assert.equal(version.code, 2)
    assert.match(version.stderr, /--tempo-version latest: versions are x\.y\.z/)
    const both = await check(['http://127.0.0.1:1', '--config', legacy], {})
    assert.equal(both.code, 2)
    assert.match(both.stderr, /either a URL .* or --config/)
  })
})

describe('check --grafana: the companion Grafana app, end to end', () => {
  const ADMIN = 'admin-password-0123456789abcdefgh'
  let tempo: Awaited<ReturnType<typeof fakeTempo>>
  before(async () => {
    tempo = await start()
  })

  /** A Grafana app generated for the fake Tempo, and a fake Grafana reading its provisioning as Grafana would. */
  async function grafanaFor(options: {tempoUrl?: string; grafanaEnv?: Record<string, string>; databaseReady?: boolean} = {}) {
    const dir = await tempDir()
    const generated = await runCli(
      ['grafana', path.join(dir, 'my-grafana'), '--yes', '--no-git', '--tempo-url', options.tempoUrl ?? tempo.url, '--query-user', USER],
      {env: {TEMPO_QUERY_PASSWORD: PASSWORD, GF_SECURITY_ADMIN_PASSWORD: ADMIN}, cwd: dir},
    )
    assert.equal(generated.code, 0, generated.stderr)
    const grafana = await startFakeGrafana({
      provisioning: path.join(dir, 'my-grafana/provisioning'),
      env: options.grafanaEnv ?? {TEMPO_QUERY_PASSWORD: PASSWORD},
      admin: {user: 'admin', password: ADMIN},
      databaseReady: options.databaseReady,
    })
    after(() => grafana.close())
    return grafana
  }

  it('Grafana up with its database, the datasource healthy, the smoke trace found through its proxy', async () => {
    const grafana = await grafanaFor()
    const r = await check([tempo.url, '--grafana', grafana.url], {...CREDENTIALS, GF_SECURITY_ADMIN_PASSWORD: ADMIN})
    assert.equal(r.code, 0, r.stdout + r.stderr)
    assert.match(r.stdout, /✔ 6\/8 Grafana is up with its database \(GET \/api\/health\): Grafana 13\.2\.1, database ok/)
    assert.match(r.stdout, /✔ 7\/8 The Tempo datasource answers .*Successfully connected to Tempo/)
    assert.match(r.stdout, /✔ 8\/8 The smoke trace is found through Grafana's datasource proxy/)
    assert.match(r.stdout, /All 8 checks passed .*and Grafana shows them/)
    // The admin credential went to Grafana's API only (never to /api/health); the Tempo password, expanded from
    // Grafana's environment, went upstream to Tempo.
    assert.ok(grafana.requests.filter((q) => q.path !== '/api/health').every((q) => q.auth === 'admin'))
    assert.equal(grafana.requests.find((q) => q.path === '/api/health')?.auth, 'none')
    const basic = 'Basic ' + Buffer.from(`${USER}:${PASSWORD}`).toString('base64')
    assert.ok(grafana.upstream.length > 0 && grafana.upstream.every((u) => u.authorization === basic))
    assert.ok(grafana.upstream.some((u) => /\/api\/v2\/traces\/[0-9a-f]{32}$/.test(u.url)))
    assert.ok(!r.stdout.includes(ADMIN) && !r.stderr.includes(ADMIN), 'the admin password is never printed')
    const json = await check([tempo.url, '--grafana', grafana.url, '--json'], {...CREDENTIALS, GF_SECURITY_ADMIN_PASSWORD: ADMIN})
    const doc = JSON.parse(json.stdout) as {ok: boolean; grafana: {ok: boolean; steps: {id: string; status: string}[]}}
    assert.equal(doc.ok, true)
    assert.deepEqual(
      doc.grafana.steps.map((s) => `${s.id}:${s.status}`),
      ['grafana-health:passed', 'datasource-health:passed', 'datasource-trace:passed'],
    )
    assert.ok(!json.stdout.includes(ADMIN))
  })

  it('the admin password comes from the Grafana app beside the Tempo app (<dir>-grafana/.env)', async () => {
    const grafana = await grafanaFor()
    const dir = await tempDir()
    const tempoDir = path.join(dir, 'my-tempo')
    const made = await runCli(
      ['grafana', `${tempoDir}-grafana`, '--yes', '--no-git', '--tempo-url', tempo.url, '--admin-password', ADMIN],
      {env: {TEMPO_QUERY_PASSWORD: PASSWORD}, cwd: dir},
    )
    assert.equal(made.code, 0, made.stderr)
    await mkdir(tempoDir, {recursive: true})
    const r = await check([tempo.url, '--grafana', grafana.url], CREDENTIALS, tempoDir)
    assert.equal(r.code, 0, r.stdout + r.stderr)
  })

  it('Grafana down: named as such', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise((resolve) => closed.close(resolve))
    const r = await check([tempo.url, '--grafana', `http://127.0.0.1:${port}`, '--timeout', '2'], {
      ...CREDENTIALS,
      GF_SECURITY_ADMIN_PASSWORD: ADMIN,
    })
    assert.equal(r.code, 1)
    assert.match(r.stdout, /✘ 6\/8 Grafana is up/)
    assert.match(r.stdout, /likely cause: Grafana down: nothing listens there/)
    assert.match(r.stdout, /- 7\/8 .*skipped[\s\S]*- 8\/8 .*skipped/)
  })

  it('database not ready: /api/health says the database is failing', async () => {
    const grafana = await grafanaFor({databaseReady: false})
    const r = await check([tempo.url, '--grafana', grafana.url], {...CREDENTIALS, GF_SECURITY_ADMIN_PASSWORD: ADMIN})
    assert.equal(r.code, 1)
    assert.match(r.stdout, /GET \/api\/health answered 503: database failing/)
    assert.match(r.stdout, /likely cause: database not ready: the PostgreSQL addon/)
  })

  it("wrong query password: Grafana's TEMPO_QUERY_PASSWORD differs from Tempo's", async () => {
    const grafana = await grafanaFor({grafanaEnv: {TEMPO_QUERY_PASSWORD: 'not-the-query-password-000'}})
    const r = await check([tempo.url, '--grafana', grafana.url], {...CREDENTIALS, GF_SECURITY_ADMIN_PASSWORD: ADMIN})
    assert.equal(r.code, 1)
    assert.match(r.stdout, /✘ 7\/8 The Tempo datasource answers/)
    assert.match(r.stdout, /likely cause: wrong query password: the Grafana app's TEMPO_QUERY_PASSWORD differs/)
  })

  it('datasource unreachable: the provisioned URL has no Tempo behind it', async () => {
    const grafana = await grafanaFor({tempoUrl: 'http://127.0.0.1:9'})
    const r = await check([tempo.url, '--grafana', grafana.url], {...CREDENTIALS, GF_SECURITY_ADMIN_PASSWORD: ADMIN})
    assert.equal(r.code, 1)
    assert.match(r.stdout, /likely cause: datasource unreachable: Grafana cannot reach Tempo at http:\/\/127\.0\.0\.1:9/)
  })

  it('a wrong admin password, and none at all', async () => {
    const grafana = await grafanaFor()
    const wrong = await check([tempo.url, '--grafana', grafana.url, '--grafana-password', 'wrong-admin-password-000'], CREDENTIALS)
    assert.equal(wrong.code, 1)
    assert.match(wrong.stdout, /Grafana refused the admin credential \(401\)/)
    assert.ok(!wrong.stdout.includes('wrong-admin-password-000'))
    const none = await check([tempo.url, '--grafana', grafana.url], CREDENTIALS, await tempDir())
    assert.equal(none.code, 2)
    assert.match(none.stderr, /no Grafana admin password: pass --grafana-password \(or GF_SECURITY_ADMIN_PASSWORD\)/)
  })
})
