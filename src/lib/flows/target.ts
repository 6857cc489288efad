// The app a command acts on inside a generated app, and the variables it needs: from flags
// or the environment, else the app's answers file; secrets from the environment, else its .env.
import {type AppKind, readAnswersFile, withDotEnv} from '../app/answers.js'
import {CliError, EXIT, UsageError} from '../core/errors.js'
import {credentialProblems} from '../core/validate.js'
import type {Variable} from '../platform/scalingo/apps.js'
import {GRAFANA_SETTINGS, grafanaVariables} from '../settings/grafana.js'
import {type Answers, type AppVariable, appVariables, setting, SETTINGS} from '../settings/settings.js'

export interface Target {
  app: string
  region: string
  /** The app's answers file, when there is one. */
  answers?: Answers
  /** What its answers file says the app is. */
  kind?: AppKind
}

/**
 * The app and region to act on: given values (flag or env), else the answers file of the
 * app at `dir`, which is required when `needAnswers` or when no app name is given.
 */
export async function appTarget(
  dir: string,
  given: {app?: string; region?: string},
  cliVersion: string,
  needAnswers: boolean,
): Promise<Target> {
  let answers: Answers | undefined
  let kind: AppKind | undefined
  try {
    const file = await readAnswersFile(dir, cliVersion)
    answers = file.answers
    kind = file.kind
  } catch (error) {
    if (needAnswers || !given.app) throw error
  }
  const app = given.app || answers?.appName
  const region = given.region || answers?.region || 'osc-fr1'
  if (!app) throw new UsageError('No app name: pass --app (or set SCALINGO_APP).')
  for (const [name, value] of [
    ['appName', app],
    ['region', region],
  ] as const) {
    const s = setting(name)
    const error = s.validate?.(value)
    if (error) throw new UsageError(`--${s.flag} "${value}": ${error}.`)
  }
  return {app, region, answers, ...(kind ? {kind} : {})}
}

/**
 * The variables the app needs, from its answers plus secrets taken from the environment
 * (the buildpack's own names) or else the app's .env.
 */
export async function variablesFor(
  dir: string,
  answers: Answers,
  env: NodeJS.ProcessEnv = process.env,
  kind: AppKind = 'tempo',
): Promise<Variable[]> {
  const values = await withDotEnv(dir, env)
  const merged: Answers = {...answers}
  for (const s of kind === 'grafana' ? GRAFANA_SETTINGS : SETTINGS) if (s.secret && values[s.env]) merged[s.name] = values[s.env]
  return checkedVariables(kind === 'grafana' ? grafanaVariables(merged) : appVariables(merged))
}

/** The variables the app needs, from complete answers (secrets included); exit 2 naming every missing one. */
export const variablesFromAnswers = (answers: Answers): Variable[] => checkedVariables(appVariables(answers))

/** Every variable with a value, credentials checked; exit 2 naming every missing one. */
export function checkedVariables(all: readonly AppVariable[]): Variable[] {
  const missing = all.filter((v) => v.value === undefined)
  if (missing.length > 0) {
    const names = missing.map((v) => v.name)
    // A generated secret missing from an older app's .env: any long random value does.
    const generated = missing.filter((v) => v.generated).map((v) => `${v.name}=$(openssl rand -hex 32)`)
    throw new CliError(
      `No value for ${names.join(', ')}: set ${names.length > 1 ? 'them' : 'it'} in the environment or in the app's .env (written by create-tempo-scalingo)` +
        (generated.length > 0 ? `; a generated secret takes any long random value, e.g. ${generated.join(' ')}.` : '.'),
      EXIT.usage,
    )
  }
  // The app would refuse to start with them: never set them.
  const weak = credentialProblems(Object.fromEntries(all.map((v) => [v.name, v.value])))
  if (weak.length > 0) throw new CliError(`Refusing to set credentials that protect nothing:\n${weak.join('\n')}`, EXIT.usage)
  // An empty optional value (e.g. no S3 region) means "not set": Scalingo refuses empty values.
  return all.filter((v) => v.value !== '').map((v) => ({name: v.name, value: v.value as string, secret: v.secret}))
}
