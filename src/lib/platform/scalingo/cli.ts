// Scalingo through the `scalingo` CLI on PATH, as logged in by its user. Values reach it on
// stdin only (`env-set --file -`, CLI >= 1.29), and lines of its output that hold one are dropped.
import {spawn} from 'node:child_process'

import {formatDotEnv} from '../../core/dotenv.js'
import {CliError} from '../../core/errors.js'
import {type Addon, type CreateAppResult, created, existing, type Log, taken, type Variable} from './apps.js'
import type {Scalingo} from './client.js'

export function cliClient(cli: string, log: Log): Scalingo {
  const scalingo = (args: string[], input = '') => run(cli, args, input)
  async function createOrTake(app: string, region: string): Promise<CreateAppResult> {
    const args = ['--region', region, 'create', app]
    log(`Creating app ${app} in ${region} with \`scalingo ${args.join(' ')}\`…`)
    const {code, output} = await scalingo(args)
    if (code === 0) return created('cli', app, region, log)
    const lines = indented(output.split('\n'))
    if (/not (logged in|authenticated)|unauthori[sz]ed|scalingo login|\b401\b/i.test(output)) {
      throw new CliError(
        `The \`scalingo\` CLI is not logged in (or its token is refused): nothing was created. Run \`scalingo login\` (or set SCALINGO_API_TOKEN), then run this again.\n${lines}`,
      )
    }
    if (taken(output)) return existing('cli', app, region, log, (r) => listed(scalingo, app, r))
    throw new CliError(`\`scalingo ${args.join(' ')}\` failed (exit ${code}): nothing was created.\n${lines}`)
  }

  async function addAddon(app: string, region: string, addon: Addon): Promise<Addon & {added: boolean}> {
    const args = ['--region', region, '--app', app, 'addons-add', addon.provider, addon.plan]
    log(`Adding the ${addon.provider} addon with \`scalingo ${args.join(' ')}\`…`)
    const {code, output} = await scalingo(args)
    if (code !== 0)
      throw new CliError(
        `\`scalingo ${args.join(' ')}\` failed (exit ${code}): the app exists without its database.\n${output.trim()}\nAdd it with that command once fixed.`,
      )
    log(`  ✔ Added the ${addon.provider} addon (${addon.plan}) to ${app}`)
    return {...addon, added: true}
  }

  return {
    via: 'cli',

    // `scalingo apps` lists the account's apps, not whether a name is free: only the API can tell.
    appStatus: async () => 'unknown',

    async createApp(app, region, addon) {
      const result = await createOrTake(app, region)
      return addon ? {...result, addon: await addAddon(app, region, addon)} : result
    },

    async setVariables(app, region, variables) {
      const args = ['--region', region, '--app', app, 'env-set', '--file', '-']
      log(`Setting ${variables.length} variables on ${app} (${region}) with \`scalingo ${args.join(' ')}\` (values on stdin)…`)
      const {code, output} = await scalingo(args, dotEnvDocument(variables))
      const values = variables.map((v) => v.value).filter((value) => value.length > 0)
      // "NAME has been set to 'VALUE'." lines, and any other line holding a value, are never shown.
      const visible = output
        .split('\n')
        .map((line) => line.trimEnd())
        .filter((line) => line !== '' && !/ has been set to /.test(line) && !values.some((value) => line.includes(value)))
      if (code !== 0) {
        const hint = visible.some((line) => /flag provided but not defined|--file/.test(line))
          ? '\nThis Scalingo CLI is too old to read variables from stdin: upgrade it (>= 1.29), or set SCALINGO_API_TOKEN to use the API.'
          : ''
        throw new CliError(`\`scalingo env-set\` failed (exit ${code}):\n${indented(visible)}${hint}`)
      }
      for (const line of visible) log(`  ${line}`)
      return 'set'
    },
  }
}

const indented = (lines: string[]): string =>
  lines
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => `  ${line}`)
    .join('\n')

/** Whether `scalingo apps` lists the app in the region (a table: | NAME | ROLE | OWNER | STATUS |). */
async function listed(scalingo: (args: string[]) => ReturnType<typeof run>, app: string, region: string): Promise<boolean> {
  const {code, output} = await scalingo(['--region', region, 'apps'])
  return (
    code === 0 &&
    output.split('\n').some((line) =>
      line
        .split('|')
        .map((cell) => cell.trim())
        .includes(app),
    )
  )
}

/** The variables as a .env document: the app's .env format, which the Scalingo CLI's `env-set --file -` reads. */
export const dotEnvDocument = (variables: readonly Variable[]): string =>
  formatDotEnv(Object.fromEntries(variables.map((v) => [v.name, v.value])))

function run(command: string, args: string[], input: string): Promise<{code: number | null; output: string}> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {stdio: ['pipe', 'pipe', 'pipe']})
    let output = ''
    child.stdout.on('data', (d) => (output += d))
    child.stderr.on('data', (d) => (output += d))
    child.on('error', (error) => reject(new CliError(`Cannot run ${command}: ${error.message}`)))
    child.on('close', (code) => resolve({code, output}))
    // A CLI that exits before reading stdin must not crash us with EPIPE.
    child.stdin.on('error', () => {})
    child.stdin.end(input)
  })
}
