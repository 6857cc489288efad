// What every command shares: colour switch, and user-facing errors without stack traces.
import {Command, Flags} from '@oclif/core'
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

  protected override async catch(error: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<unknown> {
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
    // oclif's own parse errors (unknown flag, bad option) are usage errors.
    if (error.oclif?.exit === 2 || error.name === 'CLIError' && /Unexpected argument|Nonexistent flag|Expected --|must be one of/.test(error.message)) {
      error.oclif = {...error.oclif, exit: EXIT.usage}
    }
    return super.catch(error)
  }
}
