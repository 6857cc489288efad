// `env-set` run as a user would, inside a generated app, against a fake Scalingo.
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {readFile} from 'node:fs/promises'
import path from 'node:path'
import {after, before, describe, test} from 'node:test'

import {parseDotEnv} from '../../src/lib/core/dotenv.js'
import {type CliResult, runCli, tempDir} from '../helpers/cli.js'
import {
  API_TOKEN,
  assertNoSecret,
  BEARER,
  fakeScalingoCli,
  type FakeApi,
  makeApp,
  pathWithoutScalingo,
  readIfAny,
  SECRETS,
  startFakeApi,
} from '../helpers/scalingo-fakes.js'

const FILE_MODE_VARIABLES = [
  'TEMPO_VERSION',
  'TEMPO_STORAGE_S3_ACCESS_KEY_ID',
  'TEMPO_STORAGE_S3_SECRET_ACCESS_KEY',
  'TEMPO_INGEST_TOKEN',
  'TEMPO_QUERY_USER',
  'TEMPO_QUERY_PASSWORD',
]

const output = (r: CliResult) => [r.stdout, r.stderr]

describe('env-set through the Scalingo API', () => {
  let api: FakeApi
  let app: string
  const env = () => ({SCALINGO_API_TOKEN: API_TOKEN, SCALINGO_API_URL: api.url, SCALINGO_AUTH_URL: api.url, PATH: pathWithoutScalingo()})

  before(async () => {
    api = await startFakeApi()
    app = path.join(await tempDir(), 'my-tempo')
    await makeApp(app)
  })
  after(() => api.close())

  test('exchanges the token, then sets every variable in one bulk PUT with the bearer', async () => {
    api.requests.length = 0
    const r = await runCli(['env-set'], {cwd: app, env: env()})
    assertNoSecret(output(r))
    assert.equal(r.code, 0, r.stderr)
    assert.equal(api.requests.length, 2)
    const [exchange, put] = api.requests
    assert.equal(exchange.method, 'POST')
    assert.equal(exchange.url, '/v1/tokens/exchange')
    assert.equal(exchange.headers.authorization, `Basic ${Buffer.from(`:${API_TOKEN}`).toString('base64')}`)
    assert.equal(put.method, 'PUT')
    assert.equal(put.url, '/v1/apps/my-tempo/variables')
    assert.equal(put.headers.authorization, `Bearer ${BEARER}`)
    assert.match(String(put.headers['content-type']), /application\/json/)
    const body = JSON.parse(put.body)
    assert.deepEqual(Object.keys(body), ['variables'])
    const sent = Object.fromEntries(body.variables.map((v: {name: string; value: string}) => [v.name, v.value]))
    assert.deepEqual(Object.keys(sent).sort(), [...FILE_MODE_VARIABLES].sort())
    for (const v of body.variables) assert.deepEqual(Object.keys(v), ['name', 'value'])
    for (const [name, value] of Object.entries(SECRETS)) assert.equal(sent[name], value)
    assert.equal(sent.TEMPO_VERSION, '2.10.8')
    assert.equal(sent.TEMPO_QUERY_USER, 'grafana')
    for (const name of FILE_MODE_VARIABLES) assert.match(r.stdout, new RegExp(`✔ ${name}\\b`))
  })

  test('secrets from the environment win over the .env', async () => {
    api.requests.length = 0
    const override = 'ingest-FROMENV-token-11223344556677889900'
    const r = await runCli(['env-set'], {cwd: app, env: {...env(), TEMPO_INGEST_TOKEN: override}})
    assertNoSecret(output(r), [...Object.values(SECRETS), API_TOKEN, BEARER, override])
    assert.equal(r.code, 0, r.stderr)
    const sent = JSON.parse(api.requests[1].body).variables.find((v: {name: string}) => v.name === 'TEMPO_INGEST_TOKEN')
    assert.equal(sent.value, override)
  })

  test('--json prints one document, values of secrets redacted', async () => {
    const r = await runCli(['env-set', '--json'], {cwd: app, env: env()})
    assertNoSecret(output(r))
    assert.equal(r.code, 0, r.stderr)
    const doc = JSON.parse(r.stdout)
    assert.equal(doc.method, 'api')
    assert.equal(doc.app, 'my-tempo')
    assert.equal(doc.region, 'osc-fr1')
    assert.deepEqual(doc.variables.map((v: {name: string}) => v.name).sort(), [...FILE_MODE_VARIABLES].sort())
    assert.equal(doc.variables.find((v: {name: string}) => v.name === 'TEMPO_INGEST_TOKEN').value, '********')
  })

  test('401 on the token exchange: the token is named, nothing is PUT', async () => {
    api.requests.length = 0
    const r = await runCli(['env-set'], {cwd: app, env: {...env(), SCALINGO_API_TOKEN: 'tk-us-WRONGtoken'}})
    assertNoSecret([...output(r)], [...Object.values(SECRETS), 'tk-us-WRONGtoken'])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /SCALINGO_API_TOKEN was refused .*\(401\).*dashboard\.scalingo\.com\/account\/tokens/)
    assert.equal(api.requests.filter((q) => q.method === 'PUT').length, 0)
  })

  test('404 with --no-create-app: no such app, with how to create it, nothing created', async () => {
    const r = await runCli(['env-set', '--app', 'other-app', '--no-create-app'], {cwd: app, env: env()})
    assertNoSecret(output(r))
    assert.equal(r.code, 1)
    assert.match(r.stderr, /No app "other-app" in region osc-fr1 \(404/)
    assert.match(r.stderr, /--create-app, or `scalingo --region osc-fr1 create other-app`/)
    assert.equal(api.apps.has('other-app'), false)
  })

  test("422: the API's reason is shown", async () => {
    api.putPlan = [422]
    const r = await runCli(['env-set'], {cwd: app, env: env()})
    assertNoSecret(output(r))
    assert.equal(r.code, 1)
    assert.match(r.stderr, /refused the variables \(422\): value can't be blank/)
  })

  test('429: backs off as told by Retry-After, then succeeds', async () => {
    api.requests.length = 0
    api.putPlan = [429]
    const started = Date.now()
    const r = await runCli(['env-set'], {cwd: app, env: env()})
    assertNoSecret(output(r))
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /Rate limited .*\(429\): retrying in 1s/)
    assert.equal(api.requests.filter((q) => q.method === 'PUT').length, 2)
    assert.ok(Date.now() - started >= 1000, 'waited for Retry-After')
  })

  test('--dry-run lists the variables, secrets redacted, and calls nothing', async () => {
    api.requests.length = 0
    const r = await runCli(['env-set', '--dry-run'], {cwd: app, env: env()})
    assertNoSecret(output(r))
    assert.equal(r.code, 0, r.stderr)
    assert.equal(api.requests.length, 0)
    assert.match(r.stdout, /TEMPO_VERSION=2\.10\.8/)
    assert.match(r.stdout, /TEMPO_STORAGE_S3_SECRET_ACCESS_KEY=\*{8}/)
  })

  test('a missing secret is a usage error naming it', async () => {
    const bare = path.join(await tempDir(), 'my-tempo')
    const {TEMPO_QUERY_PASSWORD: _, ...others} = SECRETS
    await makeApp(bare, undefined, others)
    const r = await runCli(['env-set'], {cwd: bare, env: env()})
    assertNoSecret(output(r))
    assert.equal(r.code, 2)
    assert.match(r.stderr, /No value for TEMPO_QUERY_PASSWORD/)
  })

  test('outside a generated app: exit 2', async () => {
    const r = await runCli(['env-set'], {cwd: await tempDir(), env: env()})
    assert.equal(r.code, 2)
    assert.match(r.stderr, /\.tempo-scalingo\.json not found/)
  })
})

