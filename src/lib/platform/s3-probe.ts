// Probes an S3 bucket the way Tempo will use it: endpoint reachable, credentials accepted,
// bucket present, one object written, read back and deleted under a probe prefix. Each
// step says what failed and why, from the provider's own error code where it gives one.
// Requests are signed by `aws4` (SigV4) and sent with Node's fetch.
import {randomBytes} from 'node:crypto'
import {lookup} from 'node:dns/promises'

import {classifyNetworkError} from '../core/network.js'

export const PROBE_PREFIX = '.tempo-scalingo-probe/'

export interface BucketTarget {
  /** host[:port], without scheme. */
  endpoint: string
  bucket: string
  /** Signing region; empty means us-east-1, as S3 clients assume. */
  region?: string
  /** Plain HTTP instead of HTTPS. */
  insecure?: boolean
  forcePathStyle?: boolean
  accessKeyId: string
  secretAccessKey: string
  /** The provider whose preset filled the endpoint: the user never typed it, so a failure is not theirs to fix there. */
  preset?: string
}

export type ProbeStepName = 'endpoint' | 'credentials' | 'bucket' | 'write' | 'read' | 'delete'
export type ProbeStatus = 'ok' | 'created' | 'failed' | 'skipped'

export interface ProbeStep {
  name: ProbeStepName
  status: ProbeStatus
  detail: string
  ms?: number
}

export interface ProbeFailure {
  step: ProbeStepName
  /** The provider's error code (NoSuchBucket, AccessDenied, …) or one of: dns, refused, timeout, tls, network, not-s3, wrong-region, path-style, mismatch, http-<status>. */
  code: string
  message: string
  /** The bucket's actual region, when the provider named it. */
  region?: string
}

export interface ProbeResult {
  ok: boolean
  /** Where the bucket was reached (no credentials in it). */
  url: string
  addressing: 'path' | 'virtual-host'
  steps: ProbeStep[]
  failure?: ProbeFailure
}

export interface ProbeOptions {
  /** Create a missing bucket: yes, no, or ask (e.g. a question on a terminal). */
  createBucket?: boolean | ((bucket: string) => Promise<boolean>)
  /** Per request; default 10 s. */
  timeoutMs?: number
  /** The clock used to sign (tests shift it to provoke RequestTimeTooSkewed). */
  now?: () => Date
  /** Called as each step ends, for live output. */
  onStep?: (step: ProbeStep) => void
}

const STEPS: readonly ProbeStepName[] = ['endpoint', 'credentials', 'bucket', 'write', 'read', 'delete']
const ACCESS_KEY_ENV = 'TEMPO_STORAGE_S3_ACCESS_KEY_ID'
const SECRET_KEY_ENV = 'TEMPO_STORAGE_S3_SECRET_ACCESS_KEY'
const REGION_ENV = 'TEMPO_STORAGE_S3_REGION'

interface S3Answer {
  status: number
  headers: Headers
  body: string
  /** <Code> and <Message> of an S3 error document. */
  code?: string
  message?: string
  ms: number
}

class NetworkError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

/** Tempo's S3 client (minio-go) uses virtual-host URLs only for the big clouds, unless path-style is forced. */
export function addressingFor(target: Pick<BucketTarget, 'endpoint' | 'bucket' | 'insecure' | 'forcePathStyle'>): 'path' | 'virtual-host' {
  if (target.forcePathStyle) return 'path'
  const host = hostname(target.endpoint)
  const bigCloud = /(^|\.)amazonaws\.com(\.cn)?$|(^|\.)googleapis\.com$|(^|\.)aliyuncs\.com$/.test(host)
  // A dotted bucket name breaks the TLS wildcard certificate of a virtual host.
  if (!bigCloud || (!target.insecure && target.bucket.includes('.'))) return 'path'
  return 'virtual-host'
}

const hostname = (endpoint: string): string => endpoint.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1')

