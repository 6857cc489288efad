import * as Flags from '@oclif/core/flags'
import chalk from 'chalk'

import {BaseCommand} from '../lib/cli/base-command.js'
import {DEFAULT_TEMPO_VERSION, TEMPO_VERSIONS} from '../lib/core/contract.js'
import {EXIT} from '../lib/core/errors.js'
import {buildpackUrlFlag, settingFlags} from '../lib/cli/flags.js'

const SYMBOL: Record<string, string> = {
  unchanged: ' ',
  rewrite: chalk.green('~'),
  create: chalk.green('+'),
  conflict: chalk.red('!'),
  deleted: chalk.yellow('-'),
  remove: chalk.yellow('x'),
  secrets: chalk.green('~'),
}
const MEANING: Record<string, string> = {
  unchanged: 'unchanged',
  rewrite: 'regenerated',
  create: 'created (new in this version)',
  conflict: 'edited by you: not overwritten',
  deleted: 'deleted by you: stays deleted',
  remove: 'no longer generated: removed',
  secrets: 'the secrets given, stored (mode 600, git-ignored)',
}

export default class Update extends BaseCommand {
  static override summary = "Regenerate this app's files from its answers file and new flags, never overwriting your edits."
  static override description =
    "Files still as generated are rewritten; a file you edited is left alone with a diff (exit 1) unless --force, which keeps your version as <file>.orig. Secrets are never needed; those given as flags (e.g. new S3 keys), and new ones made by --rotate-secrets, are stored in the app's .env. Ends with what to run for the change to reach Scalingo (env-set, deploy, scale)."
  static override examples = [
    `<%= config.bin %> update --tempo-version ${TEMPO_VERSIONS.find((v) => v !== DEFAULT_TEMPO_VERSION)}`,
    '<%= config.bin %> update --storage s3 --bucket my-traces --access-key AK... --secret-key SK...',
    '<%= config.bin %> update --check   # CI: exit 1 when the app drifted from what the CLI generates',
  ]
  static override enableJsonFlag = true
  static override flags = {
    ...settingFlags(),
    check: Flags.boolean({description: 'Write nothing; exit 1 when regeneration would change a file.', exclusive: ['dry-run', 'force']}),
    'dry-run': Flags.boolean({description: 'Show the diffs and write nothing.'}),
    force: Flags.boolean({description: 'Overwrite files you edited, keeping your version as <file>.orig.'}),
    'rotate-secrets': Flags.boolean({
      description:
        "Generate new credentials (ingest token, query password, the cluster's secret) into .env; env-set puts them on Scalingo.",
      exclusive: ['check'],
    }),
    'buildpack-url': buildpackUrlFlag(),
    dir: Flags.string({description: 'The app directory.', default: '.'}),
  }

  async run(): Promise<unknown> {
    const {flags} = await this.parse(Update)
    const [{isDrift, updateApp}, {cli}, {simpleGit}] = await Promise.all([
      import('../lib/app/update.js'),
      import('../lib/core/invocation.js'),
      import('simple-git'),
    ])
    const mode = flags.check ? 'check' : flags['dry-run'] ? 'dry-run' : 'write'
    // Read before writing: only changes that were already there are the user's.
    const dirtyBefore =
      mode === 'write' &&
      (await simpleGit(flags.dir)
        .status()
        .then((s) => !s.isClean())
        .catch(() => false))
    const result = await updateApp({
      dir: flags.dir,
      flags,
      env: process.env,
      mode,
      force: flags.force,
      cliVersion: this.config.version,
      repositoryUrl: (this.config.pjson.repository as {url: string}).url,
      onWarning: (warning) => this.warning(warning),
    })
    if (dirtyBefore && result.written) {
      const warning = 'The git tree had uncommitted changes before this update: `git diff` shows them mixed with the regenerated files.'
      result.warnings.push(warning)
      this.warning(warning)
    }

    const drift = result.changes.filter((c) => isDrift(c))
    const conflicts = result.changes.filter((c) => c.action === 'conflict')
    for (const change of result.changes) this.log(`${SYMBOL[change.action]} ${change.path}  ${chalk.dim(MEANING[change.action])}`)
    for (const change of mode === 'write' ? conflicts : drift) if (change.diff) this.log('\n' + colorDiff(change.diff))
    for (const backup of result.backups) this.log(`Your version is kept as ${backup}.`)
    if (result.written && result.changes.some((c) => isDrift(c) && c.action !== 'secrets')) this.log('Review with `git diff`, then commit.')
    if (mode !== 'check' && result.next.length > 0 && (result.written || mode === 'dry-run')) {
      this.log(mode === 'dry-run' ? '\nOnce written, run:' : '\nThen run:')
      for (const step of result.next) this.log(`  ${step}`)
    }

    let exitCode: number = EXIT.ok
    if (mode === 'check') {
      this.log(
        drift.length === 0
          ? 'Up to date: regeneration changes nothing.'
          : conflicts.length === 0
            ? `${drift.length} file(s) differ from what this CLI generates: run \`${cli('update')}\` to regenerate them.`
            : `${drift.length} file(s) differ from what this CLI generates, and ${conflicts.map((c) => c.path).join(', ')} ${conflicts.length === 1 ? 'was' : 'were'} edited by you: ` +
              `see the diff with \`${cli('update --dry-run')}\`, then merge it by hand or run \`${cli('update --force')}\` (your version is kept as <file>.orig).`,
      )
      exitCode = drift.length === 0 ? EXIT.ok : EXIT.failure
    } else if (mode === 'write' && !result.written) {
      process.stderr.write(
        chalk.red('✘ ') +
          `Nothing written: ${conflicts.map((c) => c.path).join(', ')} edited by you. Merge the diff by hand, or run \`${cli('update --force')}\` (your version is kept as .orig).\n`,
      )
      exitCode = EXIT.failure
    }
    const doc = {
      mode,
      written: result.written,
      changes: result.changes.map(({path, action, diff}) => ({path, action, diff})),
      backups: result.backups,
      next: result.next,
      warnings: result.warnings,
      exitCode,
    }
    // A drift or a conflict is a result, not a crash: the document is still printed.
    process.exitCode = exitCode
    return doc
  }
}

function colorDiff(diff: string): string {
  return diff
    .split('\n')
    .map((line) =>
      line.startsWith('+') ? chalk.green(line) : line.startsWith('-') ? chalk.red(line) : line.startsWith('@@') ? chalk.cyan(line) : line,
    )
    .join('\n')
}
