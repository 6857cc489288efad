// What kind of failure a fetch threw: each caller names it in its own words (an app, an S3 endpoint).

export type NetworkFailureKind = 'timeout' | 'connect-timeout' | 'dns' | 'bad-port' | 'refused' | 'reset' | 'tls' | 'other'

export interface NetworkFailureCause {
  kind: NetworkFailureKind
  /** The system or TLS error code, when there is one (ENOTFOUND, ECONNREFUSED, ERR_TLS_…). */
  code: string
  /** The underlying error's message. */
  detail: string
}

const TLS_CODES = /^(CERT_|ERR_TLS_|ERR_SSL_|UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO|EPROTO$|HOSTNAME_MISMATCH)|CERT|TLS|SSL/

// First match wins.
const RULES: [NetworkFailureKind, (code: string, detail: string) => boolean][] = [
  ['dns', (code) => /^(ENOTFOUND|EAI_)/.test(code)],
  // fetch refuses some ports outright (the Fetch standard's "bad ports").
  ['bad-port', (_, detail) => /bad port/i.test(detail)],
  ['refused', (code) => code === 'ECONNREFUSED'],
  ['reset', (code) => code === 'ECONNRESET'],
  ['connect-timeout', (code) => /ETIMEDOUT|UND_ERR_CONNECT_TIMEOUT/.test(code)],
  ['tls', (code, detail) => TLS_CODES.test(code) || /ssl|tls|certificate/i.test(detail)],
]

export function classifyNetworkError(error: unknown): NetworkFailureCause {
  const e = error as Error & {cause?: Error & {code?: string}}
  const cause = e.cause ?? e
  const code = (cause as {code?: string}).code ?? ''
  const detail = cause.message || e.message || ''
  const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError'
  const kind = timedOut ? 'timeout' : (RULES.find(([, test]) => test(code, detail))?.[0] ?? 'other')
  return {kind, code, detail}
}