export async function probeBucket(target: BucketTarget, options: ProbeOptions = {}): Promise<ProbeResult> {
  const {default: aws4} = await import('aws4')
  const scheme = target.insecure ? 'http' : 'https'
  const endpoint = target.endpoint.replace(scheme === 'https' ? /:443$/ : /:80$/, '')
  const checkEndpoint = target.preset
    ? `check this machine's network and DNS (${hostname(endpoint)} is the ${target.preset} preset)`
    : 'check the endpoint'
  const addressing = addressingFor(target)
  const host = addressing === 'path' ? endpoint : `${target.bucket}.${endpoint}`
  const bucketPath = addressing === 'path' ? `/${target.bucket}` : ''
  const region = target.region || 'us-east-1'
  const timeoutMs = options.timeoutMs ?? 10_000
  const now = options.now ?? (() => new Date())
  const url = `${scheme}://${host}${bucketPath || '/'}`

  const steps = new Map<ProbeStepName, ProbeStep>()
  let failure: ProbeFailure | undefined
  const record = (name: ProbeStepName, status: ProbeStatus, detail: string, ms?: number) => {
    const step: ProbeStep = ms === undefined ? {name, status, detail} : {name, status, detail, ms}
    steps.set(name, step)
    options.onStep?.(step)
  }
  const fail = (name: ProbeStepName, code: string, message: string, ms?: number, bucketRegion?: string) => {
    record(name, 'failed', message, ms)
    failure ??= bucketRegion ? {step: name, code, message, region: bucketRegion} : {step: name, code, message}
  }
  const result = (): ProbeResult => {
    for (const name of STEPS) if (!steps.has(name)) record(name, 'skipped', 'not run: an earlier step failed')
    return {ok: failure === undefined, url, addressing, steps: STEPS.map((name) => steps.get(name)!), ...(failure ? {failure} : {})}
  }

  const send = async (method: string, key: string | undefined, query: string, body?: string): Promise<S3Answer> => {
    const resource = key === undefined ? bucketPath || '/' : `${bucketPath}/${key.split('/').map(encodeRfc3986).join('/')}`
    const path = `${resource}${query ? `?${query}` : ''}`
    const headers: Record<string, string> = {
      'X-Amz-Date': now()
        .toISOString()
        .replace(/[:-]|\.\d{3}/g, ''),
    }
    if (body !== undefined) headers['Content-Type'] = method === 'PUT' && key === undefined ? 'application/xml' : 'text/plain'
    const signed = aws4.sign(
      {host, path, method, service: 's3', region, headers, body},
      {accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey},
    )
    // fetch sets Host (and Content-Length) itself, to the same values as signed.
    const sent = Object.fromEntries(
      Object.entries(signed.headers ?? {})
        .filter(([name]) => !/^(host|content-length)$/i.test(name))
        .map(([n, v]) => [n, String(v)]),
    )
    const started = performance.now()
    let response: Response
    try {
      response = await fetch(`${scheme}://${host}${path}`, {
        method,
        headers: sent,
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      })
    } catch (error) {
      throw networkError(error, host, scheme, timeoutMs, checkEndpoint)
    }
    const text = await response.text()
    return {
      status: response.status,
      headers: response.headers,
      body: text,
      code: xmlValue(text, 'Code'),
      message: xmlValue(text, 'Message'),
      ms: Math.round(performance.now() - started),
    }
  }

  // endpoint: the name resolves, then the first request (list one key under the probe prefix) gets any answer.
  const dnsFailure = await resolves(hostname(host))
  if (dnsFailure) {
    const pathStyleHint = addressing === 'virtual-host' && !(await resolves(hostname(endpoint)))
    if (pathStyleHint) {
      fail(
        'endpoint',
        'path-style',
        `${host} does not resolve but ${hostname(endpoint)} does: this provider needs path-style URLs (set TEMPO_STORAGE_S3_FORCEPATHSTYLE=true, --force-path-style)`,
      )
    } else {
      fail('endpoint', 'dns', `DNS: ${hostname(host)} does not resolve (${dnsFailure}): ${checkEndpoint}`)
    }
    return result()
  }
  let first: S3Answer
  try {
    first = await send('GET', undefined, `list-type=2&max-keys=1&prefix=${encodeRfc3986(PROBE_PREFIX)}`)
  } catch (error) {
    const e = error as NetworkError
    fail('endpoint', e.code, e.message)
    return result()
  }
  // Anything but an S3 answer (a web page, a proxy's error) means the endpoint is not an S3 API.
  const s3Like =
    first.code !== undefined ||
    (first.status < 300 && first.body.includes('<ListBucketResult')) ||
    [301, 307, 401, 403].includes(first.status)
  if (!s3Like) {
    fail(
      'endpoint',
      'not-s3',
      `${scheme}://${host} answered HTTP ${first.status} without an S3 document: it does not look like an S3 API (check the endpoint)`,
      first.ms,
    )
    return result()
  }
  record('endpoint', 'ok', `${scheme}://${host} answered (HTTP ${first.status})`, first.ms)

  // credentials and bucket, from the same answer: S3 checks the signature before the bucket.
  const bucketRegion = regionOf(first)
  if (bucketRegion && bucketRegion !== region) {
    record('credentials', 'skipped', 'not verified: the request went to the wrong region')
    fail(
      'bucket',
      'wrong-region',
      `bucket ${target.bucket} is in region ${bucketRegion}, not ${region}: set ${REGION_ENV}=${bucketRegion} (--s3-region)${/amazonaws\.com/.test(endpoint) ? ` and the endpoint s3.${bucketRegion}.amazonaws.com` : ''}`,
      undefined,
      bucketRegion,
    )
    return result()
  }
  const credentialProblem = credentialMessage(first, now())
  if (credentialProblem) {
    fail('credentials', first.code ?? `http-${first.status}`, credentialProblem)
    return result()
  }
  if (first.status === 301 || first.status === 307) {
    fail(
      'bucket',
      'wrong-region',
      `the provider redirects requests for bucket ${target.bucket} (HTTP ${first.status}${first.headers.get('location') ? ` to ${first.headers.get('location')}` : ''}): the endpoint or region is not the bucket's`,
    )
    return result()
  }
  record('credentials', 'ok', 'the key was accepted')

  if (first.code === 'NoSuchBucket') {
    const create = typeof options.createBucket === 'function' ? await options.createBucket(target.bucket) : options.createBucket === true
    if (!create) {
      fail(
        'bucket',
        'NoSuchBucket',
        `bucket ${target.bucket} does not exist at ${endpoint}: create it on the provider, or run \`check --s3 --create-bucket\``,
      )
      return result()
    }
    const location =
      target.region && target.region !== 'us-east-1'
        ? `<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>${target.region}</LocationConstraint></CreateBucketConfiguration>`
        : undefined
    let made: S3Answer
    try {
      made = await send('PUT', undefined, '', location)
    } catch (error) {
      fail('bucket', (error as NetworkError).code, `creating bucket ${target.bucket}: ${(error as NetworkError).message}`)
      return result()
    }
    if (made.status >= 300) {
      const why =
        made.code === 'BucketAlreadyExists'
          ? 'the name is taken by another account (bucket names are global on most providers): choose another bucket name'
          : made.code === 'AccessDenied'
            ? "the key may not create buckets: create it in the provider's console"
            : describe(made)
      fail('bucket', made.code ?? `http-${made.status}`, `bucket ${target.bucket} does not exist and could not be created: ${why}`, made.ms)
      return result()
    }
    record('bucket', 'created', `bucket ${target.bucket} created`, made.ms)
  } else if (first.status >= 300) {
    const why =
      first.code === 'AccessDenied'
        ? 'the key may not list it (AccessDenied): Tempo needs list, read, write and delete on the bucket, or the bucket belongs to another account'
        : describe(first)
    fail('bucket', first.code ?? `http-${first.status}`, `bucket ${target.bucket}: ${why}`)
    return result()
  } else {
    record('bucket', 'ok', `bucket ${target.bucket} exists`)
  }

  // write, read, delete one object under the probe prefix.
  const key = `${PROBE_PREFIX}${randomBytes(8).toString('hex')}`
  const content = `create-tempo-scalingo probe ${now().toISOString()}\n`
  const attempt = async (name: ProbeStepName, method: string, body?: string): Promise<S3Answer | undefined> => {
    try {
      return await send(method, key, '', body)
    } catch (error) {
      fail(name, (error as NetworkError).code, (error as NetworkError).message)
    }
  }

  const written = await attempt('write', 'PUT', content)
  if (!written) return result()
  if (written.status >= 300) {
    const why =
      written.code === 'AccessDenied'
        ? 'the key may read the bucket but not write to it (AccessDenied): Tempo writes its blocks there, give the key read-write access'
        : describe(written)
    fail('write', written.code ?? `http-${written.status}`, `writing ${key}: ${why}`, written.ms)
    return result()
  }
  record('write', 'ok', `wrote ${key}`, written.ms)

  const read = await attempt('read', 'GET')
  if (read && read.status >= 300)
    fail(
      'read',
      read.code ?? `http-${read.status}`,
      `reading ${key} back: ${read.code === 'AccessDenied' ? 'the key may write but not read (AccessDenied): Tempo reads its blocks back' : describe(read)}`,
      read.ms,
    )
  else if (read && read.body !== content) fail('read', 'mismatch', `reading ${key} back gave other content than was written`, read.ms)
  else if (read) record('read', 'ok', `read ${key} back`, read.ms)

  // Runs even after a failed read, so that the probe leaves nothing behind when it can.
  const deleted = await attempt('delete', 'DELETE')
  if (deleted && deleted.status >= 300) {
    const why =
      deleted.code === 'AccessDenied'
        ? "the key may not delete (AccessDenied): Tempo's compactor and retention delete blocks"
        : describe(deleted)
    fail('delete', deleted.code ?? `http-${deleted.status}`, `deleting ${key}: ${why} (the probe object was left behind)`, deleted.ms)
  } else if (deleted) {
    record('delete', 'ok', `deleted ${key}`, deleted.ms)
  }
  return result()
}

