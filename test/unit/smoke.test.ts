import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {
  describeNetworkError,
  excerpt,
  otlpJsonSpan,
  parseBaseUrl,
  runSmoke,
  SERVICE_NAME,
  type SmokeOptions,
  SPAN_NAME,
} from '../../src/lib/platform/smoke.ts'
import {snippets} from '../../src/lib/core/snippets.ts'

const credentials = {ingestToken: 'token-0123456789abcdef', queryUser: 'grafana', queryPassword: 'password-0123456789'}

/** A clock that moves only when slept on, and a fetch answering from a route table. */
function harness(
  routes: (method: string, path: string, attempt: number) => {status: number; body?: string; headers?: Record<string, string>} | Error,
) {
  let now = 0
  const sleeps: number[] = []
  const calls: string[] = []
  const counts = new Map<string, number>()
  const fakeFetch = (async (input: URL, init: RequestInit) => {
    const key = `${init.method} ${input.pathname}`
    calls.push(key)
    counts.set(key, (counts.get(key) ?? 0) + 1)
    const answer = routes(init.method ?? 'GET', input.pathname, counts.get(key)!)
    if (answer instanceof Error) throw answer
    return new Response(answer.body ?? '', {status: answer.status, headers: answer.headers})
  }) as unknown as typeof fetch
  const options = (extra: Partial<SmokeOptions> = {}): SmokeOptions => ({
    url: parseBaseUrl('https://my-tempo.osc-fr1.scalingo.io'),
    credentials,
    timeoutMs: 10_000,
    traceId: 'ab'.repeat(16),
    fetch: fakeFetch,
    clock: {
      now: () => now,
      sleep: async (ms) => {
        sleeps.push(ms)
        now += ms
      },
    },
    ...extra,
  })
  return {options, sleeps, calls}
}

const found = JSON.stringify({
  trace: {
    resourceSpans: [
      {resource: {attributes: [{key: 'service.name', value: {stringValue: SERVICE_NAME}}]}, scopeSpans: [{spans: [{name: SPAN_NAME}]}]},
    ],
  },
})
const samples = JSON.stringify({
  series: [{labels: [{key: '__name__', value: {stringValue: 'rate'}}], samples: [{timestampMs: '1'}, {timestampMs: '2', value: 0.07}]}],
})
const healthy = (method: string, path: string) => {
  if (path === '/ready') return {status: 200, body: 'ready'}
  if (path.startsWith('/api/v2/traces/')) return {status: 200, body: found}
  if (path === '/api/status/buildinfo') return {status: 200, body: '{"version":"2.10.8"}'}
  if (path === '/api/metrics/query_range') return {status: 200, body: samples}
  return {status: 200, body: method === 'POST' ? '{}' : '{"traces":[]}'}
}
// Anonymous probes (auth step) get 401: the fake tells them apart by call order.
function withAuth(route: typeof healthy) {
  const seen = new Set<string>()
  return (method: string, path: string, attempt: number) => {
    const key = `${method} ${path}`
    if ((key === 'POST /v1/traces' || key === 'GET /api/search') && !seen.has(key)) {
      seen.add(key)
      return {status: 401, body: 'Unauthorized'}
    }
    return route(method, path, attempt)
  }
}

