import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {UsageError} from '../../src/lib/core/errors.js'
import {redact} from '../../src/lib/core/output.js'
import {resolveAnswers, type Sources} from '../../src/lib/settings/resolve.js'
import {publicAnswers, SETTINGS, setting} from '../../src/lib/settings/settings.js'
import * as v from '../../src/lib/core/validate.js'

const base = (over: Partial<Sources> = {}): Sources => ({
  flags: {},
  env: {},
  context: {directoryName: 'my-tempo'},
  secrets: 'generate',
  ...over,
})
const LOCAL = {TEMPO_STORAGE_TRACE_BY_ID_BACKEND: 'local'}

describe('validators', () => {
  const cases: [string, v.Validator, string[], string[]][] = [
    [
      'bucket',
      v.bucket,
      ['my-traces', 'abc', 'a.b-c', 'x'.repeat(63)],
      ['ab', 'My_Bucket', '-abc', 'abc-', 'a..b', 'a.-b', '192.168.1.1', 'x'.repeat(64)],
    ],
    [
      'endpoint',
      v.endpoint,
      ['s3.fr-par.scw.cloud', 'minio.local:9000', 'https://s3.example.com', '127.0.0.1:9000'],
      ['s3.example.com/bucket', 'host:0', 'host:70000', '', 'a b'],
    ],
    ['port', v.port, ['1', '9095', '65535'], ['0', '65536', '-1', '9095.5', 'abc']],
    ['duration', v.duration, ['336h', '90m', '1h30m', '1.5h'], ['14d', '336', 'h', '0h', '-1h']],
    ['semver', v.semver, ['2.10.8', 'v2.4.0', '3.0.3', '2.11.0'], ['2.10', 'latest', '1.5.0', '4.0.0', '2.10.8-rc1']],
    ['appName', v.appName, ['my-tempo', 'tempo-prod-01'], ['My-Tempo', 'tempo', 'my_tempo', '1tempo', 'my-tempo-', 'my--tempo']],
    [
      'bearerToken',
      v.bearerToken,
      ['abcdefghijklmnop', 'A-Za_z0.9~+/abcdef==', 'abcde'.repeat(9)],
      [
        'short',
        'has space in it 1234',
        'with*wildcard12345',
        'quote"inside-123456',
        'a=b=c-0123456789abc',
        'a'.repeat(16),
        'abab'.repeat(8),
      ],
    ],
    [
      'password',
      v.password,
      ['q-pass 8d7c6b5a4f3e!', 'éèêëēėęàâäæãåāçć', '🔑'.repeat(12) + 'abcd'],
      ['é'.repeat(9), 'aaaaaaaaaaaaaaaa', '🔑'.repeat(15)],
    ],
    ['absolutePath', v.absolutePath, ['/tmp/tempo/wal'], ['tmp/wal', '/tmp/a b', '/tmp/$x']],
  ]
  for (const [name, validate, good, bad] of cases) {
    it(`${name}: accepts ${good.length} good values and rejects ${bad.length} bad ones with a message`, () => {
      for (const value of good) assert.equal(validate(value), undefined, `${value} should be valid`)
      for (const value of bad) assert.match(validate(value) ?? '', /\w/, `${value} should be invalid`)
    })
  }

  it('the gRPC port cannot take a port Tempo or the proxy already uses', () => {
    for (const port of ['3200', '4317', '4318', '7946']) assert.match(setting('grpcPort').validate!(port)!, /taken by/)
    assert.equal(setting('grpcPort').validate!('9095'), undefined)
  })
})

