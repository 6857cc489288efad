// From generated files to a running app, each step only once the one before holds:
// the bucket answers to the keys, the app exists, its variables are set, then the push.
// On a terminal each step is asked; in CI, flags ask for them.
import {CliError, EXIT} from '../core/errors.js'
import {deployApp, type DeployResult} from '../platform/git.js'
import {cli} from '../core/invocation.js'
import {redact} from '../core/output.js'
import type {ProbeResult} from '../platform/s3-probe.js'
import {type Addon, type CreateAppResult, createAppCommand, type Variable} from '../platform/scalingo/apps.js'
import {connectScalingo, scalingoReachable} from '../platform/scalingo/client.js'
import {ensureApp, setAppVariables, type SetVariablesResult} from './on-scalingo.js'
import {variablesFromAnswers} from './variables.js'
import type {Origin} from '../settings/resolve.js'
import {type Answers, secretValues} from '../settings/settings.js'

export interface JourneyOptions {
  /** The app directory, and how the user named it (for messages). */
  target: string
  directory: string
  answers: Answers
  flags: Record<string, unknown>
  env: Record<string, string | undefined>
  interactive: boolean
  /** Where each answer came from (a preset endpoint is not the user's to check). */
  origins?: Record<string, Origin>
  /** A first commit exists, so there is something to push. */
  committed: boolean
  log: (line: string) => void
  /** The app's variables (default: the Tempo app's, from the answers). */
  variables?: Variable[]
  /** The secrets to keep out of messages (default: the Tempo app's). */
  secrets?: string[]
  /** An addon the app is created with. */
  addon?: Addon
}

export interface JourneyResult {
  bucket?: ProbeResult & {bucket: string}
  app?: CreateAppResult
  envSet?: SetVariablesResult
  pushed?: DeployResult
}

async function confirm(message: string, byDefault: boolean): Promise<boolean> {
  const {default: ask} = await import('@inquirer/confirm')
  return ask({message, default: byDefault})
}

export async function runJourney(options: JourneyOptions): Promise<JourneyResult> {
  const {answers, flags, env, interactive, log, directory} = options
  const {appName: app, region} = answers
  const result: JourneyResult = {}
  const secrets = options.secrets ?? secretValues(answers)
  // Past this point the app directory exists: a failure says what to run inside it once fixed.
  const resume = (command: string) => (error: CliError) => {
    throw new CliError(
      `${redact(error.message, secrets)}\nThe app is ready in ${directory}; once fixed, run \`${cli(command)}\` inside it.`,
      error.exitCode ?? EXIT.failure,
    )
  }
  const deploying = Boolean(flags['create-app'] || flags['env-set'] || flags.push)
  const reachable = await scalingoReachable(env)
  const scalingo = await connectScalingo(env, log)

  // 1. The bucket, before anything reaches Scalingo: a wrong key or region fails here, not at Tempo's start.
  if (answers.storage === 's3') {
    const wanted =
      flags['create-bucket'] ||
      deploying ||
      (interactive &&
        (await confirm(
          `Check bucket ${answers.bucket} on ${answers.endpoint} with these keys now (writes, reads and deletes one test object)?`,
          true,
        )))
    if (wanted) {
      const {bucketTargetFromAnswers, printedProbe} = await import('./s3-check.js')
      log('')
      const createBucket = flags['create-bucket']
        ? true
        : interactive
          ? (bucket: string) => confirm(`Bucket ${bucket} does not exist. Create it now?`, false)
          : false
      const probe = await printedProbe(bucketTargetFromAnswers(answers, options.origins), {createBucket, log})
      result.bucket = JSON.parse(redact(JSON.stringify({...probe, bucket: answers.bucket}), secrets))
      // The probe said what failed; nothing reaches Scalingo, and the steps left are listed by the caller.
      if (probe.failure) return result
    }
  }

  // 2. The app on Scalingo.
  const offer = interactive && reachable
  const withAddon = options.addon ? ` with a ${options.addon.provider} addon (${options.addon.plan})` : ''
  if (flags['create-app'] ?? (offer && (await confirm(`Create the Scalingo app ${app} in ${region}${withAddon} now?`, true)))) {
    log('')
    result.app = await scalingo.createApp(app, region, options.addon).catch(resume('env-set --create-app'))
  }

  // 3. Its variables: offered on a terminal only when something can set them.
  const envSetQuestion = result.app
    ? `Set the app's variables on Scalingo (${app}, ${region}) now?`
    : `Set the variables of the existing app ${app} (${region}) on Scalingo now?`
  if (flags['env-set'] ?? (offer && (await confirm(envSetQuestion, true)))) {
    log('')
    result.envSet = await setAppVariables({
      scalingo,
      app,
      region,
      variables: options.variables ?? variablesFromAnswers(answers),
      log,
      createApp: Boolean(flags['create-app']),
    }).catch(resume('env-set'))
  }

  // 4. The push, only to an app that exists with its variables (or that the user says has them).
  if (!options.committed) return result
  const pushQuestion = result.envSet
    ? `Push it to Scalingo (${app}, ${region}) now?`
    : `Push it to ${app} (${region}) now? Only if its variables are already set there.`
  if (flags.push ?? (offer && (await confirm(pushQuestion, false)))) {
    log('')
    // Without an answer from the API, a missing app shows up as a refused push: look first when a token allows it.
    if (!result.app) await ensureApp({scalingo, app, region, create: false}).catch(resume('deploy'))
    result.pushed = await deployApp({dir: options.target, app, region, remoteUrl: env.SCALINGO_GIT_URL, log}).catch(resume('deploy'))
  }
  if (!reachable && !deploying && interactive) {
    log(
      `\nNeither SCALINGO_API_TOKEN nor the \`scalingo\` CLI is available here: create the app with \`${createAppCommand(app, region)}\` (or the dashboard), then follow the steps below.`,
    )
  }
  return result
}
