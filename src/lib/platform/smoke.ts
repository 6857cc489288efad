// End-to-end smoke test of a Tempo behind the buildpack's proxy: ready, auth enforced,
// one span pushed over OTLP/HTTP JSON and read back. No output here: results and
// progress go to callbacks, so the command decides how (and whether) to show them.
import {randomBytes} from 'node:crypto'

import {drilldownWarning} from '../core/contract.js'
import {UsageError} from '../core/errors.js'
import {cli} from '../core/invocation.js'
import {classifyNetworkError} from '../core/network.js'
import {type NamedStep, runSteps} from '../core/steps.js'

export const SERVICE_NAME = 'create-tempo-scalingo-check'
export const SPAN_NAME = 'create-tempo-scalingo check'

export type StepId = 'ready' | 'auth' | 'push' | 'read' | 'metrics'
export type StepStatus = 'passed' | 'failed' | 'skipped'

export interface StepResult<Id extends string = StepId> {
  id: Id
  title: string
  status: StepStatus
  durationMs: number
  /** What was seen on success (e.g. which endpoint answered). */
  detail?: string
  /** What went wrong, on failure. */
  error?: string
  /** The last answer, when there was one. */
  response?: {status: number; body: string}
  /** The likely cause and what to do, on failure. */
  cause?: string
}

export interface SmokeReport {
  url: string
  ok: boolean
  traceId: string
  durationMs: number
  steps: StepResult[]
}

export interface Credentials {
  ingestToken: string
  queryUser: string
  queryPassword: string
}

export interface Clock {
  now(): number
  sleep(ms: number): Promise<void>
}

export interface SmokeOptions {
  url: URL
  credentials: Credentials
  /** How long to wait for /ready, and then for the span to come back. */
  timeoutMs: number
  requestTimeoutMs?: number
  pollIntervalMs?: number
  traceId?: string
  fetch?: typeof fetch
  clock?: Clock
  /** Called while a step waits (attempts, last answer), for a progress line. */
  onProgress?: (message: string) => void
  /** Called as each step ends. */
  onStep?: (step: StepResult) => void
}

const realClock: Clock = {now: () => performance.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms))}

export const TITLES: Record<StepId, string> = {
  ready: 'Tempo is ready (GET /ready)',
  auth: 'Auth is enforced (no credentials → 401)',
  push: 'Span accepted (POST /v1/traces, ingest token)',
  read: 'Span read back (query credentials)',
  metrics: "TraceQL metrics answer (Grafana's Traces Drilldown)",
}

