import assert from 'node:assert/strict'
import {writeFile} from 'node:fs/promises'
import path from 'node:path'
import {after, before, describe, test} from 'node:test'

import {CliError} from '../../src/lib/core/errors.js'
import {scalingoGitUrl} from '../../src/lib/platform/git.js'
import {resolveAppAnswers} from '../../src/lib/app/answers.js'
import {parseDotEnv} from '../../src/lib/core/dotenv.js'
import {setAppVariables} from '../../src/lib/flows/on-scalingo.js'
import {variablesFromAnswers} from '../../src/lib/flows/variables.js'
import {describe422, retryAfter} from '../../src/lib/platform/scalingo/api.js'
import type {Variable} from '../../src/lib/platform/scalingo/apps.js'
import {dotEnvDocument} from '../../src/lib/platform/scalingo/cli.js'
import {connectScalingo, instructions} from '../../src/lib/platform/scalingo/client.js'
import {tempDir} from '../helpers/cli.js'
import {ANSWERS, API_TOKEN, assertNoSecret, type FakeApi, makeApp, SECRETS, startFakeApi} from '../helpers/scalingo-fakes.js'

const VARIABLES: Variable[] = [
  {name: 'TEMPO_VERSION', value: '2.10.8', secret: false},
  {name: 'TEMPO_INGEST_TOKEN', value: SECRETS.TEMPO_INGEST_TOKEN, secret: true},
  {name: 'TEMPO_STORAGE_S3_SECRET_ACCESS_KEY', value: SECRETS.TEMPO_STORAGE_S3_SECRET_ACCESS_KEY, secret: true},
]

describe('Retry-After', () => {
  test('seconds, HTTP dates, capped, junk ignored', () => {
    assert.equal(retryAfter('3'), 3)
    assert.equal(retryAfter('0'), 0)
    assert.equal(retryAfter('3600'), 30)
    const now = Date.parse('2025-01-01T00:00:00Z')
    assert.equal(retryAfter('Wed, 01 Jan 2025 00:00:05 GMT', now), 5)
    assert.equal(retryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now), 0)
    assert.equal(retryAfter(null), undefined)
    assert.equal(retryAfter('soon'), undefined)
  })
})

test('422 bodies become one readable reason', () => {
  assert.equal(
    describe422('{"errors":{"name":["is invalid"],"value":["can\'t be blank","is too long"]}}'),
    "name is invalid; value can't be blank, is too long",
  )
  assert.equal(describe422('{"error":"bad variable"}'), 'bad variable')
  assert.equal(describe422(''), 'no details given')
})

test('the .env document given to the Scalingo CLI reads back literally', () => {
  const variables = [
    {name: 'PLAIN', value: 'a b#c', secret: false},
    {name: 'QUOTE', value: `it's $HOME "x" \\ end`, secret: true},
    {name: 'LINES', value: 'one\ntwo', secret: true},
  ]
  assert.deepEqual(parseDotEnv(dotEnvDocument(variables), {HOME: '/root'}), Object.fromEntries(variables.map((v) => [v.name, v.value])))
})

test('instructions show secrets as quoted placeholders, or read them from the .env that holds them all', () => {
  const text = instructions('my-tempo', 'osc-fr1', VARIABLES)
  assertNoSecret([text])
  assert.match(
    text,
    /scalingo --region osc-fr1 --app my-tempo env-set \\\n {2}TEMPO_VERSION=2\.10\.8 \\\n {2}TEMPO_INGEST_TOKEN='<TEMPO_INGEST_TOKEN>'/,
  )
  const dotEnv = Object.fromEntries(VARIABLES.filter((v) => v.secret).map((v) => [v.name, v.value]))
  const fromFile = instructions('my-tempo', 'osc-fr1', VARIABLES, dotEnv)
  assertNoSecret([fromFile])
  assert.doesNotMatch(fromFile, /<TEMPO_INGEST_TOKEN>/)
  assert.match(fromFile, /env-set \\\n {2}TEMPO_VERSION=2\.10\.8\nscalingo --region osc-fr1 --app my-tempo env-set --file \.env$/)
})

