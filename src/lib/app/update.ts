// Regeneration of an app from its answers file without clobbering a user's edit
// (the model is copier's `update` / cruft's `check`): the recorded hash tells
// "still as generated" apart from "edited by the user".
import {chmod, readFile, rename, rm, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {ANSWERS_FILE, hash, resolveAppAnswers} from './answers.js'
import {DOT_ENV, readDotEnv} from '../core/dotenv.js'
import {unifiedDiff} from '../core/diff.js'
import {blockFormatWarning} from '../core/contract.js'
import {cli} from '../core/invocation.js'
import {answersFile} from './plan.js'
import {grafanaAnswersFile, renderGrafanaApp} from './grafana.js'
import {GRAFANA_SETTINGS, grafanaVariables} from '../settings/grafana.js'
import {dotEnvFile, type RenderedFile, renderApp, renderContext} from './render.js'
import {type Answers, type AppVariable, appVariables, applies, setting, SETTINGS, tempoMajor} from '../settings/settings.js'

export type Action =
  | 'unchanged' // nothing to do
  | 'rewrite' // as generated last time, and the new rendering differs
  | 'create' // a file the previous version did not generate
  | 'conflict' // edited by the user and the new rendering differs: never clobbered
  | 'deleted' // deleted by the user: stays deleted
  | 'remove' // no longer generated and unedited (e.g. tempo.yaml in env mode)
  | 'secrets' // .env: secrets given to this update, stored (never shown in a diff)

export interface FileChange {
  path: string
  action: Action
  /** Unified diff from what is on disk to the new rendering. */
  diff: string
  content?: string
}

/** Pure: what regeneration does to each file, given the disk, the recorded hashes and the new rendering. */
export function planUpdate(
  onDisk: Record<string, string | undefined>,
  recorded: Record<string, string>,
  rendered: RenderedFile[],
): FileChange[] {
  const changes: FileChange[] = rendered.map((file) => {
    const current = onDisk[file.path]
    const diff = unifiedDiff(current ?? '', file.content, current === undefined ? '/dev/null' : `a/${file.path}`, `b/${file.path}`)
    const base = {path: file.path, diff, content: file.content}
    if (current === file.content) return {...base, action: 'unchanged', diff: ''}
    if (current === undefined) return {...base, action: file.path in recorded ? 'deleted' : 'create'}
    return {...base, action: recorded[file.path] === hash(current) ? 'rewrite' : 'conflict'}
  })
  for (const [file, recordedHash] of Object.entries(recorded)) {
    if (rendered.some((r) => r.path === file)) continue
    const current = onDisk[file]
    if (current === undefined) continue
    const diff = unifiedDiff(current, '', `a/${file}`, '/dev/null')
    changes.push({path: file, action: hash(current) === recordedHash ? 'remove' : 'conflict', diff})
  }
  return changes
}

export const isDrift = (change: FileChange): boolean => !['unchanged', 'deleted'].includes(change.action)

export interface UpdateOptions {
  dir: string
  flags: Record<string, unknown>
  env: Record<string, string | undefined>
  cliVersion: string
  repositoryUrl: string
  mode: 'write' | 'check' | 'dry-run'
  force: boolean
  /** Told of each warning before anything is written. */
  onWarning?: (warning: string) => void
}

export interface UpdateResult {
  changes: FileChange[]
  answers: Answers
  warnings: string[]
  /** Whether files and the answers file were written. */
  written: boolean
  /** Files kept as <file>.orig by --force. */
  backups: string[]
  /** What to run once the files are written, for the change to reach the app on Scalingo. */
  next: string[]
}

export async function updateApp(options: UpdateOptions): Promise<UpdateResult> {
  const {dir} = options
  const warnings: string[] = []
  const warn = (warning: string) => {
    warnings.push(warning)
    options.onWarning?.(warning)
  }
  const {answers, origins, file} = await resolveAppAnswers({
    dir,
    flags: options.flags,
    env: options.env,
    cliVersion: options.cliVersion,
    secrets: 'optional',
    needFile: true,
    onWarning: warn,
  })
  const saved = file!
  const grafana = saved.kind === 'grafana'
  const variables = grafana ? grafanaVariables : appVariables
  // --rotate-secrets: new generated credentials into .env (never one given as a flag).
  if (options.flags['rotate-secrets']) {
    const rotated = (grafana ? GRAFANA_SETTINGS : SETTINGS).filter((s) => s.generate && applies(s, answers) && origins[s.name] !== 'flag')
    for (const s of rotated) {
      answers[s.name] = s.generate!()
      origins[s.name] = 'generated'
    }
    const cluster = rotated.some((s) => s.name === 'clusterSecret')
    warn(
      `New ${rotated.map((s) => s.env).join(', ')} in .env: \`${cli('env-set')}\` puts them on Scalingo; give exporters and Grafana the new credentials.` +
        (cluster
          ? ` Members with different cluster secrets cannot talk: restart every container with the new one together (scalingo --region ${answers.region} --app ${answers.appName} restart), not one by one.`
          : ''),
    )
  }
  // The secret a cluster's members share is needed by no person: an app that grows to several
  // containers gets one generated into .env, unless the environment or .env has it.
  const clusterSecret = setting('clusterSecret')
  if (!grafana && applies(clusterSecret, answers) && answers[clusterSecret.name] === undefined) {
    answers[clusterSecret.name] = clusterSecret.generate!()
    origins[clusterSecret.name] = 'generated'
    warn(
      `The app now runs ${answers.containers} containers as one cluster: ${clusterSecret.env} was generated into .env; \`${cli('env-set')}\` puts it and TEMPO_CLUSTER_SIZE on Scalingo.`,
    )
  }
  const oldMajor = saved.answers.tempoVersion ? tempoMajor(saved.answers.tempoVersion) : undefined
  const newMajor = answers.tempoVersion && tempoMajor(answers.tempoVersion)
  if (oldMajor && newMajor && oldMajor !== newMajor) {
    warn(
      `Tempo ${saved.answers.tempoVersion} → ${answers.tempoVersion}: a new major; tempo.yaml is rendered from the ${newMajor}.x template (its keys differ from ${oldMajor}.x).`,
    )
  }
  const unreadable =
    saved.answers.tempoVersion && answers.tempoVersion && blockFormatWarning(saved.answers.tempoVersion, answers.tempoVersion)
  if (unreadable && saved.answers.storage === 's3') warn(unreadable)
  if (saved.answers.storage === 'local' && answers.storage === 's3') {
    warn(
      `Storage is now s3: the app needs TEMPO_STORAGE_S3_ACCESS_KEY_ID and TEMPO_STORAGE_S3_SECRET_ACCESS_KEY on Scalingo (\`${cli('env-set')}\`).`,
    )
  }

  const context = renderContext(
    options.cliVersion,
    options.repositoryUrl,
    (options.flags['buildpack-url'] as string | undefined) ?? saved.buildpackUrl,
    saved.cli,
  )
  const rendered = grafana ? renderGrafanaApp(answers, context) : renderApp(answers, context)
  const paths = new Set([...rendered.map((f) => f.path), ...Object.keys(saved.files)])
  const onDisk: Record<string, string | undefined> = {}
  for (const file of paths) onDisk[file] = await readFile(path.join(dir, file), 'utf8').catch(() => undefined)
  const changes = planUpdate(onDisk, saved.files, rendered)
  // Secrets given as flags (or generated) go to .env beside the ones it holds (they never reach the answers file).
  const given = (grafana ? GRAFANA_SETTINGS : SETTINGS).filter((s) => s.secret && ['flag', 'generated'].includes(origins[s.name]))
  const dotEnv = await readDotEnv(dir, options.env)
  const storeSecrets = options.mode !== 'check' && given.some((s) => dotEnv[s.env] !== answers[s.name])
  if (storeSecrets) changes.push({path: DOT_ENV, action: 'secrets', diff: '', content: dotEnvFile(variables(answers), dotEnv).content})

  const next = nextSteps(
    variables,
    saved.answers,
    answers,
    storeSecrets,
    changes.some((c) => isDrift(c) && c.action !== 'secrets'),
  )
  const result: UpdateResult = {changes, answers, warnings, written: false, backups: [], next}
  const blocked = changes.some((c) => c.action === 'conflict') && !options.force
  if (options.mode !== 'write' || blocked) return result

  for (const change of changes) {
    const file = path.join(dir, change.path)
    switch (change.action) {
      case 'conflict':
        await rename(file, `${file}.orig`)
        result.backups.push(`${change.path}.orig`)
        if (change.content !== undefined) await writeFile(file, change.content)
        break
      case 'remove':
        await rm(file)
        break
      case 'rewrite':
      case 'create':
        await writeFile(file, change.content!)
        break
      case 'secrets':
        await writeFile(file, change.content!, {mode: 0o600})
        await chmod(file, 0o600)
        break
    }
  }
  // Deleted files keep a record, so they stay deleted at the next update; .env is no generated file.
  const record = rendered.filter((file) => changes.some((c) => c.path === file.path))
  await writeFile(path.join(dir, ANSWERS_FILE), (grafana ? grafanaAnswersFile : answersFile)(answers, context, record).content)
  result.written = true
  return result
}

/** What reaches the app on Scalingo only by hand: its variables (env-set), its files (deploy), its size (scale). */
function nextSteps(
  variables: (answers: Answers) => AppVariable[],
  before: Answers,
  after: Answers,
  storedSecrets: boolean,
  filesChanged: boolean,
): string[] {
  const values = (answers: Answers) => JSON.stringify(variables(answers).map((v) => [v.name, v.secret ? '' : v.value]))
  const steps: string[] = []
  if (storedSecrets || values(before) !== values(after)) steps.push(`${cli('env-set')}   # the app's variables on Scalingo`)
  if (filesChanged) steps.push(`${cli('deploy')}   # once committed: the new files on Scalingo`)
  const containers = after.containers ?? '1'
  if (containers !== (before.containers ?? '1'))
    steps.push(`scalingo --region ${after.region} --app ${after.appName} scale web:${containers}   # then ${containers} web container(s)`)
  return steps
}
