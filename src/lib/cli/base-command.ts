// What every command shares: colour switch, whether to ask questions, and user-facing errors without stack traces.
import {isatty} from 'node:tty'

import type {Input, ParserOutput} from '@oclif/core/interfaces'
import {Command} from '@oclif/core/command'
import * as Flags from '@oclif/core/flags'
import chalk from 'chalk'

import type {AppSources} from '../app/answers.js'
import {CliError, EXIT} from '../core/errors.js'

export abstract class BaseCommand extends Command {
  static override baseFlags = {
    color: Flags.boolean({
      allowNo: true,
      default: true,
      description: 'Colour the output (NO_COLOR also turns it off).',
      helpGroup: 'GLOBAL',
    }),
  }

  /**
   * Whether questions may be asked, decided once for every command: a terminal on both ends,
   * neither --yes nor CI, and no --json (whose stdout is one document).
   */
  protected interactive = false

  protected override async parse<F extends Record<string, unknown>, B extends Record<string, unknown>, A extends Record<string, unknown>>(
    options?: Input<F, B, A>,
    argv?: string[],
  ): Promise<ParserOutput<F, B, A>> {
    const parsed = await super.parse(options, argv)
    this.interactive =
      // isatty: reading process.stdin would open a stream on it, ~10 ms of every start.
      isatty(0) && isatty(1) && !(parsed.flags as {yes?: boolean}).yes && !process.env.CI && !this.jsonEnabled()
    return parsed
  }

  protected override async init(): Promise<void> {
    await super.init()
    if (process.env.NO_COLOR || this.argv.includes('--no-color')) chalk.level = 0
  }

  protected override async catch(error: Error & {exitCode?: number}): Promise<unknown> {
    if (error.name === 'ExitPromptError' || error.name === 'AbortPromptError') {
      this.logToStderr('Cancelled.')
      return this.exit(EXIT.cancelled)
    }
    if (error instanceof CliError) {
      if (this.jsonEnabled()) {
        this.logJson({error: {message: error.message, exitCode: error.exitCode}})
      } else {
        this.logToStderr(chalk.red('✘ ') + error.message)
      }
      return this.exit(error.exitCode)
    }
    // oclif's parse errors (unknown flag, extra argument, a flag given twice): a usage error, without the whole help page.
    if ('parse' in error || /^Flag --\S+ can only be specified once$/.test(error.message)) {
      const {cli} = await import('../core/invocation.js')
      const first = error.message.split('\n')[0]
      process.stderr.write(`${chalk.red('✘ ')}${first}${await this.flagSuggestion(first)}\nSee \`${cli(`${this.id ?? ''} --help`)}\`.\n`)
      return this.exit(EXIT.usage)
    }
    return super.catch(error)
  }

  /** The answers of the app in the current directory, resolved as every command resolves them; warnings shown. */
  protected async appAnswers(flags: Record<string, unknown>, options: Pick<AppSources, 'secrets' | 'only' | 'needFile'>) {
    const {resolveAppAnswers} = await import('../app/answers.js')
    return resolveAppAnswers({
      dir: process.cwd(),
      flags,
      env: process.env,
      cliVersion: this.config.version,
      onWarning: (warning) => this.warning(warning),
      ...options,
    })
  }

  /** Shown on stderr whatever the output mode: --json keeps stdout for its document, never swallows a warning. */
  protected warning(line: string): void {
    process.stderr.write(`${chalk.yellow('! ')}${line}\n`)
  }

  private async flagSuggestion(message: string): Promise<string> {
    const unknown = /^Nonexistent flags?: (--?[\w-]+)/.exec(message)?.[1]
    if (!unknown) return ''
    const {closest} = await import('../core/suggest.js')
    const ctor = this.constructor as typeof BaseCommand
    const names = Object.entries({...ctor.baseFlags, ...ctor.flags, ...(ctor.enableJsonFlag ? {json: {}} : {})}).flatMap(([name, flag]) => [
      name,
      ...((flag as {allowNo?: boolean}).allowNo ? [`no-${name}`] : []),
    ])
    const match = closest(unknown.replace(/^--?/, ''), names)
    return match ? `: did you mean --${match}?` : ''
  }
}
