// `create-tempo-scalingo grafana`: the companion Grafana app, generated inside a Tempo app or
// from flags, then created on Scalingo with its PostgreSQL addon, its variables set and pushed.
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {readFile, readdir, stat} from 'node:fs/promises'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'

import {parse} from 'yaml'

import {parseDotEnv} from '../../src/lib/core/dotenv.js'
import {runCli, tempDir} from '../helpers/cli.js'
import {
  ANSWERS,
  API_TOKEN,
  assertNoSecret,
  bareRepo,
  type FakeApi,
  fakeScalingoCli,
  git,
  makeApp,
  pathWithoutScalingo,
  SECRETS,
  startFakeApi,
} from '../helpers/scalingo-fakes.js'

const QUERY_PASSWORD = SECRETS.TEMPO_QUERY_PASSWORD

/** A Tempo app (answers file and .env, as the scaffold leaves them) inside a fresh directory. */
async function tempoApp(): Promise<{root: string; dir: string}> {
  const root = await tempDir()
  const dir = path.join(root, 'my-tempo')
  await makeApp(dir)
  return {root, dir}
}

async function filesOf(dir: string, sub = ''): Promise<string[]> {
  const out: string[] = []
  for (const name of await readdir(path.join(dir, sub))) {
    if (name === '.git') continue
    const rel = path.join(sub, name)
    if ((await stat(path.join(dir, rel))).isDirectory()) out.push(...(await filesOf(dir, rel)))
    else out.push(rel)
  }
  return out.sort()
}

