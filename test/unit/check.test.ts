import assert from 'node:assert/strict'
import {writeFile} from 'node:fs/promises'
import path from 'node:path'
import {describe, it} from 'node:test'

import {resolveCredentials, resolveUrl} from '../../src/lib/flows/check.ts'
import {tempDir} from '../helpers/cli.ts'

const answersFile = (answers: Record<string, string>) => JSON.stringify({format: 1, cliVersion: '0.1.0', answers, files: {}})

describe('check: what to check', () => {
  it('takes the URL argument as given', async () => {
    const url = await resolveUrl({url: 'http://127.0.0.1:8080', cwd: await tempDir(), cliVersion: '0.1.0'})
    assert.equal(url.href, 'http://127.0.0.1:8080/')
  })

  it("builds the app's Scalingo URL from the answers file", async () => {
    const dir = await tempDir()
    await writeFile(path.join(dir, '.tempo-scalingo.json'), answersFile({appName: 'my-tempo-app', region: 'osc-secnum-fr1'}))
    assert.equal((await resolveUrl({cwd: dir, cliVersion: '0.1.0'})).href, 'https://my-tempo-app.osc-secnum-fr1.scalingo.io/')
    await writeFile(path.join(dir, '.tempo-scalingo.json'), answersFile({appName: 'my-tempo-app'}))
    assert.equal((await resolveUrl({cwd: dir, cliVersion: '0.1.0'})).href, 'https://my-tempo-app.osc-fr1.scalingo.io/')
  })

  it('is a usage error with neither a URL nor an answers file', async () => {
    await assert.rejects(resolveUrl({cwd: await tempDir(), cliVersion: '0.1.0'}), (error: Error & {exitCode?: number}) => {
      assert.equal(error.exitCode, 2)
      assert.match(error.message, /no URL given and no \.tempo-scalingo\.json here/)
      return true
    })
  })

  it('resolves credentials: flag > env > .env > default', async () => {
    const dir = await tempDir()
    await writeFile(path.join(dir, '.env'), "TEMPO_INGEST_TOKEN='from-dotenv'\nTEMPO_QUERY_PASSWORD='password-from-dotenv'\n")
    const env = {TEMPO_INGEST_TOKEN: 'from-env', TEMPO_QUERY_PASSWORD: ''}
    assert.deepEqual(await resolveCredentials({flags: {'ingest-token': 'from-flag'}, env, cwd: dir}), {
      ingestToken: 'from-flag',
      queryUser: 'grafana',
      queryPassword: 'password-from-dotenv',
    })
    assert.deepEqual(await resolveCredentials({flags: {}, env, cwd: dir}), {
      ingestToken: 'from-env',
      queryUser: 'grafana',
      queryPassword: 'password-from-dotenv',
    })
    assert.deepEqual(await resolveCredentials({flags: {'query-user': 'alice'}, env: {}, cwd: dir}), {
      ingestToken: 'from-dotenv',
      queryUser: 'alice',
      queryPassword: 'password-from-dotenv',
    })
  })

  it('the query user comes from the answers file, since .env holds secrets only', async () => {
    const dir = await tempDir()
    await writeFile(path.join(dir, '.env'), "TEMPO_INGEST_TOKEN='from-dotenv'\nTEMPO_QUERY_PASSWORD='password-from-dotenv'\n")
    await writeFile(path.join(dir, '.tempo-scalingo.json'), answersFile({appName: 'my-tempo-app', queryUser: 'ops-team'}))
    const credentials = await resolveCredentials({flags: {}, env: {}, cwd: dir, cliVersion: '0.1.0'})
    assert.equal(credentials.queryUser, 'ops-team')
  })

  it('names every missing credential at once', async () => {
    await assert.rejects(resolveCredentials({flags: {}, env: {}, cwd: await tempDir()}), (error: Error & {exitCode?: number}) => {
      assert.equal(error.exitCode, 2)
      assert.match(
        error.message,
        /missing credentials: --ingest-token \(or TEMPO_INGEST_TOKEN\), --query-password \(or TEMPO_QUERY_PASSWORD\)\./,
      )
      return true
    })
  })
})
