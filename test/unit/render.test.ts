import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'

import {parse} from 'yaml'

import {lintConfig, loadKeyTree} from '../../src/lib/app/lint.js'
import {planScaffold} from '../../src/lib/app/plan.js'
import {renderApp, renderDotEnv, renderTempoConfig} from '../../src/lib/app/render.js'
import {CONTRACT} from '../../src/lib/core/contract.js'
import {resolveAnswers} from '../../src/lib/settings/resolve.js'
import {appVariables, secretValues} from '../../src/lib/settings/settings.js'
import {ROOT} from '../helpers/cli.js'

const VERSIONS = ['2.4.0', '2.10.8', '3.0.3']
const unknownKeys = (yaml: string, version: string): string[] => lintConfig(yaml, loadKeyTree(version)).map((finding) => finding.path)

const context = {cliVersion: '1.2.3', buildpackUrl: 'https://example.test/buildpack.git#v1.2.3', cli: 'pnpm dlx create-tempo-scalingo'}
const S3_ENV = {
  TEMPO_STORAGE_S3_BUCKET: 'my-traces',
  TEMPO_STORAGE_S3_ACCESS_KEY_ID: 'SCWACCESSKEYEXAMPLE01',
  TEMPO_STORAGE_S3_SECRET_ACCESS_KEY: 'secret-key-value-that-must-not-leak-0123',
}

async function answersFor(env: Record<string, string>, flags: Record<string, unknown> = {}) {
  const {answers} = await resolveAnswers({flags, env, context: {directoryName: 'my-tempo'}, secrets: 'generate'})
  return answers
}

