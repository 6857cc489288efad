// Probes an S3 bucket the way Tempo will use it: endpoint reachable, credentials accepted,
// bucket present, one object written, read back and deleted under a probe prefix. Each
// step says what failed and why, from the provider's own error code where it gives one.
// Requests are signed by `aws4` (SigV4) and sent with Node's fetch.
import {randomBytes} from 'node:crypto'
import {lookup} from 'node:dns/promises'

import {appVariable} from '../core/contract.js'
import {classifyNetworkError} from '../core/network.js'
import {type NamedStep, runSteps} from '../core/steps.js'

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

interface ProbeContext {
  target: BucketTarget
  options: ProbeOptions
  scheme: 'http' | 'https'
  /** The endpoint without its scheme's default port. */
  endpoint: string
  /** Where requests go: the endpoint, or the bucket's virtual host on it. */
  host: string
  addressing: 'path' | 'virtual-host'
  region: string
  now: () => Date
  /** What to check when the endpoint cannot be reached: the user's endpoint, or this machine (a preset's). */
  checkEndpoint: string
  send(method: string, key: string | undefined, query: string, body?: string): Promise<S3Answer>
  /** The first answer (a listing under the probe prefix): endpoint, credentials and bucket are read from it. */
  first?: S3Answer
  /** The probe object, once written. */
  written?: {key: string; content: string}
  failure?: ProbeFailure
}

type Step = NamedStep<ProbeContext, ProbeStep>

// delete runs even after a failed read, so that the probe leaves nothing behind when it can.
const STEPS: readonly Step[] = [
  {name: 'endpoint', run: reachEndpoint},
  {name: 'credentials', run: checkCredentials},
  {name: 'bucket', run: findOrCreateBucket},
  {name: 'write', run: writeObject},
  {name: 'read', run: readObject},
  {name: 'delete', run: deleteObject, always: true},
]

const NOT_RUN = 'not run: an earlier step failed'

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

  const ctx: ProbeContext = {target, options, scheme, endpoint, host, addressing, region, now, checkEndpoint, send}
  const {results} = await runSteps(
    STEPS,
    ctx,
    {
      begin: (name): ProbeStep => ({name: name as ProbeStepName, status: 'ok', detail: ''}),
      skipped: (name): ProbeStep => ({name: name as ProbeStepName, status: 'skipped', detail: NOT_RUN}),
    },
    options.onStep,
  )
  const url = `${scheme}://${host}${bucketPath || '/'}`
  return {ok: ctx.failure === undefined, url, addressing, steps: results, ...(ctx.failure ? {failure: ctx.failure} : {})}
}

function passed(step: ProbeStep, detail: string, ms?: number, status: ProbeStatus = 'ok'): void {
  Object.assign(step, {status, detail}, ms === undefined ? {} : {ms})
}

function fail(ctx: ProbeContext, step: ProbeStep, code: string, message: string, ms?: number, bucketRegion?: string): void {
  passed(step, message, ms, 'failed')
  ctx.failure ??= bucketRegion ? {step: step.name, code, message, region: bucketRegion} : {step: step.name, code, message}
}

/** Sends, or fails STEP with the network error and resolves to undefined. */
async function attempt(ctx: ProbeContext, step: ProbeStep, ...request: Parameters<ProbeContext['send']>): Promise<S3Answer | undefined> {
  try {
    return await ctx.send(...request)
  } catch (error) {
    const e = error as NetworkError
    fail(ctx, step, e.code, step.name === 'bucket' ? `creating bucket ${ctx.target.bucket}: ${e.message}` : e.message)
  }
}

