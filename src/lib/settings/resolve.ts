// Resolution of every answer, for every command: flag > environment variable > the app's .env >
// answers file > prompt (TTY only) > default; each value validated where it enters.
import {TEMPO_VERSIONS} from '../core/contract.js'
import {UsageError} from '../core/errors.js'
import {distinctCredentials, stripScheme} from '../core/validate.js'
import {type Answers, applies, choiceWarning, type Context, SETTINGS, type Setting} from './settings.js'

export type Origin = 'flag' | 'env' | '.env' | 'answers file' | 'prompt' | 'default' | 'generated'

/**
 * What to do with secrets: `generate` (a new app: asked, generated, or an error when missing),
 * `require` (sending them: an error naming each missing one, never a new one), `optional`
 * (used and validated when given, e.g. new keys for `update`).
 */
export type SecretsMode = 'generate' | 'require' | 'optional'

export interface Sources {
  flags: Record<string, unknown>
  env: Record<string, string | undefined>
  /** The app's .env (its secrets). */
  dotEnv?: Record<string, string>
  saved?: Answers
  context: Context
  secrets: SecretsMode
  /** Resolve only these settings (by name): what the command uses. */
  only?: readonly string[]
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

/** Normalizes a value and validates it; the same message serves prompts and flags. `label` names where the value came from (null: a question's answer). */
export function check(
  s: Setting,
  raw: string,
  label: string | null = flagAndEnv(s),
): {value: string; error?: string; warning?: string; scheme?: string} {
  let value = raw.trim()
  let warning: string | undefined
  let scheme: string | undefined
  if (s.name === 'endpoint' && stripScheme(value) !== value) {
    scheme = value.slice(0, value.indexOf(':')).toLowerCase()
    const insecure = label === null ? 'S3 is then reached over plain HTTP' : '--insecure defaults to true'
    const consequence =
      scheme === 'http' ? `http:// means plain HTTP to S3, so ${insecure}` : 'Tempo takes host[:port] and uses HTTPS unless --insecure'
    warning = `${label ? `${label}: the scheme` : 'The scheme'} was removed from "${value}" (${consequence}).`
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
  const dotEnv = sources.dotEnv?.[s.env]
  if (dotEnv !== undefined && dotEnv !== '') return {raw: dotEnv, origin: '.env'}
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
  const missingSecrets: Setting[] = []
  const settings = (sources.settings ?? SETTINGS).filter((s) => !sources.only || sources.only.includes(s.name))
  const where = (s: Setting, origin: Origin) =>
    origin === 'answers file' ? `${s.name} in the answers file` : origin === '.env' ? `${s.env} in .env` : flagAndEnv(s)
  const problem = (s: Setting, origin: Origin, raw: string, error: string) => `${where(s, origin)}:${s.secret ? '' : ` "${raw}"`} ${error}.`

  // Before the first question: a bad value given up front must not cost the answers typed after it.
  if (ask) {
    const bad = settings.flatMap((s) => {
      const found = given(s, sources)
      const error = found && found.origin !== 'answers file' ? check(s, found.raw).error : undefined
      return error ? [problem(s, found!.origin, found!.raw, error)] : []
    })
    if (bad.length > 0) throw new UsageError(bad.join('\n'))
  }

  for (const s of settings) {
    if (!applies(s, answers)) continue
    const found = given(s, sources)
    if (s.secret && sources.secrets !== 'generate' && !found) {
      if (sources.secrets === 'require') missingSecrets.push(s)
      continue
    }
    if (found) {
      const {value, error, warning, scheme} = check(s, found.raw, where(s, found.origin))
      warn(warning)
      context.endpointScheme ??= scheme
      if (error) {
        invalid.push(problem(s, found.origin, found.raw, error))
        continue
      }
      const saved = sources.saved?.[s.name]
      if ((found.origin === 'env' || found.origin === '.env') && saved !== undefined && saved !== value) {
        const place = found.origin === 'env' ? 'in the environment (a loaded .env?)' : "in the app's .env"
        warn(`${s.env}=${value} ${place} overrides ${s.name} "${saved}" of the answers file: unset it to keep the saved value.`)
      }
      answers[s.name] = value
      origins[s.name] = found.origin
      warn(choiceWarning(s, value))
      continue
    }
    const suggested = s.default?.(answers, context)
    if (ask && s.prompt && (s.askWhen ?? (() => true))(answers)) {
      // The prompt validated the value; normalizing it here keeps the scheme and its warning.
      // Said after the question: about the answer, not about a flag.
      const {value, warning, scheme} = check(s, await ask(s, answers, suggested), null)
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

  for (const s of settings) {
    const conflict = answers[s.name] === undefined ? undefined : s.conflicts?.(answers[s.name], answers)
    if (conflict) invalid.push(`${flagAndEnv(s)} "${answers[s.name]}": ${conflict}.`)
  }
  // Credentials given rather than generated: the app's README must not call them generated.
  const credentials = ['ingestToken', 'queryPassword']
  if (origins.generateCredentials === 'default' && credentials.some((name) => origins[name] && origins[name] !== 'generated'))
    answers.generateCredentials = 'false'
  if (origins.appName === 'default' && answers.appName !== context.directoryName)
    warn(
      `The app name is ${answers.appName}, made from the directory name "${context.directoryName}" to fit Scalingo's rules: pass --app to choose another.`,
    )
  const problems = [...invalid]
  const shared = distinctCredentials(answers.ingestToken, answers.queryPassword)
  if (shared) problems.push(`--query-password (TEMPO_QUERY_PASSWORD) and --ingest-token (TEMPO_INGEST_TOKEN): ${shared}.`)
  if (missingSecrets.length > 0) {
    const names = missingSecrets.map((s) => s.env)
    problems.push(
      `No value for ${names.join(', ')}: set ${names.length > 1 ? 'them' : 'it'} in the environment or in the app's .env (written by create-tempo-scalingo).`,
    )
  }
  if (missing.length > 0) {
    problems.push(`Missing required values (no terminal to ask them, or --yes/CI set): ${missing.map((s) => flagAndEnv(s)).join(', ')}.`)
  }
  if (problems.length > 0) throw new UsageError(problems.join('\n'))
  return {answers, origins, warnings}
}
