// The one table of settings. It drives flags, env fallbacks, prompts, the answers
// file, scalingo.json, the .env file and the generated README's variable list.
import {randomBytes} from 'node:crypto'

import {
  appVariable,
  buildVariable,
  CONTRACT,
  DEFAULT_TEMPO_VERSION,
  drilldownWarning,
  port,
  runtimeVariable,
  tempoMajor,
} from '../core/contract.js'
import * as v from '../core/validate.js'

export {DEFAULT_TEMPO_VERSION, tempoMajor}

export type Answers = Record<string, string>

/** What defaults may depend on beyond the answers. */
export interface Context {
  directoryName: string
  /** The scheme the endpoint was given with, if any: http:// means plain HTTP to S3. */
  endpointScheme?: string
}

export const REGIONS = ['osc-fr1', 'osc-secnum-fr1'] as const
export const CONTAINER_SIZES = Object.keys(CONTRACT.containerSizes)
/** Memory of each Scalingo container size, as Scalingo writes it. */
export const containerMemory = (size: string): string => {
  const mib = CONTRACT.containerSizes[size]
  return mib >= 1024 ? `${mib / 1024} GB` : `${mib} MB`
}

export interface S3Provider {
  id: string
  label: string
  endpoint?: string
  region?: string
}

export const S3_PROVIDERS: readonly S3Provider[] = [
  {id: 'scaleway-fr-par', label: 'Scaleway, Paris (fr-par)', endpoint: 's3.fr-par.scw.cloud', region: 'fr-par'},
  {id: 'scaleway-nl-ams', label: 'Scaleway, Amsterdam (nl-ams)', endpoint: 's3.nl-ams.scw.cloud', region: 'nl-ams'},
  {id: 'scaleway-pl-waw', label: 'Scaleway, Warsaw (pl-waw)', endpoint: 's3.pl-waw.scw.cloud', region: 'pl-waw'},
  {id: 'ovh-gra', label: 'OVHcloud, Gravelines (gra)', endpoint: 's3.gra.io.cloud.ovh.net', region: 'gra'},
  {id: 'aws-eu-west-3', label: 'AWS, Paris (eu-west-3)', endpoint: 's3.eu-west-3.amazonaws.com', region: 'eu-west-3'},
  {id: 'outscale-eu-west-2', label: 'Outscale, Paris (eu-west-2)', endpoint: 'oos.eu-west-2.outscale.com', region: 'eu-west-2'},
  {id: 'custom', label: 'Other S3-compatible storage (enter the endpoint)'},
]

export type Kind = 'string' | 'boolean' | 'choice'

export interface Setting {
  name: string
  flag: string
  env: string
  description: string
  kind: Kind
  /** Question asked on a TTY; settings without one are only set by flag, env or default. */
  prompt?: string
  /** A choice may carry a warning, shown whenever it is picked. */
  choices?: readonly {value: string; label: string; warning?: string}[]
  /** Free text is allowed beside the choices (Tempo versions). */
  openChoice?: boolean
  default?: (answers: Answers, context: Context) => string | undefined
  validate?: v.Validator
  /** Never written to the answers file, logs, --json or git; only to Scalingo or .env. */
  secret?: boolean
  /** Filled from a CSPRNG when no value is given. */
  generate?: () => string
  /** Whether the setting applies at all, given the answers so far. */
  when?: (answers: Answers) => boolean
  /** A secret shown while typed (an access key id is an identifier, not a password). */
  visible?: boolean
  /** Asked on a TTY only when this holds (defaults to `when`). */
  askWhen?: (answers: Answers) => boolean
  /** A value is needed: its absence in non-interactive mode is an error. */
  required?: boolean
  /** Read by the buildpack: goes to the app's environment (always, in env mode, or when this holds). */
  appEnv?: 'always' | 'env-mode' | ((answers: Answers) => boolean)
  /** A warning about this value, shown whenever it is given or picked (like a choice's). */
  warning?: (value: string) => string | undefined
  /** A problem with this value given the other answers (checked once all are known). */
  conflicts?: (value: string, answers: Answers) => string | undefined
}

const isS3 = (a: Answers) => a.storage === 's3'
const provider = (a: Answers) => S3_PROVIDERS.find((p) => p.id === a.s3Provider)
// A preset fills the endpoint and region; only "Other S3" asks for them.
const customS3 = (a: Answers) => isS3(a) && provider(a)?.endpoint === undefined
export const credential = (): string => randomBytes(32).toString('base64url')
const clustered = (a: Answers) => a.containers !== undefined && a.containers !== '1'

