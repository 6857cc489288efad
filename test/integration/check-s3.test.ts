// `check --s3` run as a user would, inside a generated app, against a local S3 API server.
import assert from 'node:assert/strict'
import {writeFile} from 'node:fs/promises'
import {createServer} from 'node:http'
import type {AddressInfo} from 'node:net'
import path from 'node:path'
import {after, before, describe, test} from 'node:test'

import {type CliResult, runCli, tempDir} from '../helpers/cli.js'
import {S3_KEYS, type S3Server, startS3} from '../helpers/s3-server.js'
import {ANSWERS, assertNoSecret, makeApp} from '../helpers/scalingo-fakes.js'

const KEYS = {
  TEMPO_STORAGE_S3_ACCESS_KEY_ID: S3_KEYS.readWrite.accessKeyId,
  TEMPO_STORAGE_S3_SECRET_ACCESS_KEY: S3_KEYS.readWrite.secretAccessKey,
}
const ALL_SECRETS = [...Object.values(S3_KEYS).flatMap((k) => [k.accessKeyId, k.secretAccessKey]), 'WRONG-secret-value-0123456789']
const output = (r: CliResult) => [r.stdout, r.stderr]

describe('check --s3', () => {
  let s3: S3Server
  const app = async (extra: Record<string, string> = {}, keys: Record<string, string> = KEYS) => {
    const dir = path.join(await tempDir(), 'my-tempo')
    await makeApp(dir, {...ANSWERS, endpoint: s3.endpoint, s3Region: 'fr-par', insecure: 'true', bucket: 'traces', ...extra}, keys)
    return dir
  }

  before(async () => {
    s3 = await startS3({buckets: ['traces']})
  })
  after(() => s3.close())

  test('probes the bucket from the answers file and the .env keys, each step printed, exit 0', async () => {
    s3.requests.length = 0
    const r = await runCli(['check', '--s3'], {cwd: await app()})
    assertNoSecret(output(r), ALL_SECRETS)
    assert.equal(r.code, 0, r.stderr + r.stdout)
    assert.match(r.stdout, new RegExp(`Probing bucket traces at http://${s3.endpoint} \\(region fr-par\\)`))
    for (const step of ['endpoint', 'credentials', 'bucket', 'write', 'read', 'delete']) assert.match(r.stdout, new RegExp(`✔ ${step}\\s`))
    assert.match(r.stdout, /Tempo can use bucket traces/)
    assert.deepEqual(
      s3.requests.map((q) => q.method),
      ['GET', 'PUT', 'GET', 'DELETE'],
    )
    assert.equal(s3.requests[0].accessKeyId, S3_KEYS.readWrite.accessKeyId)
  })

  test('keys from the environment win over the .env', async () => {
    const dir = await app(
      {},
      {TEMPO_STORAGE_S3_ACCESS_KEY_ID: 'NOSUCHKEY00000000000', TEMPO_STORAGE_S3_SECRET_ACCESS_KEY: 'WRONG-secret-value-0123456789'},
    )
    const r = await runCli(['check', '--s3'], {cwd: dir, env: KEYS})
    assert.equal(r.code, 0, r.stdout + r.stderr)
  })

  test('--json: one document with every step, no key in it', async () => {
    const r = await runCli(['check', '--s3', '--json'], {cwd: await app()})
    assertNoSecret(output(r), ALL_SECRETS)
    assert.equal(r.code, 0, r.stderr)
    const doc = JSON.parse(r.stdout)
    assert.equal(doc.ok, true)
    assert.equal(doc.bucket, 'traces')
    assert.deepEqual(
      doc.steps.map((s: {status: string}) => s.status),
      ['ok', 'ok', 'ok', 'ok', 'ok', 'ok'],
    )
  })

  test('a wrong access key id: exit 1, the credentials step names the variable', async () => {
    const r = await runCli(['check', '--s3'], {cwd: await app({}, {...KEYS, TEMPO_STORAGE_S3_ACCESS_KEY_ID: 'NOSUCHKEY00000000000'})})
    assertNoSecret(output(r), [...ALL_SECRETS, 'NOSUCHKEY00000000000'])
    assert.equal(r.code, 1)
    assert.match(r.stdout, /✔ endpoint/)
    assert.match(
      r.stdout,
      /✘ credentials\s+the access key id \(TEMPO_STORAGE_S3_ACCESS_KEY_ID\) is unknown to this provider \(InvalidAccessKeyId\)/,
    )
    assert.match(r.stdout, /- bucket\s+skipped/)
    assert.match(r.stdout, /Bucket check failed at credentials/)
  })

  test('a wrong secret: exit 1, SignatureDoesNotMatch', async () => {
    const r = await runCli(['check', '--s3'], {
      cwd: await app({}, {...KEYS, TEMPO_STORAGE_S3_SECRET_ACCESS_KEY: 'WRONG-secret-value-0123456789'}),
    })
    assertNoSecret(output(r), ALL_SECRETS)
    assert.equal(r.code, 1)
    assert.match(
      r.stdout,
      /✘ credentials\s+the secret key \(TEMPO_STORAGE_S3_SECRET_ACCESS_KEY\) does not match the access key id \(SignatureDoesNotMatch\)/,
    )
  })

  test('a missing bucket: exit 1 pointing to --create-bucket; with it, created and probed', async () => {
    const dir = await app({bucket: 'new-traces'})
    const missing = await runCli(['check', '--s3'], {cwd: dir})
    assert.equal(missing.code, 1)
    assert.match(
      missing.stdout,
      /✘ bucket\s+bucket new-traces does not exist at 127\.0\.0\.1:\d+: create it on the provider, or run `check --s3 --create-bucket`/,
    )
    assert.deepEqual(await s3.keys('traces'), [])

    const created = await runCli(['check', '--s3', '--create-bucket'], {cwd: dir})
    assertNoSecret(output(created), ALL_SECRETS)
    assert.equal(created.code, 0, created.stdout + created.stderr)
    assert.match(created.stdout, /✔ bucket\s+bucket new-traces created/)
    assert.equal((await runCli(['check', '--s3'], {cwd: dir})).code, 0)
  })

  test('a read-only key: exit 1 at write, AccessDenied', async () => {
    const dir = await app(
      {},
      {TEMPO_STORAGE_S3_ACCESS_KEY_ID: S3_KEYS.readOnly.accessKeyId, TEMPO_STORAGE_S3_SECRET_ACCESS_KEY: S3_KEYS.readOnly.secretAccessKey},
    )
    const r = await runCli(['check', '--s3'], {cwd: dir})
    assertNoSecret(output(r), ALL_SECRETS)
    assert.equal(r.code, 1)
    assert.match(r.stdout, /✔ bucket/)
    assert.match(
      r.stdout,
      /✘ write\s+writing \.tempo-scalingo-probe\/[0-9a-f]{16}: the key may read the bucket but not write to it \(AccessDenied\)/,
    )
  })

  test('an endpoint where nothing listens: exit 1 at once, connection refused', async () => {
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const {port} = server.address() as AddressInfo
    await new Promise<void>((resolve) => server.close(() => resolve()))
    const r = await runCli(['check', '--s3'], {cwd: await app({endpoint: `127.0.0.1:${port}`})})
    assert.equal(r.code, 1)
    assert.match(r.stdout, /✘ endpoint\s+connection refused by 127\.0\.0\.1:\d+/)
  })

  test('an endpoint name that does not resolve: exit 1, DNS', async () => {
    const r = await runCli(['check', '--s3'], {cwd: await app({endpoint: 's3.nowhere.invalid', insecure: 'false'})})
    assert.equal(r.code, 1)
    assert.match(r.stdout, /✘ endpoint\s+DNS: s3\.nowhere\.invalid does not resolve/)
  })

  test('no keys anywhere: exit 2 naming both variables', async () => {
    const dir = await app({}, {})
    await writeFile(path.join(dir, '.env'), '', {mode: 0o600})
    const r = await runCli(['check', '--s3'], {cwd: dir})
    assert.equal(r.code, 2)
    assert.match(
      r.stderr,
      /No value for TEMPO_STORAGE_S3_ACCESS_KEY_ID, TEMPO_STORAGE_S3_SECRET_ACCESS_KEY: set them in the environment or in the app's \.env/,
    )
  })

  test('local storage: exit 2, nothing to probe', async () => {
    const r = await runCli(['check', '--s3'], {cwd: await app({storage: 'local'})})
    assert.equal(r.code, 2)
    assert.match(r.stderr, /local disk .*no bucket to probe/)
  })

  test('--s3 with a URL is a usage error', async () => {
    const r = await runCli(['check', '--s3', 'https://example.invalid'], {cwd: await app()})
    assert.equal(r.code, 2)
    assert.match(r.stderr, /pass no URL and no --config/)
  })
})