describe('grafana: the companion Grafana app', () => {
  it('inside a Tempo app: its URL and query user from the answers, the password from .env, only as an env reference in git', async () => {
    const {root, dir} = await tempoApp()
    const r = await runCli(['grafana', '--yes'], {cwd: dir, env: {PATH: pathWithoutScalingo()}})
    assert.equal(r.code, 0, r.stderr + r.stdout)
    const app = path.join(root, 'my-tempo-grafana')
    assert.deepEqual(await filesOf(app), [
      '.env',
      '.gitignore',
      '.profile.d/grafana-database.sh',
      '.tempo-scalingo.json',
      'README.md',
      'provisioning/datasources/tempo.yaml',
      'scalingo.json',
    ])
    const datasource = parse(await readFile(path.join(app, 'provisioning/datasources/tempo.yaml'), 'utf8'))
    assert.equal(datasource.apiVersion, 1)
    const [tempo] = datasource.datasources
    assert.equal(tempo.type, 'tempo')
    assert.equal(tempo.uid, 'tempo-scalingo')
    assert.equal(tempo.url, 'https://my-tempo.osc-fr1.scalingo.io')
    assert.equal(tempo.basicAuth, true)
    assert.equal(tempo.basicAuthUser, ANSWERS.queryUser)
    assert.deepEqual(tempo.secureJsonData, {basicAuthPassword: '$TEMPO_QUERY_PASSWORD'})
    assert.deepEqual(tempo.jsonData.streamingEnabled, {search: false, metrics: false})
    assert.equal(tempo.jsonData.nodeGraph.enabled, true)

    const manifest = JSON.parse(await readFile(path.join(app, 'scalingo.json'), 'utf8'))
    assert.equal(manifest.env.BUILDPACK_URL.value, 'https://github.com/Scalingo/grafana-buildpack')
    assert.ok(Number(manifest.env.GRAFANA_VERSION.value.split('.')[0]) >= 12)
    assert.equal(manifest.env.GF_SERVER_HTTP_PORT.value, '$PORT')
    assert.equal(manifest.env.GF_SERVER_ROOT_URL.value, 'https://my-tempo-grafana.osc-fr1.scalingo.io')
    assert.equal(manifest.env.GF_PATHS_PROVISIONING.value, '/app/provisioning')
    assert.equal(manifest.env.GF_SECURITY_ADMIN_PASSWORD.generator, 'secret')
    assert.equal(manifest.env.TEMPO_QUERY_PASSWORD.required, true)
    assert.deepEqual(manifest.addons, [{plan: 'postgresql:postgresql-starter-512'}])

    const dotEnv = await readFile(path.join(app, '.env'), 'utf8')
    assert.equal(parseDotEnv(dotEnv).TEMPO_QUERY_PASSWORD, QUERY_PASSWORD)
    const admin = parseDotEnv(dotEnv).GF_SECURITY_ADMIN_PASSWORD
    assert.ok(admin && admin.length >= 32, 'a generated admin password')
    assert.equal((await stat(path.join(app, '.env'))).mode & 0o777, 0o600)
    // Nothing of the Tempo app's other secrets, no secret in git.
    assert.ok(!dotEnv.includes(SECRETS.TEMPO_INGEST_TOKEN))
    const committed = git(app, 'ls-files').trim().split('\n')
    assert.ok(!committed.includes('.env'))
    const texts = await Promise.all(committed.map((f) => readFile(path.join(app, f), 'utf8')))
    assertNoSecret([...texts, r.stdout, r.stderr], [QUERY_PASSWORD, admin])

    const answers = JSON.parse(await readFile(path.join(app, '.tempo-scalingo.json'), 'utf8'))
    assert.equal(answers.kind, 'grafana')
    assert.equal(answers.answers.tempoUrl, 'https://my-tempo.osc-fr1.scalingo.io')
  })

  it('create --grafana (CI) generates the Tempo app, then its Grafana app beside it, from the new answers and .env', async () => {
    const root = await tempDir()
    const r = await runCli(['observe', '--yes', '--storage', 'local', '--no-git', '--grafana', '--json'], {cwd: root})
    assert.equal(r.code, 0, r.stderr + r.stdout)
    const doc = JSON.parse(r.stdout)
    assert.equal(doc.grafana.directory, path.join(root, 'observe-grafana'))
    const datasource = parse(await readFile(path.join(root, 'observe-grafana/provisioning/datasources/tempo.yaml'), 'utf8'))
    assert.equal(datasource.datasources[0].url, 'https://observe.osc-fr1.scalingo.io')
    const tempoPassword = parseDotEnv(await readFile(path.join(root, 'observe/.env'), 'utf8')).TEMPO_QUERY_PASSWORD
    const grafanaPassword = parseDotEnv(await readFile(path.join(root, 'observe-grafana/.env'), 'utf8')).TEMPO_QUERY_PASSWORD
    assert.ok(tempoPassword && tempoPassword === grafanaPassword)
    assertNoSecret([r.stdout, r.stderr], [tempoPassword])
  })

  it('.profile.d sets GF_DATABASE_URL from the addon with sslmode=require', async () => {
    const {root, dir} = await tempoApp()
    assert.equal((await runCli(['grafana', '--yes', '--no-git'], {cwd: dir})).code, 0)
    const script = path.join(root, 'my-tempo-grafana/.profile.d/grafana-database.sh')
    for (const [given, expected] of [
      ['postgres://u:p@db.example:5432/g?sslmode=prefer', 'postgres://u:p@db.example:5432/g?sslmode=require'],
      ['postgres://u:p@db.example:5432/g', 'postgres://u:p@db.example:5432/g?sslmode=require'],
      ['postgres://u:p@db.example:5432/g?connect_timeout=5', 'postgres://u:p@db.example:5432/g?connect_timeout=5&sslmode=require'],
    ]) {
      const out = execFileSync('bash', ['-c', '. "$1" && printf "%s %s" "$GF_DATABASE_URL" "$GF_DATABASE_SSL_MODE"', 'bash', script], {
        env: {PATH: process.env.PATH, SCALINGO_POSTGRESQL_URL: given},
        encoding: 'utf8',
      })
      assert.equal(out, `${expected} require`)
    }
  })

  it('update works in the Grafana app: up to date, then a new Tempo URL reaches the datasource', async () => {
    const {root, dir} = await tempoApp()
    assert.equal((await runCli(['grafana', '--yes', '--no-git'], {cwd: dir})).code, 0)
    const app = path.join(root, 'my-tempo-grafana')
    const check = await runCli(['update', '--check'], {cwd: app})
    assert.equal(check.code, 0, check.stdout + check.stderr)
    const moved = await runCli(['update'], {cwd: app, env: {TEMPO_URL: 'https://traces.example.com'}})
    assert.equal(moved.code, 0, moved.stdout + moved.stderr)
    const datasource = parse(await readFile(path.join(app, 'provisioning/datasources/tempo.yaml'), 'utf8'))
    assert.equal(datasource.datasources[0].url, 'https://traces.example.com')
  })

  it('outside a Tempo app, the missing Tempo settings are named at once (exit 2)', async () => {
    const root = await tempDir()
    const r = await runCli(['grafana', 'g', '--yes'], {cwd: root})
    assert.equal(r.code, 2, r.stderr)
    assert.match(r.stderr, /--tempo-url \(TEMPO_URL\)/)
    assert.match(r.stderr, /--query-password \(TEMPO_QUERY_PASSWORD\)/)
  })

  it('refuses a Grafana older than 12 (no Traces Drilldown), naming the flag', async () => {
    const {dir} = await tempoApp()
    const r = await runCli(['grafana', '--yes', '--grafana-version', '11.6.0'], {cwd: dir})
    assert.equal(r.code, 2)
    assert.match(r.stderr, /--grafana-version \(GRAFANA_VERSION\): "11\.6\.0" Grafana 12 or later is needed/)
  })

  it('--dry-run --json: the plan and the variables, secrets redacted, nothing written', async () => {
    const {root, dir} = await tempoApp()
    const r = await runCli(['grafana', '--yes', '--dry-run', '--json'], {cwd: dir})
    assert.equal(r.code, 0, r.stderr)
    const doc = JSON.parse(r.stdout)
    assert.equal(doc.dryRun, true)
    assert.ok(doc.files.some((f: {path: string}) => f.path === 'provisioning/datasources/tempo.yaml'))
    assert.deepEqual(doc.addon, {provider: 'postgresql', plan: 'postgresql-starter-512'})
    assert.equal(doc.variables.find((v: {name: string}) => v.name === 'TEMPO_QUERY_PASSWORD').value, '********')
    assertNoSecret([r.stdout, r.stderr], [QUERY_PASSWORD])
    await assert.rejects(stat(path.join(root, 'my-tempo-grafana')))
  })
})

