// Puts the app's variables on Scalingo: through the API (SCALINGO_API_TOKEN, the CI path),
// else through the `scalingo` CLI, else by printing the commands to run. Values never go
// to a child's argv nor to the output.
import {spawn} from 'node:child_process'
import {constants} from 'node:fs'
import {access} from 'node:fs/promises'
import path from 'node:path'

import {createAppCommand} from './commands.js'
import {DOT_ENV, formatDotEnv, shellQuote} from '../core/dotenv.js'
import {CliError, EXIT} from '../core/errors.js'
import {REDACTED, redact} from '../core/output.js'
import {credentialProblems} from '../core/validate.js'
import {type Answers, appVariables, REGIONS} from '../settings/settings.js'

export interface Variable {
  name: string
  value: string
  secret: boolean
}

export type Log = (line: string) => void

export type Method = 'api' | 'cli' | 'dry-run'

/** Whether to create an app the API does not know: yes, no, or ask (a question on a terminal). */
export type CreateDecision = boolean | ((app: string, region: string) => Promise<boolean>)

export interface SetVariablesOptions {
  app: string
  region: string
  variables: readonly Variable[]
  log: Log
  dryRun?: boolean
  /** Where SCALINGO_API_TOKEN, SCALINGO_API_URL, SCALINGO_AUTH_URL and PATH are read. */
  env?: NodeJS.ProcessEnv
  /** When the API answers 404 for the app (default: no). */
  createApp?: CreateDecision
  /** The app's .env: printed commands read the secrets from it when it holds them all. */
  dotEnv?: Record<string, string>
}

export interface SetVariablesResult {
  method: Method
  app: string
  region: string
  /** What was set (or would be, for a dry run), secrets redacted. */
  variables: Variable[]
  /** The app did not exist and was created first. */
  createdApp?: boolean
}

/** A variable as logs and --json show it: secrets redacted. */
export const redacted = (v: Variable): Variable => (v.secret ? {...v, value: REDACTED} : v)

/** The variables the app needs, from complete answers (secrets included); exit 2 naming every missing one. */
export function variablesFromAnswers(answers: Answers): Variable[] {
  const all = appVariables(answers)
  const missing = all.filter((v) => v.value === undefined).map((v) => v.name)
  if (missing.length > 0) {
    throw new CliError(
      `No value for ${missing.join(', ')}: set ${missing.length > 1 ? 'them' : 'it'} in the environment or in the app's .env (written by create-tempo-scalingo).`,
      EXIT.usage,
    )
  }
  // The app would refuse to start with them: never set them.
  const weak = credentialProblems(Object.fromEntries(all.map((v) => [v.name, v.value])))
  if (weak.length > 0) throw new CliError(`Refusing to set credentials that protect nothing:\n${weak.join('\n')}`, EXIT.usage)
  // An empty optional value (e.g. no S3 region) means "not set": Scalingo refuses empty values.
  return all.filter((v) => v.value !== '').map((v) => ({name: v.name, value: v.value as string, secret: v.secret}))
}

export async function setAppVariables(options: SetVariablesOptions): Promise<SetVariablesResult> {
  const {app, region, variables, log, dryRun = false, env = process.env, createApp = false} = options
  const result = (method: Method, createdApp = false): SetVariablesResult => ({
    method,
    app,
    region,
    variables: variables.map(redacted),
    ...(createdApp ? {createdApp} : {}),
  })
  if (dryRun) {
    log(`Would set ${variables.length} variables on ${app} (${region}):`)
    for (const v of variables.map(redacted)) log(`  ${v.name}=${v.value}`)
    return result('dry-run')
  }
  if (env.SCALINGO_API_TOKEN) {
    const created = await setThroughApi({app, region, variables, log, env, token: env.SCALINGO_API_TOKEN, createApp})
    return result('api', created)
  }
  const cli = await findOnPath('scalingo', env.PATH ?? '')
  if (cli) {
    await setThroughCli({app, region, variables, log, cli})
    return result('cli')
  }
  throw new CliError(instructions(app, region, variables, options.dotEnv), EXIT.failure)
}

/**
 * The commands a user can run by hand: the settings as values, the secrets from the app's
 * .env (the Scalingo CLI reads it as this CLI writes it), or as placeholders when .env lacks one.
 */
