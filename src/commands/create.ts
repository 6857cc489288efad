import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {BaseCommand} from '../lib/cli/base-command.js'
import {buildpackUrlFlag, deployFlags, scaffoldFlags, settingFlags} from '../lib/cli/flags.js'

export default class Create extends BaseCommand {
  static override summary = 'Generate a Scalingo app that runs Grafana Tempo behind an authenticating proxy.'
  static override description =
    "Asks for what it needs on a terminal; in CI, pass flags or the buildpack's env vars (flag > env > default). Secrets go to .env (0600, git-ignored) or Scalingo, never to git.\n\n" +
    'Then, each step only once the one before holds (asked on a terminal; in CI, --create-app, --env-set, --push): the bucket is probed (write, read, delete one object), the app is created on Scalingo, its variables are set, it is pushed.'
  static override examples = [
    '<%= config.bin %> my-tempo',
    '<%= config.bin %> my-tempo --yes --storage local',
    'SCALINGO_API_TOKEN=... <%= config.bin %> my-tempo --yes --bucket my-traces --create-app --env-set --push',
    'TEMPO_STORAGE_S3_ACCESS_KEY_ID=... TEMPO_STORAGE_S3_SECRET_ACCESS_KEY=... <%= config.bin %> my-tempo --yes --bucket my-traces',
  ]
  static override enableJsonFlag = true
  static override args = {
    directory: Args.string({description: 'Directory to create (its name is the default app name)'}),
  }
  static override flags = {
    ...settingFlags(),
    ...scaffoldFlags(),
    force: Flags.boolean({
      description: "Write into a non-empty directory, or generate an existing app again (unrelated files and the .env's secrets are kept).",
    }),
    'rotate-secrets': Flags.boolean({
      description: 'With --force over an existing app: generate a new ingest token and query password instead of keeping them.',
      dependsOn: ['force'],
    }),
    'buildpack-url': buildpackUrlFlag(),
    'create-bucket': Flags.boolean({
      description: 'Create the S3 bucket when the probe finds it missing (on a terminal, you are asked).',
      helpGroup: 'DEPLOY',
    }),
    ...deployFlags('in its region'),
    grafana: Flags.boolean({
      allowNo: true,
      description:
        'Then generate the companion Grafana app in DIR-grafana (the Tempo datasource provisioned), with the same deploy flags (on a terminal, you are asked).',
      helpGroup: 'DEPLOY',
    }),
  }

  async run(): Promise<unknown> {
    const {args, flags} = await this.parse(Create)
    const {scaffold} = await import('../lib/flows/scaffold.js')
    const report = await scaffold({
      directory: args.directory,
      flags,
      env: process.env,
      cliVersion: this.config.version,
      repositoryUrl: (this.config.pjson.repository as {url: string}).url,
      interactive: this.interactive,
      log: (line) => this.log(line),
      warn: (line) => this.warning(line),
    })
    // A failed step after the files were written: its report (and the steps left) still printed.
    if (report.ok === false) process.exitCode = 1
    return report
  }
}
