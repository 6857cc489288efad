// From answers to the bucket to probe: what the wizard and `check --s3` both use.
import assert from 'node:assert/strict'
import {test} from 'node:test'

import {CliError} from '../../src/lib/core/errors.js'
import {bucketTargetFromAnswers} from '../../src/lib/flows/s3-check.js'

const KEYS = {accessKey: 'AK-test-0001', secretKey: 'sk-test-0001'}

test('answers become a target: an http:// endpoint means plain HTTP, booleans read', () => {
  assert.deepEqual(
    bucketTargetFromAnswers({
      storage: 's3',
      endpoint: 'http://minio.local:9000/',
      bucket: 'traces',
      s3Region: '',
      insecure: 'false',
      forcePathStyle: 'true',
      ...KEYS,
    }),
    {
      endpoint: 'minio.local:9000',
      bucket: 'traces',
      region: '',
      insecure: true,
      forcePathStyle: true,
      accessKeyId: 'AK-test-0001',
      secretAccessKey: 'sk-test-0001',
    },
  )
  assert.equal(
    bucketTargetFromAnswers({
      storage: 's3',
      endpoint: 's3.fr-par.scw.cloud',
      bucket: 'traces',
      s3Region: 'fr-par',
      insecure: 'false',
      ...KEYS,
    }).insecure,
    false,
  )
})

test('every missing value is named at once (exit 2); local storage has no bucket', () => {
  assert.throws(
    () => bucketTargetFromAnswers({storage: 's3', endpoint: 's3.fr-par.scw.cloud'}),
    (error: CliError) =>
      error.exitCode === 2 &&
      /TEMPO_STORAGE_S3_BUCKET \(or the answers file\), TEMPO_STORAGE_S3_ACCESS_KEY_ID \(environment or \.env\), TEMPO_STORAGE_S3_SECRET_ACCESS_KEY/.test(
        error.message,
      ),
  )
  assert.throws(() => bucketTargetFromAnswers({storage: 'local'}), /no bucket to probe/)
})