export const SETTINGS: readonly Setting[] = [
  {
    name: 'appName',
    flag: 'app',
    env: 'SCALINGO_APP',
    kind: 'string',
    description: 'Scalingo app name',
    prompt: 'Scalingo app name',
    default: (_, context) => appNameFrom(context.directoryName),
    validate: v.appName,
    required: true,
  },
  {
    name: 'region',
    flag: 'region',
    env: 'SCALINGO_REGION',
    kind: 'choice',
    description: 'Scalingo region',
    prompt: 'Scalingo region',
    choices: REGIONS.map((r) => ({value: r, label: r})),
    default: () => 'osc-fr1',
    validate: v.oneOf(REGIONS),
  },
  {
    name: 'containerSize',
    flag: 'container-size',
    env: 'SCALINGO_CONTAINER_SIZE',
    kind: 'choice',
    description: 'Size of the web container (Tempo needs at least M)',
    prompt: 'Container size',
    choices: CONTAINER_SIZES.map((s) => ({
      value: s,
      label: `${s} — ${containerMemory(s)}${s === 'S' ? ' (too small for Tempo beyond a trial)' : ''}`,
    })),
    default: () => 'M',
    validate: v.oneOf(CONTAINER_SIZES),
  },
  {
    name: 'containers',
    flag: 'containers',
    env: runtimeVariable('TEMPO_CLUSTER_SIZE').name,
    kind: 'string',
    description:
      'Number of web containers; more than 1 runs them as one Tempo 2.x cluster over a Scalingo Private Network (1: a single Tempo, which refuses a second container)',
    prompt: 'Web containers (more than 1: one Tempo cluster, needs Tempo 2.x and a Private Network)',
    default: () => '1',
    validate: containerCount,
    conflicts: (value, a) =>
      value !== '1' && tempoMajor(a.tempoVersion ?? DEFAULT_TEMPO_VERSION) === '3'
        ? `Tempo ${a.tempoVersion} (--tempo-version) cannot run as ${value} containers: Tempo 3.x needs a Kafka-compatible queue to run as several processes. Use --containers 1, or --tempo-version ${DEFAULT_TEMPO_VERSION}`
        : undefined,
    // The launcher's replication factor follows it; one container needs nothing.
    appEnv: clustered,
  },
  {
    name: 'clusterSecret',
    flag: 'cluster-secret',
    env: 'TEMPO_CLUSTER_SECRET',
    kind: 'string',
    description: "Secret the cluster's members share: their TLS certificates and gossip label derive from it (nobody types it)",
    validate: v.password,
    secret: true,
    generate: credential,
    when: clustered,
    appEnv: 'always',
  },
  {
    name: 'storage',
    flag: 'storage',
    env: appVariable('storage'),
    kind: 'choice',
    description: 'Trace storage backend: s3, or local for a trial (data dies with the container)',
    prompt: 'Trace storage',
    choices: [
      {value: 's3', label: 's3 — object storage (production)'},
      {
        value: 'local',
        label: 'local — container disk, for a trial: traces are lost at every restart',
        warning: CONTRACT.warnings.localStorage,
      },
    ],
    default: () => 's3',
    validate: v.oneOf(['s3', 'local']),
    appEnv: 'env-mode',
  },
  {
    name: 's3Provider',
    flag: 's3-provider',
    env: 'TEMPO_S3_PROVIDER',
    kind: 'choice',
    description: 'S3 provider preset, pre-filling the endpoint and region',
    prompt: 'S3 provider',
    choices: S3_PROVIDERS.map((p) => ({value: p.id, label: p.label})),
    default: () => 'scaleway-fr-par',
    validate: v.oneOf(S3_PROVIDERS.map((p) => p.id)),
    when: isS3,
  },
  {
    name: 'endpoint',
    flag: 'endpoint',
    env: appVariable('endpoint'),
    kind: 'string',
    description: 'S3 endpoint, host[:port] (a scheme is dropped: http:// turns --insecure on)',
    prompt: 'S3 endpoint (host[:port])',
    default: (a) => provider(a)?.endpoint,
    validate: v.endpoint,
    when: isS3,
    askWhen: customS3,
    required: true,
    appEnv: 'env-mode',
  },
  {
    name: 's3Region',
    flag: 's3-region',
    env: appVariable('s3Region'),
    kind: 'string',
    description: 'S3 region (optional for most providers)',
    prompt: 'S3 region (empty if the provider has none)',
    default: (a) => provider(a)?.region ?? '',
    when: isS3,
    askWhen: customS3,
    appEnv: 'env-mode',
  },
  {
    name: 'forcePathStyle',
    flag: 'force-path-style',
    env: appVariable('forcePathStyle'),
    kind: 'boolean',
    description: 'Use path-style S3 URLs (MinIO and some providers)',
    prompt: 'Path-style URLs (endpoint/bucket, as MinIO needs)?',
    default: () => 'false',
    validate: v.boolean,
    when: isS3,
    askWhen: customS3,
    appEnv: 'env-mode',
  },
  {
    name: 'bucket',
    flag: 'bucket',
    env: appVariable('bucket'),
    kind: 'string',
    description: 'S3 bucket holding the traces',
    prompt: 'S3 bucket',
    validate: v.bucket,
    when: isS3,
    required: true,
    appEnv: 'env-mode',
  },
  {
    name: 'accessKey',
    flag: 'access-key',
    env: appVariable('accessKey'),
    kind: 'string',
    description: 'S3 access key id',
    prompt: 'S3 access key id',
    validate: (value) => (value.trim() === '' ? 'the access key cannot be empty' : undefined),
    secret: true,
    visible: true,
    when: isS3,
    required: true,
    appEnv: 'always',
  },
  {
    name: 'secretKey',
    flag: 'secret-key',
    env: appVariable('secretKey'),
    kind: 'string',
    description: 'S3 secret access key',
    prompt: 'S3 secret access key',
    validate: (value) => (value.trim() === '' ? 'the secret key cannot be empty' : undefined),
    secret: true,
    when: isS3,
    required: true,
    appEnv: 'always',
  },
  {
    name: 'tempoVersion',
    flag: 'tempo-version',
    env: buildVariable('TEMPO_VERSION').name,
    kind: 'choice',
    description: 'Grafana Tempo version installed by the buildpack (x.y.z)',
    prompt: 'Tempo version',
    choices: CONTRACT.tempo.versions.map((t) => ({value: t.version, label: t.note ? `${t.version} (${t.note})` : t.version})),
    openChoice: true,
    default: () => DEFAULT_TEMPO_VERSION,
    validate: v.semver,
    warning: drilldownWarning,
    appEnv: 'always',
  },
  {
    name: 'insecure',
    flag: 'insecure',
    env: appVariable('insecure'),
    kind: 'boolean',
    description: 'Talk to S3 over plain HTTP instead of HTTPS (default: true when the endpoint is given as http://)',
    default: (_, context) => String(context.endpointScheme === 'http'),
    validate: v.boolean,
    when: isS3,
    appEnv: 'env-mode',
  },
  {
    name: 'grpcPort',
    flag: 'grpc-port',
    env: port('grpc').variable,
    kind: 'string',
    description: "Tempo's internal gRPC port (the public HTTP port is Scalingo's $PORT)",
    default: () => port('grpc').default,
    validate: grpcPort,
    appEnv: 'env-mode',
  },
  {
    name: 'walPath',
    flag: 'wal-path',
    env: appVariable('walPath'),
    kind: 'string',
    description: 'Write-ahead log directory on the container disk',
    default: () => '/tmp/tempo/wal',
    validate: v.absolutePath,
    appEnv: 'env-mode',
  },
  {
    name: 'retention',
    flag: 'retention',
    env: appVariable('retention'),
    kind: 'string',
    description: 'How long traces are kept in storage (Go duration, e.g. 336h = 14 days)',
    prompt: 'Trace retention (e.g. 336h = 14 days)',
    default: () => '336h',
    validate: v.duration,
    appEnv: 'env-mode',
  },
  {
    name: 'configMode',
    flag: 'config-mode',
    env: 'TEMPO_CONFIG_MODE',
    kind: 'choice',
    description: 'file: commit a reviewable tempo.yaml; env: no tempo.yaml, the buildpack template driven by env vars',
    prompt: 'Configuration style',
    choices: [
      {value: 'file', label: 'file — commit a tempo.yaml (reviewable in git; secrets stay in env vars)'},
      {value: 'env', label: "env — no tempo.yaml: the buildpack's default config, driven by env vars"},
    ],
    default: () => 'file',
    validate: v.oneOf(['file', 'env']),
  },
  {
    name: 'generateCredentials',
    flag: 'generate-credentials',
    env: 'TEMPO_GENERATE_CREDENTIALS',
    kind: 'boolean',
    description: "Generate the proxy's ingest token and query password",
    prompt: 'Generate the credentials that protect ingest and query?',
    default: () => 'true',
    validate: v.boolean,
  },
  {
    name: 'ingestToken',
    flag: 'ingest-token',
    env: appVariable('ingestToken'),
    kind: 'string',
    description: 'Bearer token that OTLP exporters send to push traces',
    prompt: 'Ingest token (sent by OTLP exporters as a bearer token)',
    validate: v.bearerToken,
    secret: true,
    generate: credential,
    askWhen: (a) => a.generateCredentials === 'false',
    appEnv: 'always',
  },
  {
    name: 'queryUser',
    flag: 'query-user',
    env: appVariable('queryUser'),
    kind: 'string',
    description: 'Basic-auth user of the query API (Grafana datasource)',
    prompt: 'Query user (Grafana datasource basic auth)',
    default: () => 'grafana',
    validate: v.userName,
    askWhen: (a) => a.generateCredentials === 'false',
    appEnv: 'always',
  },
  {
    name: 'queryPassword',
    flag: 'query-password',
    env: appVariable('queryPassword'),
    kind: 'string',
    description: 'Basic-auth password of the query API (Grafana datasource)',
    prompt: 'Query password',
    validate: v.password,
    secret: true,
    generate: credential,
    askWhen: (a) => a.generateCredentials === 'false',
    appEnv: 'always',
  },
]