describe('Tempo config templates', () => {
  for (const version of VERSIONS) {
    for (const storage of ['s3', 'local']) {
      it(`file mode, ${storage}, uses only keys that Tempo ${version} knows`, async () => {
        const answers = await answersFor({...S3_ENV, TEMPO_VERSION: version, TEMPO_STORAGE_TRACE_BY_ID_BACKEND: storage})
        assert.deepEqual(unknownKeys(renderTempoConfig(answers, 'file'), version), [])
      })
    }
    it(`env mode uses only keys that Tempo ${version} knows`, async () => {
      const answers = await answersFor({...S3_ENV, TEMPO_VERSION: version})
      assert.deepEqual(unknownKeys(renderTempoConfig(answers, 'env'), version), [])
    })
  }

  it('the key check catches the legacy keys that circulate in examples', () => {
    const legacy = readFileSync(path.join(ROOT, 'test/fixtures/sample-legacy-keys.yaml'), 'utf8')
    for (const version of VERSIONS) {
      const unknown = unknownKeys(legacy, version)
      for (const key of ['storage.trace_by_id', 'storage.wal', 'storage.s3'])
        assert.ok(unknown.includes(key), `${key} flagged for ${version}`)
    }
  })

  it('a 2.x template is rejected by 3.x key tree and vice versa', async () => {
    const two = renderTempoConfig(await answersFor({...S3_ENV, TEMPO_VERSION: '2.10.8'}), 'file')
    assert.ok(unknownKeys(two, '3.0.3').includes('ingester'))
    const three = renderTempoConfig(await answersFor({...S3_ENV, TEMPO_VERSION: '3.0.3'}), 'file')
    assert.ok(unknownKeys(three, '2.4.0').includes('live_store'))
  })

  it('file mode writes non-secret values and keeps secrets as ${VAR} references', async () => {
    const answers = await answersFor({...S3_ENV, TEMPO_STORAGE_S3_INSECURE: 'true'}, {'grpc-port': '9096', retention: '48h'})
    const text = renderTempoConfig(answers, 'file')
    const config = parse(text)
    assert.equal(config.storage.trace.backend, 's3')
    assert.equal(config.storage.trace.s3.bucket, 'my-traces')
    assert.equal(config.storage.trace.s3.endpoint, 's3.fr-par.scw.cloud')
    assert.equal(config.storage.trace.s3.region, 'fr-par')
    assert.equal(config.storage.trace.s3.insecure, true)
    assert.equal(config.storage.trace.s3.access_key, '${TEMPO_STORAGE_S3_ACCESS_KEY_ID}')
    assert.equal(config.storage.trace.s3.secret_key, '${TEMPO_STORAGE_S3_SECRET_ACCESS_KEY}')
    // Internal ports stay movable at run time (TEMPO_*_PORT), the answer as the default.
    assert.equal(config.server.grpc_listen_port, '${TEMPO_GRPC_LISTEN_PORT:-9096}')
    assert.equal(config.compactor.compaction.block_retention, '48h')
    for (const secret of secretValues(answers)) assert.ok(!text.includes(secret))
  })

  it('both majors keep Tempo on loopback, off $PORT, and set what a restart needs', async () => {
    for (const version of ['2.10.8', '3.0.3']) {
      const text = renderTempoConfig(await answersFor({...S3_ENV, TEMPO_VERSION: version}), 'file')
      const config = parse(text)
      assert.ok(!text.includes('PORT}'), 'no $PORT in the template')
      assert.equal(config.server.http_listen_address, '127.0.0.1')
      assert.equal(config.server.http_listen_port, undefined)
      assert.deepEqual(config.memberlist.bind_addr, ['127.0.0.1'])
      assert.equal(config.usage_report.reporting_enabled, false)
      assert.equal(config.server.grpc_listen_address, '127.0.0.1')
      assert.equal(config.distributor.receivers.otlp.protocols.http.endpoint, '127.0.0.1:${TEMPO_OTLP_HTTP_PORT:-4318}')
      assert.equal(config.distributor.receivers.otlp.protocols.grpc.endpoint, '127.0.0.1:${TEMPO_OTLP_GRPC_PORT:-4317}')
      assert.equal(config.memberlist.bind_port, '${TEMPO_MEMBERLIST_PORT:-7946}')
      // What Tempo accepts per second is bounded, sized by the launcher.
      assert.equal(config.overrides.defaults.ingestion.rate_limit_bytes, '${TEMPO_INGESTION_RATE_LIMIT_BYTES:-4096000}')
      assert.equal(config.overrides.defaults.ingestion.burst_size_bytes, '${TEMPO_INGESTION_BURST_SIZE_BYTES:-4096000}')
      if (version.startsWith('2')) {
        assert.equal(config.ingester.flush_all_on_shutdown, true)
        assert.equal(config.ingester.lifecycler.min_ready_duration, '1s')
      } else {
        assert.deepEqual(
          [config.live_store.max_block_duration, config.live_store.max_trace_idle, config.live_store.max_trace_live],
          ['5s', '2s', '5s'],
        )
        assert.ok(!text.includes('/var/'), 'no path under /var')
      }
    }
  })

  it("the buildpack's default configs are the env-mode rendering of the same templates", async () => {
    for (const [file, version] of [
      ['tempo-2.yaml', '2.10.8'],
      ['tempo-2-no-metrics.yaml', '2.4.0'],
      ['tempo-3.yaml', '3.0.3'],
    ]) {
      const committed = readFileSync(path.join(ROOT, `buildpack/config/${file}`), 'utf8')
      assert.equal(committed, renderTempoConfig({tempoVersion: version}, 'env'), `buildpack/config/${file} drifted: run npm run build`)
    }
  })

  it('2.x from 2.6 turns the metrics-generator local blocks on (TraceQL metrics), in file and env mode', async () => {
    for (const version of ['2.10.8', '2.6.0']) {
      const answers = await answersFor({...S3_ENV, TEMPO_VERSION: version}, {'wal-path': '/tmp/w'})
      const file = parse(renderTempoConfig(answers, 'file'))
      const env = parse(renderTempoConfig(answers, 'env'))
      for (const [config, wal] of [
        [file, '/tmp/w'],
        [env, '${TEMPO_STORAGE_WAL_PATH:-/tmp/tempo/wal}'],
      ]) {
        assert.deepEqual(config.overrides.defaults.metrics_generator.processors, ['local-blocks'])
        assert.equal(config.metrics_generator.storage.path, `${wal}/generator/wal`)
        assert.equal(config.metrics_generator.traces_storage.path, `${wal}/generator/traces`)
        const localBlocks = config.metrics_generator.processor.local_blocks
        assert.equal(localBlocks.filter_server_spans, false)
        assert.equal(localBlocks.flush_to_storage, true)
        assert.equal(localBlocks.max_live_traces_bytes, '${TEMPO_GENERATOR_MAX_LIVE_TRACES_BYTES:-16777216}')
      }
    }
  })

  it('the generator keys exist in Tempo 2.10.8 (overrides are free-form for the lint: checked here)', async () => {
    const text = renderTempoConfig(await answersFor({...S3_ENV, TEMPO_VERSION: '2.10.8'}), 'file')
    assert.deepEqual(unknownKeys(text, '2.10.8'), [])
    const defaults = parse(readFileSync(path.join(ROOT, 'data/tempo/defaults-2.10.8.yaml'), 'utf8'))
    const local = defaults.metrics_generator.processor.local_blocks
    for (const key of ['filter_server_spans', 'flush_to_storage', 'max_live_traces_bytes']) assert.ok(key in local, key)
    assert.ok('path' in defaults.metrics_generator.storage && 'path' in defaults.metrics_generator.traces_storage)
    // `processors` is empty by default, so the printed defaults omit it; its map is there (real 2.10.8 printed
    // processors: [local-blocks] under it in /status/config with this config).
    assert.equal(typeof defaults.overrides.defaults.metrics_generator, 'object')
  })

  it('2.x before 2.6 and 3.x have no metrics-generator: 2.4.0 lacks flush_to_storage, 3.x has metrics built in', async () => {
    for (const version of ['2.4.0', '3.0.3']) {
      for (const mode of ['file', 'env'] as const) {
        const config = parse(renderTempoConfig(await answersFor({...S3_ENV, TEMPO_VERSION: version}), mode))
        assert.equal(config.metrics_generator, undefined, `${version} ${mode}`)
        assert.equal(config.overrides.defaults.metrics_generator, undefined, `${version} ${mode}`)
      }
    }
    const withGenerator = renderTempoConfig(await answersFor({...S3_ENV, TEMPO_VERSION: '2.10.8'}), 'file')
    assert.ok(unknownKeys(withGenerator, '2.4.0').includes('metrics_generator.processor.local_blocks.flush_to_storage'))
  })

  it('env mode drives every documented variable with its default', () => {
    const text = renderTempoConfig({tempoVersion: '2.10.8'}, 'env')
    for (const ref of [
      '${TEMPO_GRPC_LISTEN_PORT:-9095}',
      '${TEMPO_STORAGE_TRACE_BY_ID_BACKEND:-s3}',
      '${TEMPO_STORAGE_WAL_PATH:-/tmp/tempo/wal}',
      '${TEMPO_STORAGE_S3_BUCKET}',
      '${TEMPO_STORAGE_S3_ENDPOINT}',
      '${TEMPO_STORAGE_S3_ACCESS_KEY_ID}',
      '${TEMPO_STORAGE_S3_SECRET_ACCESS_KEY}',
      '${TEMPO_STORAGE_S3_INSECURE:-false}',
      '${TEMPO_STORAGE_S3_REGION:-}',
      '${TEMPO_STORAGE_S3_FORCEPATHSTYLE:-false}',
      '${TEMPO_RETENTION:-336h}',
    ]) {
      assert.ok(text.includes(ref), ref)
    }
  })
})