/** The app's base URL; a bare host gets https:// (http:// for the local machine). */
export function parseBaseUrl(input: string): URL {
  const local = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?(\/|$)/.test(input)
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(input) ? input : `${local ? 'http' : 'https'}://${input}`
  let url: URL
  try {
    url = new URL(withScheme)
  } catch {
    throw new UsageError(`"${input}" is not a URL: pass the app's address, e.g. https://my-tempo.osc-fr1.scalingo.io`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`"${input}" is not an http(s) URL: pass the app's address, e.g. https://my-tempo.osc-fr1.scalingo.io`)
  url.pathname = url.pathname.replace(/\/+$/, '')
  url.search = ''
  url.hash = ''
  return url
}

const scalingoApp = (url: URL) => /^([a-z0-9-]+)\.(osc-[a-z0-9-]+)\.scalingo\.io$/.exec(url.hostname)

/** A 404 for /ready: a Scalingo app not deployed yet, else an address that is not the proxy's. */
function notFoundCause(url: URL): string {
  const where = 'is it the app deployed with the Tempo buildpack, without an extra path?'
  const app = scalingoApp(url)?.[1]
  if (!app) return `wrong URL: nothing serves /ready here; ${where}`
  return `nothing serves /ready at ${url.host} yet: if ${app} is not deployed yet, deploy it (\`${cli('deploy')}\` inside the app) and run the check again; otherwise the URL is wrong: ${where}`
}

/** Where to read the app's logs: the `scalingo` command when the URL is a Scalingo one. */
function logsOf(url: URL): string {
  const m = scalingoApp(url)
  return m ? `\`scalingo --app ${m[1]} --region ${m[2]} logs --lines 200\`` : "the app's logs"
}

interface Answer {
  status: number
  body: string
  location?: string
}

interface NetworkFailure {
  message: string
  cause: string
  retry: boolean
}

export function otlpJsonSpan(traceId: string, spanId: string, nowMs: number): string {
  const start = BigInt(Math.round(nowMs)) * 1_000_000n
  return JSON.stringify({
    resourceSpans: [
      {
        resource: {attributes: [{key: 'service.name', value: {stringValue: SERVICE_NAME}}]},
        scopeSpans: [
          {
            scope: {name: 'create-tempo-scalingo'},
            spans: [
              {
                traceId,
                spanId,
                name: SPAN_NAME,
                kind: 1,
                startTimeUnixNano: String(start),
                endTimeUnixNano: String(start + 1_000_000n),
                attributes: [{key: 'check.purpose', value: {stringValue: 'deployment smoke test'}}],
              },
            ],
          },
        ],
      },
    ],
  })
}

/** A body shortened to one line, for error messages. */
export function excerpt(body: string, max = 160): string {
  const line = body.replace(/\s+/g, ' ').trim()
  return line.length > max ? `${line.slice(0, max)}…` : line
}

/** Names a fetch failure by its cause (DNS, refused, TLS, timeout) and says whether waiting may help. */
export function describeNetworkError(error: unknown, url: URL, timeoutMs: number): NetworkFailure {
  const {kind, code, detail} = classifyNetworkError(error)
  switch (kind) {
    case 'timeout':
      return {
        message: `no answer from ${url.host} within ${Math.round(timeoutMs / 1000)} s`,
        cause: 'the app is asleep, overloaded or unreachable from here',
        retry: true,
      }
    case 'dns':
      return {
        message: `cannot resolve ${url.hostname} (${code})`,
        cause: 'wrong URL: check the app name and region (https://<app>.<region>.scalingo.io) or the DNS of your domain',
        retry: false,
      }
    // Waiting cannot help: the client itself refuses the port.
    case 'bad-port':
      return {
        message: `this client refuses to connect to port ${url.port} of ${url.hostname} (a port fetch blocks as unsafe)`,
        cause: 'wrong port in the URL: the app is served on 443 (https) or 80 (http), a local run on the port given to it',
        retry: false,
      }
    case 'refused':
      return {
        message: `connection refused by ${url.host}`,
        cause:
          'nothing listens there: wrong port, or the app is not running (its proxy opens the port only once Tempo is ready, and a wrong S3 setting keeps Tempo from getting ready)',
        retry: true,
      }
    case 'tls':
      return {
        message: `TLS handshake with ${url.host} failed (${code || detail})`,
        cause: 'http:// and https:// mixed up, or a certificate problem',
        retry: false,
      }
    default:
      return {message: `request to ${url.host} failed: ${code || detail}`, cause: 'network trouble between here and the app', retry: true}
  }
}

/** One request to the app; a network failure is returned, not thrown. */
type Call = (
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
  budgetMs?: number,
) => Promise<Answer | NetworkFailure>

/** What the steps share, set up once per run. */
interface StepContext {
  options: SmokeOptions
  call: Call
  clock: Clock
  traceId: string
  pollIntervalMs: number
  /** Where to read the app's logs, named in causes. */
  logs: string
  /** When the span was pushed (its start time), set by the push step. */
  pushedAtMs?: number
  progress: (message: string) => void
}

type Step = NamedStep<StepContext, StepResult>

/** Times a step with the smoke test's clock. */
const timed =
  (run: Step['run']): Step['run'] =>
  async (ctx, step) => {
    const t0 = ctx.clock.now()
    await run(ctx, step)
    step.durationMs = Math.round(ctx.clock.now() - t0)
  }

// Each step needs the previous one to pass: after a failure the rest could only repeat its error.
const STEPS: Step[] = [
  {name: 'ready', run: timed(waitReady)},
  {name: 'auth', run: timed(checkAuthEnforced)},
  {name: 'push', run: timed(pushSpan)},
  {name: 'read', run: timed(readSpanBack)},
  {name: 'metrics', run: timed(queryMetrics)},
]

export const STEP_COUNT = STEPS.length

export async function runSmoke(options: SmokeOptions): Promise<SmokeReport> {
  const clock = options.clock ?? realClock
  const traceId = options.traceId ?? randomBytes(16).toString('hex')
  const ctx: StepContext = {
    options,
    call: requester(options.fetch ?? fetch, options.url, options.requestTimeoutMs ?? 10_000),
    clock,
    traceId,
    pollIntervalMs: options.pollIntervalMs ?? 1000,
    logs: logsOf(options.url),
    progress: options.onProgress ?? (() => {}),
  }
  const started = clock.now()
  const result = (status: StepStatus) => (name: string) => ({id: name as StepId, title: TITLES[name as StepId], status, durationMs: 0})
  const {results, failed} = await runSteps(STEPS, ctx, {begin: result('passed'), skipped: result('skipped')}, options.onStep)
  return {url: options.url.href.replace(/\/$/, ''), ok: !failed, traceId, durationMs: Math.round(clock.now() - started), steps: results}
}

function requester(doFetch: typeof fetch, url: URL, requestTimeoutMs: number): Call {
  const endpoint = (path: string) => new URL(url.pathname.replace(/\/$/, '') + path, url)
  return async (method, path, headers, body, budgetMs = requestTimeoutMs) => {
    const timeout = Math.round(Math.max(1000, Math.min(requestTimeoutMs, budgetMs)))
    try {
      // Redirects are reported rather than followed: a POST turned into a GET would hide the real problem.
      const response = await doFetch(endpoint(path), {method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeout)})
      return {status: response.status, body: await response.text(), location: response.headers.get('location') ?? undefined}
    } catch (error) {
      return describeNetworkError(error, url, timeout)
    }
  }
}

