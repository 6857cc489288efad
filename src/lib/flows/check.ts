// The `check` command's work: resolve what to check (URL, credentials, Tempo version)
// from flags, env, the app's .env and answers file, run the smoke test or the lint, and
// turn results into lines and one JSON document.
import {access, readFile} from 'node:fs/promises'
import path from 'node:path'

import chalk from 'chalk'

import {ANSWERS_FILE, readAnswersFile} from '../app/answers.js'
import {readDotEnv} from '../core/dotenv.js'
import {UsageError} from '../core/errors.js'
import {knownVersions, lintConfig, loadKeyTree, nearestVersion} from '../app/lint.js'
import {redact} from '../core/output.js'
import {type Progress} from '../core/progress.js'
import {describeRing, readRing} from '../platform/ring.js'
import {DEFAULT_TEMPO_VERSION, setting} from '../settings/settings.js'
import {parseBaseUrl, runSmoke, STEP_COUNT, type StepResult} from '../platform/smoke.js'
import {GRAFANA_TITLES} from '../platform/grafana-check.js'
import {DATASOURCE_UID} from '../settings/grafana.js'
import {snippets} from '../core/snippets.js'

export const CREDENTIAL_SETTINGS = ['ingestToken', 'queryUser', 'queryPassword'].map(setting)

export interface Io {
  log(line: string): void
  warn(line: string): void
  progress: Progress
}

export interface Outcome {
  ok: boolean
  document: unknown
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`
const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  )

// ---- offline lint --------------------------------------------------------------

export interface LintInput {
  file: string
  /** --tempo-version, when given. */
  version?: string
  env: NodeJS.ProcessEnv
  cwd: string
  cliVersion: string
  io: Io
}

/** Version to lint against: flag > TEMPO_VERSION > the answers file here > the default. */
async function lintVersion(input: LintInput): Promise<string> {
  const s = setting('tempoVersion')
  let version = input.version ?? input.env[s.env]
  if (!version && (await exists(path.join(input.cwd, ANSWERS_FILE))))
    version = (await readAnswersFile(input.cwd, input.cliVersion)).answers.tempoVersion
  version ||= DEFAULT_TEMPO_VERSION
  const problem = s.validate?.(version)
  if (problem) throw new UsageError(`--${s.flag} ${version}: ${problem}`)
  return version.replace(/^v/, '')
}

export async function lintFile(input: LintInput): Promise<Outcome> {
  let text: string
  try {
    text = await readFile(path.resolve(input.cwd, input.file), 'utf8')
  } catch (error) {
    throw new UsageError(
      `cannot read ${input.file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): pass the path of a tempo.yaml to --config`,
    )
  }
  const version = await lintVersion(input)
  const known = knownVersions()
  const against = nearestVersion(version, known)
  const warnings: string[] = []
  if (against !== version)
    warnings.push(`no key tree for Tempo ${version}: checked against ${against}, the nearest known version (${known.join(', ')})`)
  const others = Object.fromEntries(known.filter((v) => v !== against).map((v) => [v, loadKeyTree(v)]))
  const findings = lintConfig(text, loadKeyTree(against), others)

  for (const warning of warnings) input.io.warn(warning)
  for (const f of findings) input.io.log(`${input.file}:${f.line}: ${f.message}`)
  if (findings.length === 0) input.io.log(chalk.green('✔ ') + `${input.file}: every key is known to Tempo ${against}.`)
  else
    input.io.log(
      chalk.red('✘ ') +
        `${input.file}: ${findings.length} problem${findings.length === 1 ? '' : 's'} for Tempo ${against}: Tempo would refuse to start with this config.`,
    )

  return {
    ok: findings.length === 0,
    document: {
      file: input.file,
      tempoVersion: version,
      checkedAgainst: against,
      ok: findings.length === 0,
      findings: findings.map((f) => ({line: f.line, column: f.column, key: f.path, message: f.message, suggestion: f.suggestion})),
      warnings,
    },
  }
}

// ---- deployment smoke test -------------------------------------------------------

export interface DeploymentInput {
  url?: string
  /** Credential flags by flag name (ingest-token, query-user, query-password). */
  flags: Record<string, string | undefined>
  env: NodeJS.ProcessEnv
  cwd: string
  cliVersion: string
  timeoutSeconds: number
  showSecrets: boolean
  io: Io
  /** The companion Grafana app to check after Tempo: its URL and admin credential flags. */
  grafana?: {url: string; user?: string; password?: string}
}

/** URL argument, else the app's Scalingo address from the answers file in the current directory. */
export async function resolveUrl(input: Pick<DeploymentInput, 'url' | 'cwd' | 'cliVersion'>): Promise<URL> {
  if (input.url) return parseBaseUrl(input.url)
  if (!(await exists(path.join(input.cwd, ANSWERS_FILE)))) {
    throw new UsageError(
      `no URL given and no ${ANSWERS_FILE} here: pass the app's URL (e.g. \`check https://my-tempo.osc-fr1.scalingo.io\`) or run this inside the app's directory`,
    )
  }
  const {answers} = await readAnswersFile(input.cwd, input.cliVersion)
  if (!answers.appName) throw new UsageError(`${ANSWERS_FILE} has no app name: pass the app's URL`)
  return parseBaseUrl(`https://${answers.appName}.${answers.region || 'osc-fr1'}.scalingo.io`)
}

