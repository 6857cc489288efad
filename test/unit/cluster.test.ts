import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:http'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {describe, it} from 'node:test'

import {UsageError} from '../../src/lib/core/errors.js'
import {parseDotEnv} from '../../src/lib/core/dotenv.js'
import {lintConfig, loadKeyTree} from '../../src/lib/app/lint.js'
import {planScaffold} from '../../src/lib/app/plan.js'
import {renderApp, renderDotEnv, renderTempoConfig} from '../../src/lib/app/render.js'
import {updateApp} from '../../src/lib/app/update.js'
import {variablesFromAnswers} from '../../src/lib/flows/variables.js'
import {resolveAnswers} from '../../src/lib/settings/resolve.js'
import {describeRing, parseRing, readRing} from '../../src/lib/platform/ring.js'
import {appVariables, publicAnswers} from '../../src/lib/settings/settings.js'
import {ROOT} from '../helpers/cli.js'

const context = {cliVersion: '1.2.3', buildpackUrl: 'https://example.test/buildpack.git#v1.2.3', cli: 'npx create-tempo-scalingo'}
const ENV = {
  TEMPO_STORAGE_S3_BUCKET: 'my-traces',
  TEMPO_STORAGE_S3_ACCESS_KEY_ID: 'SCWACCESSKEYEXAMPLE01',
  TEMPO_STORAGE_S3_SECRET_ACCESS_KEY: 'secret-key-value-that-must-not-leak-0123',
}
const resolve = async (flags: Record<string, unknown>, env: Record<string, string> = ENV) =>
  (await resolveAnswers({flags, env, context: {directoryName: 'my-tempo'}, secrets: 'generate'})).answers
const file = (answers: Record<string, string>, name: string) => renderApp(answers, context).find((f) => f.path === name)!.content

// The launcher's member config over CONFIG, as a member at 10.240.0.5 renders it. Tempo's own
// verify of it ("true" here) is the buildpack tier's: these tests check its key tree.
function memberConfig(config: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'member-'))
  writeFileSync(path.join(dir, 'in.yaml'), config)
  const script = [
    'set -euo pipefail; BP_DIR="$1"',
    'for lib in contract log settings listen config cluster; do source "$BP_DIR/lib/$lib.sh"; done',
    'use_gojq "$(command -v gojq)"; cluster_setup 2; TEMPO_CONFIG_FILE="$2"',
    'cluster_render_config "$3" true >/dev/null; cat "$TEMPO_CONFIG_FILE"',
  ].join('\n')
  return execFileSync('bash', ['-c', script, 'render', path.join(ROOT, 'buildpack'), path.join(dir, 'in.yaml'), dir], {
    env: {
      PATH: process.env.PATH,
      TEMPO_CLUSTER_ADDRESS: '10.240.0.5',
      TEMPO_CLUSTER_JOIN: 'dns+web.ap-1.pn-1.private-network.internal:7946',
      TEMPO_CLUSTER_SIZE: '3',
      TEMPO_CLUSTER_SECRET: 'cluster-secret-for-the-key-check-0123',
    },
    encoding: 'utf8',
  })
}

describe('cluster member configs', () => {
  for (const version of ['2.4.0', '2.10.8']) {
    for (const [label, config] of [
      ['file mode, s3', async () => renderTempoConfig(await resolve({'tempo-version': version}), 'file')],
      ['file mode, local', async () => renderTempoConfig(await resolve({'tempo-version': version, storage: 'local'}), 'file')],
      ['env mode', async () => renderTempoConfig(await resolve({'tempo-version': version}), 'env')],
      ['a minimal own config', async () => 'storage:\n  trace:\n    backend: local\n'],
    ] as const) {
      it(`${label}: every key of the member's config is known to Tempo ${version}`, async () => {
        const rendered = memberConfig(await config())
        assert.match(rendered, /instance_addr: 10\.240\.0\.5/)
        assert.match(rendered, /client_auth_type: RequireAndVerifyClientCert/)
        assert.match(rendered, /cluster_label: [A-Za-z0-9]{32}\n/)
        assert.equal(rendered.match(/tls_server_name: members\.tempo-cluster\.internal/g)?.length, 4)
        assert.deepEqual(lintConfig(rendered, loadKeyTree(version)), [])
      })
    }
  }
})