describe('generated app', () => {
  it('scalingo.json declares the variables, generated secrets and the formation', async () => {
    const answers = await answersFor(S3_ENV, {'container-size': 'L'})
    const manifest = JSON.parse(renderApp(answers, context).find((f) => f.path === 'scalingo.json')!.content)
    assert.equal(manifest.name, 'my-tempo')
    assert.deepEqual(manifest.formation, {web: {amount: 1, size: 'L'}})
    assert.equal(manifest.env.TEMPO_INGEST_TOKEN.generator, 'secret')
    assert.equal(manifest.env.TEMPO_QUERY_PASSWORD.generator, 'secret')
    assert.equal(manifest.env.TEMPO_STORAGE_S3_SECRET_ACCESS_KEY.required, true)
    assert.equal(manifest.env.TEMPO_STORAGE_S3_SECRET_ACCESS_KEY.value, undefined)
    assert.equal(manifest.env.TEMPO_VERSION.value, '2.10.8')
    assert.equal(manifest.env.TEMPO_QUERY_USER.value, 'grafana')
    // file mode: bucket is in tempo.yaml, not in the environment
    assert.equal(manifest.env.TEMPO_STORAGE_S3_BUCKET, undefined)
  })

  it('scalingo.json marks review apps, and only there: the parent never gets the marker', async () => {
    const answers = await answersFor(S3_ENV)
    const manifest = JSON.parse(renderApp(answers, context).find((f) => f.path === 'scalingo.json')!.content)
    const {name, value} = CONTRACT.reviewApps.marker
    assert.equal(manifest.env[name].value, value)
    assert.ok(!appVariables(answers).some((v) => v.name === name))
  })

  it('env mode: no tempo.yaml, every variable in scalingo.json and the README', async () => {
    const answers = await answersFor(S3_ENV, {'config-mode': 'env'})
    const files = renderApp(answers, context)
    assert.equal(
      files.find((f) => f.path === 'tempo.yaml'),
      undefined,
    )
    const manifest = JSON.parse(files.find((f) => f.path === 'scalingo.json')!.content)
    assert.equal(manifest.env.TEMPO_STORAGE_S3_BUCKET.value, 'my-traces')
    const readme = files.find((f) => f.path === 'README.md')!.content
    for (const name of [
      'TEMPO_STORAGE_S3_BUCKET',
      'TEMPO_STORAGE_S3_ENDPOINT',
      'TEMPO_GRPC_LISTEN_PORT',
      'TEMPO_RETENTION',
      'TEMPO_INGEST_TOKEN',
    ])
      assert.ok(readme.includes(`\`${name}\``), name)
  })

  it('no generated file but .env holds a secret; .env is 0600 and ignored by git', async () => {
    const answers = await answersFor(S3_ENV)
    const files = planScaffold(answers, context)
    const secrets = secretValues(answers)
    assert.equal(secrets.length, 4)
    for (const file of files.filter((f) => f.path !== '.env'))
      for (const secret of secrets) assert.ok(!file.content.includes(secret), `${file.path} leaks a secret`)
    const dotEnv = renderDotEnv(answers)
    assert.equal(dotEnv.mode, 0o600)
    for (const secret of secrets) assert.ok(dotEnv.content.includes(secret))
    assert.match(files.find((f) => f.path === '.gitignore')!.content, /^\.env$/m)
  })

  it('.buildpacks points at the buildpack URL; README points to check', async () => {
    const files = renderApp(await answersFor(S3_ENV), context)
    assert.equal(files.find((f) => f.path === '.buildpacks')!.content.trim(), context.buildpackUrl)
    assert.match(files.find((f) => f.path === 'README.md')!.content, /create-tempo-scalingo check/)
  })

  it("README gives the proxy's body limit, Tempo's, from the contract", async () => {
    const readme = renderApp(await answersFor(S3_ENV), context).find((f) => f.path === 'README.md')!.content
    assert.equal(CONTRACT.ingestLimits.maxBodyBytes, 20 * 1024 * 1024)
    assert.match(readme, /A request body holds at most 20 MiB, what Tempo accepts: a larger batch gets `413`/)
  })

  it('the answers file keeps non-secret answers and a hash of each generated file', async () => {
    const answers = await answersFor(S3_ENV)
    const files = planScaffold(answers, context)
    const doc = JSON.parse(files.find((f) => f.path === '.tempo-scalingo.json')!.content)
    assert.equal(doc.cliVersion, '1.2.3')
    assert.equal(doc.answers.bucket, 'my-traces')
    assert.equal(doc.answers.secretKey, undefined)
    assert.equal(doc.answers.ingestToken, undefined)
    assert.deepEqual(Object.keys(doc.files).sort(), ['.buildpacks', '.gitignore', 'README.md', 'scalingo.json', 'tempo.yaml'])
    assert.match(doc.files['tempo.yaml'], /^[0-9a-f]{64}$/)
  })
})