const isAnswer = (r: Answer | NetworkFailure): r is Answer => 'status' in r

function fail(step: StepResult, error: string, cause: string, answer?: Answer): void {
  step.status = 'failed'
  step.error = error
  step.cause = cause
  if (answer) step.response = {status: answer.status, body: excerpt(answer.body)}
}

function redirected(step: StepResult, what: string, answer: Answer): void {
  fail(
    step,
    `${what} was redirected (${answer.status}) to ${answer.location ?? 'another address'}`,
    'pass the final URL (often https:// instead of http://)',
    answer,
  )
}

/** 1. /ready, with backoff: a fresh deploy, a waking app or Tempo's own warm-up all answer 503 for a while. */
async function waitReady({call, clock, options, logs, progress}: StepContext, step: StepResult): Promise<void> {
  const t0 = clock.now()
  const deadline = t0 + options.timeoutMs
  let delay = 500
  for (let attempt = 1; ; attempt++) {
    const answer = await call('GET', '/ready', {}, undefined, deadline - clock.now())
    if (isAnswer(answer)) {
      if (answer.status === 200) {
        step.detail = attempt === 1 ? '200' : `200 after ${attempt} attempts`
        return
      }
      if (answer.status >= 300 && answer.status < 400) return redirected(step, 'GET /ready', answer)
      if (answer.status === 404) return fail(step, 'GET /ready answered 404', notFoundCause(options.url), answer)
      if (answer.status === 401 || answer.status === 403)
        return fail(
          step,
          `GET /ready answered ${answer.status}`,
          "/ready is public behind the buildpack's proxy: this URL is served by something else",
          answer,
        )
    } else if (!answer.retry) {
      return fail(step, answer.message, answer.cause)
    }
    // The whole --timeout is used: the last pause is cut to what is left.
    if (clock.now() >= deadline) {
      const waited = `Tempo was not ready after ${elapsed(clock.now() - t0)} (${attempt} attempts)`
      if (!isAnswer(answer)) return fail(step, `${waited}: ${answer.message}`, `${answer.cause}; see ${logs}`)
      return fail(step, `${waited}: last answer ${answer.status}`, notReadyCause(answer, logs), answer)
    }
    progress(`waiting for /ready: ${isAnswer(answer) ? `answered ${answer.status}` : answer.message}, attempt ${attempt}`)
    await clock.sleep(Math.min(delay, deadline - clock.now()))
    delay = Math.min(delay * 2, 5000)
  }
}