describe('--containers', () => {
  it('defaults to 1: formation, variables and config as with one container', async () => {
    const answers = await resolve({})
    assert.equal(answers.containers, '1')
    assert.deepEqual(JSON.parse(file(answers, 'scalingo.json')).formation, {web: {amount: 1, size: 'M'}})
    assert.ok(!appVariables(answers).some((v) => v.name === 'TEMPO_CLUSTER_SIZE' || v.name === 'TEMPO_CLUSTER_SECRET'))
    assert.doesNotMatch(renderDotEnv(answers).content, /TEMPO_CLUSTER_SECRET/)
    assert.match(file(answers, 'README.md'), /One web container is the default, and it runs alone even in a Private Network/)
  })

  it('N > 1: a generated cluster secret, set by env-set, kept in .env only, a generator in scalingo.json', async () => {
    const answers = await resolve({containers: '3'})
    const secret = appVariables(answers).find((v) => v.name === 'TEMPO_CLUSTER_SECRET')!
    assert.deepEqual({secret: secret.secret, generated: secret.generated}, {secret: true, generated: true})
    assert.match(secret.value!, /^[A-Za-z0-9_-]{43}$/)
    assert.notEqual(secret.value, answers.ingestToken)
    assert.notEqual(secret.value, (await resolve({containers: '3'})).clusterSecret)
    assert.deepEqual(JSON.parse(file(answers, 'scalingo.json')).env.TEMPO_CLUSTER_SECRET, {
      description: secret.description,
      generator: 'secret',
    })
    assert.equal(parseDotEnv(renderDotEnv(answers).content).TEMPO_CLUSTER_SECRET, secret.value)
    assert.ok(!Object.values(publicAnswers(answers)).includes(secret.value!))
    assert.ok(variablesFromAnswers(answers).some((v) => v.name === 'TEMPO_CLUSTER_SECRET' && v.secret))
    // An app that grew from one container has none in its .env yet: env-set says what to set.
    assert.throws(
      () => variablesFromAnswers({...answers, clusterSecret: undefined as unknown as string}),
      (error: Error) =>
        error.message.includes('No value for TEMPO_CLUSTER_SECRET') &&
        error.message.includes('a generated secret takes any long random value, e.g. TEMPO_CLUSTER_SECRET=$(openssl rand -hex 32)'),
    )
    // Given, it is checked as a credential.
    await assert.rejects(resolve({containers: '3'}, {...ENV, TEMPO_CLUSTER_SECRET: 'short'}), (error: Error) =>
      error.message.includes('--cluster-secret (TEMPO_CLUSTER_SECRET): credentials are at least 16 characters long'),
    )
  })

  it('N > 1: the formation, TEMPO_CLUSTER_SIZE on the app, the Private Networks section of the README', async () => {
    const answers = await resolve({containers: '3', 'container-size': 'L'})
    assert.deepEqual(JSON.parse(file(answers, 'scalingo.json')).formation, {web: {amount: 3, size: 'L'}})
    assert.deepEqual(JSON.parse(file(answers, 'scalingo.json')).env.TEMPO_CLUSTER_SIZE.value, '3')
    const readme = file(answers, 'README.md')
    assert.match(readme, /This app runs \*\*3 web containers\*\*/)
    assert.match(readme, /Private Network/)
    assert.match(readme, /\*\*Security\.\*\* The other apps of the project's Private Network are strangers to the cluster/)
    // Also from the buildpack's own variable.
    assert.equal((await resolve({}, {...ENV, TEMPO_CLUSTER_SIZE: '4'})).containers, '4')
  })

  it('update to N > 1 generates the cluster secret into .env once, and never over one that exists', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'grown-'))
    for (const f of planScaffold(await resolve({'config-mode': 'env'}), context))
      writeFileSync(path.join(dir, f.path), f.content, {mode: f.mode ?? 0o644})
    const token = parseDotEnv(readFileSync(path.join(dir, '.env'), 'utf8')).TEMPO_INGEST_TOKEN
    const update = (flags: Record<string, unknown>, env: Record<string, string> = {}) =>
      updateApp({dir, flags, env, cliVersion: '1.2.3', repositoryUrl: 'https://example.test/buildpack.git', mode: 'write', force: false})
    const first = await update({containers: '3'})
    assert.ok(first.warnings.some((w) => w.includes('TEMPO_CLUSTER_SECRET was generated into .env')))
    const dotEnv = readFileSync(path.join(dir, '.env'), 'utf8')
    const secret = parseDotEnv(dotEnv).TEMPO_CLUSTER_SECRET
    assert.match(secret, /^[A-Za-z0-9_-]{43}$/)
    assert.equal(parseDotEnv(dotEnv).TEMPO_INGEST_TOKEN, token)
    assert.equal(statSync(path.join(dir, '.env')).mode & 0o777, 0o600)
    assert.ok(!readFileSync(path.join(dir, '.tempo-scalingo.json'), 'utf8').includes(secret))
    // Once there, kept: the members of a running cluster keep talking.
    const second = await update({containers: '4'})
    assert.ok(!second.warnings.some((w) => w.includes('generated')))
    assert.equal(readFileSync(path.join(dir, '.env'), 'utf8'), dotEnv)
    // One given in the environment is used instead.
    rmSync(path.join(dir, '.env'))
    await update({}, {TEMPO_CLUSTER_SECRET: 'from-the-environment-0123456789'})
    assert.ok(!existsSync(path.join(dir, '.env')))
  })

  it('update --rotate-secrets puts new credentials and a new cluster secret into .env, and says to restart every member together', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rotated-'))
    for (const f of planScaffold(await resolve({'config-mode': 'env', containers: '3'}), context))
      writeFileSync(path.join(dir, f.path), f.content, {mode: f.mode ?? 0o644})
    const before = parseDotEnv(readFileSync(path.join(dir, '.env'), 'utf8'))
    const update = (flags: Record<string, unknown>) =>
      updateApp({
        dir,
        flags,
        env: {},
        cliVersion: '1.2.3',
        repositoryUrl: 'https://example.test/buildpack.git',
        mode: 'write',
        force: false,
      })
    const kept = await update({})
    assert.deepEqual(parseDotEnv(readFileSync(path.join(dir, '.env'), 'utf8')), before)
    assert.ok(!kept.warnings.some((w) => w.includes('New ')))
    const rotated = await update({'rotate-secrets': true})
    const after = parseDotEnv(readFileSync(path.join(dir, '.env'), 'utf8'))
    for (const name of ['TEMPO_INGEST_TOKEN', 'TEMPO_QUERY_PASSWORD', 'TEMPO_CLUSTER_SECRET']) {
      assert.ok(after[name] && after[name] !== before[name], `${name} is new`)
    }
    assert.equal(after.TEMPO_STORAGE_S3_SECRET_ACCESS_KEY, before.TEMPO_STORAGE_S3_SECRET_ACCESS_KEY)
    assert.ok(rotated.warnings.some((w) => /restart every container with the new one together/.test(w)))
    assert.ok(rotated.next.some((step) => step.includes('env-set')))
    assert.ok(!readFileSync(path.join(dir, '.tempo-scalingo.json'), 'utf8').includes(after.TEMPO_CLUSTER_SECRET))
  })

  it('is a whole number from 1 to 50', async () => {
    for (const bad of ['0', 'three', '2.5', '51']) {
      await assert.rejects(
        resolve({containers: bad}),
        (error: Error) =>
          error instanceof UsageError &&
          error.message.includes(`--containers (TEMPO_CLUSTER_SIZE): "${bad}" the number of web containers is a whole number from 1 to 50`),
      )
    }
  })

  it('N > 1 with Tempo 3.x is refused, naming both flags', async () => {
    await assert.rejects(resolve({containers: '2', 'tempo-version': '3.0.3'}), (error: Error) => {
      assert.ok(error instanceof UsageError)
      assert.equal(
        error.message,
        '--containers (TEMPO_CLUSTER_SIZE) "2": Tempo 3.0.3 (--tempo-version) cannot run as 2 containers: Tempo 3.x needs a Kafka-compatible queue to run as several processes. Use --containers 1, or --tempo-version 2.10.8.',
      )
      return true
    })
    const single = await resolve({containers: '1', 'tempo-version': '3.0.3'})
    assert.match(file(single, 'README.md'), /Tempo 3\.x runs as several processes only with a Kafka-compatible queue/)
  })
})

