// Regeneration of an app from its answers file without clobbering a user's edit
// (the model is copier's `update` / cruft's `check`): the recorded hash tells
// "still as generated" apart from "edited by the user".
import {chmod, readFile, rename, rm, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {ANSWERS_FILE, hash, readAnswersFile, withDotEnv} from './answers.js'
import {unifiedDiff} from '../core/diff.js'
import {cli} from '../core/invocation.js'
import {answersFile} from './plan.js'
import {grafanaAnswersFile, renderGrafanaApp} from './grafana.js'
import {GRAFANA_SETTINGS} from '../settings/grafana.js'
import {type RenderedFile, renderApp, renderContext, renderDotEnv} from './render.js'
import {resolveAnswers} from '../settings/resolve.js'
import {type Answers, applies, setting, tempoMajor} from '../settings/settings.js'

export type Action =
  | 'unchanged' // nothing to do
  | 'rewrite' // as generated last time, and the new rendering differs
  | 'create' // a file the previous version did not generate
  | 'conflict' // edited by the user and the new rendering differs: never clobbered
  | 'deleted' // deleted by the user: stays deleted
  | 'remove' // no longer generated and unedited (e.g. tempo.yaml in env mode)

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
}

export async function updateApp(options: UpdateOptions): Promise<UpdateResult> {
  const {dir} = options
  const saved = await readAnswersFile(dir, options.cliVersion)
  const warnings: string[] = []
  const warn = (warning: string) => {
    warnings.push(warning)
    options.onWarning?.(warning)
  }
  const grafana = saved.kind === 'grafana'
  const {answers} = await resolveAnswers({
    flags: options.flags,
    env: options.env,
    saved: saved.answers,
    context: {directoryName: path.basename(path.resolve(dir))},
    needSecrets: false,
    onWarning: warn,
    ...(grafana ? {settings: GRAFANA_SETTINGS} : {}),
  })
  const oldMajor = saved.answers.tempoVersion ? tempoMajor(saved.answers.tempoVersion) : undefined
  const newMajor = answers.tempoVersion && tempoMajor(answers.tempoVersion)
  if (oldMajor && newMajor && oldMajor !== newMajor) {
    warn(
      `Tempo ${saved.answers.tempoVersion} → ${answers.tempoVersion}: a new major; tempo.yaml is rendered from the ${newMajor}.x template (its keys differ from ${oldMajor}.x).`,
    )
  }
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

  const result: UpdateResult = {changes, answers, warnings, written: false, backups: []}
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
    }
  }
  // Deleted files keep a record, so they stay deleted at the next update.
  const record = rendered.filter((file) => changes.some((c) => c.path === file.path))
  const written = (grafana ? grafanaAnswersFile : answersFile)(answers, context, record)
  await writeFile(path.join(dir, ANSWERS_FILE), written.content)
  result.written = true
  const generated = await addClusterSecret(dir, answers, options.env)
  if (generated) {
    warn(
      `The app now runs ${answers.containers} containers as one cluster: ${generated} was generated into .env; \`${cli('env-set')}\` puts it and TEMPO_CLUSTER_SIZE on Scalingo.`,
    )
  }
  return result
}

/**
 * The secret a cluster's members share is needed by no person: an app that grows to several
 * containers gets one in its .env (0600, git-ignored) unless the environment or .env has it.
 * Returns the variable's name when it was added.
 */
async function addClusterSecret(dir: string, answers: Answers, env: Record<string, string | undefined>): Promise<string | undefined> {
  const secret = setting('clusterSecret')
  if (!applies(secret, answers) || (await withDotEnv(dir, env))[secret.env]) return undefined
  const file = path.join(dir, '.env')
  const value = secret.generate!()
  const current = await readFile(file, 'utf8').catch(() => undefined)
  // The generated value is base64url: no quoting to do.
  const content =
    current === undefined
      ? renderDotEnv({...answers, [secret.name]: value}).content
      : `${current}${current.endsWith('\n') ? '' : '\n'}${secret.env}='${value}'\n`
  await writeFile(file, content, {mode: 0o600})
  await chmod(file, 0o600)
  return secret.env
}
