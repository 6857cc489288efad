// The Scalingo client (API, CLI or manual, chosen once) creating apps, and ensureApp over it,
// against the fake Scalingo API and the fake `scalingo` executable.
import assert from 'node:assert/strict'
import path from 'node:path'
import {after, afterEach, before, describe, test} from 'node:test'

import {CliError} from '../../src/lib/core/errors.js'
import {type CreateDecision, ensureApp as ensureAppWith} from '../../src/lib/flows/on-scalingo.js'
import {connectScalingo, type ScalingoEnv} from '../../src/lib/platform/scalingo/client.js'
import {tempDir} from '../helpers/cli.js'
import {
  API_TOKEN,
  assertNoSecret,
  BEARER,
  fakeScalingoCli,
  type FakeApi,
  pathWithoutScalingo,
  readIfAny,
  startFakeApi,
} from '../helpers/scalingo-fakes.js'

type Log = (line: string) => void
const createApp = async ({app, region, log, env}: {app: string; region: string; log: Log; env: ScalingoEnv}) =>
  (await connectScalingo(env, log)).createApp(app, region)
const ensureApp = async ({env, log, ...rest}: {app: string; region: string; log: Log; env: ScalingoEnv; create: CreateDecision}) =>
  ensureAppWith({scalingo: await connectScalingo(env, log), ...rest})

const failure = async (promise: Promise<unknown>): Promise<CliError> => {
  try {
    await promise
  } catch (error) {
    assert.ok(error instanceof CliError, String(error))
    assert.equal(error.exitCode, 1)
    return error
  }
  assert.fail('expected a failure')
}