/** The name resolves, then the first request (list one key under the probe prefix) gets an S3 answer. */
async function reachEndpoint(ctx: ProbeContext, step: ProbeStep): Promise<void> {
  const {host, endpoint, scheme, addressing} = ctx
  const dnsFailure = await resolves(hostname(host))
  if (dnsFailure) {
    if (addressing === 'virtual-host' && !(await resolves(hostname(endpoint)))) {
      return fail(
        ctx,
        step,
        'path-style',
        `${host} does not resolve but ${hostname(endpoint)} does: this provider needs path-style URLs (set ${appVariable('forcePathStyle')}=true, --force-path-style)`,
      )
    }
    return fail(ctx, step, 'dns', `DNS: ${hostname(host)} does not resolve (${dnsFailure}): ${ctx.checkEndpoint}`)
  }
  const first = await attempt(ctx, step, 'GET', undefined, `list-type=2&max-keys=1&prefix=${encodeRfc3986(PROBE_PREFIX)}`)
  if (!first) return
  // Anything but an S3 answer (a web page, a proxy's error) means the endpoint is not an S3 API.
  const s3Like =
    first.code !== undefined ||
    (first.status < 300 && first.body.includes('<ListBucketResult')) ||
    [301, 307, 401, 403].includes(first.status)
  if (!s3Like) {
    return fail(
      ctx,
      step,
      'not-s3',
      `${scheme}://${host} answered HTTP ${first.status} without an S3 document: it does not look like an S3 API (check the endpoint)`,
      first.ms,
    )
  }
  ctx.first = first
  passed(step, `${scheme}://${host} answered (HTTP ${first.status})`, first.ms)
}

const wrongRegion = (ctx: ProbeContext): string | undefined => {
  const bucketRegion = regionOf(ctx.first!)
  return bucketRegion && bucketRegion !== ctx.region ? bucketRegion : undefined
}
const redirected = (answer: S3Answer): boolean => answer.status === 301 || answer.status === 307

/** From the first answer: S3 checks the signature before the bucket. */
async function checkCredentials(ctx: ProbeContext, step: ProbeStep): Promise<void> {
  const first = ctx.first!
  if (wrongRegion(ctx)) return passed(step, 'not verified: the request went to the wrong region', undefined, 'skipped')
  const problem = credentialMessage(first, ctx.now())
  if (problem) return fail(ctx, step, first.code ?? `http-${first.status}`, problem)
  if (redirected(first)) return passed(step, 'not verified: the provider redirected the request', undefined, 'skipped')
  passed(step, 'the key was accepted')
}

async function findOrCreateBucket(ctx: ProbeContext, step: ProbeStep): Promise<void> {
  const {target, endpoint} = ctx
  const first = ctx.first!
  const bucketRegion = wrongRegion(ctx)
  if (bucketRegion) {
    return fail(
      ctx,
      step,
      'wrong-region',
      `bucket ${target.bucket} is in region ${bucketRegion}, not ${ctx.region}: set ${appVariable('s3Region')}=${bucketRegion} (--s3-region)${/amazonaws\.com/.test(endpoint) ? ` and the endpoint s3.${bucketRegion}.amazonaws.com` : ''}`,
      undefined,
      bucketRegion,
    )
  }
  if (redirected(first)) {
    return fail(
      ctx,
      step,
      'wrong-region',
      `the provider redirects requests for bucket ${target.bucket} (HTTP ${first.status}${first.headers.get('location') ? ` to ${first.headers.get('location')}` : ''}): the endpoint or region is not the bucket's`,
    )
  }
  if (first.code !== 'NoSuchBucket') {
    if (first.status < 300) return passed(step, `bucket ${target.bucket} exists`)
    const why =
      first.code === 'AccessDenied'
        ? 'the key may not list it (AccessDenied): Tempo needs list, read, write and delete on the bucket, or the bucket belongs to another account'
        : describe(first)
    return fail(ctx, step, first.code ?? `http-${first.status}`, `bucket ${target.bucket}: ${why}`)
  }
  const {createBucket} = ctx.options
  if (!(typeof createBucket === 'function' ? await createBucket(target.bucket) : createBucket === true)) {
    return fail(
      ctx,
      step,
      'NoSuchBucket',
      `bucket ${target.bucket} does not exist at ${endpoint}: create it on the provider, or run \`check --s3 --create-bucket\``,
    )
  }
  const location =
    target.region && target.region !== 'us-east-1'
      ? `<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>${target.region}</LocationConstraint></CreateBucketConfiguration>`
      : undefined
  const made = await attempt(ctx, step, 'PUT', undefined, '', location)
  if (!made) return
  if (made.status >= 300) {
    const why =
      made.code === 'BucketAlreadyExists'
        ? 'the name is taken by another account (bucket names are global on most providers): choose another bucket name'
        : made.code === 'AccessDenied'
          ? "the key may not create buckets: create it in the provider's console"
          : describe(made)
    return fail(
      ctx,
      step,
      made.code ?? `http-${made.status}`,
      `bucket ${target.bucket} does not exist and could not be created: ${why}`,
      made.ms,
    )
  }
  passed(step, `bucket ${target.bucket} created`, made.ms, 'created')
}