export function instructions(app: string, region: string, variables: readonly Variable[], dotEnv: Record<string, string> = {}): string {
  const scalingo = `scalingo --region ${region} --app ${app} env-set`
  const secrets = variables.filter((v) => v.secret)
  const fromFile = secrets.length > 0 && secrets.every((v) => dotEnv[v.name] === v.value)
  const shown = variables.filter((v) => !v.secret || !fromFile)
  const lines = shown.map((v) => `  ${v.name}=${shellQuote(v.secret ? `<${v.name}>` : v.value)}`)
  return [
    'Neither SCALINGO_API_TOKEN nor the `scalingo` CLI is available: nothing was set. Either',
    '- set SCALINGO_API_TOKEN (create one at https://dashboard.scalingo.com/account/tokens) and run this again, or',
    '- install the Scalingo CLI (https://doc.scalingo.com/tools/cli/start), log in and run this again, or',
    fromFile
      ? '- run (the Scalingo CLI >= 1.29 reads the secrets from the .env):'
      : "- run, replacing each <placeholder> with its value from the app's .env:",
    '',
    ...(lines.length > 0 ? [`${scalingo} \\`, lines.join(' \\\n')] : []),
    ...(fromFile ? [`${scalingo} --file ${DOT_ENV}`] : []),
  ].join('\n')
}

async function findOnPath(command: string, searchPath: string): Promise<string | undefined> {
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue
    const candidate = path.join(dir, command)
    try {
      await access(candidate, constants.X_OK)
      return candidate
    } catch {
      // not in this directory
    }
  }
}

// --- API path -------------------------------------------------------------------------

const MAX_RETRIES = 4
const MAX_WAIT_S = 30

interface ApiContext {
  app: string
  region: string
  variables: readonly Variable[]
  log: Log
  env: NodeJS.ProcessEnv
  token: string
  createApp: CreateDecision
}

