// The first deploy from nothing, against local stand-ins: a real S3 API server, a Scalingo
// API (token exchange, apps, variables), a bare git repository as the `scalingo` remote and
// a Tempo behind its proxy for `check`.
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {readdir} from 'node:fs/promises'
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import path from 'node:path'
import {after, before, beforeEach, describe, it} from 'node:test'

import {type CliResult, runCli, tempDir} from '../helpers/cli.js'
import {S3_KEYS, type S3Server, startS3} from '../helpers/s3-server.js'
import {API_TOKEN, type FakeApi, startFakeApi} from '../helpers/scalingo-fakes.js'

const APP = 'journey-tempo'
const BUCKET = 'journey-traces'
const CREDENTIALS = {TEMPO_INGEST_TOKEN: 'journey-ingest-token-0123456789abcdef', TEMPO_QUERY_PASSWORD: 'journey-query-password-0123456789'}
const SECRETS = [...Object.values(CREDENTIALS), S3_KEYS.readWrite.secretAccessKey, API_TOKEN]

/** Tempo behind the buildpack's proxy, as `check` sees it: 401 without credentials, spans stored and served. */
async function fakeTempo(): Promise<{url: string; server: Server}> {
  const spans: string[] = []
  const basic = `Basic ${Buffer.from(`grafana:${CREDENTIALS.TEMPO_QUERY_PASSWORD}`).toString('base64')}`
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (d) => (body += d))
    req.on('end', () => {
      if (req.url === '/ready') return res.writeHead(200).end('ready')
      if (req.method === 'POST' && req.url === '/v1/traces') {
        if (req.headers.authorization !== `Bearer ${CREDENTIALS.TEMPO_INGEST_TOKEN}`) return res.writeHead(401).end('Unauthorized')
        spans.push(body)
        return res.writeHead(200, {'content-type': 'application/json'}).end('{}')
      }
      if (req.headers.authorization !== basic) return res.writeHead(401).end('Unauthorized')
      // TraceQL metrics ({} | rate()), as Tempo 2.10 with the default config answers them.
      if (req.url?.startsWith('/api/metrics/query_range'))
        return res.writeHead(200).end(JSON.stringify({series: [{samples: [{timestampMs: String(Date.now()), value: spans.length / 15}]}]}))
      const id = /^\/api\/v2\/traces\/([0-9a-f]{32})$/.exec(req.url ?? '')?.[1]
      const span = id && spans.find((s) => s.includes(id))
      res.writeHead(span ? 200 : 404).end(span || 'trace not found')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server}
}