function containerCount(value: string): string | undefined {
  const n = Number(value)
  if (!/^\d+$/.test(value) || n < 1 || n > 50) return 'the number of web containers is a whole number from 1 to 50'
}

// The gRPC port must differ from Tempo's other listeners: its internal HTTP API, the OTLP receivers and memberlist.
function grpcPort(value: string): string | undefined {
  const taken = CONTRACT.ports.find((p) => p.name !== 'grpc' && p.default === value)
  return (
    v.port(value) ??
    (taken ? `port ${value} is taken by ${taken.label} (${taken.variable}); pick another (default ${port('grpc').default})` : undefined)
  )
}

/** A directory name turned into a valid Scalingo app name (My_Tempo → my-tempo, wiz3 → wiz3-tempo). */
export function appNameFrom(directoryName: string): string {
  const name = directoryName
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, 48)
    .replace(/-+$/, '')
  // Too short for Scalingo (6 characters at least): the product's name completes it.
  if (name.length >= 6) return name
  return name === '' ? 'my-tempo' : `${name}-tempo`
}

export function setting(name: string): Setting {
  const found = SETTINGS.find((s) => s.name === name)
  if (!found) throw new Error(`unknown setting ${name}`)
  return found
}

export const choiceWarning = (s: Setting, value: string): string | undefined =>
  s.choices?.find((c) => c.value === value)?.warning ?? s.warning?.(value)