describe('resolution', () => {
  it('flag > env > answers file > default', async () => {
    const flags = {retention: '24h'}
    const env = {TEMPO_RETENTION: '48h', TEMPO_GRPC_LISTEN_PORT: '9096', ...LOCAL}
    const saved = {retention: '72h', grpcPort: '9097', walPath: '/data/wal'}
    const {answers, origins} = await resolveAnswers(base({flags, env, saved}))
    assert.deepEqual([answers.retention, origins.retention], ['24h', 'flag'])
    assert.deepEqual([answers.grpcPort, origins.grpcPort], ['9096', 'env'])
    assert.deepEqual([answers.walPath, origins.walPath], ['/data/wal', 'answers file'])
    assert.deepEqual([answers.tempoVersion, origins.tempoVersion], ['2.10.8', 'default'])
    assert.equal(answers.appName, 'my-tempo')
  })

  it('an empty env var counts as unset', async () => {
    const {answers} = await resolveAnswers(base({env: {...LOCAL, TEMPO_RETENTION: ''}}))
    assert.equal(answers.retention, '336h')
  })

  it('lists every missing required value at once, naming flag and env var', async () => {
    await assert.rejects(resolveAnswers(base()), (error: UsageError) => {
      assert.equal(error.exitCode, 2)
      for (const s of [
        '--bucket (TEMPO_STORAGE_S3_BUCKET)',
        '--access-key (TEMPO_STORAGE_S3_ACCESS_KEY_ID)',
        '--secret-key (TEMPO_STORAGE_S3_SECRET_ACCESS_KEY)',
      ])
        assert.ok(error.message.includes(s), s)
      return true
    })
  })

  it('reports every invalid value with the flag, env var and the rule, never echoing a secret', async () => {
    const env = {TEMPO_STORAGE_S3_BUCKET: 'Bad_Bucket', TEMPO_STORAGE_S3_ACCESS_KEY_ID: 'key', TEMPO_STORAGE_S3_SECRET_ACCESS_KEY: 'secret'}
    const flags = {'grpc-port': '4318', 'ingest-token': 'short-secret-x'}
    await assert.rejects(resolveAnswers(base({env, flags})), (error: UsageError) => {
      assert.match(error.message, /--bucket \(TEMPO_STORAGE_S3_BUCKET\): "Bad_Bucket" .*lowercase/)
      assert.match(error.message, /--grpc-port \(TEMPO_GRPC_LISTEN_PORT\): "4318" port 4318 is taken by the OTLP HTTP receiver/)
      assert.match(error.message, /--ingest-token \(TEMPO_INGEST_TOKEN\): credentials are at least 16/)
      assert.ok(!error.message.includes('short-secret-x'))
      return true
    })
  })

  it('refuses a query password equal to the ingest token, without echoing it', async () => {
    const same = 'the-same-secret-for-both-0123'
    await assert.rejects(
      resolveAnswers(base({env: {...LOCAL, TEMPO_INGEST_TOKEN: same}, flags: {'query-password': same}})),
      (error: UsageError) => {
        assert.match(
          error.message,
          /--query-password \(TEMPO_QUERY_PASSWORD\) and --ingest-token \(TEMPO_INGEST_TOKEN\): the query password is the same as the ingest token/,
        )
        assert.ok(!error.message.includes(same))
        return true
      },
    )
    const a = await resolveAnswers(base({env: {...LOCAL, TEMPO_INGEST_TOKEN: same}}))
    assert.notEqual(a.answers.queryPassword, a.answers.ingestToken)
  })

  it('strips a scheme from the endpoint with a warning, and a leading v from the version', async () => {
    const {answers, warnings} = await resolveAnswers(
      base({
        env: {
          TEMPO_STORAGE_S3_BUCKET: 'b-1',
          TEMPO_STORAGE_S3_ACCESS_KEY_ID: 'k',
          TEMPO_STORAGE_S3_SECRET_ACCESS_KEY: 's',
          TEMPO_VERSION: 'v3.0.3',
        },
        flags: {endpoint: 'https://minio.example.com:9000/'},
      }),
    )
    assert.equal(answers.endpoint, 'minio.example.com:9000')
    assert.equal(answers.tempoVersion, '3.0.3')
    assert.match(warnings.join(), /scheme was removed/)
  })

  it('the S3 provider preset fills endpoint and region; S3 settings vanish for local storage', async () => {
    const s3 = await resolveAnswers(
      base({
        env: {TEMPO_STORAGE_S3_BUCKET: 'b-1', TEMPO_STORAGE_S3_ACCESS_KEY_ID: 'k', TEMPO_STORAGE_S3_SECRET_ACCESS_KEY: 's'},
        flags: {'s3-provider': 'ovh-gra'},
      }),
    )
    assert.equal(s3.answers.endpoint, 's3.gra.io.cloud.ovh.net')
    assert.equal(s3.answers.s3Region, 'gra')
    const local = await resolveAnswers(base({env: LOCAL}))
    assert.equal(local.answers.bucket, undefined)
    assert.equal(local.answers.endpoint, undefined)
  })

  it('generates distinct random credentials when none are given; a given one is kept', async () => {
    const a = await resolveAnswers(base({env: LOCAL}))
    const b = await resolveAnswers(base({env: {...LOCAL, TEMPO_QUERY_PASSWORD: 'my-own-password-123456'}}))
    assert.match(a.answers.ingestToken, /^[A-Za-z0-9_-]{43}$/)
    assert.notEqual(a.answers.ingestToken, b.answers.ingestToken)
    assert.equal(a.origins.ingestToken, 'generated')
    assert.equal(b.answers.queryPassword, 'my-own-password-123456')
  })

  it('without needSecrets (update), no secret is required nor generated', async () => {
    const {answers} = await resolveAnswers(base({secrets: 'optional', env: {TEMPO_STORAGE_S3_BUCKET: 'b-1'}}))
    assert.equal(answers.accessKey, undefined)
    assert.equal(answers.ingestToken, undefined)
  })

  it('asks on a TTY for what flags and env did not give, with the default suggested', async () => {
    const asked: string[] = []
    const {answers} = await resolveAnswers(base({env: {TEMPO_VERSION: '3.0.3'}}), async (s, _a, suggested) => {
      asked.push(s.name)
      if (s.name === 'storage') return 'local'
      return suggested ?? ''
    })
    assert.ok(!asked.includes('tempoVersion'), 'env-given values are not asked')
    assert.ok(asked.includes('appName') && asked.includes('storage') && asked.includes('configMode'))
    assert.ok(!asked.includes('bucket'), 'S3 questions are skipped for local storage')
    assert.ok(!asked.includes('ingestToken'), 'credentials are generated unless the user declines')
    assert.equal(answers.storage, 'local')
  })

  it('the answers file never holds a secret', async () => {
    const {answers} = await resolveAnswers(
      base({env: {TEMPO_STORAGE_S3_BUCKET: 'b-1', TEMPO_STORAGE_S3_ACCESS_KEY_ID: 'k', TEMPO_STORAGE_S3_SECRET_ACCESS_KEY: 's'}}),
    )
    const kept = publicAnswers(answers)
    for (const s of SETTINGS.filter((x) => x.secret)) assert.equal(kept[s.name], undefined, s.name)
    assert.equal(kept.bucket, 'b-1')
  })
})

