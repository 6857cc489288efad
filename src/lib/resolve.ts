// Resolution of every answer: flag > environment variable > answers file > prompt (TTY only) > default.
import {UsageError} from './errors.js'
import {type Answers, applies, type Context, SETTINGS, type Setting} from './settings.js'
import {distinctCredentials, stripScheme} from './validate.js'

export type Origin = 'flag' | 'env' | 'answers file' | 'prompt' | 'default' | 'generated'

export interface Sources {
  flags: Record<string, unknown>
  env: Record<string, string | undefined>
  saved?: Answers
  context: Context
  /** Secrets are only needed when something will receive them (scaffold, env-set). */
  needSecrets: boolean
}

/** Asks one question on a TTY; receives the suggested default. */
export type Ask = (s: Setting, answers: Answers, suggested: string | undefined) => Promise<string>

export interface Resolution {
  answers: Answers
  origins: Record<string, Origin>
  warnings: string[]
}

export const flagAndEnv = (s: Setting): string => `--${s.flag} (${s.env})`

/** Normalizes a value and validates it; the same message serves prompts and flags. */
export function check(s: Setting, raw: string): {value: string; error?: string; warning?: string} {
  let value = raw.trim()
  let warning: string | undefined
  if (s.name === 'endpoint' && stripScheme(value) !== value) {
    warning = `${flagAndEnv(s)}: the scheme was removed from "${value}" (Tempo takes host[:port]; use --insecure for plain HTTP).`
    value = stripScheme(value).replace(/\/$/, '')
  }
  if (s.name === 'tempoVersion') value = value.replace(/^v/, '')
  if (s.kind === 'boolean') value = value.toLowerCase()
  const error = s.validate?.(value)
  return {value, error, warning}
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
  const answers: Answers = {}
  const origins: Record<string, Origin> = {}
  const warnings: string[] = []
  const invalid: string[] = []
  const missing: Setting[] = []

  for (const s of SETTINGS) {
    if (!applies(s, answers) || (s.secret && !sources.needSecrets)) continue
    const found = given(s, sources)
    if (found) {
      const {value, error, warning} = check(s, found.raw)
      if (warning) warnings.push(warning)
      if (error) {
        const shown = s.secret ? '' : ` "${found.raw}"`
        invalid.push(`${found.origin === 'answers file' ? `${s.name} in the answers file` : flagAndEnv(s)}:${shown} ${error}.`)
        continue
      }
      answers[s.name] = value
      origins[s.name] = found.origin
      continue
    }
    const suggested = s.default?.(answers, sources.context)
    if (ask && s.prompt && (s.askWhen ?? (() => true))(answers)) {
      answers[s.name] = await ask(s, answers, suggested)
      origins[s.name] = 'prompt'
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

  const problems = [...invalid]
  const shared = distinctCredentials(answers.ingestToken, answers.queryPassword)
  if (shared) problems.push(`--query-password (TEMPO_QUERY_PASSWORD) and --ingest-token (TEMPO_INGEST_TOKEN): ${shared}.`)
  if (missing.length > 0) {
    problems.push(`Missing required values (no terminal to ask them, or --yes/CI set): ${missing.map((s) => flagAndEnv(s)).join(', ')}.`)
  }
  if (problems.length > 0) throw new UsageError(problems.join('\n'))
  return {answers, origins, warnings}
}