/**
 * 2. Both APIs must refuse anonymous requests with the proxy's 401. The ingest probe carries no span,
 * so an open app stores nothing; anything else is not our proxy, and gets no credential.
 */
async function checkAuthEnforced({call, logs}: StepContext, step: StepResult): Promise<void> {
  const probes = [
    {what: 'POST /v1/traces', answer: await call('POST', '/v1/traces', {'content-type': 'application/json'}, '{"resourceSpans":[]}')},
    {what: 'GET /api/search', answer: await call('GET', '/api/search', {})},
  ]
  for (const {what, answer} of probes) {
    if (!isAnswer(answer)) return fail(step, `${what}: ${answer.message}`, answer.cause)
    if (answer.status >= 200 && answer.status < 300) {
      return fail(
        step,
        `${what} without credentials answered ${answer.status}: anyone can ${what.startsWith('POST') ? 'push' : 'read'} traces`,
        "auth is off: the app runs with TEMPO_AUTH=off, or a proxy other than the buildpack's serves this URL; set TEMPO_INGEST_TOKEN, TEMPO_QUERY_USER and TEMPO_QUERY_PASSWORD and unset TEMPO_AUTH",
        answer,
      )
    }
    if (answer.status >= 300 && answer.status < 400) return redirected(step, what, answer)
    if (answer.status !== 401) {
      return fail(
        step,
        `${what} without credentials answered ${answer.status}, expected 401`,
        `this URL is not served by the buildpack's proxy in front of Tempo (no credential was sent to it); check the URL, see ${logs}`,
        answer,
      )
    }
  }
  step.detail = 'POST /v1/traces and GET /api/search refused without credentials'
}

/** 3. One span over OTLP/HTTP JSON with the ingest token. */
async function pushSpan(ctx: StepContext, step: StepResult): Promise<void> {
  const {call, options, traceId, logs} = ctx
  const spanId = randomBytes(8).toString('hex')
  ctx.pushedAtMs = Date.now()
  const answer = await call(
    'POST',
    '/v1/traces',
    {'content-type': 'application/json', authorization: `Bearer ${options.credentials.ingestToken}`},
    otlpJsonSpan(traceId, spanId, ctx.pushedAtMs),
  )
  if (!isAnswer(answer)) return fail(step, answer.message, answer.cause)
  if (answer.status === 401 || answer.status === 403) {
    return fail(
      step,
      `the ingest token was refused (${answer.status})`,
      "auth mismatch: the token used here differs from the app's TEMPO_INGEST_TOKEN (`scalingo env`); pass --ingest-token or fix .env",
      answer,
    )
  }
  if (answer.status >= 300 && answer.status < 400) return redirected(step, 'POST /v1/traces', answer)
  if (answer.status !== 200) {
    const cause =
      answer.status === 404
        ? 'wrong URL: no OTLP route here'
        : answer.status >= 500
          ? `Tempo's OTLP receiver failed; see ${logs}`
          : 'Tempo refused the span'
    return fail(step, `POST /v1/traces answered ${answer.status}`, cause, answer)
  }
  const rejected = rejectedSpans(answer.body)
  if (rejected > 0)
    return fail(step, `Tempo answered 200 but rejected ${rejected} span(s)`, `see the message in the answer and ${logs}`, answer)
  step.detail = `trace ${traceId}`
}

