// The companion Grafana app's files (pure): the provisioned Tempo datasource, the database
// setting from the PostgreSQL addon, the manifest, README, .gitignore, answers file and .env.
import {ANSWERS_FILE, answersFileContent, hash} from './answers.js'
import {CONTRACT} from '../core/contract.js'
import {dotEnvFile, render, type RenderContext, type RenderedFile} from './render.js'
import {DATASOURCE_UID, GRAFANA_BUILDPACK_URL, grafanaVariables, POSTGRESQL_PROVIDER} from '../settings/grafana.js'
import type {Answers} from '../settings/settings.js'

export const DATASOURCE_FILE = 'provisioning/datasources/tempo.yaml'

/** Every path the Grafana scaffold may write: what an existing directory is checked against. */
export const GRAFANA_PATHS = ['provisioning', '.profile.d', '.gitignore', 'README.md', 'scalingo.json', ANSWERS_FILE, '.env']

/** The generated files, except the answers file (which hashes these) and .env. */
export function renderGrafanaApp(answers: Answers, context: RenderContext): RenderedFile[] {
  const data = {
    answers,
    variables: grafanaVariables(answers),
    uid: DATASOURCE_UID,
    grafanaBuildpackUrl: GRAFANA_BUILDPACK_URL,
    addonProvider: POSTGRESQL_PROVIDER,
    addonPlan: `${POSTGRESQL_PROVIDER}:${answers.postgresqlPlan}`,
    metricsSince: CONTRACT.tempo.traceqlMetrics.since,
    ...context,
  }
  return [
    {path: DATASOURCE_FILE, content: render('grafana/datasource.yaml.ejs', data)},
    {path: '.profile.d/grafana-database.sh', content: render('grafana/profile-database.sh.ejs', data)},
    {path: '.gitignore', content: render('app/gitignore.ejs', data)},
    {path: 'README.md', content: render('grafana/README.md.ejs', data)},
    {path: 'scalingo.json', content: render('grafana/scalingo.json.ejs', data)},
  ]
}

export function grafanaAnswersFile(answers: Answers, context: RenderContext, files: RenderedFile[]): RenderedFile {
  const hashes = Object.fromEntries(files.map((f) => [f.path, hash(f.content)]))
  return {path: ANSWERS_FILE, content: answersFileContent(answers, context.cliVersion, hashes, undefined, context.cli, 'grafana')}
}

/** .env with the Grafana app's secrets only (0600, git-ignored). */
export const renderGrafanaDotEnv = (answers: Answers): RenderedFile => dotEnvFile(grafanaVariables(answers))

/** Every file of a new Grafana app. */
export function planGrafana(answers: Answers, context: RenderContext): RenderedFile[] {
  const files = renderGrafanaApp(answers, context)
  return [...files, grafanaAnswersFile(answers, context, files), renderGrafanaDotEnv(answers)]
}
