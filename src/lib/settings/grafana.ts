// The settings of the companion Grafana app (Scalingo's Grafana buildpack, the Tempo datasource
// provisioned): the same Setting shape and resolution as the Tempo app's table.
import * as v from '../core/validate.js'
import {type Answers, type AppVariable, credential, type Setting, setting} from './settings.js'

/** Scalingo's own Grafana buildpack. */
export const GRAFANA_BUILDPACK_URL = 'https://github.com/Scalingo/grafana-buildpack'
/** A release listed in that buildpack's INVENTORY.tsv; 12 or later has Traces Drilldown built in. */
export const DEFAULT_GRAFANA_VERSION = '13.2.1'
export const MIN_GRAFANA_MAJOR = 12
/** The provisioned datasource's uid: stable, so dashboards and `check --grafana` find it. */
export const DATASOURCE_UID = 'tempo-scalingo'
/** Where the app's provisioning directory lands on Scalingo (the app root is /app). */
export const PROVISIONING_PATH = '/app/provisioning'
export const POSTGRESQL_PROVIDER = 'postgresql'

/** The Scalingo address of an app. */
export const appUrl = (app: string, region: string): string => `https://${app}.${region}.scalingo.io`

function grafanaVersion(value: string): string | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(value)
  if (!m) return `Grafana versions are x.y.z (e.g. ${DEFAULT_GRAFANA_VERSION})`
  if (Number(m[1]) < MIN_GRAFANA_MAJOR)
    return `Grafana ${MIN_GRAFANA_MAJOR} or later is needed: Traces Drilldown is built in from ${MIN_GRAFANA_MAJOR} (e.g. ${DEFAULT_GRAFANA_VERSION})`
}

function tempoUrl(value: string): string | undefined {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return 'the Tempo app URL is https://<app>.<region>.scalingo.io'
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'the Tempo app URL is https://<app>.<region>.scalingo.io'
  if (url.username || url.password) return 'the URL carries no credential: the datasource sends the query user and password'
}

const planName = (value: string): string | undefined =>
  /^[a-z0-9][a-z0-9-]*$/.test(value) ? undefined : 'a PostgreSQL plan name such as postgresql-starter-512'

const named = (name: string, override: Partial<Setting>): Setting => ({...setting(name), ...override})

export const GRAFANA_SETTINGS: readonly Setting[] = [
  named('appName', {env: 'GRAFANA_APP', description: 'Scalingo app name of the Grafana app', prompt: 'Scalingo app name (Grafana)'}),
  setting('region'),
  {
    name: 'tempoUrl',
    flag: 'tempo-url',
    env: 'TEMPO_URL',
    kind: 'string',
    description: 'URL of the Tempo app, https://<app>.<region>.scalingo.io (inside a Tempo app: read from its answers)',
    prompt: 'Tempo app URL',
    validate: tempoUrl,
    required: true,
  },
  named('queryUser', {description: "Tempo's query user (the datasource's basic auth)", prompt: 'Tempo query user', askWhen: undefined}),
  named('queryPassword', {
    description: "Tempo's query password (inside a Tempo app: read from its .env); Grafana reads it from its environment",
    prompt: 'Tempo query password',
    generate: undefined,
    askWhen: undefined,
    required: true,
  }),
  {
    name: 'grafanaVersion',
    flag: 'grafana-version',
    env: 'GRAFANA_VERSION',
    kind: 'string',
    description: `Grafana release the buildpack installs (${MIN_GRAFANA_MAJOR} or later: Traces Drilldown built in)`,
    default: () => DEFAULT_GRAFANA_VERSION,
    validate: grafanaVersion,
  },
  {
    name: 'adminUser',
    flag: 'admin-user',
    env: 'GF_SECURITY_ADMIN_USER',
    kind: 'string',
    description: "Grafana's admin user",
    default: () => 'admin',
    validate: v.userName,
  },
  {
    name: 'adminPassword',
    flag: 'admin-password',
    env: 'GF_SECURITY_ADMIN_PASSWORD',
    kind: 'string',
    description: "Grafana's admin password (generated when not given)",
    validate: v.password,
    secret: true,
    generate: credential,
  },
  {
    name: 'postgresqlPlan',
    flag: 'postgresql-plan',
    env: 'SCALINGO_POSTGRESQL_PLAN',
    kind: 'string',
    description: "Plan of the PostgreSQL addon holding Grafana's database",
    default: () => 'postgresql-starter-512',
    validate: planName,
  },
  named('containerSize', {description: 'Size of the Grafana web container', default: () => 'S', prompt: 'Container size (Grafana)'}),
]

/** The variables the Grafana app needs on Scalingo (GF_DATABASE_URL comes from the addon, see .profile.d). */
export function grafanaVariables(answers: Answers): AppVariable[] {
  const plain = (name: string, value: string, description: string): AppVariable => ({
    name,
    value,
    description,
    secret: false,
    generated: false,
  })
  return [
    plain('BUILDPACK_URL', GRAFANA_BUILDPACK_URL, "Scalingo's Grafana buildpack"),
    plain('GRAFANA_VERSION', answers.grafanaVersion, 'Grafana release the buildpack installs'),
    plain('GF_SERVER_HTTP_PORT', '$PORT', 'Grafana listens on the port Scalingo gives the container'),
    plain('GF_SERVER_ROOT_URL', appUrl(answers.appName, answers.region), "Grafana's public address"),
    plain('GF_PATHS_PROVISIONING', PROVISIONING_PATH, 'where Grafana reads the provisioned Tempo datasource'),
    plain('GF_SECURITY_ADMIN_USER', answers.adminUser, "Grafana's admin user"),
    {
      name: 'GF_SECURITY_ADMIN_PASSWORD',
      value: answers.adminPassword,
      description: "Grafana's admin password",
      secret: true,
      generated: true,
    },
    {
      name: 'TEMPO_QUERY_PASSWORD',
      value: answers.queryPassword,
      description: "Tempo's query password, read by the provisioned datasource",
      secret: true,
      generated: false,
    },
  ]
}
