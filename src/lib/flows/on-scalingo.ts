// What the commands do on Scalingo, over the one client chosen for this run: create the app,
// make sure it exists before a push, set its variables (creating it first when wanted).
import {CliError} from '../core/errors.js'
import {type CreateAppResult, createAppCommand, type Log, redacted, type Variable} from '../platform/scalingo/apps.js'
import type {Scalingo} from '../platform/scalingo/client.js'

/** Whether to create an app the API does not know: yes, no, or ask (a question on a terminal). */
export type CreateDecision = boolean | ((app: string, region: string) => Promise<boolean>)

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

const missingApp = (app: string, region: string) =>
  new CliError(
    `No app "${app}" in region ${region} (404 from the Scalingo API), or the token's account cannot see it: nothing was changed. Create it (run this again with --create-app, or \`${createAppCommand(app, region)}\`), or pass the right --app/--region.`,
  )

interface OnApp {
  /** The client chosen for this run (connectScalingo). */
  scalingo: Scalingo
  app: string
  region: string
}

/**
 * Makes sure the app exists before a push, where the client can tell (the API):
 * 'exists', 'created', or 'unchecked'.
 */
export async function ensureApp(options: OnApp & {create: CreateDecision}): Promise<'exists' | 'created' | 'unchecked'> {
  const status = await options.scalingo.appStatus(options.app, options.region)
  if (status === 'unknown') return 'unchecked'
  if (status === 'exists') return 'exists'
  return (await createWanted(options)).created ? 'created' : 'exists'
}

async function createWanted({scalingo, app, region, create}: OnApp & {create: CreateDecision}): Promise<CreateAppResult> {
  if (!(await decide(create, app, region))) throw missingApp(app, region)
  return scalingo.createApp(app, region)
}

export interface SetVariablesOptions extends OnApp {
  variables: readonly Variable[]
  log: Log
  dryRun?: boolean
  /** When the API answers that the app does not exist (default: no). */
  createApp?: CreateDecision
  /** The app's .env: commands printed by hand read the secrets from it when it holds them all. */
  dotEnv?: Record<string, string>
}

export interface SetVariablesResult {
  method: Scalingo['via'] | 'dry-run'
  app: string
  region: string
  /** What was set (or would be, for a dry run), secrets redacted. */
  variables: Variable[]
  /** The app did not exist and was created first. */
  createdApp?: boolean
}

export async function setAppVariables(options: SetVariablesOptions): Promise<SetVariablesResult> {
  const {scalingo, app, region, variables, log, dryRun = false} = options
  const result = (method: SetVariablesResult['method'], createdApp = false): SetVariablesResult => ({
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
  let createdApp = false
  if ((await scalingo.setVariables(app, region, variables, options.dotEnv)) === 'missing') {
    createdApp = (await createWanted({...options, create: options.createApp ?? false})).created
    if ((await scalingo.setVariables(app, region, variables)) === 'missing') throw missingApp(app, region)
  }
  for (const v of variables) log(`  ✔ ${v.name}`)
  log(`Set ${variables.length} variables on ${app}. Restart the app (or deploy) to apply them.`)
  return result(scalingo.via, createdApp)
}
