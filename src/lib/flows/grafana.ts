// The companion Grafana app: directory → answers (the Tempo app's URL, query user and password
// when run inside it or right after `create`) → plan → staged write → git → the same first
// deploy as the Tempo app (app created with its PostgreSQL addon, variables set, pushed).
import {access} from 'node:fs/promises'
import path from 'node:path'

import chalk from 'chalk'

import {ANSWERS_FILE, readAnswersFile} from '../app/answers.js'
import {GRAFANA_PATHS, planGrafana} from '../app/grafana.js'
import {checkTarget, writeApp} from '../app/plan.js'
import {renderContext} from '../app/render.js'
import {readDotEnv} from '../core/dotenv.js'
import {cli} from '../core/invocation.js'
import {firstCommit} from '../platform/git.js'
import {addonCommand, createAppCommand} from '../platform/scalingo/apps.js'
import {appUrl, GRAFANA_SETTINGS, grafanaVariables, POSTGRESQL_PROVIDER} from '../settings/grafana.js'
import {createAsk} from '../settings/prompts.js'
import {resolveAnswers} from '../settings/resolve.js'
import {type Answers, publicAnswers, secretValues} from '../settings/settings.js'
import type {JourneyResult} from './journey.js'
import {checkedVariables} from './variables.js'
import {type NextStep, plannedFiles, printNextSteps, printPlan, printWritten, shownVariables} from './report.js'

export interface GrafanaOptions {
  directory: string | undefined
  /** The Tempo app to look at, when there is one: its answers and .env give the defaults. */
  tempoDir?: string
  flags: Record<string, unknown>
  env: Record<string, string | undefined>
  cliVersion: string
  repositoryUrl: string
  /** Whether questions may be asked (decided by the command). */
  interactive: boolean
  log: (line: string) => void
  warn: (line: string) => void
}

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  )

/** What a Tempo app directory tells: its URL and query user (answers), its query password (.env, through env). */
async function tempoDefaults(
  dir: string | undefined,
  cliVersion: string,
  env: Record<string, string | undefined>,
): Promise<{saved?: Answers; env: Record<string, string | undefined>; tempoApp?: string}> {
  if (!dir || !(await exists(path.join(dir, ANSWERS_FILE)))) return {env}
  const file = await readAnswersFile(dir, cliVersion)
  if (file.kind === 'grafana' || !file.answers.appName) return {env}
  const {appName, region = 'osc-fr1', queryUser} = file.answers
  const dotEnv = await readDotEnv(dir)
  // Only the query password comes from the Tempo app's .env: its other secrets are no business of Grafana's.
  const merged = {...env, TEMPO_QUERY_PASSWORD: env.TEMPO_QUERY_PASSWORD || dotEnv.TEMPO_QUERY_PASSWORD}
  return {saved: {tempoUrl: appUrl(appName, region), ...(queryUser ? {queryUser} : {})}, env: merged, tempoApp: dir}
}

export async function scaffoldGrafana(options: GrafanaOptions): Promise<Record<string, unknown>> {
  const {flags, log} = options
  const warnings: string[] = []
  const warn = (warning: string) => {
    warnings.push(warning)
    options.warn(warning)
  }
  const {interactive} = options
  const tempo = await tempoDefaults(options.tempoDir ?? process.cwd(), options.cliVersion, options.env)
  const directory = options.directory ?? (tempo.tempoApp ? `${path.resolve(tempo.tempoApp)}-grafana` : 'my-grafana')
  const target = path.resolve(directory)
  await checkTarget(target, GRAFANA_PATHS, Boolean(flags.force))
  if (tempo.tempoApp) log(`Tempo app: ${tempo.saved?.tempoUrl} (answers and .env of ${tempo.tempoApp})`)

  const {answers} = await resolveAnswers(
    {
      flags,
      env: tempo.env,
      saved: tempo.saved,
      context: {directoryName: path.basename(target)},
      secrets: 'generate',
      onWarning: warn,
      settings: GRAFANA_SETTINGS,
    },
    interactive ? createAsk() : undefined,
  )

  const context = renderContext(options.cliVersion, options.repositoryUrl)
  const files = planGrafana(answers, context)
  const secrets = secretValues(answers, GRAFANA_SETTINGS)
  const variables = grafanaVariables(answers)
  const addon = {provider: POSTGRESQL_PROVIDER, plan: answers.postgresqlPlan}
  const report = {
    directory: target,
    dryRun: Boolean(flags['dry-run']),
    files: plannedFiles(files),
    answers: publicAnswers(answers, GRAFANA_SETTINGS),
    variables: shownVariables(variables),
    addon,
    url: appUrl(answers.appName, answers.region),
    git: false,
    warnings,
    nextSteps: nextSteps(directory, answers),
  }

  const targetState = await checkTarget(
    target,
    files.map((f) => f.path),
    Boolean(flags.force),
  )
  if (flags['dry-run']) {
    printPlan(log, target, report.files)
    return report
  }

  log(`\nScaffolding Grafana ${answers.grafanaVersion} app in ${chalk.bold(target)}...`)
  const gitWanted = Boolean(flags.git ?? true) && (!targetState.exists || targetState.empty)
  await writeApp(
    target,
    files,
    targetState,
    gitWanted
      ? (dir) =>
          firstCommit(
            dir,
            `Grafana ${answers.grafanaVersion} for ${answers.tempoUrl}, generated by create-tempo-scalingo ${options.cliVersion}`,
            secrets,
          )
      : undefined,
  )
  report.git = gitWanted
  printWritten(log, directory, report.files)

  const {runJourney} = await import('./journey.js')
  const journey = await runJourney({
    target,
    directory,
    answers,
    flags,
    env: options.env,
    interactive,
    committed: report.git,
    log,
    variables: checkedVariables(variables),
    secrets,
    addon,
  })
  Object.assign(report, journey)
  report.nextSteps = nextSteps(directory, answers, journey)

  printNextSteps(log, report.nextSteps)
  return report
}

function nextSteps(directory: string, answers: Answers, done: JourneyResult = {}): NextStep[] {
  const {appName: app, region} = answers
  const steps: NextStep[] = [{id: 'cd', command: `cd ${directory}`, why: 'the commands below run inside the Grafana app'}]
  if (!done.app) {
    steps.push({id: 'create-app', command: createAppCommand(app, region), why: 'once: the Grafana app on Scalingo'})
    steps.push({
      id: 'create-app',
      command: addonCommand(app, region, {provider: POSTGRESQL_PROVIDER, plan: answers.postgresqlPlan}),
      why: "once: Grafana's database",
    })
  }
  if (!done.envSet) steps.push({id: 'env-set', command: cli('env-set'), why: 'put the variables on Scalingo'})
  if (!done.pushed) steps.push({id: 'deploy', command: cli('deploy'), why: 'git push to Scalingo'})
  steps.push({
    id: 'check',
    command: cli(`check --grafana ${appUrl(app, region)}`),
    why: 'inside the Tempo app (its ingest token pushes the smoke trace): Grafana, its database, the datasource, the trace found through it',
  })
  return steps
}
