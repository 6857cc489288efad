// Resolution of every answer: flag > environment variable > answers file > prompt (TTY only) > default.
import {TEMPO_VERSIONS} from '../core/contract.js'
import {UsageError} from '../core/errors.js'
import {distinctCredentials, stripScheme} from '../core/validate.js'
import {type Answers, applies, choiceWarning, type Context, SETTINGS, type Setting} from './settings.js'

export type Origin = 'flag' | 'env' | 'answers file' | 'prompt' | 'default' | 'generated'

export interface Sources {
  flags: Record<string, unknown>
  env: Record<string, string | undefined>
  saved?: Answers
  context: Context
  /** Secrets are only needed when something will receive them (scaffold, env-set). */
  needSecrets: boolean
  /** Told of each warning as it arises (on a terminal, next to its question). */
  onWarning?: (warning: string) => void
  /** The table to resolve (default: the Tempo app's). */
  settings?: readonly Setting[]
}

/** Asks one question on a TTY; receives the suggested default. */
export type Ask = (s: Setting, answers: Answers, suggested: string | undefined) => Promise<string>

export interface Resolution {
  answers: Answers
  origins: Record<string, Origin>
  warnings: string[]
}

export const flagAndEnv = (s: Setting): string => `--${s.flag} (${s.env})`

export const untestedVersion = (version: string): string =>
  `Tempo ${version} is not one of the tested versions (${TEMPO_VERSIONS.join(', ')}): it is untested here; the build downloads it, verifies its checksum and runs \`tempo -config.verify\` on the config.`

/** Normalizes a value and validates it; the same message serves prompts and flags. */
export function check(s: Setting, raw: string): {value: string; error?: string; warning?: string; scheme?: string} {
  let value = raw.trim()
  let warning: string | undefined
  let scheme: string | undefined
  if (s.name === 'endpoint' && stripScheme(value) !== value) {
    scheme = value.slice(0, value.indexOf(':')).toLowerCase()
    const consequence =
      scheme === 'http'
        ? 'http:// means plain HTTP to S3, so --insecure defaults to true'
        : 'Tempo takes host[:port] and uses HTTPS unless --insecure'
    warning = `${flagAndEnv(s)}: the scheme was removed from "${value}" (${consequence}).`
    value = stripScheme(value).replace(/\/$/, '')
  }
  if (s.name === 'tempoVersion') value = value.replace(/^v/, '')
  if (s.kind === 'boolean') value = value.toLowerCase()
  const error = s.validate?.(value)
  if (!error && s.name === 'tempoVersion' && !TEMPO_VERSIONS.includes(value)) warning = untestedVersion(value)
  return {value, error, warning, scheme}
}

function given(s: Setting, sources: Sources): {raw: string; origin: Origin} | undefined {
  const flag = sources.flags[s.flag]
  if (flag !== undefined) return {raw: String(flag), origin: 'flag'}
  const env = sources.env[s.env]
  if (env !== undefined && env !== '') return {raw: env, origin: 'env'}
  const saved = sources.saved?.[s.name]
  if (saved !== undefined) return {raw: saved, origin: 'answers file'}
}

export async function resolveAnswers(sources: Sources, ask?: Ask): Promise<Resolution> {
  const context: Context = {...sources.context}
  const answers: Answers = {}
  const origins: Record<string, Origin> = {}
  const warnings: string[] = []
  const warn = (warning: string | undefined) => {
    if (!warning) return
    warnings.push(warning)
    sources.onWarning?.(warning)
  }
  const invalid: string[] = []
  const missing: Setting[] = []

  const table = sources.settings ?? SETTINGS
  for (const s of table) {
    if (!applies(s, answers) || (s.secret && !sources.needSecrets)) continue
    const found = given(s, sources)
    if (found) {
      const {value, error, warning, scheme} = check(s, found.raw)
      warn(warning)
      context.endpointScheme ??= scheme
      if (error) {
        const shown = s.secret ? '' : ` "${found.raw}"`
        invalid.push(`${found.origin === 'answers file' ? `${s.name} in the answers file` : flagAndEnv(s)}:${shown} ${error}.`)
        continue
      }
      const saved = sources.saved?.[s.name]
      if (found.origin === 'env' && saved !== undefined && saved !== value) {
        warn(
          `${s.env}=${value} in the environment (a loaded .env?) overrides ${s.name} "${saved}" of the answers file: unset it to keep the saved value.`,
        )
      }
      answers[s.name] = value
      origins[s.name] = found.origin
      warn(choiceWarning(s, value))
      continue
    }
    const suggested = s.default?.(answers, context)
    if (ask && s.prompt && (s.askWhen ?? (() => true))(answers)) {
      // The prompt validated the value; normalizing it here keeps the scheme and its warning.
      const {value, warning, scheme} = check(s, await ask(s, answers, suggested))
      warn(warning)
      context.endpointScheme ??= scheme
      answers[s.name] = value
      origins[s.name] = 'prompt'
      warn(choiceWarning(s, value))
    } else if (suggested !== undefined && (suggested !== '' || !s.required)) {
      // Defaults derived from elsewhere (the directory name) can be invalid too.
      const error = s.validate?.(suggested)
      if (error) {
        invalid.push(`${flagAndEnv(s)}: the default "${suggested}" does not fit: ${error}. Pass ${'--' + s.flag}.`)
        continue
      }
      answers[s.name] = suggested
      origins[s.name] = 'default'
    } else if (s.generate) {
      answers[s.name] = s.generate()
      origins[s.name] = 'generated'
    } else if (s.required) {
      missing.push(s)
    }
  }

  for (const s of table) {
    const conflict = answers[s.name] === undefined ? undefined : s.conflicts?.(answers[s.name], answers)
    if (conflict) invalid.push(`${flagAndEnv(s)} "${answers[s.name]}": ${conflict}.`)
  }
  const problems = [...invalid]
  const shared = distinctCredentials(answers.ingestToken, answers.queryPassword)
  if (shared) problems.push(`--query-password (TEMPO_QUERY_PASSWORD) and --ingest-token (TEMPO_INGEST_TOKEN): ${shared}.`)
  if (missing.length > 0) {
    problems.push(`Missing required values (no terminal to ask them, or --yes/CI set): ${missing.map((s) => flagAndEnv(s)).join(', ')}.`)
  }
  if (problems.length > 0) throw new UsageError(problems.join('\n'))
  return {answers, origins, warnings}
}