/** One object under the probe prefix. */
async function writeObject(ctx: ProbeContext, step: ProbeStep): Promise<void> {
  const key = `${PROBE_PREFIX}${randomBytes(8).toString('hex')}`
  const content = `create-tempo-scalingo probe ${ctx.now().toISOString()}\n`
  const written = await attempt(ctx, step, 'PUT', key, '', content)
  if (!written) return
  if (written.status >= 300) {
    const why =
      written.code === 'AccessDenied'
        ? 'the key may read the bucket but not write to it (AccessDenied): Tempo writes its blocks there, give the key read-write access'
        : describe(written)
    return fail(ctx, step, written.code ?? `http-${written.status}`, `writing ${key}: ${why}`, written.ms)
  }
  ctx.written = {key, content}
  passed(step, `wrote ${key}`, written.ms)
}

async function readObject(ctx: ProbeContext, step: ProbeStep): Promise<void> {
  const {key, content} = ctx.written!
  const read = await attempt(ctx, step, 'GET', key, '')
  if (!read) return
  if (read.status >= 300) {
    const why = read.code === 'AccessDenied' ? 'the key may write but not read (AccessDenied): Tempo reads its blocks back' : describe(read)
    return fail(ctx, step, read.code ?? `http-${read.status}`, `reading ${key} back: ${why}`, read.ms)
  }
  if (read.body !== content) return fail(ctx, step, 'mismatch', `reading ${key} back gave other content than was written`, read.ms)
  passed(step, `read ${key} back`, read.ms)
}

async function deleteObject(ctx: ProbeContext, step: ProbeStep): Promise<void> {
  if (!ctx.written) return passed(step, NOT_RUN, undefined, 'skipped')
  const {key} = ctx.written
  const deleted = await attempt(ctx, step, 'DELETE', key, '')
  if (!deleted) return
  if (deleted.status >= 300) {
    const why =
      deleted.code === 'AccessDenied'
        ? "the key may not delete (AccessDenied): Tempo's compactor and retention delete blocks"
        : describe(deleted)
    return fail(
      ctx,
      step,
      deleted.code ?? `http-${deleted.status}`,
      `deleting ${key}: ${why} (the probe object was left behind)`,
      deleted.ms,
    )
  }
  passed(step, `deleted ${key}`, deleted.ms)
}

/** What a provider's refusal says about the credentials, when it is about them. */
function credentialMessage(answer: S3Answer, now: Date): string | undefined {
  switch (answer.code) {
    case 'InvalidAccessKeyId':
      return `the access key id (${appVariable('accessKey')}) is unknown to this provider (InvalidAccessKeyId): check it, and that the endpoint is the provider that issued it`
    case 'SignatureDoesNotMatch':
      return `the secret key (${appVariable('secretKey')}) does not match the access key id (SignatureDoesNotMatch): check it for a missing or extra character`
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
        `${host} closed the connection (ECONNRESET)${scheme === 'https' ? `: if it serves plain HTTP, set ${appVariable('insecure')}=true` : ''}`,
      )
    case 'dns':
      return new NetworkError('dns', `DNS: ${hostname(host)} does not resolve (${code}): ${checkEndpoint}`)
    case 'tls': {
      const plain = /wrong version number|packet length too long|http request/i.test(detail)
      return new NetworkError(
        'tls',
        `TLS with ${host} failed: ${detail}${plain ? ` — the endpoint speaks plain HTTP: set ${appVariable('insecure')}=true (or give an http:// endpoint)` : ''}`,
      )
    }
    default:
      return new NetworkError('network', `cannot reach ${host}: ${detail}`)
  }
}
