import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {describe, it} from 'node:test'

import {editDistance, keyTree, knownVersions, lintConfig, loadKeyTree, nearestVersion} from '../../src/lib/app/lint.ts'
import {renderTempoConfig} from '../../src/lib/app/render.ts'

const VERSIONS = ['2.4.0', '2.10.8', '3.0.3']
const legacy = readFileSync(new URL('../fixtures/sample-legacy-keys.yaml', import.meta.url), 'utf8')
const lines = (text: string, tree = loadKeyTree('2.10.8')) => lintConfig(text, tree).map((f) => `${f.line}: ${f.message}`)

const answers = (tempoVersion: string, storage: string) => ({
  tempoVersion,
  storage,
  grpcPort: '9095',
  retention: '336h',
  walPath: '/tmp/tempo/wal',
  bucket: 'my-traces',
  endpoint: 's3.fr-par.scw.cloud',
  s3Region: 'fr-par',
  insecure: 'false',
  forcePathStyle: 'false',
  configMode: 'file',
})

describe('lint', () => {
  it('knows the packaged versions', () => {
    assert.deepEqual([...knownVersions()].sort(), [...VERSIONS].sort())
  })

  for (const version of VERSIONS) {
    it(`maps the legacy keys to the right ones (${version})`, () => {
      assert.deepEqual(lines(legacy, loadKeyTree(version)), [
        '10: unknown key storage.trace_by_id — did you mean storage.trace.backend?',
        '12: unknown key storage.wal — did you mean storage.trace.wal?',
        '14: unknown key storage.s3 — did you mean storage.trace.s3?',
        '17: unknown key storage.s3.access_key_id — did you mean storage.trace.s3.access_key?',
        '18: unknown key storage.s3.secret_access_key — did you mean storage.trace.s3.secret_key?',
      ])
    })

    for (const storage of ['s3', 'local']) {
      for (const mode of ['file', 'env'] as const) {
        it(`accepts the generated ${mode}-mode config with ${storage} storage (${version})`, () => {
          const config = renderTempoConfig(answers(version, storage), mode)
          assert.deepEqual(lintConfig(config, loadKeyTree(version)), [])
        })
      }
    }
  }

  for (const [version, file] of [
    ['2.4.0', 'tempo-2-no-metrics.yaml'],
    ['2.10.8', 'tempo-2.yaml'],
    ['3.0.3', 'tempo-3.yaml'],
  ]) {
    it(`accepts the buildpack's default ${file} (${version})`, () => {
      const config = readFileSync(new URL(`../../buildpack/config/${file}`, import.meta.url), 'utf8')
      assert.deepEqual(lintConfig(config, loadKeyTree(version)), [])
    })
  }

  it('flags a 3.x-only key against 2.4.0 and says where it belongs', () => {
    const config = 'server:\n  http_listen_port: 3200\nlive_store:\n  max_block_duration: 5s\n'
    const others = {'3.0.3': loadKeyTree('3.0.3')}
    const findings = lintConfig(config, loadKeyTree('2.4.0'), others)
    assert.equal(findings.length, 1)
    assert.equal(findings[0].line, 3)
    assert.equal(findings[0].message, 'unknown key live_store — it belongs to Tempo 3.0.3')
    assert.deepEqual(lintConfig(config, loadKeyTree('3.0.3')), [])
  })

  it('flags the 2.x ingester block against 3.0.3 as a 2.x key, not a typo', () => {
    const others = {'2.10.8': loadKeyTree('2.10.8'), '2.4.0': loadKeyTree('2.4.0')}
    const findings = lintConfig('ingester:\n  flush_all_on_shutdown: true\n', loadKeyTree('3.0.3'), others)
    assert.deepEqual(
      findings.map((f) => `${f.line}: ${f.message}`),
      ['1: unknown key ingester — it belongs to Tempo 2.10.8, 2.4.0'],
    )
  })

  it('suggests the nearest sibling, or the same key where it lives', () => {
    assert.deepEqual(lines('server:\n  http_listen_prot: 3200\nstorage:\n  block_retention: 1h\n'), [
      '2: unknown key server.http_listen_prot — did you mean server.http_listen_port?',
      '4: unknown key storage.block_retention — did you mean compactor.compaction.block_retention?',
    ])
  })

  it('gives no suggestion when nothing is close', () => {
    assert.deepEqual(lines('server:\n  completely_unrelated_thing: 1\n'), ['2: unknown key server.completely_unrelated_thing'])
  })

  it('flags keys under a setting that takes a single value', () => {
    assert.deepEqual(lines('server:\n  grpc_listen_port:\n    port: 9095\n'), [
      '3: unknown key server.grpc_listen_port.port: server.grpc_listen_port takes a single value, not keys',
    ])
  })

  it('accepts anything under distributor.receivers and overrides', () => {
    const config = [
      'distributor:',
      '  receivers:',
      '    zipkin:',
      '      endpoint: 127.0.0.1:9411',
      'overrides:',
      '  per_tenant_override_config: /etc/overrides.yaml',
      '  my-tenant:',
      '    anything: goes',
    ].join('\n')
    assert.deepEqual(lines(config), [])
  })

  it('allows ${VAR} references anywhere, flow lists included', () => {
    const config = [
      'server:',
      '  http_listen_port: ${PORT}',
      '  grpc_listen_port: ${TEMPO_GRPC_LISTEN_PORT:-9095}',
      'memberlist:',
      '  bind_addr: [${BIND_ADDR:-127.0.0.1}]',
      'storage:',
      '  trace:',
      '    s3:',
      '      ${EXTRA_KEY}: x',
      '      endpoint: ${HOST}:9000',
      '    wal:',
      '      pth: ${WAL}',
    ].join('\n')
    assert.deepEqual(lines(config), ['12: unknown key storage.trace.wal.pth — did you mean storage.trace.wal.path?'])
  })

  it('reports YAML syntax errors with their line', () => {
    const findings = lintConfig('server:\n  http_listen_port: 1\n bad: [\n', loadKeyTree('2.10.8'))
    assert.ok(findings.length > 0)
    assert.match(findings[0].message, /^invalid YAML/)
    assert.ok(findings[0].line >= 2)
  })

  it('rejects a top level that is not a map, accepts an empty file', () => {
    assert.match(lines('- a\n- b\n')[0], /^1: a Tempo config is a map/)
    assert.deepEqual(lines(''), [])
  })

  it('treats empty maps, nulls and lists in the defaults as free-form', () => {
    const tree = keyTree({a: {b: 1, c: {}, d: null, e: []}})
    assert.deepEqual(tree, {a: {b: 'leaf', c: 'free', d: 'free', e: 'free'}})
  })

  it('picks the nearest known version: same major, closest minor', () => {
    const known = ['3.0.3', '2.10.8', '2.4.0']
    assert.equal(nearestVersion('2.10.8', known), '2.10.8')
    assert.equal(nearestVersion('2.5.1', known), '2.4.0')
    assert.equal(nearestVersion('2.9.0', known), '2.10.8')
    assert.equal(nearestVersion('2.7.0', known), '2.4.0')
    assert.equal(nearestVersion('3.2.0', known), '3.0.3')
    assert.equal(nearestVersion('v2.11.0', known), '2.10.8')
  })

  it('computes edit distances', () => {
    assert.equal(editDistance('kitten', 'sitting'), 3)
    assert.equal(editDistance('', 'abc'), 3)
    assert.equal(editDistance('same', 'same'), 0)
  })
})
