import assert from 'node:assert/strict'
import {readdir, readFile, rm, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {describe, it} from 'node:test'

import {parse} from 'yaml'

import {runCli, tempDir} from '../helpers/cli.js'

const S3_ENV = {
  TEMPO_STORAGE_S3_BUCKET: 'my-traces',
  TEMPO_STORAGE_S3_ACCESS_KEY_ID: 'SCWUPDATEACCESSKEY0001',
  TEMPO_STORAGE_S3_SECRET_ACCESS_KEY: 'update-secret-key-0123456789abcdef',
}

async function scaffold(...extra: string[]): Promise<string> {
  const dir = await tempDir()
  const result = await runCli(['my-app', '--yes', '--no-git', ...extra], {cwd: dir, env: S3_ENV})
  assert.equal(result.code, 0, result.stderr)
  return path.join(dir, 'my-app')
}

const read = (app: string, file: string) => readFile(path.join(app, file), 'utf8')
const answersOf = async (app: string) => JSON.parse(await read(app, '.tempo-scalingo.json'))

describe('update', () => {
  it('no-op: exit 0, nothing changed; --check exit 0; no secret asked for', async () => {
    const app = await scaffold()
    const before = await answersOf(app)
    const update = await runCli(['update'], {cwd: app})
    assert.equal(update.code, 0, update.stderr)
    assert.deepEqual(await answersOf(app), before)
    const check = await runCli(['update', '--check'], {cwd: app})
    assert.equal(check.code, 0, check.stdout + check.stderr)
    assert.match(check.stdout, /Up to date/)
  })

  it('a version bump rewrites tempo.yaml, scalingo.json and the answers file', async () => {
    const app = await scaffold('--tempo-version', '2.4.0')
    const result = await runCli(['update', '--tempo-version', '2.10.8'], {cwd: app})
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stdout, /~ scalingo\.json/)
    assert.equal(JSON.parse(await read(app, 'scalingo.json')).env.TEMPO_VERSION.value, '2.10.8')
    const doc = await answersOf(app)
    assert.equal(doc.answers.tempoVersion, '2.10.8')
    assert.equal(doc.answers.bucket, 'my-traces', 'earlier answers are kept')
    assert.equal((await runCli(['update', '--check'], {cwd: app})).code, 0, 'hashes were updated')
  })

  it('a user edit + a change to that file: untouched, diff printed, exit 1, answers file unchanged', async () => {
    const app = await scaffold()
    const edited = (await read(app, 'tempo.yaml')) + '# my own note\n'
    await writeFile(path.join(app, 'tempo.yaml'), edited)
    const before = await read(app, '.tempo-scalingo.json')
    const result = await runCli(['update', '--retention', '720h'], {cwd: app})
    assert.equal(result.code, 1)
    assert.equal(await read(app, 'tempo.yaml'), edited)
    assert.match(result.stdout, /! tempo\.yaml/)
    assert.match(result.stdout, /^- {4}block_retention: 336h$/m)
    assert.match(result.stdout, /^\+ {4}block_retention: 720h$/m)
    assert.match(result.stderr, /Nothing written: tempo\.yaml/)
    assert.equal(await read(app, '.tempo-scalingo.json'), before)
  })

  it('--force overwrites an edited file and keeps the user version as .orig', async () => {
    const app = await scaffold()
    const edited = (await read(app, 'tempo.yaml')) + '# my own note\n'
    await writeFile(path.join(app, 'tempo.yaml'), edited)
    const result = await runCli(['update', '--retention', '720h', '--force'], {cwd: app})
    assert.equal(result.code, 0, result.stderr)
    assert.equal(await read(app, 'tempo.yaml.orig'), edited)
    assert.equal(parse(await read(app, 'tempo.yaml')).compactor.compaction.block_retention, '720h')
    assert.equal((await answersOf(app)).answers.retention, '720h')
  })

  it('a user edit that the new rendering does not touch is fine when nothing else changes', async () => {
    const app = await scaffold()
    await writeFile(path.join(app, 'README.md'), 'my readme\n')
    const result = await runCli(['update', '--retention', '720h'], {cwd: app})
    assert.equal(result.code, 1, 'the README would change (it lists the retention): conflict')
    const none = await runCli(['update'], {cwd: app})
    assert.equal(none.code, 1, 'the edited README differs from the rendering: still reported')
    assert.equal(await read(app, 'README.md'), 'my readme\n')
  })

  it('a deleted file stays deleted, and is reported', async () => {
    const app = await scaffold()
    await rm(path.join(app, 'README.md'))
    const result = await runCli(['update', '--retention', '720h'], {cwd: app})
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stdout, /- README\.md .*stays deleted/)
    assert.ok(!(await readdir(app)).includes('README.md'))
    assert.equal((await runCli(['update', '--check'], {cwd: app})).code, 0)
    assert.ok(!(await readdir(app)).includes('README.md'), 'still deleted after a second update')
  })

  it('--check exits 1 after an edit that drifts, writing nothing', async () => {
    const app = await scaffold()
    await writeFile(path.join(app, 'scalingo.json'), '{}\n')
    const result = await runCli(['update', '--check', '--json'], {cwd: app})
    assert.equal(result.code, 1)
    const doc = JSON.parse(result.stdout)
    assert.deepEqual(
      doc.changes.filter((c: {action: string}) => c.action !== 'unchanged').map((c: {path: string}) => c.path),
      ['scalingo.json'],
    )
    assert.equal(await read(app, 'scalingo.json'), '{}\n')
  })

  it('--dry-run shows the diff and writes nothing', async () => {
    const app = await scaffold()
    const before = await read(app, 'tempo.yaml')
    const result = await runCli(['update', '--dry-run', '--grpc-port', '9096'], {cwd: app})
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stdout, /^\+ {2}grpc_listen_port: \$\{TEMPO_GRPC_LISTEN_PORT:-9096\}$/m)
    assert.equal(await read(app, 'tempo.yaml'), before)
  })

  it('a corrupted answers file: exit 2, nothing written', async () => {
    const app = await scaffold()
    await writeFile(path.join(app, '.tempo-scalingo.json'), '{not json')
    const before = await read(app, 'tempo.yaml')
    const result = await runCli(['update', '--retention', '720h'], {cwd: app})
    assert.equal(result.code, 2)
    assert.match(result.stderr, /not valid JSON/)
    assert.equal(await read(app, 'tempo.yaml'), before)
  })

  it('outside a generated app: exit 2 with a clear message', async () => {
    const result = await runCli(['update'], {cwd: await tempDir()})
    assert.equal(result.code, 2)
    assert.match(result.stderr, /\.tempo-scalingo\.json not found/)
  })

  it('an answers file from a newer CLI major is refused', async () => {
    const app = await scaffold()
    const doc = await answersOf(app)
    await writeFile(path.join(app, '.tempo-scalingo.json'), JSON.stringify({...doc, cliVersion: '99.0.0'}))
    const result = await runCli(['update'], {cwd: app})
    assert.equal(result.code, 2)
    assert.match(result.stderr, /written by create-tempo-scalingo 99\.0\.0/)
  })

  it('a bump across majors re-renders tempo.yaml from the 3.x template and says so', async () => {
    const app = await scaffold()
    const result = await runCli(['update', '--tempo-version', '3.0.3'], {cwd: app})
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stderr, /new major.*3\.x template/)
    const config = parse(await read(app, 'tempo.yaml'))
    assert.equal(config.ingester, undefined)
    assert.equal(config.live_store.max_block_duration, '5s')
  })

  it('a move to a version that cannot read the blocks written so far warns, naming both formats', async () => {
    const app = await scaffold()
    const result = await runCli(['update', '--tempo-version', '2.4.0'], {cwd: app})
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stderr, /Tempo 2\.4\.0 cannot read the vParquet4 blocks that Tempo 2\.10\.8 wrote/)
    const back = await runCli(['update', '--tempo-version', '2.10.8'], {cwd: app})
    assert.doesNotMatch(back.stderr, /cannot read/)
  })

  it('a --buildpack-url given at creation survives updates; update --buildpack-url changes it', async () => {
    const fork = 'https://git.example.com/me/tempo-buildpack.git#v9.9.9'
    const app = await scaffold('--buildpack-url', fork)
    const bump = await runCli(['update', '--tempo-version', '3.0.3'], {cwd: app})
    assert.equal(bump.code, 0, bump.stderr)
    assert.equal((await read(app, '.buildpacks')).trim(), fork)
    assert.equal((await runCli(['update', '--check'], {cwd: app})).code, 0)
    const mirror = 'https://mirror.example.com/tempo-buildpack.git#main'
    assert.equal((await runCli(['update', '--buildpack-url', mirror], {cwd: app})).code, 0)
    assert.equal((await read(app, '.buildpacks')).trim(), mirror)
    assert.equal((await answersOf(app)).buildpackUrl, mirror)
  })

  it('switching to env mode removes an unedited tempo.yaml', async () => {
    const app = await scaffold()
    const result = await runCli(['update', '--config-mode', 'env'], {cwd: app})
    assert.equal(result.code, 0, result.stderr)
    assert.ok(!(await readdir(app)).includes('tempo.yaml'))
    assert.equal((await runCli(['update', '--check'], {cwd: app})).code, 0)
  })
})

