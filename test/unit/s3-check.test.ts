// From the app's answers to the bucket to probe: what the wizard and `check --s3` both use.
import assert from 'node:assert/strict'
import path from 'node:path'
import {test} from 'node:test'

import {CliError} from '../../src/lib/core/errors.js'
import {bucketTargetFromAnswers, bucketTargetFromApp} from '../../src/lib/flows/s3-check.js'
import {tempDir} from '../helpers/cli.js'
import {ANSWERS, makeApp, SECRETS} from '../helpers/scalingo-fakes.js'

const app = async (answers = ANSWERS, secrets: Record<string, string> = SECRETS) => {
  const dir = path.join(await tempDir(), 'app')
  await makeApp(dir, answers, secrets)
  return dir
}

test('the answers file and .env become a target; a preset endpoint is named as such', async () => {
  assert.deepEqual(await bucketTargetFromApp(await app(), {}, '0.1.0'), {
    endpoint: 's3.fr-par.scw.cloud',
    bucket: 'my-traces',
    region: 'fr-par',
    insecure: false,
    forcePathStyle: false,
    accessKeyId: SECRETS.TEMPO_STORAGE_S3_ACCESS_KEY_ID,
    secretAccessKey: SECRETS.TEMPO_STORAGE_S3_SECRET_ACCESS_KEY,
    preset: 'Scaleway, Paris (fr-par)',
  })
})

test('the environment wins, resolved as every command does: an http:// endpoint means plain HTTP', async () => {
  const target = await bucketTargetFromApp(
    await app({...ANSWERS, s3Provider: 'custom', insecure: undefined as unknown as string, endpoint: 'minio.local:9000'}),
    {
      TEMPO_STORAGE_S3_ENDPOINT: 'http://minio.local:9000/',
      TEMPO_STORAGE_S3_BUCKET: 'other-bucket',
      TEMPO_STORAGE_S3_FORCEPATHSTYLE: 'true',
    },
    '0.1.0',
  )
  assert.equal(target.endpoint, 'minio.local:9000')
  assert.equal(target.insecure, true)
  assert.equal(target.forcePathStyle, true)
  assert.equal(target.bucket, 'other-bucket')
  assert.equal(target.preset, undefined)
})

test('every missing key is named at once (exit 2); local storage has no bucket', async () => {
  await assert.rejects(
    bucketTargetFromApp(await app(ANSWERS, {}), {}, '0.1.0'),
    (error: CliError) =>
      error.exitCode === 2 && /No value for TEMPO_STORAGE_S3_ACCESS_KEY_ID, TEMPO_STORAGE_S3_SECRET_ACCESS_KEY:/.test(error.message),
  )
  assert.throws(() => bucketTargetFromAnswers({storage: 'local'}), /no bucket to probe/)
})