export const applies = (s: Setting, answers: Answers): boolean => s.when?.(answers) ?? true

/** The answers without secrets, in table order: what the answers file keeps. */
export function publicAnswers(answers: Answers, table: readonly Setting[] = SETTINGS): Answers {
  const out: Answers = {}
  for (const s of table) if (!s.secret && answers[s.name] !== undefined && applies(s, answers)) out[s.name] = answers[s.name]
  return out
}

export function secretValues(answers: Answers, table: readonly Setting[] = SETTINGS): string[] {
  return table.filter((s) => s.secret && answers[s.name]).map((s) => answers[s.name])
}

export interface AppVariable {
  name: string
  value: string | undefined
  description: string
  secret: boolean
  generated: boolean
}

/** The variables the app needs on Scalingo, for this config mode. */
export function appVariables(answers: Answers): AppVariable[] {
  const wanted = (s: Setting) =>
    typeof s.appEnv === 'function' ? s.appEnv(answers) : s.appEnv === 'always' || answers.configMode === 'env'
  return SETTINGS.filter((s) => s.appEnv && applies(s, answers) && wanted(s)).map((s) => ({
    name: s.env,
    value: answers[s.name],
    description: s.description,
    secret: Boolean(s.secret),
    generated: Boolean(s.generate),
  }))
}
