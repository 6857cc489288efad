// Answers → file plan (pure), and the one place that puts a plan on disk:
// staged in a temp dir beside the target, then moved into place, so nothing is half-written.
import {chmodSync, mkdirSync, mkdtempSync, writeFileSync} from 'node:fs'
import {readdir, rename, rm, rmdir, stat} from 'node:fs/promises'
import path from 'node:path'

import {ANSWERS_FILE, answersFileContent, hash} from './answers.js'
import {UsageError} from '../core/errors.js'
import {type RenderContext, type RenderedFile, renderApp, renderDotEnv} from './render.js'
import type {Answers} from '../settings/settings.js'

/** Every file of a new app: the generated files, the answers file hashing them, and .env (over the lines of an existing one). */
export function planScaffold(answers: Answers, context: RenderContext, dotEnv: Record<string, string> = {}): RenderedFile[] {
  const files = renderApp(answers, context)
  return [...files, answersFile(answers, context, files), renderDotEnv(answers, dotEnv)]
}

export function answersFile(answers: Answers, context: RenderContext, files: RenderedFile[]): RenderedFile {
  const hashes = Object.fromEntries(files.map((f) => [f.path, hash(f.content)]))
  return {path: ANSWERS_FILE, content: answersFileContent(answers, context.cliVersion, hashes, context.buildpackUrlOverride, context.cli)}
}

async function entries(dir: string): Promise<string[] | undefined> {
  try {
    return await readdir(dir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR')
      throw new UsageError(`${dir} exists and is not a directory: pick another name.`)
    throw error
  }
}

/** Every path a scaffold may write, whatever the answers: what an existing directory is checked against before any question. */
export const GENERATED_PATHS = ['.buildpacks', '.gitignore', 'README.md', 'scalingo.json', 'tempo.yaml', ANSWERS_FILE, '.env']

/** Refuses a non-empty target unless forced, naming the files that would be overwritten. */
export async function checkTarget(target: string, files: readonly string[], force: boolean): Promise<{exists: boolean; empty: boolean}> {
  const existing = await entries(target)
  if (existing === undefined) return {exists: false, empty: true}
  if (existing.length === 0 || force) return {exists: true, empty: existing.length === 0}
  const conflicts = files.filter((p) => existing.includes(p.split('/')[0]))
  const detail =
    conflicts.length > 0
      ? `files that would be overwritten: ${conflicts.join(', ')}`
      : `${existing.length} unrelated entries, none would be overwritten`
  throw new UsageError(
    `${target} is not empty (${detail}). Pick an empty or new directory, or pass --force to write into it (other files are kept).`,
  )
}

export interface Staging {
  dir: string
  discard: () => Promise<void>
}

export async function stage(target: string, files: RenderedFile[]): Promise<Staging> {
  // Synchronous calls: a few small files, where each asynchronous one is a round trip through
  // libuv's thread pool (writeFile alone is three: open, write, close).
  const parent = path.dirname(path.resolve(target))
  mkdirSync(parent, {recursive: true})
  const dir = mkdtempSync(path.join(parent, `.${path.basename(target)}-staging-`))
  // mkdtemp makes 0700; the app directory gets the usual permissions.
  chmodSync(dir, 0o755 & ~process.umask())
  const discard = () => rm(dir, {recursive: true, force: true})
  try {
    for (const file of files) {
      const dest = path.join(dir, file.path)
      mkdirSync(path.dirname(dest), {recursive: true})
      writeFileSync(dest, file.content, {mode: file.mode ?? 0o644})
      if (file.mode) chmodSync(dest, file.mode)
    }
  } catch (error) {
    await discard()
    throw error
  }
  return {dir, discard}
}

/**
 * Stages FILES, commits them when asked (COMMIT: the first commit's message, in the staging
 * directory), then moves them into TARGET; nothing is left behind on error or Ctrl-C.
 */
export async function writeApp(
  target: string,
  files: RenderedFile[],
  targetState: {exists: boolean; empty: boolean},
  commit?: (dir: string) => Promise<void>,
): Promise<void> {
  const staging = await stage(target, files)
  const onInterrupt = () => {
    void staging.discard().finally(() => process.exit(130))
  }
  process.once('SIGINT', onInterrupt)
  try {
    await commit?.(staging.dir)
    await moveIntoPlace(staging, target, targetState)
  } catch (error) {
    await staging.discard()
    throw error
  } finally {
    process.removeListener('SIGINT', onInterrupt)
  }
}

/** Moves the staged tree into place: one rename for a new directory, file by file into an existing one. */
export async function moveIntoPlace(staging: Staging, target: string, targetState: {exists: boolean; empty: boolean}): Promise<void> {
  if (!targetState.exists || targetState.empty) {
    if (targetState.exists) await rmdir(target)
    await rename(staging.dir, target)
    return
  }
  for (const name of await readdir(staging.dir)) {
    const from = path.join(staging.dir, name)
    const to = path.join(target, name)
    if ((await stat(from)).isDirectory() && (await entries(to)) !== undefined) continue
    await rename(from, to)
  }
  await staging.discard()
}
