import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:http'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {describe, it} from 'node:test'

import {UsageError} from '../../src/lib/core/errors.js'
import {lintConfig, loadKeyTree} from '../../src/lib/app/lint.js'
import {renderApp, renderTempoConfig} from '../../src/lib/app/render.js'
import {resolveAnswers} from '../../src/lib/settings/resolve.js'
import {describeRing, parseRing, readRing} from '../../src/lib/platform/ring.js'
import {appVariables} from '../../src/lib/settings/settings.js'
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

// The launcher's member config over CONFIG, as a member at 10.240.0.5 renders it.
function memberConfig(config: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'member-'))
  writeFileSync(path.join(dir, 'in.yaml'), config)
  const script =
    'set -euo pipefail; BP_DIR="$1"; for lib in contract log settings config cluster; do source "$BP_DIR/lib/$lib.sh"; done; cluster_setup 2; TEMPO_CONFIG_FILE="$2"; cluster_render_config "$3" >/dev/null; cat "$TEMPO_CONFIG_FILE"'
  return execFileSync('bash', ['-c', script, 'render', path.join(ROOT, 'buildpack'), path.join(dir, 'in.yaml'), dir], {
    env: {
      PATH: process.env.PATH,
      TEMPO_CLUSTER_ADDRESS: '10.240.0.5',
      TEMPO_CLUSTER_JOIN: 'dns+web.ap-1.pn-1.private-network.internal:7946',
      TEMPO_CLUSTER_SIZE: '3',
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
    assert.ok(!appVariables(answers).some((v) => v.name === 'TEMPO_CLUSTER_SIZE'))
  })

  it('N > 1: the formation, TEMPO_CLUSTER_SIZE on the app, the Private Networks section of the README', async () => {
    const answers = await resolve({containers: '3', 'container-size': 'L'})
    assert.deepEqual(JSON.parse(file(answers, 'scalingo.json')).formation, {web: {amount: 3, size: 'L'}})
    assert.deepEqual(JSON.parse(file(answers, 'scalingo.json')).env.TEMPO_CLUSTER_SIZE.value, '3')
    const readme = file(answers, 'README.md')
    assert.match(readme, /This app runs \*\*3 web containers\*\*/)
    assert.match(readme, /Private Network/)
    assert.match(readme, /\*\*Security\.\*\* Inside the Private Network the containers talk to each other without the proxy/)
    // Also from the buildpack's own variable.
    assert.equal((await resolve({}, {...ENV, TEMPO_CLUSTER_SIZE: '4'})).containers, '4')
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