/** What a provider's refusal says about the credentials, when it is about them. */
function credentialMessage(answer: S3Answer, now: Date): string | undefined {
  switch (answer.code) {
    case 'InvalidAccessKeyId':
      return `the access key id (${ACCESS_KEY_ENV}) is unknown to this provider (InvalidAccessKeyId): check it, and that the endpoint is the provider that issued it`
    case 'SignatureDoesNotMatch':
      return `the secret key (${SECRET_KEY_ENV}) does not match the access key id (SignatureDoesNotMatch): check it for a missing or extra character`
    case 'RequestTimeTooSkewed': {
      const server = Date.parse(xmlValue(answer.body, 'ServerTime') ?? answer.headers.get('date') ?? '')
      const skew = Number.isNaN(server) ? '' : ` by ${Math.round(Math.abs(now.getTime() - server) / 1000)} s`
      return `this machine's clock differs from the provider's${skew} (RequestTimeTooSkewed): set the clock right (NTP) and run this again`
    }
    case 'InvalidToken':
    case 'ExpiredToken':
    case 'TokenRefreshRequired':
      return `the provider refused the credentials (${answer.code}): ${answer.message ?? 'create a new key'}`
  }
  if (answer.status === 401) return `the provider refused the credentials (HTTP 401${answer.code ? ` ${answer.code}` : ''})`
}

