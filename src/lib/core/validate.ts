// Pure validators: each returns an error message (what is wrong and what is expected) or undefined.
import {CONTRACT, DEFAULT_TEMPO_VERSION, TEMPO_MAJORS} from './contract.js'

export type Validator = (value: string) => string | undefined

const GO_DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/

export function appName(value: string): string | undefined {
  if (!/^[a-z][a-z0-9-]{4,46}[a-z0-9]$/.test(value) || value.includes('--')) {
    return 'app names are 6 to 48 lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen (e.g. my-tempo)'
  }
}

// S3 bucket naming rules (AWS; Scaleway, OVH and Outscale follow them).
export function bucket(value: string): string | undefined {
  if (value === '') return 'a bucket name is required (e.g. my-tempo-traces)'
  if (value.length < 3 || value.length > 63) return 'bucket names are 3 to 63 characters long'
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(value)) {
    return 'bucket names use lowercase letters, digits, dots and hyphens, and start and end with a letter or digit'
  }
  if (value.includes('..') || value.includes('.-') || value.includes('-.'))
    return 'bucket names cannot have two adjacent dots, or a dot next to a hyphen'
  if (/^\d+\.\d+\.\d+\.\d+$/.test(value)) return 'bucket names cannot look like an IP address'
}

// Host[:port]; a scheme is not an error (normalizeEndpoint strips it with a warning), a path is.
export function endpoint(value: string): string | undefined {
  const host = stripScheme(value).replace(/\/$/, '')
  if (host.includes('/')) return 'the endpoint is a host[:port] without a path (e.g. s3.fr-par.scw.cloud)'
  const match = /^([a-zA-Z0-9.-]+|\[[0-9a-fA-F:]+\])(?::(\d+))?$/.exec(host)
  if (!match || match[1].startsWith('.') || match[1].startsWith('-'))
    return 'the endpoint is a host[:port] (e.g. s3.fr-par.scw.cloud or minio.example.com:9000)'
  if (match[2] !== undefined) return port(match[2])
}

export function stripScheme(value: string): string {
  return value.replace(/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//, '')
}

export function port(value: string): string | undefined {
  const n = Number(value)
  if (!/^\d+$/.test(value) || n < 1 || n > 65535) return 'ports are whole numbers from 1 to 65535'
}

export function duration(value: string): string | undefined {
  if (!GO_DURATION.test(value)) return 'durations are a number and a unit among ns, us, ms, s, m, h (e.g. 336h for 14 days, 90m, 1h30m)'
  if (!/[1-9]/.test(value)) return 'the duration must be greater than zero'
}

export function semver(value: string): string | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(value)
  if (!m) return `versions are x.y.z (e.g. ${DEFAULT_TEMPO_VERSION})`
  if (!TEMPO_MAJORS.includes(m[1])) return `Tempo ${TEMPO_MAJORS.map((major) => `${major}.x`).join(' and ')} are supported`
}

export function absolutePath(value: string): string | undefined {
  if (!/^\/[A-Za-z0-9._/-]*$/.test(value))
    return 'the path is absolute and uses letters, digits, ".", "_", "-" and "/" only (e.g. /tmp/tempo/wal)'
}

export function boolean(value: string): string | undefined {
  if (!['true', 'false'].includes(value)) return 'the value is true or false'
}

export function url(value: string): string | undefined {
  if (!/^(https?|git|ssh|file):\/\/\S+$/.test(value) && !/^git@[^:\s]+:\S+$/.test(value))
    return 'the value is a git URL (https://, git://, ssh:// or git@host:path), optionally with #ref'
}

const {credentials} = CONTRACT
const matches = (rule: {pattern: string; rule: string}, value: string): string | undefined =>
  new RegExp(rule.pattern).test(value) ? undefined : rule.rule

// Characters, as the buildpack counts them: code points, not UTF-16 units or bytes.
export function password(value: string): string | undefined {
  const characters = [...value]
  if (characters.length < credentials.minLength) return `credentials are at least ${credentials.minLength} characters long`
  if (new Set(characters).size < credentials.minDistinct) return `credentials use at least ${credentials.minDistinct} different characters`
  return matches(credentials.password, value)
}

// The proxy matches the bearer token literally: RFC 6750 characters only (base64url fits).
export function bearerToken(value: string): string | undefined {
  return password(value) ?? matches(credentials.ingestToken, value)
}

/** The two credentials must differ: a query password equal to the ingest token lets every exporter read all traces. */
export function distinctCredentials(ingestToken: string | undefined, queryPassword: string | undefined): string | undefined {
  if (ingestToken !== undefined && ingestToken === queryPassword)
    return 'the query password is the same as the ingest token: every exporter could read all traces; use two different secrets'
}

/** What is wrong with the proxy's credentials among VALUES (by env var name), one message each. */
export function credentialProblems(values: {TEMPO_INGEST_TOKEN?: string; TEMPO_QUERY_PASSWORD?: string}): string[] {
  const problems: string[] = []
  const token = values.TEMPO_INGEST_TOKEN
  const queryPassword = values.TEMPO_QUERY_PASSWORD
  const tokenError = token === undefined ? undefined : bearerToken(token)
  const passwordError = queryPassword === undefined ? undefined : password(queryPassword)
  if (tokenError) problems.push(`TEMPO_INGEST_TOKEN: ${tokenError}`)
  if (passwordError) problems.push(`TEMPO_QUERY_PASSWORD: ${passwordError}`)
  const shared = distinctCredentials(token, queryPassword)
  if (shared) problems.push(`TEMPO_QUERY_PASSWORD: ${shared}`)
  return problems
}

export function userName(value: string): string | undefined {
  return matches(credentials.queryUser, value)
}

export function oneOf(choices: readonly string[]): Validator {
  return (value) => (choices.includes(value) ? undefined : `the value is one of: ${choices.join(', ')}`)
}
