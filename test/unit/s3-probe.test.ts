// probeBucket against a real S3 API server on loopback (s3rver behind a signature-checking
// front), and against small fakes for the answers only big providers give (wrong region).
import assert from 'node:assert/strict'
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {after, before, describe, test} from 'node:test'

import {addressingFor, type BucketTarget, probeBucket, PROBE_PREFIX, type ProbeResult} from '../../src/lib/platform/s3-probe.js'
import {S3_KEYS, type S3Server, startS3} from '../helpers/s3-server.js'

const statuses = (r: ProbeResult) => Object.fromEntries(r.steps.map((s) => [s.name, s.status]))

describe('probeBucket against s3rver', () => {
  let s3: S3Server
  const target = (extra: Partial<BucketTarget> = {}): BucketTarget => ({
    endpoint: s3.endpoint,
    bucket: 'traces',
    region: 'fr-par',
    insecure: true,
    forcePathStyle: false,
    ...S3_KEYS.readWrite,
    ...extra,
  })

  before(async () => {
    s3 = await startS3({buckets: ['traces']})
  })
  after(() => s3.close())

  test('every step passes, and the probe object is gone afterwards', async () => {
    s3.requests.length = 0
    const seen: string[] = []
    const r = await probeBucket(target(), {onStep: (s) => seen.push(`${s.name}:${s.status}`)})
    assert.equal(r.ok, true, JSON.stringify(r.failure))
    assert.deepEqual(statuses(r), {endpoint: 'ok', credentials: 'ok', bucket: 'ok', write: 'ok', read: 'ok', delete: 'ok'})
    assert.deepEqual(seen, ['endpoint:ok', 'credentials:ok', 'bucket:ok', 'write:ok', 'read:ok', 'delete:ok'])
    assert.equal(r.addressing, 'path')
    assert.deepEqual(
      s3.requests.map((q) => q.method),
      ['GET', 'PUT', 'GET', 'DELETE'],
    )
    const put = s3.requests[1].url
    assert.match(put, new RegExp(`^/traces/${PROBE_PREFIX.replace('.', '\\.')}[0-9a-f]{16}$`))
    assert.deepEqual(await s3.keys('traces'), [])
  })

  test('an unknown access key id fails at credentials, naming the variable', async () => {
    const r = await probeBucket(target({accessKeyId: 'NOSUCHKEY00000000000'}))
    assert.equal(r.ok, false)
    assert.deepEqual(r.failure && [r.failure.step, r.failure.code], ['credentials', 'InvalidAccessKeyId'])
    assert.match(r.failure!.message, /TEMPO_STORAGE_S3_ACCESS_KEY_ID/)
    assert.deepEqual(statuses(r), {
      endpoint: 'ok',
      credentials: 'failed',
      bucket: 'skipped',
      write: 'skipped',
      read: 'skipped',
      delete: 'skipped',
    })
  })

  test('a wrong secret fails at credentials with SignatureDoesNotMatch', async () => {
    const r = await probeBucket(target({secretAccessKey: 'not-the-secret'}))
    assert.deepEqual(r.failure && [r.failure.step, r.failure.code], ['credentials', 'SignatureDoesNotMatch'])
    assert.match(r.failure!.message, /TEMPO_STORAGE_S3_SECRET_ACCESS_KEY/)
    assert.ok(!JSON.stringify(r).includes('not-the-secret'))
  })

  test('a clock 20 minutes off fails at credentials with the skew', async () => {
    const r = await probeBucket(target(), {now: () => new Date(Date.now() - 20 * 60_000)})
    assert.deepEqual(r.failure && [r.failure.step, r.failure.code], ['credentials', 'RequestTimeTooSkewed'])
    assert.match(r.failure!.message, /clock differs from the provider's by 1[12]\d\d s/)
  })

  test('a missing bucket fails at bucket, and is not created unless asked', async () => {
    const r = await probeBucket(target({bucket: 'missing-one'}))
    assert.deepEqual(r.failure && [r.failure.step, r.failure.code], ['bucket', 'NoSuchBucket'])
    assert.match(r.failure!.message, /--create-bucket/)
    assert.equal(statuses(r).credentials, 'ok')
    const declined = await probeBucket(target({bucket: 'missing-one'}), {createBucket: async () => false})
    assert.equal(declined.failure?.code, 'NoSuchBucket')
    assert.equal((await probeBucket(target({bucket: 'missing-one'}))).failure?.code, 'NoSuchBucket')
  })

  test('createBucket creates a missing bucket, then the probe goes on', async () => {
    let asked = ''
    const r = await probeBucket(target({bucket: 'made-by-probe'}), {createBucket: async (name) => ((asked = name), true)})
    assert.equal(asked, 'made-by-probe')
    assert.equal(r.ok, true, JSON.stringify(r.failure))
    assert.equal(statuses(r).bucket, 'created')
    assert.equal((await probeBucket(target({bucket: 'made-by-probe'}))).ok, true)
  })

  test('a read-only key passes list but fails at write with AccessDenied', async () => {
    const r = await probeBucket(target(S3_KEYS.readOnly))
    assert.deepEqual(r.failure && [r.failure.step, r.failure.code], ['write', 'AccessDenied'])
    assert.match(r.failure!.message, /not write/)
    assert.deepEqual(statuses(r), {endpoint: 'ok', credentials: 'ok', bucket: 'ok', write: 'failed', read: 'skipped', delete: 'skipped'})
  })
})

describe('probeBucket: endpoint failures', () => {
  test('a closed port fails at endpoint at once: connection refused', async () => {
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const {port} = server.address() as AddressInfo
    await new Promise<void>((resolve) => server.close(() => resolve()))
    const started = Date.now()
    const r = await probeBucket({endpoint: `127.0.0.1:${port}`, bucket: 'traces', insecure: true, ...S3_KEYS.readWrite})
    assert.deepEqual(r.failure && [r.failure.step, r.failure.code], ['endpoint', 'refused'])
    assert.ok(Date.now() - started < 5000)
    assert.equal(statuses(r).credentials, 'skipped')
  })

  test('a name that does not resolve fails at endpoint: DNS', async () => {
    const r = await probeBucket({endpoint: 's3.nowhere.invalid', bucket: 'traces', ...S3_KEYS.readWrite})
    assert.deepEqual(r.failure && [r.failure.step, r.failure.code], ['endpoint', 'dns'])
    assert.match(r.failure!.message, /s3\.nowhere\.invalid does not resolve/)
  })

  test('a preset endpoint that does not resolve blames the network, not an endpoint the user never typed', async () => {
    const r = await probeBucket({
      endpoint: 's3.nowhere.invalid',
      bucket: 'traces',
      preset: 'Scaleway, Paris (fr-par)',
      ...S3_KEYS.readWrite,
    })
    assert.doesNotMatch(r.failure!.message, /check the endpoint/)
    assert.match(
      r.failure!.message,
      /check this machine's network and DNS \(s3\.nowhere\.invalid is the Scaleway, Paris \(fr-par\) preset\)/,
    )
  })

  test('HTTPS to a plain HTTP port fails at endpoint: TLS, saying it is plain HTTP', async () => {
    const s3 = await startS3()
    try {
      const r = await probeBucket({endpoint: s3.endpoint, bucket: 'traces', insecure: false, ...S3_KEYS.readWrite})
      assert.deepEqual(r.failure && [r.failure.step, r.failure.code], ['endpoint', 'tls'])
      assert.match(r.failure!.message, /plain HTTP: set TEMPO_STORAGE_S3_INSECURE=true/)
    } finally {
      await s3.close()
    }
  })
})

describe('probeBucket: what big providers say', () => {
  let server: Server
  let endpoint: string
  let answer: {status: number; headers?: Record<string, string>; body: string}
  before(async () => {
    server = createServer((_req, res) => {
      res.writeHead(answer.status, {'Content-Type': 'application/xml', ...answer.headers})
      res.end(answer.body)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    endpoint = `127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  after(() => new Promise<void>((resolve) => server.close(() => resolve())))

  test('a wrong region named in x-amz-bucket-region', async () => {
    answer = {
      status: 301,
      headers: {'x-amz-bucket-region': 'eu-west-1'},
      body: '<Error><Code>PermanentRedirect</Code><Message>The bucket you are attempting to access must be addressed using the specified endpoint.</Message></Error>',
    }
    const r = await probeBucket({endpoint, bucket: 'traces', region: 'eu-west-3', insecure: true, ...S3_KEYS.readWrite})
    assert.deepEqual(r.failure && [r.failure.step, r.failure.code, r.failure.region], ['bucket', 'wrong-region', 'eu-west-1'])
    assert.match(r.failure!.message, /is in region eu-west-1, not eu-west-3: set TEMPO_STORAGE_S3_REGION=eu-west-1/)
  })

  test('a wrong region named in the error message', async () => {
    answer = {
      status: 400,
      body: "<Error><Code>AuthorizationHeaderMalformed</Code><Message>The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'eu-central-1'</Message></Error>",
    }
    const r = await probeBucket({endpoint, bucket: 'traces', insecure: true, ...S3_KEYS.readWrite})
    assert.equal(r.failure?.code, 'wrong-region')
    assert.equal(r.failure?.region, 'eu-central-1')
  })

  test('a server that is not S3 (a 404 web page) fails at endpoint: not-s3, nothing offered for creation', async () => {
    answer = {status: 404, headers: {'Content-Type': 'text/html'}, body: '<html><body>Not Found</body></html>'}
    let asked = false
    const r = await probeBucket(
      {endpoint, bucket: 'traces', insecure: true, ...S3_KEYS.readWrite},
      {createBucket: async () => (asked = true)},
    )
    assert.deepEqual(r.failure && [r.failure.step, r.failure.code], ['endpoint', 'not-s3'])
    assert.equal(asked, false)
  })

  test('a <Region> in an error about something else is not read as a wrong region', async () => {
    answer = {
      status: 403,
      body: '<Error><Code>InvalidAccessKeyId</Code><Message>The Access Key Id you provided does not exist in our records.</Message><Region>us-east-1</Region></Error>',
    }
    const r = await probeBucket({endpoint, bucket: 'traces', region: 'fr-par', insecure: true, ...S3_KEYS.readWrite})
    assert.deepEqual(r.failure && [r.failure.step, r.failure.code], ['credentials', 'InvalidAccessKeyId'])
  })

  test('AccessDenied on the listing fails at bucket, credentials accepted', async () => {
    answer = {status: 403, body: '<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>'}
    const r = await probeBucket({endpoint, bucket: 'traces', insecure: true, ...S3_KEYS.readWrite})
    assert.deepEqual(r.failure && [r.failure.step, r.failure.code], ['bucket', 'AccessDenied'])
    assert.equal(statuses(r).credentials, 'ok')
  })
})

test("addressing follows Tempo's client: virtual-host only for the big clouds, unless path-style is forced", () => {
  assert.equal(addressingFor({endpoint: 's3.eu-west-3.amazonaws.com', bucket: 'traces'}), 'virtual-host')
  assert.equal(addressingFor({endpoint: 's3.eu-west-3.amazonaws.com', bucket: 'traces', forcePathStyle: true}), 'path')
  assert.equal(addressingFor({endpoint: 's3.eu-west-3.amazonaws.com', bucket: 'my.traces'}), 'path')
  assert.equal(addressingFor({endpoint: 's3.fr-par.scw.cloud', bucket: 'traces'}), 'path')
})