/** 4. Poll until the span is served. A 200 alone proves nothing: 2.10 and 3.x answer 200 with an empty trace for unknown ids. */
async function readSpanBack({call, clock, options, traceId, pollIntervalMs, logs, progress}: StepContext, step: StepResult): Promise<void> {
  const t0 = clock.now()
  const deadline = t0 + options.timeoutMs
  const headers = queryHeaders(options.credentials)
  let path = `/api/v2/traces/${traceId}`
  let last: Answer | NetworkFailure | undefined
  for (let attempt = 1; ; attempt++) {
    const answer = await call('GET', path, headers, undefined, deadline - clock.now())
    last = answer
    if (isAnswer(answer)) {
      if (answer.status === 200 && answer.body.includes(SPAN_NAME) && answer.body.includes(SERVICE_NAME)) {
        step.detail = `found through GET ${path.replace(traceId, '<id>')}${attempt > 1 ? ` after ${attempt} attempts` : ''}`
        return
      }
      if (answer.status === 401 || answer.status === 403) {
        return fail(
          step,
          `the query credentials were refused (${answer.status})`,
          "auth mismatch: the user or password used here differs from the app's TEMPO_QUERY_USER / TEMPO_QUERY_PASSWORD (`scalingo env`)",
          answer,
        )
      }
      if (answer.status >= 300 && answer.status < 400) return redirected(step, `GET ${path}`, answer)
      // Tempo 2.4 has no /api/v2: switch at once to the older endpoint.
      if (answer.status === 404 && path.startsWith('/api/v2/')) {
        path = `/api/traces/${traceId}`
        attempt = 0
        continue
      }
    }
    if (clock.now() >= deadline) break
    progress(
      `waiting for the span: ${isAnswer(answer) ? `GET ${path.replace(traceId, '<id>')} answered ${answer.status}` : answer.message}, attempt ${attempt}`,
    )
    await clock.sleep(Math.min(pollIntervalMs, deadline - clock.now()))
  }
  const waited = `the span did not come back after ${elapsed(clock.now() - t0)} (trace ${traceId})`
  if (last && !isAnswer(last)) return fail(step, `${waited}: ${last.message}`, last.cause)
  fail(
    step,
    `${waited}: last answer of GET ${path.replace(traceId, '<id>')} was ${last?.status}${last?.status === 200 ? ' without the span' : ''}`,
    `Tempo accepted the span but does not serve it: look for ingester or storage errors in ${logs}; a longer --timeout helps on a slow start`,
    last,
  )
}

const queryHeaders = ({queryUser, queryPassword}: Credentials) => ({
  authorization: 'Basic ' + Buffer.from(`${queryUser}:${queryPassword}`).toString('base64'),
  accept: 'application/json',
})

/** The version from /api/status/buildinfo, when it answers. */
async function tempoVersion({call, options}: StepContext): Promise<string | undefined> {
  const answer = await call('GET', '/api/status/buildinfo', queryHeaders(options.credentials))
  if (!isAnswer(answer) || answer.status !== 200) return undefined
  try {
    return (JSON.parse(answer.body) as {version?: string}).version || undefined
  } catch {
    return undefined
  }
}

/** A rate over the check's service, from its span's minute on: at least one sample with a value. */
function hasSamples(body: string): boolean {
  try {
    const {series} = JSON.parse(body) as {series?: {samples?: {value?: number}[]}[]}
    return (series ?? []).some((s) => (s.samples ?? []).some((sample) => (sample.value ?? 0) > 0))
  } catch {
    return false
  }
}

/**
 * 5. A TraceQL metrics query over the smoke span, polled until it counts it: what Grafana's Traces
 * Drilldown runs on every panel. Tempo 2.x before 2.6 cannot serve it: skipped, said why.
 */