const REGION_CODES = new Set(['AuthorizationHeaderMalformed', 'PermanentRedirect', 'IllegalLocationConstraintException', 'InvalidRegion'])

/** The bucket's region, when the answer names one (header, error document or message). */
function regionOf(answer: S3Answer): string | undefined {
  const fromHeader = answer.headers.get('x-amz-bucket-region')
  if (fromHeader) return fromHeader
  if (answer.status < 300) return undefined
  // Some servers put <Region> in every error: only errors about the region are read for it.
  if (!REGION_CODES.has(answer.code ?? '') && answer.status !== 301) return undefined
  return xmlValue(answer.body, 'Region') ?? /expecting '([a-z0-9-]+)'/.exec(answer.message ?? '')?.[1]
}

const describe = (answer: S3Answer): string =>
  answer.code
    ? `${answer.code}${answer.message ? `: ${answer.message}` : ''}`
    : `HTTP ${answer.status}${answer.body.trim() ? ` ${answer.body.trim().slice(0, 200)}` : ''}`

const xmlValue = (xml: string, tag: string): string | undefined => {
  const m = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)
  return m
    ? m[1].replaceAll('&quot;', '"').replaceAll('&apos;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&')
    : undefined
}

const encodeRfc3986 = (value: string): string =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)

/** Undefined when the name resolves, else the resolver's error code. */
async function resolves(host: string): Promise<string | undefined> {
  try {
    await lookup(host)
  } catch (error) {
    return (error as {code?: string}).code ?? 'no address'
  }
}

function networkError(error: unknown, host: string, scheme: string, timeoutMs: number, checkEndpoint: string): NetworkError {
  const {kind, code, detail} = classifyNetworkError(error)
  switch (kind) {
    case 'timeout':
      return new NetworkError('timeout', `${host} did not answer within ${timeoutMs / 1000} s`)
    case 'connect-timeout':
      return new NetworkError('timeout', `connecting to ${host} timed out (${code})`)
    case 'refused':
      return new NetworkError('refused', `connection refused by ${host}: nothing listens on that port (check the endpoint's port)`)
    case 'reset':
      return new NetworkError(
        'network',
        `${host} closed the connection (ECONNRESET)${scheme === 'https' ? ': if it serves plain HTTP, set TEMPO_STORAGE_S3_INSECURE=true' : ''}`,
      )
    case 'dns':
      return new NetworkError('dns', `DNS: ${hostname(host)} does not resolve (${code}): ${checkEndpoint}`)
    case 'tls': {
      const plain = /wrong version number|packet length too long|http request/i.test(detail)
      return new NetworkError(
        'tls',
        `TLS with ${host} failed: ${detail}${plain ? ' — the endpoint speaks plain HTTP: set TEMPO_STORAGE_S3_INSECURE=true (or give an http:// endpoint)' : ''}`,
      )
    }
    default:
      return new NetworkError('network', `cannot reach ${host}: ${detail}`)
  }
}
