// One way to act on Scalingo, chosen once: the API with SCALINGO_API_TOKEN (the CI path),
// else the `scalingo` CLI on PATH, else nothing but the commands to run by hand. Every
// command asks the same three things of it; values never go to a child's argv nor to the output.
import {constants} from 'node:fs'
import {access} from 'node:fs/promises'
import path from 'node:path'

import {DOT_ENV, shellQuote} from '../../core/dotenv.js'
import {CliError, EXIT} from '../../core/errors.js'
import {type Addon, addonCommand, type CreateAppResult, createAppCommand, type Log, type Variable} from './apps.js'

export type AppStatus = 'exists' | 'missing' | 'unknown'

export interface Scalingo {
  readonly via: 'api' | 'cli' | 'manual'
  /** Whether the account has the app in the region; 'unknown' where only the API could tell. */
  appStatus(app: string, region: string): Promise<AppStatus>
  /**
   * Creates the app, or takes the account's existing one of that name in that region; with
   * ADDON, adds it unless the app has one of that provider already.
   */
  createApp(app: string, region: string, addon?: Addon): Promise<CreateAppResult>
  /**
   * Sets the variables in one go; 'missing' (nothing set) when the API does not know the app.
   * DOT_ENV (the app's .env) lets the commands printed by hand read the secrets from it.
   */
  setVariables(app: string, region: string, variables: readonly Variable[], dotEnv?: Record<string, string>): Promise<'set' | 'missing'>
}

/** Where SCALINGO_API_TOKEN, SCALINGO_API_URL, SCALINGO_AUTH_URL and PATH are read. */
export type ScalingoEnv = Record<string, string | undefined>

export async function connectScalingo(env: ScalingoEnv, log: Log): Promise<Scalingo> {
  if (env.SCALINGO_API_TOKEN) {
    const {apiClient} = await import('./api.js')
    return apiClient(env, env.SCALINGO_API_TOKEN, log)
  }
  const cli = await findOnPath('scalingo', env.PATH ?? '')
  if (cli) {
    const {cliClient} = await import('./cli.js')
    return cliClient(cli, log)
  }
  return manual
}

/** Whether anything can act on Scalingo from here: an API token, or the `scalingo` CLI on PATH. */
export async function scalingoReachable(env: ScalingoEnv): Promise<boolean> {
  return Boolean(env.SCALINGO_API_TOKEN || (await findOnPath('scalingo', env.PATH ?? '')))
}

const NEITHER = 'Neither SCALINGO_API_TOKEN nor the `scalingo` CLI is available'

const manual: Scalingo = {
  via: 'manual',
  appStatus: async () => 'unknown',
  async createApp(app, region, addon) {
    throw new CliError(
      [
        `${NEITHER}: app ${app} was not created. Create it with`,
        '',
        `  ${createAppCommand(app, region)}`,
        ...(addon ? [`  ${addonCommand(app, region, addon)}`] : []),
        '',
        `(or in the dashboard, https://dashboard.scalingo.com, region ${region}), or set SCALINGO_API_TOKEN, then run this again.`,
      ].join('\n'),
    )
  },
  async setVariables(app, region, variables, dotEnv) {
    throw new CliError(instructions(app, region, variables, dotEnv), EXIT.failure)
  },
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
    `${NEITHER}: nothing was set. Either`,
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