describe('the first deploy, end to end', () => {
  let s3: S3Server
  let api: FakeApi
  let tempo: Awaited<ReturnType<typeof fakeTempo>>
  before(async () => {
    s3 = await startS3({buckets: [BUCKET]})
    api = await startFakeApi()
    tempo = await fakeTempo()
  })
  after(async () => {
    await Promise.all([s3.close(), api.close(), new Promise((resolve) => tempo.server.close(resolve))])
  })
  beforeEach(() => {
    api.requests.length = 0
    s3.requests.length = 0
  })

  /** A new app from nothing, in CI mode; returns the run, the app directory and the bare remote. */
  async function create(extra: string[] = [], env: Record<string, string> = {}, bucket = BUCKET) {
    const dir = await tempDir('cts-journey-')
    const remote = path.join(dir, 'remote.git')
    execFileSync('git', ['init', '--quiet', '--bare', remote])
    const run = await runCli(
      [
        APP,
        '--yes',
        '--s3-provider',
        'custom',
        '--endpoint',
        `http://${s3.endpoint}`,
        '--s3-region',
        'fr-par',
        '--bucket',
        bucket,
        ...extra,
      ],
      {
        cwd: dir,
        env: {
          TEMPO_STORAGE_S3_ACCESS_KEY_ID: S3_KEYS.readWrite.accessKeyId,
          TEMPO_STORAGE_S3_SECRET_ACCESS_KEY: S3_KEYS.readWrite.secretAccessKey,
          ...CREDENTIALS,
          SCALINGO_API_TOKEN: API_TOKEN,
          SCALINGO_AUTH_URL: api.url,
          SCALINGO_API_URL: api.regionalUrl,
          SCALINGO_GIT_URL: remote,
          ...env,
        },
      },
    )
    for (const secret of SECRETS) assert.ok(!(run.stdout + run.stderr).includes(secret), 'a secret was printed')
    return {run, app: path.join(dir, APP), remote}
  }
  const pushed = (remote: string) =>
    execFileSync('git', ['--git-dir', remote, 'for-each-ref', '--format=%(refname:short)', 'refs/heads'], {encoding: 'utf8'}).trim()
  const variablesPut = () => api.requests.filter((q) => q.method === 'PUT' && q.url.endsWith(`/apps/${APP}/variables`))
  const transcript = (r: CliResult) => `${r.stdout}\n${r.stderr}`

  it('create --yes --create-app --env-set --push: bucket probed, app created, variables set, pushed; check passes', async () => {
    api.apps.delete(APP)
    const {run, app, remote} = await create(['--create-app', '--env-set', '--push'])
    assert.equal(run.code, 0, transcript(run))
    const out = run.stdout
    const order = ['Probing bucket', 'Creating app', 'Setting', 'Pushing'].map((marker) => out.indexOf(marker))
    assert.ok(
      order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1])),
      `steps in order: ${order}\n${out}`,
    )
    assert.deepEqual(
      s3.requests.map((q) => q.method),
      ['GET', 'PUT', 'GET', 'DELETE'],
      'listed, wrote, read, deleted',
    )
    assert.deepEqual(await s3.keys(BUCKET), [], 'the probe object is gone')
    assert.equal(api.apps.get(APP), 'osc-fr1')
    const variables = JSON.parse(variablesPut()[0].body).variables as {name: string; value: string}[]
    assert.equal(variables.find((v) => v.name === 'TEMPO_INGEST_TOKEN')?.value, CREDENTIALS.TEMPO_INGEST_TOKEN)
    assert.equal(pushed(remote), 'master')
    assert.equal(
      execFileSync('git', ['--git-dir', remote, 'rev-parse', 'master'], {encoding: 'utf8'}),
      execFileSync('git', ['rev-parse', 'HEAD'], {cwd: app, encoding: 'utf8'}),
    )
    assert.match(out, /Next:\s+cd journey-tempo\s+# [^\n]+\n\s+\S+.* check\s+# prove/)

    const check = await runCli(['check', tempo.url], {cwd: app})
    assert.equal(check.code, 0, transcript(check))
    assert.match(check.stdout, /All 5 checks passed/)
    const listing = await readdir(app)
    assert.ok(listing.includes('.env') && listing.includes('.tempo-scalingo.json'))
  })

  it('a wrong S3 secret: exit 1 at the credentials step, said once, nothing sent to Scalingo, the steps left listed', async () => {
    const {run, remote} = await create(['--create-app', '--env-set', '--push'], {
      TEMPO_STORAGE_S3_SECRET_ACCESS_KEY: 'WRONG-secret-value-0123456789',
    })
    assert.equal(run.code, 1, transcript(run))
    assert.equal(transcript(run).match(/check failed at credentials/g)?.length, 1, transcript(run))
    assert.match(run.stdout, /Nothing was created on Scalingo/)
    const next = run.stdout.slice(run.stdout.indexOf('Next:'))
    for (const step of [/node \S+ check --s3 +# once fixed/, /scalingo --region osc-fr1 create /, / env-set +#/, / deploy +#/, / check +#/])
      assert.match(next, step)
    assert.deepEqual(api.requests, [])
    assert.equal(pushed(remote), '')
  })

  it('a missing bucket: exit 1 naming --create-bucket in the steps left; with it, the bucket is created and the journey goes on', async () => {
    const missing = await create(['--env-set'], {}, 'journey-missing')
    assert.equal(missing.run.code, 1, transcript(missing.run))
    assert.match(missing.run.stdout, /bucket journey-missing does not exist/)
    assert.match(missing.run.stdout, /node \S+ check --s3 --create-bucket +# once fixed/)
    assert.deepEqual(variablesPut(), [])
    const created = await create(['--create-bucket', '--env-set'], {}, 'journey-created')
    assert.equal(created.run.code, 0, transcript(created.run))
    assert.equal(variablesPut().length, 1)
  })

  it('an app name taken by another account: exit 1 with its own message, nothing set or pushed', async () => {
    api.apps.delete(APP)
    api.foreign.add(APP)
    try {
      const {run, remote} = await create(['--create-app', '--env-set', '--push'])
      assert.equal(run.code, 1, transcript(run))
      assert.match(run.stderr, /taken by another Scalingo account/)
      assert.deepEqual(variablesPut(), [])
      assert.equal(pushed(remote), '')
    } finally {
      api.foreign.delete(APP)
    }
  })

  it('the app in another region: exit 1 naming that region', async () => {
    api.apps.set(APP, 'osc-secnum-fr1')
    const {run} = await create(['--create-app', '--env-set'])
    assert.equal(run.code, 1, transcript(run))
    assert.match(run.stderr, /exists in region osc-secnum-fr1, not osc-fr1/)
    api.apps.delete(APP)
  })

  it('an invalid Scalingo token: exit 1 saying so, nothing pushed', async () => {
    const {run, remote} = await create(['--create-app', '--env-set', '--push'], {SCALINGO_API_TOKEN: 'tk-us-not-the-right-token'})
    assert.equal(run.code, 1, transcript(run))
    assert.match(run.stderr, /SCALINGO_API_TOKEN was refused/)
    assert.equal(pushed(remote), '')
  })

  it('--push to an app that does not exist stops before git, saying how to create it', async () => {
    api.apps.delete(APP)
    const {run, remote} = await create(['--push'])
    assert.equal(run.code, 1, transcript(run))
    assert.match(run.stderr, /No app "journey-tempo" in region osc-fr1/)
    assert.match(run.stderr, /--create-app/)
    assert.equal(pushed(remote), '')
  })
})
