// `env-set` and `deploy` create the Scalingo app the API does not know, as a user would run them.
import assert from 'node:assert/strict'
import path from 'node:path'
import {after, before, describe, test} from 'node:test'

import {initAndCommit} from '../../src/lib/platform/git.js'
import {type CliResult, runCli, tempDir} from '../helpers/cli.js'
import {
  ANSWERS,
  API_TOKEN,
  assertNoSecret,
  bareRepo,
  BEARER,
  type FakeApi,
  git,
  makeApp,
  pathWithoutScalingo,
  startFakeApi,
} from '../helpers/scalingo-fakes.js'

const output = (r: CliResult) => [r.stdout, r.stderr]

describe('the app is created when the Scalingo API does not know it', () => {
  let api: FakeApi
  const env = (token = API_TOKEN) => ({
    SCALINGO_API_TOKEN: token,
    SCALINGO_API_URL: api.regionalUrl,
    SCALINGO_AUTH_URL: api.url,
    PATH: pathWithoutScalingo(),
  })
  const newApp = async (name: string, region = 'osc-fr1') => {
    const root = await tempDir()
    const dir = path.join(root, name)
    await makeApp(dir, {...ANSWERS, appName: name, region})
    return {root, dir}
  }

  before(async () => {
    api = await startFakeApi()
  })
  after(() => api.close())

  test('env-set: 404 on the variables → app created in the region, then the variables set', async () => {
    const {dir} = await newApp('brand-new-tempo', 'osc-secnum-fr1')
    api.requests.length = 0
    const r = await runCli(['env-set', '--json'], {cwd: dir, env: env()})
    assertNoSecret(output(r))
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(
      api.requests.map((q) => `${q.method} ${q.url}`),
      [
        'POST /v1/tokens/exchange',
        'PUT /osc-secnum-fr1/v1/apps/brand-new-tempo/variables',
        'POST /osc-secnum-fr1/v1/apps',
        'PUT /osc-secnum-fr1/v1/apps/brand-new-tempo/variables',
      ],
    )
    assert.equal(api.apps.get('brand-new-tempo'), 'osc-secnum-fr1')
    assert.equal(JSON.parse(r.stdout).createdApp, true)
    assert.match(r.stderr, /✔ Created app brand-new-tempo in osc-secnum-fr1/)
  })

  test('env-set: a name held by another account → exit 1, its message, nothing set', async () => {
    api.foreign.add('someone-elses')
    const {dir} = await newApp('someone-elses')
    api.requests.length = 0
    const r = await runCli(['env-set'], {cwd: dir, env: env()})
    assertNoSecret(output(r))
    assert.equal(r.code, 1)
    assert.match(r.stderr, /✘ The app name "someone-elses" is taken by another Scalingo account .*run this again with --app <new-name>/)
    assert.equal(api.requests.filter((q) => q.method === 'PUT').length, 1)
  })

  test('env-set: the app is in the other region → exit 1 naming it', async () => {
    api.apps.set('elsewhere-tempo', 'osc-secnum-fr1')
    const {dir} = await newApp('elsewhere-tempo', 'osc-fr1')
    const r = await runCli(['env-set'], {cwd: dir, env: env()})
    assert.equal(r.code, 1)
    assert.match(
      r.stderr,
      /App "elsewhere-tempo" exists in region osc-secnum-fr1, not osc-fr1: nothing was created\. Use --region osc-secnum-fr1/,
    )
  })

  test('deploy: the app is created, then pushed', async () => {
    const {root, dir} = await newApp('deploy-new-tempo')
    await initAndCommit(dir, 'Tempo on Scalingo')
    const remote = await bareRepo(path.join(root, 'remote.git'))
    const r = await runCli(['deploy', '--remote-url', remote], {cwd: dir, env: env()})
    assertNoSecret(output(r), [API_TOKEN, BEARER])
    assert.equal(r.code, 0, r.stderr)
    assert.ok(r.stdout.indexOf('Created app deploy-new-tempo in osc-fr1') < r.stdout.indexOf('Pushing'), r.stdout)
    assert.equal(api.apps.get('deploy-new-tempo'), 'osc-fr1')
    assert.equal(git(remote, 'rev-parse', 'refs/heads/master'), git(dir, 'rev-parse', 'HEAD'))
  })

  test('deploy --no-create-app: exit 1 before any push', async () => {
    const {root, dir} = await newApp('not-created-tempo')
    await initAndCommit(dir, 'Tempo on Scalingo')
    const remote = await bareRepo(path.join(root, 'remote.git'))
    const r = await runCli(['deploy', '--no-create-app', '--remote-url', remote], {cwd: dir, env: env()})
    assert.equal(r.code, 1)
    assert.match(r.stderr, /No app "not-created-tempo" in region osc-fr1 \(404/)
    assert.equal(api.apps.has('not-created-tempo'), false)
    assert.equal(git(remote, 'branch', '--list'), '')
  })

  test('deploy with an invalid token: exit 1 before any push', async () => {
    const {root, dir} = await newApp('bad-token-tempo')
    await initAndCommit(dir, 'Tempo on Scalingo')
    const remote = await bareRepo(path.join(root, 'remote.git'))
    const r = await runCli(['deploy', '--remote-url', remote], {cwd: dir, env: env('tk-us-WRONGtoken')})
    assertNoSecret(output(r), ['tk-us-WRONGtoken'])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /SCALINGO_API_TOKEN was refused .*\(401\)/)
    assert.equal(git(remote, 'branch', '--list'), '')
  })
})
