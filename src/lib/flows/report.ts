// What the scaffolds (the Tempo app, the Grafana app) do alike: report, print, and write the planned files.
import {readdir} from 'node:fs/promises'
import path from 'node:path'

import chalk from 'chalk'

import {checkTarget, writeApp} from '../app/plan.js'
import type {RenderedFile} from '../app/render.js'
import {REDACTED} from '../core/output.js'
import type {AppVariable} from '../settings/settings.js'

export interface PlannedFile {
  path: string
  bytes: number
  mode?: string
}

/** One thing left to do, with the command that does it where it is printed. */
export interface NextStep {
  id: 'cd' | 'check-s3' | 'create-app' | 'env-set' | 'deploy' | 'check'
  command: string
  why: string
}

export const plannedFiles = (files: RenderedFile[]): PlannedFile[] =>
  files.map((f) => ({path: f.path, bytes: Buffer.byteLength(f.content), ...(f.mode ? {mode: f.mode.toString(8)} : {})}))

export const shownVariables = (variables: AppVariable[]): {name: string; value: string | undefined}[] =>
  variables.map((v) => ({name: v.name, value: v.secret ? REDACTED : v.value}))

/** --dry-run: the files that would be written. */
export function printPlan(log: (line: string) => void, target: string, files: PlannedFile[]): void {
  log(`Would create ${target}:`)
  for (const f of files) log(`  ${f.path}  ${f.bytes} B${f.mode ? `  (mode ${f.mode})` : ''}`)
}

/** The files written (BEFORE: the names the directory held already), and where the secrets went. */
export function printWritten(log: (line: string) => void, directory: string, files: PlannedFile[], before = new Set<string>()): void {
  for (const f of files) log(`  ${before.has(f.path) ? chalk.yellow('~') : chalk.green('+')} ${f.path}`)
  log(`\nSecrets are in ${path.join(directory, '.env')} (mode 600, git-ignored).`)
}

export function printNextSteps(log: (line: string) => void, steps: NextStep[]): void {
  log('\nNext:\n')
  const width = Math.max(...steps.map((step) => step.command.length))
  for (const step of steps) log(`  ${step.command.padEnd(width)}   # ${step.why}`)
  log('')
}

export interface PlannedWrite {
  target: string
  /** The directory as the user named it, for the printed paths. */
  directory: string
  files: RenderedFile[]
  /** The same files as the report lists them (plannedFiles). */
  planned: PlannedFile[]
  force: boolean
  dryRun: boolean
  /** Whether a first commit is asked (--git). */
  git: boolean
  commitMessage: string
  /** Values that must not reach the commit. */
  secrets: string[]
  /** What is scaffolded, for the heading: "Tempo <version>". */
  what: string
  log: (line: string) => void
  warn: (line: string) => void
}

/**
 * --dry-run prints the plan; otherwise the files are written (staged), with a first commit when
 * one is asked and the directory was new or empty. Returns whether it committed.
 */
export async function writePlanned(w: PlannedWrite): Promise<boolean> {
  const {planned} = w
  const before = new Set(await readdir(w.target).catch(() => [] as string[]))
  const state = await checkTarget(
    w.target,
    w.files.map((f) => f.path),
    w.force,
  )
  if (w.dryRun) {
    printPlan(w.log, w.target, planned)
    return false
  }
  w.log(`\nScaffolding ${w.what} app in ${chalk.bold(w.target)}...`)
  const committed = w.git && (!state.exists || state.empty)
  if (w.git && !committed) w.warn('Git was skipped: the directory already existed.')
  await writeApp(
    w.target,
    w.files,
    state,
    committed ? async (dir) => (await import('../platform/git.js')).firstCommit(dir, w.commitMessage, w.secrets) : undefined,
  )
  printWritten(w.log, w.directory, planned, before)
  return committed
}