describe('redaction', () => {
  it('replaces every occurrence of every secret', () => {
    assert.equal(redact('a=s3cr3t b=s3cr3t c=tok', ['s3cr3t', 'tok', '']), 'a=******** b=******** c=********')
  })
})

describe('one resolution for every command', () => {
  it('flag > env > .env > answers file > default', async () => {
    const saved = {storage: 'local', retention: '1h', walPath: '/tmp/saved', grpcPort: '9001'}
    const {answers, origins} = await resolveAnswers(
      base({
        flags: {retention: '2h'},
        env: {TEMPO_RETENTION: '3h', TEMPO_STORAGE_WAL_PATH: '/tmp/env'},
        dotEnv: {TEMPO_RETENTION: '4h', TEMPO_STORAGE_WAL_PATH: '/tmp/dotenv', TEMPO_GRPC_LISTEN_PORT: '9002'},
        saved,
        secrets: 'optional',
      }),
    )
    assert.deepEqual([answers.retention, answers.walPath, answers.grpcPort, answers.containerSize], ['2h', '/tmp/env', '9002', 'M'])
    assert.deepEqual([origins.retention, origins.walPath, origins.grpcPort, origins.containerSize], ['flag', 'env', '.env', 'default'])
  })

  it('a value from .env is validated like a flag, and named by its place', async () => {
    await assert.rejects(resolveAnswers(base({dotEnv: {TEMPO_RETENTION: 'forever'}, env: LOCAL})), (error: UsageError) =>
      /TEMPO_RETENTION in \.env: "forever" durations are/.test(error.message),
    )
  })

  it('secrets: `require` names each missing one and never makes one; `optional` takes given ones, validated', async () => {
    await assert.rejects(
      resolveAnswers(base({env: LOCAL, secrets: 'require', dotEnv: {TEMPO_INGEST_TOKEN: 'dotenv-token-Kq9vW2xZ7pL4mN8rT6yB1cD5fG0hJ3'}})),
      (error: UsageError) => /No value for TEMPO_QUERY_PASSWORD:/.test(error.message) && !/TEMPO_INGEST_TOKEN/.test(error.message),
    )
    const {answers} = await resolveAnswers(
      base({env: LOCAL, secrets: 'optional', flags: {'ingest-token': 'flag-token-Zr4tY8uI2oP6aS0dF3gH7jK1lQ5wE9'}}),
    )
    assert.equal(answers.ingestToken, 'flag-token-Zr4tY8uI2oP6aS0dF3gH7jK1lQ5wE9')
    assert.equal(answers.queryPassword, undefined)
    await assert.rejects(resolveAnswers(base({env: LOCAL, secrets: 'optional', flags: {'ingest-token': 'short'}})), /--ingest-token/)
  })

  it('a bad value given up front is refused before the first question', async () => {
    const asked: string[] = []
    await assert.rejects(
      resolveAnswers(base({flags: {app: 'abc'}, env: {SCALINGO_REGION: 'x'}}), async (s, _a, suggested) => {
        asked.push(s.name)
        return suggested ?? ''
      }),
      (error: UsageError) => /--app \(SCALINGO_APP\): "abc"/.test(error.message) && /--region \(SCALINGO_REGION\): "x"/.test(error.message),
    )
    assert.deepEqual(asked, [])
  })

  it('a default app name always fits, and a changed one is said', async () => {
    const {answers, warnings} = await resolveAnswers(base({env: LOCAL, context: {directoryName: 'wiz3'}}))
    assert.equal(answers.appName, 'wiz3-tempo')
    assert.ok(warnings.some((w) => /The app name is wiz3-tempo, made from the directory name "wiz3"/.test(w)))
    const mixed = await resolveAnswers(base({env: LOCAL, context: {directoryName: 'My_Tempo'}}))
    assert.equal(mixed.answers.appName, 'my-tempo')
    assert.ok(mixed.warnings.some((w) => /The app name is my-tempo/.test(w)))
    for (const name of ['wiz3', '.', '___', '1abc', 'x'.repeat(80), 'a-b'])
      assert.equal(v.appName(setting('appName').default!({}, {directoryName: name})!), undefined, name)
  })

  it('credentials the user gave are not said to be generated', async () => {
    const given = await resolveAnswers(base({env: {...LOCAL, TEMPO_INGEST_TOKEN: 'given-token-Mn3bV7cX1zA5sD9fG2hJ6kL0qW4eR8'}}))
    assert.equal(given.answers.generateCredentials, 'false')
    assert.equal((await resolveAnswers(base({env: LOCAL}))).answers.generateCredentials, 'true')
  })

  it('an empty bucket is required, not too short', () => {
    assert.match(v.bucket('')!, /required/)
  })

  it('the scheme notice after a question speaks of the answer, not of a flag', async () => {
    const {warnings} = await resolveAnswers(base(), async (s, _a, suggested) =>
      s.name === 'storage'
        ? 's3'
        : s.name === 's3Provider'
          ? 'custom'
          : s.name === 'endpoint'
            ? 'http://minio.local:9000'
            : s.name === 'bucket'
              ? 'b-1'
              : s.secret
                ? 'k'.repeat(20)
                : (suggested ?? ''),
    )
    const notice = warnings.find((w) => /scheme/.test(w))!
    assert.match(
      notice,
      /^The scheme was removed from "http:\/\/minio\.local:9000" \(http:\/\/ means plain HTTP to S3, so S3 is then reached over plain HTTP\)/,
    )
    assert.doesNotMatch(notice, /--/)
  })
})
