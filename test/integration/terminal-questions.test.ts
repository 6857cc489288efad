// On a terminal, a missing bucket and a missing Scalingo app are asked about, not created silently.
import assert from 'node:assert/strict'
import path from 'node:path'
import {after, before, describe, test} from 'node:test'

import {tempDir} from '../helpers/cli.js'
import {S3_KEYS, type S3Server, startS3} from '../helpers/s3-server.js'
import {ANSWERS, API_TOKEN, type FakeApi, makeApp, pathWithoutScalingo, startFakeApi} from '../helpers/scalingo-fakes.js'
import {drive, ENTER} from '../helpers/terminal.js'

describe('questions on a terminal', () => {
  let s3: S3Server
  let api: FakeApi
  before(async () => {
    s3 = await startS3({buckets: ['traces']})
    api = await startFakeApi()
  })
  after(async () => {
    await s3.close()
    await api.close()
  })

  const app = async (answers = {}) => {
    const dir = path.join(await tempDir(), 'my-tempo')
    await makeApp(
      dir,
      {...ANSWERS, endpoint: s3.endpoint, insecure: 'true', ...answers},
      {
        TEMPO_STORAGE_S3_ACCESS_KEY_ID: S3_KEYS.readWrite.accessKeyId,
        TEMPO_STORAGE_S3_SECRET_ACCESS_KEY: S3_KEYS.readWrite.secretAccessKey,
        TEMPO_INGEST_TOKEN: 'ingest-TESTtoken-9f8e7d6c5b4a39281706',
        TEMPO_QUERY_PASSWORD: 'query-TESTpassword-0a1b2c3d4e5f60718293',
      },
    )
    return dir
  }

  test('check --s3: a missing bucket is offered; yes creates it and the probe passes', async () => {
    const {code, screen} = await drive(
      [[/Bucket asked-bucket does not exist\. Create it now\?/, `y${ENTER}`]],
      ['check', '--s3'],
      await app({bucket: 'asked-bucket'}),
      {},
    )
    assert.equal(code, 0, screen)
    assert.match(screen, /✔ bucket\s+bucket asked-bucket created/)
  })

  test('check --s3: answering no leaves it missing, exit 1', async () => {
    const {code, screen} = await drive(
      [[/Bucket declined-bucket does not exist\. Create it now\?/, `n${ENTER}`]],
      ['check', '--s3'],
      await app({bucket: 'declined-bucket'}),
      {},
    )
    assert.equal(code, 1, screen)
    assert.match(screen, /✘ bucket\s+bucket declined-bucket does not exist/)
  })

  test('env-set: an app the API does not know is offered; no leaves it uncreated, exit 1', async () => {
    const env = {SCALINGO_API_TOKEN: API_TOKEN, SCALINGO_API_URL: api.regionalUrl, SCALINGO_AUTH_URL: api.url, PATH: pathWithoutScalingo()}
    const {code, screen} = await drive(
      [[/No app asked-tempo in osc-fr1 for this account\. Create it now\?/, `n${ENTER}`]],
      ['env-set'],
      await app({appName: 'asked-tempo'}),
      env,
    )
    assert.equal(code, 1, screen)
    assert.match(screen, /No app "asked-tempo" in region osc-fr1/)
    assert.equal(api.apps.has('asked-tempo'), false)
  })
})