/** Each credential: flag > env > the app's .env (secrets) or answers file (the user) > the setting's default; all missing ones named at once. */
export async function resolveCredentials(
  input: Pick<DeploymentInput, 'flags' | 'env' | 'cwd'> & {cliVersion?: string},
): Promise<Record<string, string>> {
  const dotEnv = await readDotEnv(input.cwd, input.env)
  const saved =
    input.cliVersion && (await exists(path.join(input.cwd, ANSWERS_FILE)))
      ? (await readAnswersFile(input.cwd, input.cliVersion)).answers
      : {}
  const out: Record<string, string> = {}
  const missing: string[] = []
  for (const s of CREDENTIAL_SETTINGS) {
    const value = input.flags[s.flag] || input.env[s.env] || dotEnv[s.env] || saved[s.name] || s.default?.({}, {directoryName: ''})
    if (value) out[s.name] = value
    else missing.push(`--${s.flag} (or ${s.env})`)
  }
  if (missing.length > 0) {
    throw new UsageError(
      `missing credentials: ${missing.join(', ')}. They are the app's values (\`scalingo env\`, or the .env written next to the app).`,
    )
  }
  return out
}

const GRAFANA_STEP_COUNT = Object.keys(GRAFANA_TITLES).length

/**
 * The Grafana app's URL and admin credential: flags > GF_SECURITY_ADMIN_USER / _PASSWORD > the Grafana
 * app's answers and .env (this directory when it is the Grafana app, else <this directory>-grafana).
 */
async function grafanaTarget(
  input: Pick<DeploymentInput, 'env' | 'cwd' | 'cliVersion'>,
  given: {url: string; user?: string; password?: string},
): Promise<{url: URL; admin: {user: string; password: string}}> {
  const url = parseBaseUrl(given.url)
  let saved: Record<string, string> = {}
  let dotEnv: Record<string, string> = {}
  for (const dir of [input.cwd, `${input.cwd.replace(/\/+$/, '')}-grafana`]) {
    if (!(await exists(path.join(dir, ANSWERS_FILE)))) continue
    const file = await readAnswersFile(dir, input.cliVersion)
    if (file.kind !== 'grafana') continue
    saved = file.answers
    dotEnv = await readDotEnv(dir)
    break
  }
  const user = given.user || input.env.GF_SECURITY_ADMIN_USER || saved.adminUser || 'admin'
  const password = given.password || input.env.GF_SECURITY_ADMIN_PASSWORD || dotEnv.GF_SECURITY_ADMIN_PASSWORD
  if (!password)
    throw new UsageError(
      "no Grafana admin password: pass --grafana-password (or GF_SECURITY_ADMIN_PASSWORD), or run this where the Grafana app's .env is found (in the Tempo app, with the Grafana app beside it as <dir>-grafana)",
    )
  return {url, admin: {user, password}}
}

function stepLines(step: StepResult<string>, index: number, total: number): string[] {
  const label = `${index}/${total} ${step.title}`
  if (step.status === 'skipped') return [chalk.dim(`- ${label}: skipped${step.detail ? ` (${step.detail})` : ''}`)]
  if (step.status === 'passed')
    return [`${chalk.green('✔')} ${label}${step.detail ? `: ${step.detail}` : ''} ${chalk.dim(`(${seconds(step.durationMs)})`)}`]
  const lines = [`${chalk.red('✘')} ${label} ${chalk.dim(`(${seconds(step.durationMs)})`)}`, `    ${step.error}`]
  if (step.response) lines.push(`    answer: ${step.response.status}${step.response.body ? ` ${step.response.body}` : ' (empty body)'}`)
  if (step.cause) lines.push(`    likely cause: ${step.cause}`)
  return lines
}