test('the git URL of an app', () => {
  assert.equal(scalingoGitUrl('my-tempo', 'osc-secnum-fr1'), 'git@ssh.osc-secnum-fr1.scalingo.com:my-tempo.git')
})

/** What env-set sends: the app's answers resolved as every command resolves them, secrets required. */
const variablesFor = async (dir: string, env: Record<string, string>) =>
  variablesFromAnswers((await resolveAppAnswers({dir, flags: {}, env, cliVersion: '0.1.0', secrets: 'require', needFile: true})).answers)

/** What deploy acts on: the app name and region alone. */
const target = async (dir: string, flags: Record<string, string>, needFile: boolean) =>
  (await resolveAppAnswers({dir, flags, env: {}, cliVersion: '0.1.0', secrets: 'optional', only: ['appName', 'region'], needFile})).answers

describe('the variables env-set sends', () => {
  test('env mode adds the buildpack template variables; an empty S3 region is left unset', async () => {
    const dir = path.join(await tempDir(), 'app')
    await makeApp(dir, {...ANSWERS, configMode: 'env', s3Region: ''})
    const variables = await variablesFor(dir, {})
    const names = variables.map((v) => v.name)
    for (const name of ['TEMPO_STORAGE_S3_BUCKET', 'TEMPO_STORAGE_S3_ENDPOINT', 'TEMPO_RETENTION', 'TEMPO_STORAGE_TRACE_BY_ID_BACKEND'])
      assert.ok(names.includes(name), name)
    assert.ok(!names.includes('TEMPO_STORAGE_S3_REGION'))
    assert.equal(variables.find((v) => v.name === 'TEMPO_STORAGE_S3_SECRET_ACCESS_KEY')?.value, SECRETS.TEMPO_STORAGE_S3_SECRET_ACCESS_KEY)
    assert.ok(variables.filter((v) => v.secret).every((v) => Object.keys(SECRETS).includes(v.name)))
  })

  test('local storage needs no S3 keys', async () => {
    const dir = path.join(await tempDir(), 'app')
    await makeApp(dir, {...ANSWERS, storage: 'local'})
    const variables = await variablesFor(dir, {})
    assert.ok(!variables.some((v) => v.name.startsWith('TEMPO_STORAGE_S3_')))
  })

  test('the environment wins over .env, which wins over the answers file', async () => {
    const dir = path.join(await tempDir(), 'app')
    await makeApp(dir, ANSWERS, {...SECRETS, TEMPO_STORAGE_S3_BUCKET: 'from-dot-env'})
    const variables = await variablesFor(dir, {TEMPO_STORAGE_S3_ACCESS_KEY_ID: 'FROM-ENV-KEY'})
    const value = (name: string) => variables.find((v) => v.name === name)?.value
    assert.equal(value('TEMPO_STORAGE_S3_ACCESS_KEY_ID'), 'FROM-ENV-KEY')
    assert.equal(value('TEMPO_INGEST_TOKEN'), SECRETS.TEMPO_INGEST_TOKEN)
    await makeApp(dir, {...ANSWERS, configMode: 'env'}, {...SECRETS, TEMPO_STORAGE_S3_BUCKET: 'from-dot-env'})
    assert.equal((await variablesFor(dir, {})).find((v) => v.name === 'TEMPO_STORAGE_S3_BUCKET')?.value, 'from-dot-env')
  })

  test('every missing secret is named at once (exit 2)', async () => {
    const empty = path.join(await tempDir(), 'app')
    await makeApp(empty, ANSWERS, {})
    await assert.rejects(variablesFor(empty, {TEMPO_INGEST_TOKEN: 'env-token-Kq9vW2xZ7pL4mN8rT6yB1cD5'}), (error: CliError) => {
      assert.equal(error.exitCode, 2)
      assert.match(error.message, /TEMPO_STORAGE_S3_ACCESS_KEY_ID, TEMPO_STORAGE_S3_SECRET_ACCESS_KEY, TEMPO_QUERY_PASSWORD/)
      assert.doesNotMatch(error.message, /TEMPO_INGEST_TOKEN/)
      return true
    })
  })
})

