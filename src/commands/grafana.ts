import * as Args from '@oclif/core/args'
import {BaseCommand} from '../lib/cli/base-command.js'
import {deployFlags, scaffoldFlags, settingFlags} from '../lib/cli/flags.js'
import {GRAFANA_SETTINGS} from '../lib/settings/grafana.js'

export default class Grafana extends BaseCommand {
  static override summary = "Generate a Grafana app for Scalingo's Grafana buildpack, with the Tempo datasource provisioned."
  static override description =
    "Run inside a Tempo app (or right after `create`): the Tempo app's URL and query user come from its answers, the query password from its .env; elsewhere, pass --tempo-url, --query-user and TEMPO_QUERY_PASSWORD. The datasource reads the password from Grafana's environment ($TEMPO_QUERY_PASSWORD), never from git; streaming is off (the proxy serves HTTP/1.1).\n\n" +
    'Then the same first deploy as `create` (asked on a terminal; in CI, --create-app, --env-set, --push): the app created with its PostgreSQL addon, its variables set, pushed.'
  static override examples = [
    'cd my-tempo && <%= config.bin %> grafana',
    'TEMPO_QUERY_PASSWORD=... <%= config.bin %> grafana my-grafana --yes --tempo-url https://my-tempo.osc-fr1.scalingo.io',
    'SCALINGO_API_TOKEN=... <%= config.bin %> grafana --yes --create-app --env-set --push',
  ]
  static override enableJsonFlag = true
  static override args = {
    directory: Args.string({description: 'Directory to create (default: <tempo app>-grafana beside the Tempo app, else my-grafana)'}),
  }
  static override flags = {
    ...settingFlags(GRAFANA_SETTINGS),
    ...scaffoldFlags(),
    ...deployFlags('with its PostgreSQL addon'),
  }

  async run(): Promise<unknown> {
    const {args, flags} = await this.parse(Grafana)
    const {scaffoldGrafana} = await import('../lib/flows/grafana.js')
    return scaffoldGrafana({
      directory: args.directory,
      flags,
      env: process.env,
      cliVersion: this.config.version,
      repositoryUrl: (this.config.pjson.repository as {url: string}).url,
      interactive: this.interactive,
      log: (line) => this.log(line),
      warn: (line) => this.warning(line),
    })
  }
}