describe('smoke', () => {
  it('normalises base URLs', () => {
    assert.equal(parseBaseUrl('my-tempo.osc-fr1.scalingo.io').href, 'https://my-tempo.osc-fr1.scalingo.io/')
    assert.equal(parseBaseUrl('localhost:8080').href, 'http://localhost:8080/')
    assert.equal(parseBaseUrl('127.0.0.1:8080/').href, 'http://127.0.0.1:8080/')
    assert.equal(parseBaseUrl('https://example.com/tempo/?x=1#y').href, 'https://example.com/tempo')
    assert.throws(() => parseBaseUrl('ftp://example.com'), /not an http\(s\) URL/)
    assert.throws(() => parseBaseUrl('http://'), /is not a URL/)
  })

  it('keeps a path prefix in every request', async () => {
    const route = withAuth(healthy)
    const h = harness((method, path, attempt) => route(method, path.replace(/^\/tempo\//, '/'), attempt))
    const report = await runSmoke(h.options({url: parseBaseUrl('https://example.com/tempo/')}))
    assert.equal(report.ok, true)
    assert.ok(
      h.calls.every((c) => c.split(' ')[1].startsWith('/tempo/')),
      h.calls.join(', '),
    )
  })

  it('passes the five steps against a healthy app', async () => {
    const h = harness(withAuth(healthy))
    const report = await runSmoke(h.options())
    assert.deepEqual(
      report.steps.map((s) => `${s.id}:${s.status}`),
      ['ready:passed', 'auth:passed', 'push:passed', 'read:passed', 'metrics:passed'],
    )
    assert.equal(report.url, 'https://my-tempo.osc-fr1.scalingo.io')
  })

  it('backs off on /ready: 0.5 s doubling up to 5 s', async () => {
    const h = harness(
      withAuth((method, path, attempt) => (path === '/ready' && attempt < 7 ? {status: 503, body: 'not ready'} : healthy(method, path))),
    )
    const report = await runSmoke(h.options({timeoutMs: 60_000}))
    assert.equal(report.ok, true)
    assert.deepEqual(h.sleeps, [500, 1000, 2000, 4000, 5000, 5000])
    assert.equal(report.steps[0].detail, '200 after 7 attempts')
  })

  it('tells a router page (app asleep or crashed) from Tempo not being ready', async () => {
    const router = harness(() => ({status: 503, body: '<html><body>No web container is running</body></html>'}))
    const r1 = await runSmoke(router.options({timeoutMs: 3000}))
    assert.match(
      r1.steps[0].cause ?? '',
      /no container answers: .*wrong S3 bucket, endpoint or credentials.*; see `scalingo --app my-tempo --region osc-fr1 logs --lines 200`$/,
    )
    assert.deepEqual(
      r1.steps.slice(1).map((s) => s.status),
      ['skipped', 'skipped', 'skipped', 'skipped'],
    )
    const tempo = harness(() => ({status: 503, body: 'Some services are not Running:\nStarting: 1'}))
    const r2 = await runSmoke(tempo.options({timeoutMs: 3000}))
    assert.match(r2.steps[0].cause ?? '', /cannot reach its object storage/)
    assert.deepEqual(r2.steps[0].response, {status: 503, body: 'Some services are not Running: Starting: 1'})
    const draining = harness(() => ({status: 503, body: 'Tempo is restarting, retry later'}))
    assert.match((await runSmoke(draining.options({timeoutMs: 3000}))).steps[0].cause ?? '', /restarting/)
  })

  it('a 404 on a Scalingo app says it may not be deployed yet, and how to deploy it; elsewhere, a wrong URL', async () => {
    const h = harness(() => ({status: 404, body: 'not found'}))
    const onScalingo = await runSmoke(h.options())
    assert.match(onScalingo.steps[0].cause!, /if my-tempo is not deployed yet, deploy it \(`.*deploy` inside the app\)/)
    const elsewhere = await runSmoke(h.options({url: parseBaseUrl('https://tempo.example.org')}))
    assert.match(elsewhere.steps[0].cause!, /^wrong URL/)
    assert.doesNotMatch(elsewhere.steps[0].cause!, /deployed yet/)
  })

  it('fails at once on a 404, a redirect or a protected /ready', async () => {
    for (const [answer, pattern] of [
      [{status: 404, body: 'not found'}, /nothing serves \/ready/],
      [{status: 301, headers: {location: 'https://elsewhere.example/'}}, /redirected \(301\) to https:\/\/elsewhere\.example\//],
      [{status: 401, body: 'Unauthorized'}, /public/],
    ] as const) {
      const h = harness(() => answer)
      const report = await runSmoke(h.options())
      assert.equal(report.steps[0].status, 'failed')
      assert.match(`${report.steps[0].error} ${report.steps[0].cause}`, pattern)
      assert.deepEqual(h.sleeps, [], 'no retry')
    }
  })

  it('fails the push when Tempo reports rejected spans, and skips the read', async () => {
    const h = harness(
      withAuth((method, path) =>
        method === 'POST'
          ? {status: 200, body: '{"partialSuccess":{"rejectedSpans":"1","errorMessage":"too big"}}'}
          : healthy(method, path),
      ),
    )
    const report = await runSmoke(h.options())
    assert.equal(report.steps[2].status, 'failed')
    assert.match(report.steps[2].error ?? '', /rejected 1 span/)
    assert.equal(report.steps[3].status, 'skipped')
  })

  it('does not take a 200 with an empty trace as found', async () => {
    const h = harness(
      withAuth((method, path) => (path.startsWith('/api/v2/') ? {status: 200, body: '{"trace":{},"metrics":{}}'} : healthy(method, path))),
    )
    const report = await runSmoke(h.options({timeoutMs: 5000}))
    assert.equal(report.steps[3].status, 'failed')
    assert.ok(h.sleeps.length >= 3, 'polled')
  })

  it('reports an auth probe that is not a 401 as unexpected', async () => {
    const h = harness((method, path) =>
      path === '/api/search' ? {status: 502, body: 'Bad Gateway'} : path === '/ready' ? healthy(method, path) : {status: 401},
    )
    const report = await runSmoke(h.options())
    assert.match(report.steps[1].error ?? '', /GET \/api\/search without credentials answered 502, expected 401/)
  })

  it('names network failures and whether waiting helps', () => {
    const url = new URL('https://my-tempo.osc-fr1.scalingo.io')
    const failure = (code: string) => Object.assign(new TypeError('fetch failed'), {cause: {code}})
    assert.equal(describeNetworkError(failure('ENOTFOUND'), url, 1000).retry, false)
    assert.match(describeNetworkError(failure('ENOTFOUND'), url, 1000).cause, /wrong URL/)
    assert.equal(describeNetworkError(failure('ECONNREFUSED'), url, 1000).retry, true)
    assert.match(describeNetworkError(failure('ERR_TLS_CERT_ALTNAME_INVALID'), url, 1000).message, /TLS handshake/)
    const timeout = Object.assign(new Error('timed out'), {name: 'TimeoutError'})
    assert.match(describeNetworkError(timeout, url, 10_000).message, /no answer from my-tempo\.osc-fr1\.scalingo\.io within 10 s/)
  })

  it('builds an OTLP/JSON span with hex ids and the check service name', () => {
    const doc = JSON.parse(otlpJsonSpan('ab'.repeat(16), 'cd'.repeat(8), 1_700_000_000_000))
    const rs = doc.resourceSpans[0]
    assert.deepEqual(rs.resource.attributes[0], {key: 'service.name', value: {stringValue: 'create-tempo-scalingo-check'}})
    const span = rs.scopeSpans[0].spans[0]
    assert.equal(span.traceId, 'ab'.repeat(16))
    assert.equal(span.spanId, 'cd'.repeat(8))
    assert.equal(span.startTimeUnixNano, '1700000000000000000')
  })

  it('shortens bodies to one line', () => {
    assert.equal(excerpt('a\n  b\tc'), 'a b c')
    assert.equal(excerpt('x'.repeat(200), 10), 'xxxxxxxxxx…')
  })
})

describe('snippets', () => {
  const input = {
    url: 'https://t.example',
    ingestToken: 'a b/c',
    queryUser: 'grafana',
    showSecrets: false,
    tokenEnv: 'TEMPO_INGEST_TOKEN',
    passwordEnv: 'TEMPO_QUERY_PASSWORD',
  }

  it('hides the token unless asked, and percent-encodes it', () => {
    assert.equal(snippets(input).otelEnv.OTEL_EXPORTER_OTLP_HEADERS, 'Authorization=Bearer%20${TEMPO_INGEST_TOKEN}')
    assert.equal(snippets({...input, showSecrets: true}).otelEnv.OTEL_EXPORTER_OTLP_HEADERS, 'Authorization=Bearer%20a%20b%2Fc')
  })

  it('never writes a secret into the Collector or Grafana YAML', () => {
    const s = snippets({...input, showSecrets: true})
    assert.ok(!s.collector.includes('a b/c') && !s.grafana.includes('a b/c'))
    assert.match(s.grafana, /basicAuthPassword: \$TEMPO_QUERY_PASSWORD/)
  })

  it('a port the client refuses fails at once, naming the port, without retrying', async () => {
    const refused = Object.assign(new TypeError('fetch failed'), {cause: new Error('bad port')})
    const h = harness(() => refused)
    const report = await runSmoke(h.options({url: parseBaseUrl('https://127.0.0.1:1')}))
    assert.equal(report.steps[0].status, 'failed')
    assert.match(report.steps[0].error ?? '', /refuses to connect to port 1 of 127\.0\.0\.1/)
    assert.deepEqual(h.calls, ['GET /ready'])
    assert.deepEqual(h.sleeps, [])
  })

  it('a server that is not the proxy (no 401) gets no credential: push and read are skipped', async () => {
    const seen: string[] = []
    const h = harness((method, path) => (path === '/ready' ? {status: 200} : {status: 501, body: 'Unsupported method'}))
    const spy = h.options()
    const inner = spy.fetch!
    spy.fetch = (async (input: URL, init: RequestInit) => {
      seen.push(new Headers(init.headers).get('authorization') ?? '')
      return inner(input, init)
    }) as typeof fetch
    const report = await runSmoke(spy)
    assert.match(report.steps[1].error ?? '', /answered 501, expected 401/)
    assert.deepEqual(
      report.steps.slice(2).map((s) => s.status),
      ['skipped', 'skipped', 'skipped'],
    )
    assert.deepEqual(seen, ['', '', ''], 'no request carried a credential')
  })

  it("TraceQL metrics: polled until the span is counted, with the query credential, over the span's minute", async () => {
    const asked: string[] = []
    const h = harness(
      withAuth((method, path, attempt) =>
        path === '/api/metrics/query_range' && attempt < 3 ? {status: 200, body: '{"series":[]}'} : healthy(method, path),
      ),
    )
    const spy = h.options()
    const inner = spy.fetch!
    spy.fetch = (async (input: URL, init: RequestInit) => {
      if (input.pathname === '/api/metrics/query_range') asked.push(`${input.search}\n${new Headers(init.headers).get('authorization')}`)
      return inner(input, init)
    }) as typeof fetch
    const report = await runSmoke(spy)
    const metrics = report.steps.find((s) => s.id === 'metrics')!
    assert.equal(metrics.status, 'passed')
    assert.match(metrics.detail ?? '', /after 3 attempts/)
    assert.equal(asked.length, 3)
    const [search, authorization] = asked[0].split('\n')
    const params = new URLSearchParams(search)
    assert.equal(params.get('q'), `{resource.service.name="${SERVICE_NAME}"} | rate()`)
    assert.ok(Number(params.get('end')) - Number(params.get('start')) >= 60)
    assert.equal(authorization, 'Basic ' + Buffer.from(`${credentials.queryUser}:${credentials.queryPassword}`).toString('base64'))
  })

  it('TraceQL metrics off on Tempo 2.x (500 empty ring): fails, saying what turns them on', async () => {
    const h = harness(
      withAuth((method, path) =>
        path === '/api/metrics/query_range'
          ? {status: 500, body: 'error querying generators in Querier.queryRangeRecent: error finding generators: empty ring'}
          : healthy(method, path),
      ),
    )
    const report = await runSmoke(h.options())
    const metrics = report.steps.find((s) => s.id === 'metrics')!
    assert.equal(report.ok, false)
    assert.equal(metrics.status, 'failed')
    assert.match(metrics.error ?? '', /TraceQL metrics are off/)
    assert.match(metrics.cause ?? '', /overrides\.defaults\.metrics_generator\.processors: \[local-blocks\]/)
    assert.equal(metrics.response?.status, 500)
  })

  it('Tempo 2.4.0 cannot serve TraceQL metrics: the step is skipped, saying why, and the check passes', async () => {
    const h = harness(
      withAuth((method, path) => (path === '/api/status/buildinfo' ? {status: 200, body: '{"version":"2.4.0"}'} : healthy(method, path))),
    )
    const report = await runSmoke(h.options())
    const metrics = report.steps.find((s) => s.id === 'metrics')!
    assert.equal(report.ok, true)
    assert.equal(metrics.status, 'skipped')
    assert.match(metrics.detail ?? '', /Tempo 2\.4\.0 cannot serve Grafana's Traces Drilldown/)
    assert.ok(!h.calls.includes('GET /api/metrics/query_range'))
  })

  it('the time printed in a failure is the time measured', async () => {
    const h = harness(() => ({status: 503, body: 'not ready'}))
    const report = await runSmoke(h.options({timeoutMs: 3000}))
    const waited = Number(/not ready after ([\d.]+) s/.exec(report.steps[0].error ?? '')![1])
    assert.equal(waited * 1000, report.steps[0].durationMs)
  })
})