describe('update, what reaches Scalingo', () => {
  it('new S3 keys given as flags are stored in .env (0600), never shown; env-set then has them', async () => {
    const dir = await tempDir()
    assert.equal((await runCli(['my-app', '--yes', '--no-git', '--storage', 'local'], {cwd: dir})).code, 0)
    const app = path.join(dir, 'my-app')
    const key = 'SCWNEWACCESSKEY00001'
    const secret = `new'secret "$HOME" \\ # ü`
    const result = await runCli(['update', '--storage', 's3', '--bucket', 'my-traces', '--access-key', key, '--secret-key', secret], {
      cwd: app,
    })
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stdout, /~ \.env {2}the secrets given, stored/)
    assert.ok(![result.stdout, result.stderr].some((out) => out.includes(key) || out.includes(secret)), 'no key in the output')
    const {stat} = await import('node:fs/promises')
    assert.equal((await stat(path.join(app, '.env'))).mode & 0o777, 0o600)
    const {parseDotEnv} = await import('../../src/lib/core/dotenv.js')
    const dotEnv = parseDotEnv(await read(app, '.env'))
    assert.equal(dotEnv.TEMPO_STORAGE_S3_ACCESS_KEY_ID, key)
    assert.equal(dotEnv.TEMPO_STORAGE_S3_SECRET_ACCESS_KEY, secret)
    assert.ok(dotEnv.TEMPO_INGEST_TOKEN, 'the credentials already there are kept')
    const envSet = await runCli(['env-set', '--dry-run'], {cwd: app})
    assert.equal(envSet.code, 0, envSet.stderr)
    assert.match(envSet.stdout, /TEMPO_STORAGE_S3_ACCESS_KEY_ID=\*+/)
    assert.match(result.stdout, /Then run:\n {2}node \S+ env-set/)
  })

  it('--containers 3 says what else to run, and the README keeps the scale command', async () => {
    const app = await scaffold()
    const result = await runCli(['update', '--containers', '3'], {cwd: app})
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stdout, /Then run:/)
    assert.match(result.stdout, /node \S+ env-set +# the app's variables on Scalingo/)
    assert.match(result.stdout, /node \S+ deploy +# once committed/)
    assert.match(result.stdout, /scalingo --region osc-fr1 --app my-app scale web:3/)
    assert.match(await read(app, 'README.md'), /scalingo --region osc-fr1 --app my-app scale web:3/)
  })
})