describe('ring status', () => {
  const ring = {
    shards: [
      {id: 'a', state: 'ACTIVE'},
      {id: 'b', state: 'ACTIVE'},
      {id: 'c', state: 'LEAVING'},
    ],
    now: '2026-01-01T00:00:00Z',
  }

  it('counts the members of the ring page JSON by state', () => {
    const status = parseRing(JSON.stringify(ring))!
    assert.deepEqual(status, {members: 3, states: {ACTIVE: 2, LEAVING: 1}})
    assert.equal(describeRing(status), 'Tempo ring: 3 members (2 ACTIVE, 1 LEAVING)')
    assert.equal(parseRing('<html>ring</html>'), undefined)
    assert.equal(parseRing('{"traces":[]}'), undefined)
  })

  it('reads it with the query credential; nothing when the proxy has no such route', async () => {
    const seen: string[] = []
    const server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization} ${req.headers.accept}`)
      if (req.url === '/ingester/ring') res.writeHead(200, {'content-type': 'application/json'}).end(JSON.stringify(ring))
      else res.writeHead(404).end('404 page not found')
    })
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
    const {port} = server.address() as AddressInfo
    try {
      const credentials = {queryUser: 'grafana', queryPassword: 'pw'}
      assert.deepEqual(await readRing(new URL(`http://127.0.0.1:${port}`), credentials), {members: 3, states: {ACTIVE: 2, LEAVING: 1}})
      assert.deepEqual(seen, [`GET /ingester/ring Basic ${Buffer.from('grafana:pw').toString('base64')} application/json`])
      assert.equal(await readRing(new URL(`http://127.0.0.1:${port}/prefix/`), credentials), undefined)
    } finally {
      server.close()
    }
  })
})