const baseUrl = (value: string): string => (/^https?:\/\//.test(value) ? value : `https://${value}`).replace(/\/+$/, '')

/** The regional API: SCALINGO_API_URL (where `{region}` stands for the region), else api.<region>.scalingo.com. */
export const apiUrlFor = (region: string, env: NodeJS.ProcessEnv): string =>
  baseUrl(env.SCALINGO_API_URL ? env.SCALINGO_API_URL.replaceAll('{region}', region) : `https://api.${region}.scalingo.com`)

/** A bearer obtained from SCALINGO_API_TOKEN, and requests made with it to any region's API. */
interface ApiSession {
  call(region: string, method: string, path: string, body?: unknown): Promise<Answer>
  clean(text: string): string
}

async function openSession(env: NodeJS.ProcessEnv, token: string, log: Log, secrets: string[] = []): Promise<ApiSession> {
  const authUrl = baseUrl(env.SCALINGO_AUTH_URL || 'https://auth.scalingo.com')
  const known = [token, ...secrets]
  const clean = (text: string) => redact(text, known)
  const exchange = await request(
    `${authUrl}/v1/tokens/exchange`,
    {
      method: 'POST',
      headers: {Accept: 'application/json', Authorization: `Basic ${Buffer.from(`:${token}`).toString('base64')}`},
    },
    log,
  )
  if (exchange.status === 401) {
    throw new CliError(
      `SCALINGO_API_TOKEN was refused by ${authUrl} (401): it is wrong, revoked or expired. Create a token at https://dashboard.scalingo.com/account/tokens, set it and run this again; nothing was changed on Scalingo.`,
    )
  }
  if (!exchange.ok) throw unexpected('exchanging SCALINGO_API_TOKEN', exchange, clean)
  const bearer = (parse(exchange.body) as {token?: unknown} | undefined)?.token
  if (typeof bearer !== 'string' || bearer === '') throw new CliError(`${authUrl} answered the token exchange without a bearer token.`)
  known.push(bearer)
  return {
    clean,
    call: (region, method, path, body) =>
      request(
        `${apiUrlFor(region, env)}/v1${path}`,
        {
          method,
          headers: {
            Accept: 'application/json',
            Authorization: `Bearer ${bearer}`,
            ...(body === undefined ? {} : {'Content-Type': 'application/json'}),
          },
          ...(body === undefined ? {} : {body: JSON.stringify(body)}),
        },
        log,
      ),
  }
}

const bearerRefused = (region: string, env: NodeJS.ProcessEnv, app: string) =>
  new CliError(
    `The Scalingo API (${apiUrlFor(region, env)}) refused the bearer obtained from SCALINGO_API_TOKEN (401): check that the token belongs to an account with access to ${app}.`,
  )

const missingApp = (app: string, region: string, env: NodeJS.ProcessEnv) =>
  new CliError(
    `No app "${app}" in region ${region} (404 from ${apiUrlFor(region, env)}), or the token's account cannot see it: nothing was changed. Create it (run this again with --create-app, or \`${createAppCommand(app, region)}\`), or pass the right --app/--region.`,
  )

/** --create-app / --no-create-app, else a question on a terminal, else yes. */
export function createDecision(flag: boolean | undefined, interactive: boolean): CreateDecision {
  if (flag !== undefined) return flag
  if (!interactive) return true
  return async (app, region) => {
    const {default: confirm} = await import('@inquirer/confirm')
    return confirm({message: `No app ${app} in ${region} for this account. Create it now?`, default: true})
  }
}

const decide = async (decision: CreateDecision, app: string, region: string): Promise<boolean> =>
  typeof decision === 'function' ? decision(app, region) : decision

/** Sets the variables; creates the app first when the API does not know it and that is wanted. Resolves to whether it created it. */
async function setThroughApi(context: ApiContext): Promise<boolean> {
  const {app, region, variables, log, env, token} = context
  log(`Setting ${variables.length} variables on ${app} (${region}) through the Scalingo API…`)
  const session = await openSession(
    env,
    token,
    log,
    variables.map((v) => v.value),
  )
  const put = () =>
    session.call(region, 'PUT', `/apps/${encodeURIComponent(app)}/variables`, {
      variables: variables.map(({name, value}) => ({name, value})),
    })
  let answer = await put()
  let created = false
  if (answer.status === 404) {
    if (!(await decide(context.createApp, app, region))) throw missingApp(app, region, env)
    created = (await createThroughApi(session, app, region, env, log)).created
    answer = await put()
  }
  if (answer.status === 401) throw bearerRefused(region, env, app)
  if (answer.status === 404) throw missingApp(app, region, env)
  if (answer.status === 422) throw new CliError(`The Scalingo API refused the variables (422): ${session.clean(describe422(answer.body))}.`)
  if (!answer.ok) throw unexpected(`setting the variables of ${app}`, answer, session.clean)
  for (const v of variables) log(`  ✔ ${v.name}`)
  log(`Set ${variables.length} variables on ${app}. Restart the app (or deploy) to apply them.`)
  return created
}

// --- app creation ---------------------------------------------------------------------

export interface CreateAppOptions {
  app: string
  region: string
  log: Log
  /** Where SCALINGO_API_TOKEN, SCALINGO_API_URL, SCALINGO_AUTH_URL and PATH are read. */
  env?: NodeJS.ProcessEnv
}

export interface CreateAppResult {
  method: 'api' | 'cli'
  app: string
  region: string
  /** False when the app already existed in this region and the account can use it. */
  created: boolean
  gitUrl: string
}

const gitUrlOf = (app: string, region: string) => `git@ssh.${region}.scalingo.com:${app}.git`

/**
 * Creates the app in its region: through the API with SCALINGO_API_TOKEN, else through the
 * `scalingo` CLI, else fails (exit 1) with the command to run. An app of that name the
 * account already has in that region counts as done; one in another region, one taken by
 * another account, and a refused token each fail with their own message.
 */
export async function createApp(options: CreateAppOptions): Promise<CreateAppResult> {
  const {app, region, log, env = process.env} = options
  if (env.SCALINGO_API_TOKEN) {
    log(`Creating app ${app} in ${region} through the Scalingo API…`)
    const session = await openSession(env, env.SCALINGO_API_TOKEN, log)
    return {method: 'api', ...(await createThroughApi(session, app, region, env, log))}
  }
  const cli = await findOnPath('scalingo', env.PATH ?? '')
  if (cli) return {method: 'cli', ...(await createThroughCli(cli, app, region, log))}
  throw new CliError(
    [
      `Neither SCALINGO_API_TOKEN nor the \`scalingo\` CLI is available: app ${app} was not created. Create it with`,
      '',
      `  ${createAppCommand(app, region)}`,
      '',
      `(or in the dashboard, https://dashboard.scalingo.com, region ${region}), or set SCALINGO_API_TOKEN, then run this again.`,
    ].join('\n'),
  )
}

/**
 * Makes sure the app exists before a push, when the API can tell (SCALINGO_API_TOKEN set):
 * 'exists', 'created', or 'unchecked' without a token.
 */
export async function ensureApp(options: CreateAppOptions & {create: CreateDecision}): Promise<'exists' | 'created' | 'unchecked'> {
  const {app, region, log, env = process.env} = options
  if (!env.SCALINGO_API_TOKEN) return 'unchecked'
  const session = await openSession(env, env.SCALINGO_API_TOKEN, log)
  const answer = await session.call(region, 'GET', `/apps/${encodeURIComponent(app)}`)
  if (answer.ok) return 'exists'
  if (answer.status === 401) throw bearerRefused(region, env, app)
  if (answer.status !== 404) throw unexpected(`looking up app ${app}`, answer, session.clean)
  if (!(await decide(options.create, app, region))) throw missingApp(app, region, env)
  return (await createThroughApi(session, app, region, env, log)).created ? 'created' : 'exists'
}

const taken = (body: string): boolean => /taken|already exists|already in use/i.test(body)

async function createThroughApi(
  session: ApiSession,
  app: string,
  region: string,
  env: NodeJS.ProcessEnv,
  log: Log,
): Promise<Omit<CreateAppResult, 'method'>> {
  const done = (created: boolean) => ({app, region, created, gitUrl: gitUrlOf(app, region)})
  const answer = await session.call(region, 'POST', '/apps', {app: {name: app}})
  if (answer.ok) {
    log(`  ✔ Created app ${app} in ${region} (git remote ${gitUrlOf(app, region)})`)
    return done(true)
  }
  if (answer.status === 401) throw bearerRefused(region, env, app)
  if (answer.status === 409 || (answer.status === 422 && taken(answer.body))) {
    await whoHasIt(app, region, (r) => session.call(r, 'GET', `/apps/${encodeURIComponent(app)}`).then((a) => a.ok))
    log(`  ✔ App ${app} already exists in ${region}: using it`)
    return done(false)
  }
  if (answer.status === 422)
    throw new CliError(
      `The Scalingo API refused to create app "${app}" (422): ${session.clean(describe422(answer.body))}. Nothing was created: pick a valid name (--app) and run this again.`,
    )
  throw unexpected(`creating app ${app}`, answer, session.clean)
}

/** Returns when the account has the app in `region`; otherwise fails saying where it is or that another account has it. */
async function whoHasIt(app: string, region: string, has: (region: string) => Promise<boolean>): Promise<void> {
  if (await has(region)) return
  for (const other of REGIONS.filter((r) => r !== region)) {
    if (await has(other)) {
      throw new CliError(
        `App "${app}" exists in region ${other}, not ${region}: nothing was created. Use --region ${other} (or SCALINGO_REGION=${other}) and run this again, or pick another name with --app.`,
      )
    }
  }
  throw new CliError(
    `The app name "${app}" is taken by another Scalingo account (names are unique on Scalingo): nothing was created. Pick another name and run this again with --app <new-name>.`,
  )
}

async function createThroughCli(cli: string, app: string, region: string, log: Log): Promise<Omit<CreateAppResult, 'method'>> {
  const args = ['--region', region, 'create', app]
  log(`Creating app ${app} in ${region} with \`scalingo ${args.join(' ')}\`…`)
  const {code, output} = await run(cli, args, '')
  if (code === 0) {
    log(`  ✔ Created app ${app} in ${region} (git remote ${gitUrlOf(app, region)})`)
    return {app, region, created: true, gitUrl: gitUrlOf(app, region)}
  }
  const lines = output
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => `  ${line}`)
    .join('\n')
  if (/not (logged in|authenticated)|unauthori[sz]ed|scalingo login|\b401\b/i.test(output)) {
    throw new CliError(
      `The \`scalingo\` CLI is not logged in (or its token is refused): nothing was created. Run \`scalingo login\` (or set SCALINGO_API_TOKEN), then run this again.\n${lines}`,
    )
  }
  if (taken(output)) {
    await whoHasIt(app, region, async (r) => {
      const listing = await run(cli, ['--region', r, 'apps'], '')
      // `scalingo apps` prints a table: | NAME | ROLE | OWNER | STATUS |
      return (
        listing.code === 0 &&
        listing.output.split('\n').some((line) =>
          line
            .split('|')
            .map((cell) => cell.trim())
            .includes(app),
        )
      )
    })
    log(`  ✔ App ${app} already exists in ${region}: using it`)
    return {app, region, created: false, gitUrl: gitUrlOf(app, region)}
  }
  throw new CliError(`\`scalingo ${args.join(' ')}\` failed (exit ${code}): nothing was created.\n${lines}`)
}