describe('README and .env of a new app', () => {
  it('.env holds the secrets only: loading it cannot override a setting', async () => {
    const dotEnv = renderDotEnv(await answersFor(S3_ENV)).content
    const names = [...dotEnv.matchAll(/^([A-Z0-9_]+)=/gm)].map((m) => m[1]).sort()
    assert.deepEqual(names, [
      'TEMPO_INGEST_TOKEN',
      'TEMPO_QUERY_PASSWORD',
      'TEMPO_STORAGE_S3_ACCESS_KEY_ID',
      'TEMPO_STORAGE_S3_SECRET_ACCESS_KEY',
    ])
  })

  it('starts with the prerequisites, then the whole journey with the CLI as it was run', async () => {
    const readme = renderApp(await answersFor(S3_ENV), context).find((f) => f.path === 'README.md')!.content
    const headings = [...readme.matchAll(/^## (.+)$/gm)].map((m) => m[1])
    assert.deepEqual(headings.slice(0, 2), ['Prerequisites', 'From here to a first trace'])
    const prerequisites = readme.slice(readme.indexOf('## Prerequisites'), readme.indexOf('## From here'))
    for (const needed of [
      /Scalingo account/,
      /scalingo login/,
      /SCALINGO_API_TOKEN/,
      /SSH key/,
      /bucket `my-traces` on `s3\.fr-par\.scw\.cloud`/,
    ])
      assert.match(prerequisites, needed)
    const journey = /## From here to a first trace[\s\S]*?```sh\n([\s\S]*?)```/
      .exec(readme)![1]
      .split('\n')
      .filter(Boolean)
      .map((line) => line.replace(/\s+#.*$/, ''))
    assert.deepEqual(journey, [
      'pnpm dlx create-tempo-scalingo check --s3',
      'scalingo --region osc-fr1 create my-tempo',
      'pnpm dlx create-tempo-scalingo env-set',
      'pnpm dlx create-tempo-scalingo deploy',
      'pnpm dlx create-tempo-scalingo check',
    ])
    assert.ok(!readme.includes('npx '), 'no command of another package manager')
  })
})

describe('the app README', () => {
  const readme = async (env: Record<string, string>) =>
    renderApp(await answersFor({...S3_ENV, ...env}), context).find((f) => f.path === 'README.md')!.content

  it('calls credentials generated only when they were', async () => {
    assert.match(await readme({}), /\| `TEMPO_INGEST_TOKEN` \| [^|]+ \| secret, generated \|/)
    const typed = await readme({TEMPO_INGEST_TOKEN: 'typed-token-0123456789abcdef', TEMPO_QUERY_PASSWORD: 'typed-password-0123456789'})
    assert.match(typed, /\| `TEMPO_INGEST_TOKEN` \| [^|]+ \| secret \|/)
    assert.doesNotMatch(typed, /secret, generated/)
  })

  it('quotes every value of the env-set command by hand as a shell reads it', async () => {
    const text = await readme({})
    assert.match(text, /^ {2}TEMPO_INGEST_TOKEN='<TEMPO_INGEST_TOKEN>'/m)
    assert.doesNotMatch(text, /="</)
  })
})
