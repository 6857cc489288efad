// What every command shares: colour switch, and user-facing errors without stack traces.
import {Command} from '@oclif/core/command'
import * as Flags from '@oclif/core/flags'
import chalk from 'chalk'

import {CliError, EXIT} from './errors.js'

export abstract class BaseCommand extends Command {
  static override baseFlags = {
    color: Flags.boolean({allowNo: true, default: true, description: 'Colour the output (NO_COLOR also turns it off).', helpGroup: 'GLOBAL'}),
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
    // oclif's parse errors (unknown flag, extra argument): a usage error, without the whole help page.
    if ('parse' in error) {
      this.logToStderr(`${chalk.red('✘ ')}${error.message.split('\n')[0]}\nSee \`${this.config.bin} ${this.id ?? ''} --help\`.`)
      return this.exit(EXIT.usage)
    }
    return super.catch(error)
  }
}