interface Answer {
  status: number
  ok: boolean
  body: string
}

/** One HTTP request; 429 is retried after Retry-After (or a doubling pause), a bounded number of times. */
async function request(url: string, init: RequestInit, log: Log): Promise<Answer> {
  for (let attempt = 0; ; attempt++) {
    let response: Response
    try {
      response = await fetch(url, init)
    } catch (error) {
      const cause = (error as {cause?: {message?: string}}).cause?.message ?? (error as Error).message
      throw new CliError(`Cannot reach ${new URL(url).origin}: ${cause}.`)
    }
    const body = await response.text()
    if (response.status !== 429) return {status: response.status, ok: response.ok, body}
    if (attempt >= MAX_RETRIES) {
      throw new CliError(
        `The Scalingo API is still rate limiting after ${MAX_RETRIES + 1} attempts (429): wait a minute and run this again.`,
      )
    }
    const wait = retryAfter(response.headers.get('retry-after')) ?? 2 ** attempt
    log(`Rate limited by ${new URL(url).host} (429): retrying in ${wait}s…`)
    await new Promise((resolve) => setTimeout(resolve, wait * 1000))
  }
}

/** Seconds to wait from a Retry-After header (seconds or HTTP date), capped. */
export function retryAfter(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined
  const seconds = /^\d+$/.test(header.trim()) ? Number(header) : Math.ceil((Date.parse(header) - now) / 1000)
  if (Number.isNaN(seconds)) return undefined
  return Math.min(Math.max(seconds, 0), MAX_WAIT_S)
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** Scalingo's 422 body: {"errors": {"field": ["message", ...]}} (or {"error": "..."}). */
export function describe422(body: string): string {
  const doc = parse(body) as {errors?: Record<string, unknown>; error?: unknown} | undefined
  if (doc?.errors && typeof doc.errors === 'object') {
    return Object.entries(doc.errors)
      .map(([field, messages]) => `${field} ${([] as unknown[]).concat(messages).join(', ')}`)
      .join('; ')
  }
  if (typeof doc?.error === 'string') return doc.error
  return body.trim().slice(0, 300) || 'no details given'
}

function unexpected(what: string, answer: Answer, clean: (text: string) => string): CliError {
  return new CliError(`Unexpected answer from Scalingo while ${what}: HTTP ${answer.status} ${clean(answer.body.trim().slice(0, 300))}`)
}

// --- CLI path -------------------------------------------------------------------------

interface CliContext {
  app: string
  region: string
  variables: readonly Variable[]
  log: Log
  cli: string
}

/** The variables as a .env document: the app's .env format, which the Scalingo CLI's `env-set --file -` reads. */
export const dotEnvDocument = (variables: readonly Variable[]): string =>
  formatDotEnv(Object.fromEntries(variables.map((v) => [v.name, v.value])))

// `env-set --file -` (Scalingo CLI >= 1.29) reads a .env document on stdin, so no value is
// ever on the child's command line. The CLI prints "NAME has been set to 'VALUE'." lines:
// those, and any other line holding a value, are never shown.
async function setThroughCli(context: CliContext): Promise<void> {
  const {app, region, variables, log, cli} = context
  const args = ['--region', region, '--app', app, 'env-set', '--file', '-']
  log(`Setting ${variables.length} variables on ${app} (${region}) with \`scalingo ${args.join(' ')}\` (values on stdin)…`)
  const {code, output} = await run(cli, args, dotEnvDocument(variables))
  const values = variables.map((v) => v.value).filter((value) => value.length > 0)
  const visible = output
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line !== '' && !/ has been set to /.test(line) && !values.some((value) => line.includes(value)))
  if (code !== 0) {
    const hint = visible.some((line) => /flag provided but not defined|--file/.test(line))
      ? '\nThis Scalingo CLI is too old to read variables from stdin: upgrade it (>= 1.29), or set SCALINGO_API_TOKEN to use the API.'
      : ''
    throw new CliError(`\`scalingo env-set\` failed (exit ${code}):\n${visible.map((line) => `  ${line}`).join('\n')}${hint}`)
  }
  for (const line of visible) log(`  ${line}`)
  for (const v of variables) log(`  ✔ ${v.name}`)
}

function run(command: string, args: string[], input: string): Promise<{code: number | null; output: string}> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {stdio: ['pipe', 'pipe', 'pipe']})
    let output = ''
    child.stdout.on('data', (d) => (output += d))
    child.stderr.on('data', (d) => (output += d))
    child.on('error', (error) => reject(new CliError(`Cannot run ${command}: ${error.message}`)))
    child.on('close', (code) => resolve({code, output}))
    // A CLI that exits before reading stdin must not crash us with EPIPE.
    child.stdin.on('error', () => {})
    child.stdin.end(input)
  })
}