describe('grafana: the first deploy', () => {
  let api: FakeApi
  before(async () => {
    api = await startFakeApi()
  })
  after(() => api.close())

  it('through the API: the app with its PostgreSQL addon, its variables, the push', async () => {
    const {root, dir} = await tempoApp()
    const remote = await bareRepo(path.join(root, 'remote.git'))
    const r = await runCli(['grafana', '--yes', '--create-app', '--env-set', '--push', '--json'], {
      cwd: dir,
      env: {
        SCALINGO_API_TOKEN: API_TOKEN,
        SCALINGO_API_URL: api.regionalUrl,
        SCALINGO_AUTH_URL: api.url,
        SCALINGO_GIT_URL: remote,
        PATH: pathWithoutScalingo(),
      },
    })
    assert.equal(r.code, 0, r.stderr + r.stdout)
    const doc = JSON.parse(r.stdout)
    assert.equal(doc.app.created, true)
    assert.deepEqual(doc.app.addon, {provider: 'postgresql', plan: 'postgresql-starter-512', added: true})
    assert.equal(api.addons.get('my-tempo-grafana')?.get('postgresql'), 'plan-pg-starter-512')
    const put = api.requests.find((q) => q.method === 'PUT' && q.url.includes('/apps/my-tempo-grafana/variables'))
    const sent = Object.fromEntries((JSON.parse(put!.body).variables as {name: string; value: string}[]).map((v) => [v.name, v.value]))
    assert.equal(sent.TEMPO_QUERY_PASSWORD, QUERY_PASSWORD)
    assert.equal(sent.GF_SERVER_HTTP_PORT, '$PORT')
    assert.equal(sent.BUILDPACK_URL, 'https://github.com/Scalingo/grafana-buildpack')
    assert.ok(sent.GF_SECURITY_ADMIN_PASSWORD.length >= 32)
    assert.ok(git(remote, 'log', '--oneline', 'master').includes('Grafana'))
    assertNoSecret([r.stdout, r.stderr], [QUERY_PASSWORD, sent.GF_SECURITY_ADMIN_PASSWORD, API_TOKEN])
  })

  it('through the scalingo CLI: create, then addons-add with the plan', async () => {
    const {root, dir} = await tempoApp()
    const bin = path.join(root, 'bin')
    await fakeScalingoCli(bin)
    const log = path.join(root, 'scalingo')
    const r = await runCli(['grafana', '--yes', '--create-app', '--no-git'], {
      cwd: dir,
      env: {PATH: `${bin}${path.delimiter}${pathWithoutScalingo()}`, FAKE_SCALINGO_LOG: log},
    })
    assert.equal(r.code, 0, r.stderr + r.stdout)
    const calls = (await readFile(`${log}.calls`, 'utf8')).trim().split('\n')
    assert.deepEqual(calls, [
      '--region osc-fr1 create my-tempo-grafana',
      '--region osc-fr1 --app my-tempo-grafana addons-add postgresql postgresql-starter-512',
    ])
  })
})