const indent = (text: string) => text.split('\n').map((line) => `  ${line}`)

export async function checkDeployment(input: DeploymentInput): Promise<Outcome> {
  const url = await resolveUrl(input)
  const credentials = await resolveCredentials(input)
  const secrets = [...(input.showSecrets ? [] : [credentials.ingestToken, credentials.queryPassword])]
  const {io} = input
  const print = (line: string) => io.log(redact(line, secrets))
  const grafana = input.grafana && (await grafanaTarget(input, input.grafana))
  const total = STEP_COUNT + (grafana ? GRAFANA_STEP_COUNT : 0)
  let index = 0

  print(`Checking ${url.href.replace(/\/$/, '')}`)
  const report = await runSmoke({
    url,
    credentials: {ingestToken: credentials.ingestToken, queryUser: credentials.queryUser, queryPassword: credentials.queryPassword},
    timeoutMs: input.timeoutSeconds * 1000,
    onProgress: (message) => io.progress.update(message),
    onStep(step) {
      io.progress.clear()
      for (const line of stepLines(step, ++index, total)) print(line)
    },
  })

  // The Grafana app, once Tempo holds the smoke trace: the same numbering, its own causes.
  let grafanaReport: {url: string; ok: boolean; steps: StepResult<string>[]} | undefined
  if (grafana) {
    secrets.push(grafana.admin.password)
    if (report.ok) {
      print(`Checking Grafana at ${grafana.url.href.replace(/\/$/, '')}`)
      const {runGrafanaCheck} = await import('../platform/grafana-check.js')
      const result = await runGrafanaCheck({
        url: grafana.url,
        admin: grafana.admin,
        uid: DATASOURCE_UID,
        traceId: report.traceId,
        timeoutMs: input.timeoutSeconds * 1000,
        onProgress: (message) => io.progress.update(message),
        onStep(step) {
          io.progress.clear()
          for (const line of stepLines(step, ++index, total)) print(line)
        },
      })
      grafanaReport = {url: grafana.url.href.replace(/\/$/, ''), ...result}
    } else {
      grafanaReport = {url: grafana.url.href.replace(/\/$/, ''), ok: false, steps: []}
    }
  }
  const allSteps: StepResult<string>[] = [...report.steps, ...(grafanaReport?.steps ?? [])]
  const ok = report.ok && (grafanaReport?.ok ?? true)

  const failed = allSteps.find((s) => s.status === 'failed')
  const [tokenEnv, , passwordEnv] = CREDENTIAL_SETTINGS.map((s) => s.env)
  const pasteable = report.ok
    ? snippets({
        url: report.url,
        ingestToken: credentials.ingestToken,
        queryUser: credentials.queryUser,
        showSecrets: input.showSecrets,
        tokenEnv,
        passwordEnv,
      })
    : undefined

  if (failed) {
    print(chalk.red('✘ ') + `Check failed at step ${allSteps.indexOf(failed) + 1}/${total}: ${failed.error}`)
  } else if (pasteable) {
    print(
      chalk.green('✔ ') +
        `All ${total} checks passed in ${seconds(report.durationMs)}: Tempo takes and serves traces${grafanaReport ? ', and Grafana shows them' : ''}.`,
    )
    print('')
    print('Send traces from an OpenTelemetry SDK (environment):')
    for (const [k, v] of Object.entries(pasteable.otelEnv)) print(`  ${k}=${v}`)
    if (!input.showSecrets) print(chalk.dim(`  (export ${tokenEnv} first, or run with --show-secrets to print the token)`))
    print('')
    print('Or from an OpenTelemetry Collector (otlphttp exporter; the token comes from its environment):')
    for (const line of indent(pasteable.collector)) print(line)
    print('')
    print(`Grafana datasource (provisioning/datasources/tempo.yaml; set ${passwordEnv} in Grafana's environment):`)
    for (const line of indent(pasteable.grafana)) print(line)
  }

  // After a passing check only: the query credential then goes to a proxy that proved to be ours.
  const ring = report.ok
    ? await readRing(url, {queryUser: credentials.queryUser, queryPassword: credentials.queryPassword}, input.timeoutSeconds * 1000)
    : undefined
  if (ring) {
    print('')
    print(describeRing(ring))
  }

  const document = {
    ...report,
    ok,
    ...(grafanaReport ? {grafana: grafanaReport} : {}),
    ...(pasteable ? {snippets: pasteable} : {}),
    ...(ring ? {ring} : {}),
  }
  return {ok, document: JSON.parse(redact(JSON.stringify(document), secrets))}
}
