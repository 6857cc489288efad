// The companion Grafana app checked end to end, after the Tempo smoke test: Grafana up with its
// database, the provisioned Tempo datasource healthy, and the smoke trace found through
// Grafana's datasource proxy. Each failure names its likely cause.
import {describeNetworkError, excerpt, SERVICE_NAME, SPAN_NAME, type StepResult} from './smoke.js'
import type {Clock} from './smoke.js'

export type GrafanaStepId = 'grafana-health' | 'datasource-health' | 'datasource-trace'
export type GrafanaStep = StepResult<GrafanaStepId>

export const GRAFANA_TITLES: Record<GrafanaStepId, string> = {
  'grafana-health': 'Grafana is up with its database (GET /api/health)',
  'datasource-health': 'The Tempo datasource answers (its health, admin credential)',
  'datasource-trace': "The smoke trace is found through Grafana's datasource proxy",
}

export interface GrafanaCheckOptions {
  url: URL
  admin: {user: string; password: string}
  /** The provisioned datasource's uid. */
  uid: string
  traceId: string
  timeoutMs: number
  requestTimeoutMs?: number
  pollIntervalMs?: number
  fetch?: typeof fetch
  clock?: Clock
  onProgress?: (message: string) => void
  onStep?: (step: GrafanaStep) => void
}

interface Answer {
  status: number
  body: string
}

const realClock: Clock = {now: () => performance.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms))}