describe('the variables env-set sends refuse credentials the app would refuse', () => {
  test('short ones, and a query password equal to the ingest token, named without their values (exit 2)', async () => {
    const dir = path.join(await tempDir(), 'app')
    await makeApp(dir)
    await assert.rejects(variablesFor(dir, {TEMPO_INGEST_TOKEN: 'short-token', TEMPO_QUERY_PASSWORD: 'short-pass'}), (error: CliError) => {
      assert.equal(error.exitCode, 2)
      assert.match(error.message, /TEMPO_INGEST_TOKEN\): credentials are at least 16 characters long/)
      assert.match(error.message, /TEMPO_QUERY_PASSWORD\): credentials are at least 16 characters long/)
      assert.doesNotMatch(error.message, /short-token|short-pass/)
      return true
    })
    const same = 'one-secret-for-both-0123456789'
    await assert.rejects(variablesFor(dir, {TEMPO_INGEST_TOKEN: same, TEMPO_QUERY_PASSWORD: same}), (error: CliError) => {
      assert.equal(error.exitCode, 2)
      assert.match(error.message, /the query password is the same as the ingest token/)
      assert.ok(!error.message.includes(same))
      return true
    })
  })
})

describe('the app deploy acts on', () => {
  test('given values win over the answers file; the file is optional when --app is given', async () => {
    const dir = path.join(await tempDir(), 'app')
    await makeApp(dir)
    assert.deepEqual((await target(dir, {}, true)).appName, 'my-tempo')
    assert.equal((await target(dir, {region: 'osc-secnum-fr1'}, true)).region, 'osc-secnum-fr1')
    const elsewhere = await tempDir()
    assert.deepEqual(await target(elsewhere, {app: 'other-app'}, false), {appName: 'other-app', region: 'osc-fr1'})
    await assert.rejects(target(elsewhere, {app: 'other-app'}, true), /not found/)
    await assert.rejects(target(elsewhere, {app: 'Bad_Name'}, false), (error: CliError) => error.exitCode === 2)
  })

  test('a broken answers file is reported even with --app when it is needed', async () => {
    const dir = await tempDir()
    await writeFile(path.join(dir, '.tempo-scalingo.json'), '{')
    await assert.rejects(target(dir, {app: 'other-app'}, true), /not valid JSON/)
  })
})

describe('setAppVariables (API)', () => {
  let api: FakeApi
  const lines: string[] = []
  const log = (line: string) => lines.push(line)
  before(async () => {
    api = await startFakeApi()
  })
  after(() => api.close())

  const options = async (env: NodeJS.ProcessEnv) => ({
    scalingo: await connectScalingo(env, log),
    app: 'my-tempo',
    region: 'osc-fr1',
    variables: VARIABLES,
    log,
  })

  test('a dry run sends nothing and redacts secrets', async () => {
    api.requests.length = 0
    const result = await setAppVariables({
      ...(await options({SCALINGO_API_TOKEN: API_TOKEN, SCALINGO_API_URL: api.url, SCALINGO_AUTH_URL: api.url})),
      dryRun: true,
    })
    assert.equal(api.requests.length, 0)
    assert.equal(result.method, 'dry-run')
    assertNoSecret([JSON.stringify(result), ...lines])
  })

  test('a host that does not answer is named', async () => {
    await assert.rejects(
      setAppVariables(await options({SCALINGO_API_TOKEN: API_TOKEN, SCALINGO_AUTH_URL: 'http://127.0.0.1:9'})),
      /Cannot reach http:\/\/127\.0\.0\.1:9/,
    )
  })

  test('429 is retried a bounded number of times', async () => {
    api.requests.length = 0
    api.retryAfter = '0'
    api.putPlan = [429, 429, 429, 429, 429, 429]
    await assert.rejects(
      setAppVariables(await options({SCALINGO_API_TOKEN: API_TOKEN, SCALINGO_API_URL: api.url, SCALINGO_AUTH_URL: api.url})),
      /still rate limiting after 5 attempts/,
    )
    assert.equal(api.requests.filter((r) => r.method === 'PUT').length, 5)
    api.putPlan = []
    assertNoSecret(lines)
  })
})
