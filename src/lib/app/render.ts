// EJS templates → file contents. Pure apart from reading the templates themselves.
import {readFileSync} from 'node:fs'
import path from 'node:path'

import ejs from 'ejs'

import {ANSWERS_FILE} from './answers.js'
import {CONTRACT, DEFAULT_TEMPO_VERSION, drilldownWarning, usesMetricsGenerator} from '../core/contract.js'
import {DOT_ENV, formatDotEnv, shellQuote} from '../core/dotenv.js'
import {ingestLimitsTable, runtimeVariables, variablesTable} from '../core/docs.js'
import {cli} from '../core/invocation.js'
import {inPackage} from '../core/paths.js'
import {type Answers, type AppVariable, appVariables, applies, SETTINGS, setting, tempoMajor} from '../settings/settings.js'

const TEMPLATES = inPackage('templates') + path.sep

export interface RenderContext {
  cliVersion: string
  buildpackUrl: string
  /** The URL given with --buildpack-url, kept in the answers file so that update keeps it. */
  buildpackUrlOverride?: string
  /** How the README runs this CLI (`npx create-tempo-scalingo`, `node …/bin/run.js`), kept in the answers file. */
  cli: string
}

export interface RenderedFile {
  path: string
  content: string
  /** File mode; 0o600 for files holding secrets. */
  mode?: number
}

const PORTS = Object.fromEntries(CONTRACT.ports.map((p) => [p.name, p.default]))
const RUNTIME_DEFAULTS = Object.fromEntries(runtimeVariables().map((v) => [v.name, v.default]))

/** A run-time setting of the buildpack as a ${VAR:-default} reference: internal ports and limits move without a new config. */
const internal = (name: string, fallback?: string): string => {
  if (!(name in RUNTIME_DEFAULTS)) throw new Error(`data/contract.json has no run-time variable ${name}`)
  return `\${${name}:-${fallback ?? RUNTIME_DEFAULTS[name]}}`
}

export function render(template: string, data: Record<string, unknown>): string {
  const file = TEMPLATES + template
  return ejs.render(readFileSync(file, 'utf8'), data, {filename: file})
}

// Plain YAML scalars stay unquoted (reviewable); anything else is a JSON string, which YAML reads back as is.
const yamlScalar = (value: string): string => (/^[A-Za-z0-9._/:-]*$/.test(value) && value !== '' ? value : JSON.stringify(value))

/**
 * The Tempo config for the answers' major. `file`: values written in, secrets as ${VAR};
 * `env`: every setting as ${VAR:-default}, the buildpack's default template.
 */
export function renderTempoConfig(answers: Answers, mode: 'file' | 'env'): string {
  const major = tempoMajor(answers.tempoVersion)
  // `suffix` appends to the value (a path under a configured directory).
  const v = (name: string, suffix = ''): string => {
    const s = setting(name)
    if (mode === 'file' && !s.secret) return yamlScalar(answers[name] + suffix)
    const fallback = mode === 'env' && !s.required ? s.default?.({}, {directoryName: ''}) : undefined
    return (fallback === undefined ? `\${${s.env}}` : `\${${s.env}:-${fallback}}`) + suffix
  }
  const traceqlMetrics = usesMetricsGenerator(answers.tempoVersion)
  return render(`tempo/tempo-${major}.yaml.ejs`, {answers, major, mode, v, internal, traceqlMetrics})
}

/** The buildpack is this CLI's repository at its version tag, so both move in lockstep, unless overridden. */
export function renderContext(cliVersion: string, repositoryUrl: string, override?: string, command = cli()): RenderContext {
  return {
    cliVersion,
    buildpackUrl: override ?? `${repositoryUrl.replace(/^git\+/, '')}#v${cliVersion}`,
    buildpackUrlOverride: override,
    cli: command,
  }
}

/** The app's generated files, except the answers file (which hashes these). */
export function renderApp(answers: Answers, context: RenderContext): RenderedFile[] {
  const variables = appVariables(answers)
  const data = {
    answers,
    variables,
    settings: SETTINGS.filter((s) => applies(s, answers)),
    major: tempoMajor(answers.tempoVersion),
    ...context,
    ports: PORTS,
    reviewAppMarker: CONTRACT.reviewApps.marker,
    shellQuote,
    runtimeTable: variablesTable(runtimeVariables()),
    ingestTable: ingestLimitsTable(),
    maxBodyMiB: CONTRACT.ingestLimits.maxBodyBytes / 1048576,
    defaultTempoVersion: DEFAULT_TEMPO_VERSION,
    traceqlMetricsWarning: drilldownWarning(answers.tempoVersion),
    buildTable: variablesTable(CONTRACT.buildVariables.filter((v) => !variables.some((appVariable) => appVariable.name === v.name))),
  }
  const files: RenderedFile[] = [
    {path: '.buildpacks', content: render('app/buildpacks.ejs', data)},
    {path: '.gitignore', content: render('app/gitignore.ejs', data)},
    {path: 'README.md', content: render('app/README.md.ejs', data)},
    {path: 'scalingo.json', content: render('app/scalingo.json.ejs', data)},
  ]
  if (answers.configMode === 'file') files.push({path: 'tempo.yaml', content: renderTempoConfig(answers, 'file')})
  return files
}

/**
 * .env with the app's secrets only, kept locally, 0600 and git-ignored. Settings live in the
 * answers file: a loaded .env must not override them behind `update`'s back.
 */
export const renderDotEnv = (answers: Answers, kept: Record<string, string> = {}): RenderedFile => dotEnvFile(appVariables(answers), kept)

/** .env holding the secrets among VARIABLES, beside KEPT (what the app's .env already holds). */
export function dotEnvFile(variables: readonly AppVariable[], kept: Record<string, string> = {}): RenderedFile {
  const values: Record<string, string> = {...kept}
  for (const variable of variables) if (variable.secret && variable.value !== undefined) values[variable.name] = variable.value
  return {path: DOT_ENV, content: formatDotEnv(values, DOT_ENV_COMMENT), mode: 0o600}
}

export const DOT_ENV_COMMENT = `Secrets of this app: never commit this file. Settings are in ${ANSWERS_FILE}.`
