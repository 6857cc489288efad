import type {Interfaces} from '@oclif/core'
import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../lib/cli/base-command.js'
import {TEMPO_VERSIONS} from '../lib/core/contract.js'
import {UsageError} from '../lib/core/errors.js'
import {setting} from '../lib/settings/settings.js'

const credential = (name: string) => {
  const s = setting(name)
  return Flags.string({description: `${s.description}. [env: ${s.env}, else the app's .env]`, helpGroup: 'CREDENTIALS'})
}

export default class Check extends BaseCommand {
  static override summary = 'Smoke-test a deployed Tempo end to end, or lint a tempo.yaml offline.'
  static override description =
    'Deployment check: GET /ready (retried until --timeout), auth enforced without credentials, one span pushed over OTLP/HTTP ' +
    'with the ingest token and read back with the query credentials; on success, prints the OpenTelemetry and Grafana settings. ' +
    'Exit 0 when every step passes, 1 otherwise.\n\n' +
    'Offline lint (--config): every key of a tempo.yaml checked against the key tree of a Tempo version; exit 1 on an unknown key.\n\n' +
    'Bucket probe (--s3): endpoint reachable (DNS, TLS), keys accepted, bucket present, one object written, read back and deleted ' +
    'under .tempo-scalingo-probe/; settings from .tempo-scalingo.json (or the TEMPO_STORAGE_S3_* variables), keys from the environment or else the .env. ' +
    'Exit 1 naming the step that failed and why.'
  static override examples = [
    '<%= config.bin %> check                       # inside the app directory: its Scalingo URL and .env credentials',
    '<%= config.bin %> check https://my-tempo.osc-fr1.scalingo.io --timeout 120',
    `<%= config.bin %> check --config tempo.yaml --tempo-version ${TEMPO_VERSIONS.at(-1)}`,
    '<%= config.bin %> check --s3 --create-bucket        # inside the app directory: probe (and create) its bucket',
    '<%= config.bin %> check --grafana https://my-tempo-grafana.osc-fr1.scalingo.io   # then the companion Grafana app',
  ]
  static override enableJsonFlag = true
  static override args = {
    url: Args.string({description: "The app's base URL (default: https://<app>.<region>.scalingo.io from .tempo-scalingo.json here)"}),
  }
  // Credential and version flags take their names from the settings table.
  static override flags: Interfaces.FlagInput = {
    [setting('ingestToken').flag]: credential('ingestToken'),
    [setting('queryUser').flag]: credential('queryUser'),
    [setting('queryPassword').flag]: credential('queryPassword'),
    timeout: Flags.integer({min: 1, default: 60, description: 'Seconds to wait for /ready, then for the span to come back.'}),
    'show-secrets': Flags.boolean({description: 'Print the ingest token in the OpenTelemetry settings (and in --json).'}),
    config: Flags.string({description: 'Lint this tempo.yaml offline instead of checking a deployment.', helpGroup: 'LINT'}),
    [setting('tempoVersion').flag]: Flags.string({
      description: 'Tempo version to lint against (default: TEMPO_VERSION, the answers file, else the default version).',
      helpGroup: 'LINT',
    }),
    s3: Flags.boolean({
      description: "Probe the app's S3 bucket instead: endpoint, keys, bucket, write/read/delete of one object.",
      helpGroup: 'S3',
    }),
    grafana: Flags.string({
      description:
        "After Tempo, check the companion Grafana app at this URL: /api/health, the Tempo datasource's health, the smoke trace found through Grafana.",
      helpGroup: 'GRAFANA',
    }),
    'grafana-user': Flags.string({
      description: "Grafana's admin user. [env: GF_SECURITY_ADMIN_USER, else the Grafana app's answers]",
      helpGroup: 'GRAFANA',
    }),
    'grafana-password': Flags.string({
      description: "Grafana's admin password. [env: GF_SECURITY_ADMIN_PASSWORD, else the Grafana app's .env]",
      helpGroup: 'GRAFANA',
    }),
    'create-bucket': Flags.boolean({
      description: 'Create the bucket when it does not exist (implies --s3); without it, a terminal asks.',
      helpGroup: 'S3',
    }),
  }

  async run(): Promise<unknown> {
    const {args, flags} = await this.parse(Check)
    const {CREDENTIAL_SETTINGS, checkDeployment, lintFile} = await import('../lib/flows/check.js')
    const {progress} = await import('../lib/core/progress.js')
    const json = this.jsonEnabled()
    const io = {
      log: (line: string) => this.log(line),
      warn: (line: string) => this.warning(line),
      progress: progress(process.stderr, !json),
    }
    const common = {env: process.env, cwd: process.cwd(), cliVersion: this.config.version, io}
    const str = (name: string) => flags[name] as string | undefined

    let outcome
    if (flags.s3 || flags['create-bucket']) {
      if (args.url || flags.config !== undefined)
        throw new UsageError('--s3 probes the bucket of the app in this directory: pass no URL and no --config with it')
      const {checkBucket} = await import('../lib/flows/s3-check.js')
      const ask = async (bucket: string) => {
        const {default: confirm} = await import('@inquirer/confirm')
        return confirm({message: `Bucket ${bucket} does not exist. Create it now?`, default: false})
      }
      outcome = await checkBucket({...common, createBucket: flags['create-bucket'] ? true : this.interactive && ask, log: io.log})
    } else if (flags.config === undefined) {
      outcome = await checkDeployment({
        ...common,
        url: args.url,
        flags: Object.fromEntries(CREDENTIAL_SETTINGS.map((s) => [s.flag, str(s.flag)])),
        timeoutSeconds: flags.timeout as number,
        showSecrets: Boolean(flags['show-secrets']),
        ...(str('grafana') ? {grafana: {url: str('grafana')!, user: str('grafana-user'), password: str('grafana-password')}} : {}),
      })
    } else {
      if (args.url) throw new UsageError('pass either a URL (deployment check) or --config (offline lint), not both')
      outcome = await lintFile({...common, file: flags.config as string, version: str(setting('tempoVersion').flag)})
    }
    if (!outcome.ok) process.exitCode = 1
    return outcome.document
  }
}