describe('env-set through the scalingo CLI', () => {
  let app: string
  let bin: string
  let log: string

  before(async () => {
    const root = await tempDir()
    app = path.join(root, 'my-tempo')
    bin = path.join(root, 'bin')
    log = path.join(root, 'scalingo')
    await makeApp(app)
    await fakeScalingoCli(bin)
  })

  test('values go on stdin as a .env document, never in argv nor in the output', async () => {
    const r = await runCli(['env-set', '--region', 'osc-secnum-fr1'], {
      cwd: app,
      env: {PATH: pathWithoutScalingo([bin]), FAKE_SCALINGO_LOG: log},
    })
    const argv = await readIfAny(`${log}.argv`)
    const stdin = await readIfAny(`${log}.stdin`)
    assertNoSecret([...output(r), argv])
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(argv.trim().split('\n'), ['--region', 'osc-secnum-fr1', '--app', 'my-tempo', 'env-set', '--file', '-'])
    for (const name of FILE_MODE_VARIABLES) assert.match(stdin, new RegExp(`^${name}=`, 'm'))
    // The document and the app's .env agree line for line, and read back as the values.
    const dotEnvLines = (await readFile(path.join(app, '.env'), 'utf8')).split('\n')
    for (const [name, value] of Object.entries(SECRETS)) {
      const line = stdin.split('\n').find((l) => l.startsWith(`${name}=`)) ?? ''
      assert.ok(dotEnvLines.includes(line), name)
      assert.equal(parseDotEnv(stdin)[name], value, name)
    }
    assert.doesNotMatch(r.stdout, /has been set to/)
    assert.match(r.stdout, /Restart your containers/)
    for (const name of FILE_MODE_VARIABLES) assert.match(r.stdout, new RegExp(`✔ ${name}\\b`))
  })

  test('a failing CLI: exit 1 with its message, still no value shown', async () => {
    const r = await runCli(['env-set'], {
      cwd: app,
      env: {PATH: pathWithoutScalingo([bin]), FAKE_SCALINGO_LOG: log, FAKE_SCALINGO_EXIT: '3'},
    })
    const argv = await readIfAny(`${log}.argv`)
    assertNoSecret([...output(r), argv])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /scalingo env-set` failed \(exit 3\)/)
    assert.match(r.stderr, /upgrade it \(>= 1\.29\)/)
  })

  test('neither token nor CLI: the commands to run, secrets read from the .env, exit 1; they run as printed', async () => {
    const r = await runCli(['env-set'], {cwd: app, env: {PATH: pathWithoutScalingo()}})
    assertNoSecret(output(r))
    assert.equal(r.code, 1)
    assert.match(r.stderr, /scalingo --region osc-fr1 --app my-tempo env-set \\/)
    assert.match(r.stderr, /TEMPO_VERSION=2\.10\.8/)
    assert.match(r.stderr, /^scalingo --region osc-fr1 --app my-tempo env-set --file \.env$/m)
    assert.doesNotMatch(r.stderr, /<TEMPO_/)
    assert.match(r.stderr, /SCALINGO_API_TOKEN/)
    // The printed commands are shell: run with a `scalingo` that prints its arguments.
    const commands = r.stderr.slice(r.stderr.indexOf('scalingo --region'))
    const args = execFileSync('bash', ['-c', `scalingo() { printf '%s\\n' "$@"; }\n${commands}`], {encoding: 'utf8'}).split('\n')
    assert.ok(args.includes('TEMPO_VERSION=2.10.8') && args.includes('--file') && args.includes('.env'))
  })

  test('a secret from the environment only: its placeholder quoted for the shell', async () => {
    const r = await runCli(['env-set'], {
      cwd: app,
      env: {PATH: pathWithoutScalingo(), TEMPO_INGEST_TOKEN: 'from-env-token-0123456789abcdef'},
    })
    assert.equal(r.code, 1)
    assert.match(r.stderr, /TEMPO_INGEST_TOKEN='<TEMPO_INGEST_TOKEN>'/)
    assert.doesNotMatch(r.stderr, /--file \.env/)
    assert.doesNotMatch(r.stderr, /from-env-token/)
  })
})