describe('createApp through the API', () => {
  let api: FakeApi
  const lines: string[] = []
  const log = (line: string) => lines.push(line)
  const env = (token = API_TOKEN) => ({
    SCALINGO_API_TOKEN: token,
    SCALINGO_API_URL: api.regionalUrl,
    SCALINGO_AUTH_URL: api.url,
    PATH: pathWithoutScalingo(),
  })

  before(async () => {
    api = await startFakeApi()
  })
  after(() => api.close())
  afterEach(() => {
    assertNoSecret(lines, [API_TOKEN, BEARER])
    lines.length = 0
    api.requests.length = 0
  })

  test("exchanges the token, then POST /v1/apps on the region's API", async () => {
    const result = await createApp({app: 'fresh-tempo', region: 'osc-secnum-fr1', log, env: env()})
    assert.deepEqual(result, {
      method: 'api',
      app: 'fresh-tempo',
      region: 'osc-secnum-fr1',
      created: true,
      gitUrl: 'git@ssh.osc-secnum-fr1.scalingo.com:fresh-tempo.git',
    })
    const [exchange, post] = api.requests
    assert.equal(exchange.url, '/v1/tokens/exchange')
    assert.equal(post.method, 'POST')
    assert.equal(post.url, '/osc-secnum-fr1/v1/apps')
    assert.equal(post.headers.authorization, `Bearer ${BEARER}`)
    assert.deepEqual(JSON.parse(post.body), {app: {name: 'fresh-tempo'}})
    assert.equal(api.apps.get('fresh-tempo'), 'osc-secnum-fr1')
    assert.match(
      lines.join('\n'),
      /✔ Created app fresh-tempo in osc-secnum-fr1 \(git remote git@ssh\.osc-secnum-fr1\.scalingo\.com:fresh-tempo\.git\)/,
    )
  })

  test('an app the account already has in that region: nothing created, not an error', async () => {
    const result = await createApp({app: 'my-tempo', region: 'osc-fr1', log, env: env()})
    assert.equal(result.created, false)
    assert.match(lines.join('\n'), /App my-tempo already exists in osc-fr1: using it/)
  })

  test('a name another account holds: its own message, how to resume', async () => {
    api.foreign.add('taken-tempo')
    const error = await failure(createApp({app: 'taken-tempo', region: 'osc-fr1', log, env: env()}))
    assert.match(
      error.message,
      /The app name "taken-tempo" is taken by another Scalingo account .*nothing was created\. Pick another name and run this again with --app <new-name>/,
    )
    assert.equal(api.apps.has('taken-tempo'), false)
  })

  test('409 is read as "taken" too', async () => {
    api.createStatus = 409
    const error = await failure(createApp({app: 'conflict-tempo', region: 'osc-fr1', log, env: env()}))
    assert.match(error.message, /taken by another Scalingo account/)
  })

  test('the app exists in the other region: region mismatch, naming the right one', async () => {
    api.apps.set('moved-tempo', 'osc-secnum-fr1')
    const error = await failure(createApp({app: 'moved-tempo', region: 'osc-fr1', log, env: env()}))
    assert.match(
      error.message,
      /App "moved-tempo" exists in region osc-secnum-fr1, not osc-fr1: nothing was created\. Use --region osc-secnum-fr1 \(or SCALINGO_REGION=osc-secnum-fr1\)/,
    )
    assert.deepEqual(
      api.requests.filter((q) => q.method === 'GET').map((q) => q.url),
      ['/osc-fr1/v1/apps/moved-tempo', '/osc-secnum-fr1/v1/apps/moved-tempo'],
    )
  })

  test('an invalid token: 401 named, no creation attempted', async () => {
    const error = await failure(createApp({app: 'fresh-two', region: 'osc-fr1', log, env: env('tk-us-WRONG')}))
    assert.match(error.message, /SCALINGO_API_TOKEN was refused .*\(401\).*run this again; nothing was changed on Scalingo/)
    assert.equal(api.requests.filter((q) => q.url.endsWith('/v1/apps')).length, 0)
  })

  test('another refusal (e.g. 402): exit 1 with the status and body', async () => {
    api.createStatus = 402
    const error = await failure(createApp({app: 'unpaid-tempo', region: 'osc-fr1', log, env: env()}))
    assert.match(error.message, /while creating app unpaid-tempo: HTTP 402/)
  })

  test('one client exchanges the token once for all its calls', async () => {
    const scalingo = await connectScalingo(env(), log)
    assert.equal(await scalingo.appStatus('my-tempo', 'osc-fr1'), 'exists')
    assert.equal(await scalingo.appStatus('nobody-tempo', 'osc-fr1'), 'missing')
    assert.equal((await scalingo.createApp('once-tempo', 'osc-fr1')).created, true)
    assert.equal(api.requests.filter((q) => q.url === '/v1/tokens/exchange').length, 1)
  })

  test('ensureApp: exists, created on 404 when wanted, refused when not', async () => {
    assert.equal(await ensureApp({app: 'my-tempo', region: 'osc-fr1', log, env: env(), create: false}), 'exists')
    const error = await failure(ensureApp({app: 'later-tempo', region: 'osc-fr1', log, env: env(), create: false}))
    assert.match(
      error.message,
      /No app "later-tempo" in region osc-fr1 \(404.*nothing was changed.*--create-app, or `scalingo --region osc-fr1 create later-tempo`/,
    )
    let asked = ''
    assert.equal(
      await ensureApp({
        app: 'later-tempo',
        region: 'osc-fr1',
        log,
        env: env(),
        create: async (app, region) => ((asked = `${app}@${region}`), true),
      }),
      'created',
    )
    assert.equal(asked, 'later-tempo@osc-fr1')
    assert.equal(api.apps.get('later-tempo'), 'osc-fr1')
    assert.equal(
      await ensureApp({app: 'later-tempo', region: 'osc-fr1', log, env: {PATH: pathWithoutScalingo()}, create: true}),
      'unchecked',
    )
  })
})

describe('connectScalingo', () => {
  test('chooses once: the API with a token, else the CLI on PATH, else manual', async () => {
    const bin = path.join(await tempDir(), 'bin')
    await fakeScalingoCli(bin)
    const log = () => {}
    assert.equal((await connectScalingo({SCALINGO_API_TOKEN: API_TOKEN, PATH: pathWithoutScalingo([bin])}, log)).via, 'api')
    assert.equal((await connectScalingo({PATH: pathWithoutScalingo([bin])}, log)).via, 'cli')
    assert.equal((await connectScalingo({PATH: pathWithoutScalingo()}, log)).via, 'manual')
  })
})

describe('createApp through the scalingo CLI', () => {
  let bin: string
  let logBase: string
  const lines: string[] = []
  const log = (line: string) => lines.push(line)
  const saved = {...process.env}

  before(async () => {
    const root = await tempDir()
    bin = path.join(root, 'bin')
    logBase = path.join(root, 'scalingo')
    await fakeScalingoCli(bin)
  })
  afterEach(() => {
    process.env = {...saved}
    lines.length = 0
  })
  const cli = (extra: Record<string, string> = {}) => {
    Object.assign(process.env, {FAKE_SCALINGO_LOG: logBase, ...extra})
    return {PATH: pathWithoutScalingo([bin])}
  }
  const calls = async () => (await readIfAny(`${logBase}.calls`)).trim().split('\n').slice(-3)

  test('runs `scalingo --region R create NAME`', async () => {
    const result = await createApp({app: 'cli-tempo', region: 'osc-secnum-fr1', log, env: cli()})
    assert.deepEqual(result, {
      method: 'cli',
      app: 'cli-tempo',
      region: 'osc-secnum-fr1',
      created: true,
      gitUrl: 'git@ssh.osc-secnum-fr1.scalingo.com:cli-tempo.git',
    })
    assert.deepEqual((await readIfAny(`${logBase}.argv`)).trim().split('\n'), ['--region', 'osc-secnum-fr1', 'create', 'cli-tempo'])
  })

  test('"taken" and the account has it in that region: using it', async () => {
    const result = await createApp({
      app: 'cli-tempo',
      region: 'osc-fr1',
      log,
      env: cli({FAKE_SCALINGO_CREATE: 'taken', FAKE_SCALINGO_APPS: 'osc-fr1/cli-tempo'}),
    })
    assert.equal(result.created, false)
    assert.deepEqual((await calls()).slice(-2), ['--region osc-fr1 create cli-tempo', '--region osc-fr1 apps'])
  })

  test('"taken" and the account has it in the other region: region mismatch', async () => {
    const error = await failure(
      createApp({
        app: 'cli-tempo',
        region: 'osc-fr1',
        log,
        env: cli({FAKE_SCALINGO_CREATE: 'taken', FAKE_SCALINGO_APPS: 'osc-secnum-fr1/cli-tempo'}),
      }),
    )
    assert.match(error.message, /App "cli-tempo" exists in region osc-secnum-fr1, not osc-fr1/)
    assert.deepEqual((await calls()).slice(-3), [
      '--region osc-fr1 create cli-tempo',
      '--region osc-fr1 apps',
      '--region osc-secnum-fr1 apps',
    ])
  })

  test('"taken" and the account has it nowhere: another account\'s', async () => {
    const error = await failure(createApp({app: 'cli-tempo', region: 'osc-fr1', log, env: cli({FAKE_SCALINGO_CREATE: 'taken'})}))
    assert.match(error.message, /taken by another Scalingo account/)
  })

  test('not logged in: says to run scalingo login', async () => {
    const error = await failure(createApp({app: 'cli-tempo', region: 'osc-fr1', log, env: cli({FAKE_SCALINGO_CREATE: 'unauthorized'})}))
    assert.match(
      error.message,
      /The `scalingo` CLI is not logged in .*nothing was created\. Run `scalingo login` \(or set SCALINGO_API_TOKEN\), then run this again/,
    )
  })

  test('neither token nor CLI: the exact command to run', async () => {
    const error = await failure(createApp({app: 'cli-tempo', region: 'osc-secnum-fr1', log, env: {PATH: pathWithoutScalingo()}}))
    assert.match(error.message, /app cli-tempo was not created\. Create it with\n\n {2}scalingo --region osc-secnum-fr1 create cli-tempo\n/)
  })
})
