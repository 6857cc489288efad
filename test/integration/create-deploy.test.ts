// The whole first mile: `create ... --yes --env-set --push` against a fake Scalingo API and git remote.
import assert from 'node:assert/strict'
import {readdir} from 'node:fs/promises'
import path from 'node:path'

import {after, before, describe, it} from 'node:test'

import {runCli, tempDir} from '../helpers/cli.js'
import {S3_KEYS, type S3Server, startS3} from '../helpers/s3-server.js'
import {API_TOKEN, assertNoSecret, BEARER, bareRepo, git, startFakeApi} from '../helpers/scalingo-fakes.js'

const SECRETS = {
  TEMPO_STORAGE_S3_ACCESS_KEY_ID: S3_KEYS.readWrite.accessKeyId,
  TEMPO_STORAGE_S3_SECRET_ACCESS_KEY: S3_KEYS.readWrite.secretAccessKey,
  TEMPO_INGEST_TOKEN: 'create-deploy-ingest-token-0123456789',
  TEMPO_QUERY_PASSWORD: 'create-deploy-query-password-012345',
}

// The bucket is probed before anything reaches Scalingo: a local S3 API server holds it.
let s3: S3Server
const bucketEnv = () => ({
  TEMPO_STORAGE_S3_BUCKET: 'my-traces',
  TEMPO_STORAGE_S3_ENDPOINT: `http://${s3.endpoint}`,
  TEMPO_S3_PROVIDER: 'custom',
})

describe('create --env-set --push', () => {
  before(async () => {
    s3 = await startS3({buckets: ['my-traces']})
  })
  after(() => s3.close())

  it('sets every variable through the API in one PUT and pushes the first commit to master', async () => {
    const api = await startFakeApi()
    try {
      const dir = await tempDir()
      const remote = await bareRepo(path.join(dir, 'remote.git'))
      const env = {
        ...SECRETS,
        ...bucketEnv(),
        SCALINGO_API_TOKEN: API_TOKEN,
        SCALINGO_AUTH_URL: api.url,
        SCALINGO_API_URL: api.url,
        SCALINGO_GIT_URL: remote,
      }
      const result = await runCli(['my-tempo', '--yes', '--env-set', '--push', '--json'], {cwd: dir, env})
      assert.equal(result.code, 0, result.stderr)
      assertNoSecret([result.stdout, result.stderr], [...Object.values(SECRETS), API_TOKEN, BEARER])
      const doc = JSON.parse(result.stdout)
      assert.equal(doc.envSet.method, 'api')
      assert.equal(doc.pushed.remoteChange, 'added')
      const puts = api.requests.filter((r) => r.method === 'PUT')
      assert.equal(puts.length, 1)
      assert.equal(puts[0].url, '/v1/apps/my-tempo/variables')
      const sent = Object.fromEntries(JSON.parse(puts[0].body).variables.map((v: {name: string; value: string}) => [v.name, v.value]))
      for (const [name, value] of Object.entries(SECRETS)) assert.equal(sent[name], value, name)
      assert.equal(sent.TEMPO_VERSION, '2.10.8')
      const app = path.join(dir, 'my-tempo')
      assert.equal(git(remote, 'rev-parse', 'refs/heads/master'), git(app, 'rev-parse', 'HEAD'))
      assert.doesNotMatch(git(remote, 'ls-tree', '-r', '--name-only', 'master'), /^\.env$/m)
    } finally {
      await api.close()
    }
  })

  it('--push with --no-git is refused before anything is written', async () => {
    const dir = await tempDir()
    const result = await runCli(['my-tempo', '--yes', '--storage', 'local', '--no-git', '--push'], {cwd: dir})
    assert.equal(result.code, 2)
    assert.match(result.stderr, /--push needs the first commit/)
    assert.deepEqual(await readdir(dir), [])
  })

  it('a failed env-set keeps the app and says how to resume', async () => {
    const api = await startFakeApi()
    try {
      const dir = await tempDir()
      const env = {...SECRETS, ...bucketEnv(), SCALINGO_API_TOKEN: 'tk-us-wrong', SCALINGO_AUTH_URL: api.url, SCALINGO_API_URL: api.url}
      const result = await runCli(['my-tempo', '--yes', '--env-set'], {cwd: dir, env})
      assert.equal(result.code, 1)
      assert.match(result.stderr, /The app is ready in my-tempo; once fixed, run `node \S+\/bin\/run\.js env-set` inside it/)
      assert.ok((await readdir(path.join(dir, 'my-tempo'))).includes('.env'))
      assertNoSecret([result.stdout, result.stderr], [...Object.values(SECRETS), 'tk-us-wrong'])
    } finally {
      await api.close()
    }
  })
})