async function queryMetrics(ctx: StepContext, step: StepResult): Promise<void> {
  const {call, clock, options, pollIntervalMs, logs, progress} = ctx
  const version = await tempoVersion(ctx)
  const reason = version ? drilldownWarning(version) : undefined
  if (reason) {
    step.status = 'skipped'
    step.detail = reason
    return
  }
  const t0 = clock.now()
  const deadline = t0 + options.timeoutMs
  const query = encodeURIComponent(`{resource.service.name="${SERVICE_NAME}"} | rate()`)
  const start = Math.floor((ctx.pushedAtMs ?? Date.now()) / 1000) - 60
  let last: Answer | NetworkFailure | undefined
  for (let attempt = 1; ; attempt++) {
    const path = `/api/metrics/query_range?q=${query}&start=${start}&end=${Math.ceil(Date.now() / 1000)}&step=15s`
    const answer = await call('GET', path, queryHeaders(options.credentials), undefined, deadline - clock.now())
    last = answer
    if (isAnswer(answer)) {
      if (answer.status === 200 && hasSamples(answer.body)) {
        step.detail = `{} | rate() counted the span through GET /api/metrics/query_range${attempt > 1 ? ` after ${attempt} attempts` : ''}`
        return
      }
      if (/empty ring/.test(answer.body))
        return fail(
          step,
          `GET /api/metrics/query_range answered ${answer.status}: TraceQL metrics are off`,
          `Tempo 2.x serves them only with the metrics-generator's local blocks, which the buildpack's default config turns on from Tempo 2.6; an app's own tempo.yaml needs overrides.defaults.metrics_generator.processors: [local-blocks], metrics_generator.storage.path and metrics_generator.traces_storage.path (\`update\` regenerates it). Grafana's Traces Drilldown fails without them`,
          answer,
        )
      if (answer.status === 401 || answer.status === 403 || (answer.status >= 300 && answer.status < 400) || answer.status === 404)
        return fail(
          step,
          `GET /api/metrics/query_range answered ${answer.status}`,
          `this Tempo does not serve TraceQL metrics here; see ${logs}`,
          answer,
        )
    }
    if (clock.now() >= deadline) break
    progress(`waiting for TraceQL metrics: ${isAnswer(answer) ? `answered ${answer.status}` : answer.message}, attempt ${attempt}`)
    await clock.sleep(Math.min(pollIntervalMs, deadline - clock.now()))
  }
  const waited = `TraceQL metrics did not count the span after ${elapsed(clock.now() - t0)}`
  if (last && !isAnswer(last)) return fail(step, `${waited}: ${last.message}`, last.cause)
  fail(
    step,
    `${waited}: last answer of GET /api/metrics/query_range was ${last?.status}${last?.status === 200 ? ' without samples' : ''}`,
    `the metrics-generator does not see the spans: look for metrics-generator errors in ${logs}`,
    last,
  )
}

const elapsed = (ms: number): string => `${(ms / 1000).toFixed(1)} s`

// The proxy binds the app's port only once Tempo is ready, so a Tempo that cannot reach its
// bucket shows up as a closed port locally and as the router's error page on Scalingo.
const STORAGE = 'a Tempo that cannot reach its object storage (wrong S3 bucket, endpoint or credentials) never gets ready'

function notReadyCause(answer: Answer, logs: string): string {
  if (/restarting/i.test(answer.body)) return 'the app is restarting (a deploy or restart is in progress): run the check again in a minute'
  if (answer.status === 503 && !answer.body.trimStart().startsWith('<')) return `Tempo runs but is not ready: ${STORAGE}; see ${logs}`
  return `no container answers: the app is stopped, asleep, crashed or its last deployment failed; ${STORAGE}, which fails the deployment; see ${logs}`
}

function rejectedSpans(body: string): number {
  try {
    return Number((JSON.parse(body) as {partialSuccess?: {rejectedSpans?: string | number}}).partialSuccess?.rejectedSpans ?? 0) || 0
  } catch {
    return 0
  }
}