const json = (body: string): Record<string, unknown> => {
  try {
    const doc = JSON.parse(body) as unknown
    return typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}

const PASSWORD_CAUSE =
  "wrong query password: the Grafana app's TEMPO_QUERY_PASSWORD differs from the Tempo app's (set the Tempo app's value on the Grafana app, then restart it)"

/** What a datasource error says, turned into its cause. */
function datasourceCause(message: string, tempo: string | undefined): string {
  if (/\b401\b|unauthori[sz]ed/i.test(message)) return PASSWORD_CAUSE
  if (/no such host|refused|timeout|deadline|EOF|dial tcp|tls|certificate|\b50[234]\b/i.test(message))
    return `datasource unreachable: Grafana cannot reach Tempo${tempo ? ` at ${tempo}` : ''} (wrong Tempo URL, or the Tempo app is down: run \`check\` on it)`
  return `the datasource answered an error; look at the Grafana app's logs`
}

export async function runGrafanaCheck(options: GrafanaCheckOptions): Promise<{ok: boolean; steps: GrafanaStep[]}> {
  const clock = options.clock ?? realClock
  const doFetch = options.fetch ?? fetch
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000
  const authorization = 'Basic ' + Buffer.from(`${options.admin.user}:${options.admin.password}`).toString('base64')
  const call = async (path: string, admin = true): Promise<Answer | ReturnType<typeof describeNetworkError>> => {
    try {
      const response = await doFetch(new URL(options.url.pathname.replace(/\/$/, '') + path, options.url), {
        headers: {accept: 'application/json', ...(admin ? {authorization} : {})},
        redirect: 'manual',
        signal: AbortSignal.timeout(requestTimeoutMs),
      })
      return {status: response.status, body: await response.text()}
    } catch (error) {
      return describeNetworkError(error, options.url, requestTimeoutMs)
    }
  }
  const isAnswer = (r: Answer | ReturnType<typeof describeNetworkError>): r is Answer => 'status' in r
  const fail = (step: GrafanaStep, error: string, cause: string, answer?: Answer) => {
    Object.assign(step, {status: 'failed', error, cause})
    if (answer) step.response = {status: answer.status, body: excerpt(answer.body)}
  }
  const adminRefused = (step: GrafanaStep, answer: Answer) =>
    fail(
      step,
      `Grafana refused the admin credential (${answer.status})`,
      "wrong admin user or password: pass the Grafana app's GF_SECURITY_ADMIN_USER / GF_SECURITY_ADMIN_PASSWORD (its .env, or --grafana-user / --grafana-password)",
      answer,
    )
  let tempoUrl: string | undefined

  const health = async (step: GrafanaStep) => {
    // No credential: /api/health is public, and a server that is not Grafana gets none.
    const answer = await call('/api/health', false)
    if (!isAnswer(answer)) return fail(step, answer.message, `Grafana down: ${answer.cause}; see \`scalingo --app <grafana app> logs\``)
    const doc = json(answer.body)
    if (answer.status === 200 && doc.database === 'ok') {
      step.detail = `Grafana ${String(doc.version ?? '')}, database ok`.replace('Grafana ,', 'Grafana,')
      return
    }
    if (doc.database !== undefined && doc.database !== 'ok')
      return fail(
        step,
        `GET /api/health answered ${answer.status}: database ${String(doc.database)}`,
        'database not ready: the PostgreSQL addon is missing or still provisioning, or GF_DATABASE_URL is wrong (it comes from SCALINGO_POSTGRESQL_URL with sslmode=require, see .profile.d/grafana-database.sh)',
        answer,
      )
    fail(
      step,
      `GET /api/health answered ${answer.status}`,
      answer.status >= 500
        ? 'Grafana down: no container answers (stopped, crashed, or its deployment failed); see its logs'
        : 'this URL is not a Grafana: check the Grafana app URL',
      answer,
    )
  }

  const datasourceHealth = async (step: GrafanaStep) => {
    const ds = await call(`/api/datasources/uid/${options.uid}`)
    if (!isAnswer(ds)) return fail(step, ds.message, ds.cause)
    if (ds.status === 401 || ds.status === 403) return adminRefused(step, ds)
    if (ds.status === 404)
      return fail(
        step,
        `no datasource with uid ${options.uid}`,
        "the Tempo datasource was not provisioned: GF_PATHS_PROVISIONING must point at the app's provisioning directory (/app/provisioning) and provisioning/datasources/tempo.yaml must be deployed",
        ds,
      )
    tempoUrl = typeof json(ds.body).url === 'string' ? (json(ds.body).url as string) : undefined
    const answer = await call(`/api/datasources/uid/${options.uid}/health`)
    if (!isAnswer(answer)) return fail(step, answer.message, answer.cause)
    if (answer.status === 401 || answer.status === 403) return adminRefused(step, answer)
    const doc = json(answer.body)
    if (answer.status === 200 && doc.status === 'OK') {
      step.detail = `${tempoUrl ?? 'Tempo'}: ${String(doc.message ?? 'OK')}`
      return
    }
    const message = String(doc.message ?? answer.body)
    fail(step, `the datasource health check failed (${answer.status}): ${excerpt(message)}`, datasourceCause(message, tempoUrl), answer)
  }

  const traceThroughProxy = async (step: GrafanaStep) => {
    const t0 = clock.now()
    const deadline = t0 + options.timeoutMs
    const path = `/api/datasources/proxy/uid/${options.uid}/api/v2/traces/${options.traceId}`
    let last: Answer | ReturnType<typeof describeNetworkError> | undefined
    for (let attempt = 1; ; attempt++) {
      const answer = await call(path)
      last = answer
      if (isAnswer(answer)) {
        // Real Tempo writes ids in base64 there: the smoke span is told by its name and service, as in the smoke test.
        if (answer.status === 200 && answer.body.includes(SPAN_NAME) && answer.body.includes(SERVICE_NAME)) {
          step.detail = `trace ${options.traceId} through ${path.replace(options.traceId, '<id>')}`
          return
        }
        if (answer.status === 401) return fail(step, 'the datasource proxy answered 401', PASSWORD_CAUSE, answer)
        if (answer.status === 403) return adminRefused(step, answer)
        if (answer.status === 502 || answer.status === 504)
          return fail(step, `the datasource proxy answered ${answer.status}`, datasourceCause(answer.body, tempoUrl), answer)
      }
      if (clock.now() >= deadline) break
      options.onProgress?.(`waiting for the trace through Grafana: attempt ${attempt}`)
      await clock.sleep(Math.min(options.pollIntervalMs ?? 1000, deadline - clock.now()))
    }
    if (last && !isAnswer(last)) return fail(step, last.message, last.cause)
    fail(
      step,
      `the smoke trace was not found through Grafana after ${((clock.now() - t0) / 1000).toFixed(1)} s (last answer ${last?.status})`,
      "Grafana's datasource points at another Tempo than the one checked: compare its URL with the Tempo app's",
      last,
    )
  }

  const steps: GrafanaStep[] = []
  let failed = false
  for (const [id, run] of [
    ['grafana-health', health],
    ['datasource-health', datasourceHealth],
    ['datasource-trace', traceThroughProxy],
  ] as const) {
    const step: GrafanaStep = {id, title: GRAFANA_TITLES[id], status: failed ? 'skipped' : 'passed', durationMs: 0}
    if (!failed) {
      const t0 = clock.now()
      await run(step)
      step.durationMs = Math.round(clock.now() - t0)
      failed = step.status === 'failed'
    }
    steps.push(step)
    options.onStep?.(step)
  }
  return {ok: !failed, steps}
}
