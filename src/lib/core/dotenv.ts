// The one .env format: what the scaffold and `update` write, what every command reads, and
// what `scalingo env-set --file` is given. The Scalingo CLI reads .env files with Go's
// godotenv, whose rules this module follows: single quotes are literal; double quotes undo
// \n, \r and \X escapes and expand $VAR; unquoted values end at " #" and expand $VAR.
import {chmod, readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {UsageError} from './errors.js'

export const DOT_ENV = '.env'

const PLAIN = /^[\w.,:/@%+=\\-]+$/
// godotenv takes a quote preceded by a backslash as escaped, and trims quotes off both ends.
const singleQuoted = (value: string) => !value.includes("'") && !value.endsWith('\\') && !value.includes('\n')
const doubleQuoted = (value: string) => !value.endsWith('\\') && !value.endsWith('"')

/** One value as godotenv reads it back unchanged; a value it cannot read back is refused, naming the variable. */
export function quoteDotEnv(name: string, value: string): string {
  if (PLAIN.test(value) && !value.endsWith('\\')) return value
  if (singleQuoted(value)) return `'${value}'`
  if (doubleQuoted(value)) {
    const escaped = value
      .replace(/[\\"$`]/g, (c) => `\\${c}`)
      .replaceAll('\n', '\\n')
      .replaceAll('\r', '\\r')
    return `"${escaped}"`
  }
  if (PLAIN.test(value)) return value
  throw new UsageError(
    `${name}: this value cannot be written to a .env file that the Scalingo CLI reads back unchanged (it holds a single quote and ends with a quote or a backslash): choose another value.`,
  )
}

/** A word for a POSIX shell, as the commands printed beside the .env show values. */
export const shellQuote = (value: string): string => (/^[\w.,:/@%+=-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`)

/** A .env document: an optional comment, then NAME=value lines. */
export function formatDotEnv(values: Record<string, string>, comment?: string): string {
  const lines = Object.entries(values).map(([name, value]) => `${name}=${quoteDotEnv(name, value)}`)
  return `${comment ? `# ${comment}\n` : ''}${lines.join('\n')}\n`
}

/** Reads a .env document as the Scalingo CLI does; $VAR looks in the lines above, then in `env`. */
export function parseDotEnv(text: string, env: Record<string, string | undefined> = {}): Record<string, string> {
  const out: Record<string, string> = {}
  const expand = (value: string) =>
    value.replace(/(\\)?\$(\()?\{?([A-Z0-9_]+)?\}?/g, (match, escaped, paren, name) => {
      if (escaped || paren) return match.slice(1)
      if (name) return out[name] ?? env[name] ?? ''
      return match
    })
  let rest = text.replace(/\r\n/g, '\n')
  while (rest !== '') {
    const line = /^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.]*)[ \t]*[=:][ \t]*/.exec(rest)
    if (!line) {
      // A blank line, a comment, or a line that is no assignment: skipped.
      const end = rest.indexOf('\n')
      rest = end === -1 ? '' : rest.slice(end + 1)
      continue
    }
    const name = line[1]
    rest = rest.slice(line[0].length)
    const quote = rest[0]
    if (quote === "'" || quote === '"') {
      let end = 1
      while (end < rest.length && (rest[end] !== quote || rest[end - 1] === '\\')) end++
      if (end >= rest.length) throw new UsageError(`${DOT_ENV}: the value of ${name} has no closing ${quote}.`)
      const inner = rest.slice(0, end).replace(new RegExp(`^${quote}+|${quote}+$`, 'g'), '')
      out[name] =
        quote === "'"
          ? inner
          : expand(inner.replace(/\\(.)/gs, (match, c) => (c === 'n' ? '\n' : c === 'r' ? '\r' : match)).replace(/\\([^$])/g, '$1'))
      const eol = rest.indexOf('\n', end)
      rest = eol === -1 ? '' : rest.slice(eol + 1)
      continue
    }
    const eol = rest.indexOf('\n')
    let value = eol === -1 ? rest : rest.slice(0, eol)
    rest = eol === -1 ? '' : rest.slice(eol + 1)
    const comment = /[ \t]#/.exec(value)
    if (comment) value = value.slice(0, comment.index)
    out[name] = expand(value.trim())
  }
  return out
}

/** Writes the app's .env (mode 0600: it holds secrets). */
export async function writeDotEnv(dir: string, values: Record<string, string>, comment?: string): Promise<void> {
  const file = path.join(dir, DOT_ENV)
  await writeFile(file, formatDotEnv(values, comment), {mode: 0o600})
  await chmod(file, 0o600)
}

/** The app's .env, or nothing when it has none. */
export async function readDotEnv(dir: string, env: Record<string, string | undefined> = {}): Promise<Record<string, string>> {
  let text: string
  try {
    text = await readFile(path.join(dir, DOT_ENV), 'utf8')
  } catch {
    return {}
  }
  return parseDotEnv(text, env)
}
