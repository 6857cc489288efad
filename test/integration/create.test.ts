import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {mkdir, readdir, readFile, stat, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {describe, it} from 'node:test'

import {parse} from 'yaml'

import {parseDotEnv} from '../../src/lib/core/dotenv.js'
import {RUN, runCli, tempDir} from '../helpers/cli.js'

const SECRETS = {
  TEMPO_STORAGE_S3_ACCESS_KEY_ID: 'SCWXXACCESSKEYLEAKCHECK1',
  TEMPO_STORAGE_S3_SECRET_ACCESS_KEY: 'secret-key-leak-check-0123456789abcdef',
  TEMPO_INGEST_TOKEN: 'ingest-token-leak-check-0123456789',
  TEMPO_QUERY_PASSWORD: 'query-password-leak-check-0123456789',
}
const S3_ENV = {...SECRETS, TEMPO_STORAGE_S3_BUCKET: 'my-traces'}

function assertNoSecret(text: string, where: string) {
  for (const secret of Object.values(SECRETS)) assert.ok(!text.includes(secret), `${where} contains a secret`)
}

describe('create (non-interactive)', () => {
  it('--yes scaffolds a committed app whose git history holds no secret', async () => {
    const dir = await tempDir()
    const result = await runCli(['my-tempo', '--yes'], {cwd: dir, env: S3_ENV})
    assert.equal(result.code, 0, result.stderr)
    assertNoSecret(result.stdout + result.stderr, 'output')
    const app = path.join(dir, 'my-tempo')
    const files = await readdir(app)
    for (const f of ['.buildpacks', '.gitignore', 'README.md', 'scalingo.json', 'tempo.yaml', '.tempo-scalingo.json', '.env', '.git'])
      assert.ok(files.includes(f), f)
    const git = (...args: string[]) => execFileSync('git', args, {cwd: app, encoding: 'utf8'})
    const tracked = git('ls-files').trim().split('\n')
    assert.ok(!tracked.includes('.env'), '.env is not tracked')
    assert.ok(tracked.includes('tempo.yaml'))
    assert.equal(git('rev-list', '--count', 'HEAD').trim(), '1')
    assertNoSecret(git('log', '-p', '--all'), 'git history')
    assert.equal(git('status', '--porcelain').trim(), '', 'the tree is clean after the first commit')
    const dotEnv = await stat(path.join(app, '.env'))
    assert.equal(dotEnv.mode & 0o777, 0o600)
    const envText = await readFile(path.join(app, '.env'), 'utf8')
    for (const secret of Object.values(SECRETS)) assert.ok(envText.includes(secret), '.env keeps the secrets')
    assert.equal((await stat(app)).mode & 0o077, 0o055 & ~process.umask(), 'app dir has normal permissions')
    assert.deepEqual((await readdir(dir)).sort(), ['my-tempo'], 'no staging dir left behind')
  })

  it('a --yes scaffold without git loads no vendored library, nor child_process, nor DNS', async () => {
    const dir = await tempDir()
    const record = path.join(dir, 'loaded.json')
    const hook = path.join(dir, 'record-loaded.cjs')
    await writeFile(
      hook,
      `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(record)}, ` +
        `JSON.stringify({builtins: process.moduleLoadList, files: Object.keys(require.cache)})))\n`,
    )
    const result = await runCli(['my-tempo', '--yes', '--storage', 'local', '--no-git'], {
      cwd: dir,
      env: {NODE_OPTIONS: `--require ${hook}`},
    })
    assert.equal(result.code, 0, result.stderr)
    const loaded = JSON.parse(await readFile(record, 'utf8')) as {builtins: string[]; files: string[]}
    assert.ok(
      loaded.files.some((file) => file.endsWith(path.join('dist', 'cli.cjs'))),
      'the hook sees the bundle',
    )
    assert.deepEqual(
      loaded.files.filter((file) => file.includes(`${path.sep}vendor${path.sep}`)),
      [],
    )
    assert.deepEqual(
      loaded.builtins.filter((name) => /^NativeModule (child_process|dns|dns\/promises)$/.test(name)),
      [],
    )
  })

  it('--json prints one document, secrets redacted', async () => {
    const dir = await tempDir()
    const result = await runCli(['my-tempo', '--yes', '--json', '--no-git'], {cwd: dir, env: S3_ENV})
    assert.equal(result.code, 0, result.stderr)
    const doc = JSON.parse(result.stdout)
    assertNoSecret(result.stdout, 'JSON')
    assert.equal(doc.directory, path.join(dir, 'my-tempo'))
    assert.ok(doc.files.some((f: {path: string}) => f.path === 'tempo.yaml'))
    assert.deepEqual(
      doc.variables.find((v: {name: string}) => v.name === 'TEMPO_INGEST_TOKEN'),
      {name: 'TEMPO_INGEST_TOKEN', value: '********'},
    )
    assert.equal(doc.answers.bucket, 'my-traces')
    assert.ok(Array.isArray(doc.nextSteps))
  })

  it('missing required values: exit 2 naming each flag and env var, nothing written', async () => {
    const dir = await tempDir()
    const result = await runCli(['my-tempo', '--yes'], {cwd: dir})
    assert.equal(result.code, 2)
    for (const s of [
      '--bucket (TEMPO_STORAGE_S3_BUCKET)',
      '--access-key (TEMPO_STORAGE_S3_ACCESS_KEY_ID)',
      '--secret-key (TEMPO_STORAGE_S3_SECRET_ACCESS_KEY)',
    ])
      assert.ok(result.stderr.includes(s), s)
    assert.doesNotMatch(result.stderr, /at .*\.js:\d+/, 'no stack trace')
    assert.deepEqual(await readdir(dir), [])
  })

  it('without a TTY it never waits for input, even without --yes', async () => {
    const dir = await tempDir()
    const result = await runCli(['my-tempo', '--storage', 'local', '--no-git'], {cwd: dir})
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stderr, /EVERY TRACE WILL BE LOST/)
  })

  it('invalid values: exit 2 with the rule, the flag and the env var', async () => {
    const dir = await tempDir()
    const result = await runCli(
      ['my-tempo', '--yes', '--bucket', 'Bad_Bucket', '--grpc-port', '70000', '--retention', '14d', '--tempo-version', 'latest'],
      {cwd: dir, env: SECRETS},
    )
    assert.equal(result.code, 2)
    assert.match(result.stderr, /--bucket \(TEMPO_STORAGE_S3_BUCKET\): "Bad_Bucket"/)
    assert.match(result.stderr, /--grpc-port \(TEMPO_GRPC_LISTEN_PORT\): "70000" ports are whole numbers/)
    assert.match(result.stderr, /--retention \(TEMPO_RETENTION\): "14d" durations/)
    assert.match(result.stderr, /--tempo-version \(TEMPO_VERSION\): "latest" versions are x.y.z/)
    assert.deepEqual(await readdir(dir), [])
  })

  it('an unknown flag is a usage error (exit 2)', async () => {
    const result = await runCli(['my-tempo', '--yes', '--bukket', 'x'], {cwd: await tempDir()})
    assert.equal(result.code, 2)
    assert.match(result.stderr, /Nonexistent flag: --bukket/)
    assert.doesNotMatch(result.stderr + result.stdout, /at .*\.js:\d+/, 'no stack trace')
  })

  it('refuses a non-empty directory, listing the conflicts; --force keeps unrelated files', async () => {
    const dir = await tempDir()
    const app = path.join(dir, 'my-tempo')
    await mkdir(app)
    await writeFile(path.join(app, 'README.md'), 'mine\n')
    await writeFile(path.join(app, 'notes.txt'), 'keep me\n')
    const refused = await runCli(['my-tempo', '--yes', '--storage', 'local'], {cwd: dir})
    assert.equal(refused.code, 2)
    assert.match(refused.stderr, /not empty .*README\.md.*--force/s)
    assert.equal(await readFile(path.join(app, 'README.md'), 'utf8'), 'mine\n')
    assert.deepEqual((await readdir(app)).sort(), ['README.md', 'notes.txt'])
    const forced = await runCli(['my-tempo', '--yes', '--storage', 'local', '--force'], {cwd: dir})
    assert.equal(forced.code, 0, forced.stderr)
    assert.equal(await readFile(path.join(app, 'notes.txt'), 'utf8'), 'keep me\n')
    assert.match(await readFile(path.join(app, 'README.md'), 'utf8'), /Grafana Tempo/)
    assert.deepEqual((await readdir(dir)).sort(), ['my-tempo'])
  })

  it('over an existing app: refused with the way to update it; --force keeps its secrets unless --rotate-secrets', async () => {
    const dir = await tempDir()
    const app = path.join(dir, 'my-tempo')
    assert.equal((await runCli(['my-tempo', '--yes', '--storage', 'local', '--no-git'], {cwd: dir})).code, 0)
    const secrets = async () => parseDotEnv(await readFile(path.join(app, '.env'), 'utf8'))
    await writeFile(path.join(app, '.env'), `${await readFile(path.join(app, '.env'), 'utf8')}MY_OWN='kept as well'\n`)
    const first = await secrets()
    const refused = await runCli(['my-tempo', '--yes', '--storage', 'local'], {cwd: dir})
    assert.equal(refused.code, 2)
    assert.match(
      refused.stderr,
      /already holds an app generated by create-tempo-scalingo: change its settings with `node \S+ update --help` run inside it, or pass --force/,
    )
    const forced = await runCli(['my-tempo', '--yes', '--storage', 'local', '--force', '--no-git'], {cwd: dir})
    assert.equal(forced.code, 0, forced.stderr)
    assert.match(forced.stdout, /~ \.env/)
    assert.match(forced.stdout, /Kept from the existing \.env: TEMPO_INGEST_TOKEN, TEMPO_QUERY_PASSWORD/)
    assert.deepEqual(await secrets(), first)
    const rotated = await runCli(['my-tempo', '--yes', '--storage', 'local', '--force', '--rotate-secrets', '--no-git'], {cwd: dir})
    assert.equal(rotated.code, 0, rotated.stderr)
    const after = await secrets()
    assert.notEqual(after.TEMPO_INGEST_TOKEN, first.TEMPO_INGEST_TOKEN)
    assert.notEqual(after.TEMPO_QUERY_PASSWORD, first.TEMPO_QUERY_PASSWORD)
    assert.equal(after.MY_OWN, 'kept as well')
  })

  it('--dry-run prints the plan and writes nothing', async () => {
    const dir = await tempDir()
    const result = await runCli(['my-tempo', '--yes', '--dry-run'], {cwd: dir, env: S3_ENV})
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stdout, /tempo\.yaml/)
    assert.match(result.stdout, /\.env .*mode 600/)
    assertNoSecret(result.stdout, 'dry-run output')
    assert.deepEqual(await readdir(dir), [])
  })

  it('env mode, Tempo 3: no tempo.yaml; the generated config passes the key check', async () => {
    const dir = await tempDir()
    const result = await runCli(['my-tempo', '--yes', '--config-mode', 'env', '--tempo-version', '3.0.3', '--no-git'], {
      cwd: dir,
      env: S3_ENV,
    })
    assert.equal(result.code, 0, result.stderr)
    const files = await readdir(path.join(dir, 'my-tempo'))
    assert.ok(!files.includes('tempo.yaml'))
    const manifest = JSON.parse(await readFile(path.join(dir, 'my-tempo', 'scalingo.json'), 'utf8'))
    assert.equal(manifest.env.TEMPO_VERSION.value, '3.0.3')
    assert.equal(manifest.env.TEMPO_STORAGE_S3_BUCKET.value, 'my-traces')
  })

  it('the default app name is the directory name; tempo.yaml is valid YAML', async () => {
    const dir = await tempDir()
    const result = await runCli(['tempo-prod', '--yes', '--no-git'], {cwd: dir, env: S3_ENV})
    assert.equal(result.code, 0, result.stderr)
    const answers = JSON.parse(await readFile(path.join(dir, 'tempo-prod', '.tempo-scalingo.json'), 'utf8'))
    assert.equal(answers.answers.appName, 'tempo-prod')
    assert.equal(parse(await readFile(path.join(dir, 'tempo-prod', 'tempo.yaml'), 'utf8')).storage.trace.s3.bucket, 'my-traces')
  })

  it('the app name comes from the directory name, made to fit and said so', async () => {
    const dir = await tempDir()
    const ok = await runCli(['My_Tempo.Prod', '--yes', '--no-git', '--storage', 'local'], {cwd: dir})
    assert.equal(ok.code, 0, ok.stderr)
    assert.equal(
      JSON.parse(await readFile(path.join(dir, 'My_Tempo.Prod', '.tempo-scalingo.json'), 'utf8')).answers.appName,
      'my-tempo-prod',
    )
    assert.match(ok.stderr, /The app name is my-tempo-prod, made from the directory name "My_Tempo\.Prod"/)
    const short = await runCli(['app', '--yes', '--storage', 'local', '--no-git'], {cwd: dir})
    assert.equal(short.code, 0, short.stderr)
    assert.equal(JSON.parse(await readFile(path.join(dir, 'app', '.tempo-scalingo.json'), 'utf8')).answers.appName, 'app-tempo')
  })

  it('colours only when allowed: FORCE_COLOR colours, --no-color and NO_COLOR do not', async () => {
    const args = ['my-tempo', '--yes', '--storage', 'local', '--dry-run']
    const ESC = '\u001B['
    const coloured = await runCli(args, {cwd: await tempDir(), env: {FORCE_COLOR: '1', NO_COLOR: undefined}})
    assert.ok((coloured.stdout + coloured.stderr).includes(ESC), 'FORCE_COLOR gives colours')
    const flag = await runCli([...args, '--no-color'], {cwd: await tempDir(), env: {FORCE_COLOR: '1', NO_COLOR: undefined}})
    assert.ok(!(flag.stdout + flag.stderr).includes(ESC), '--no-color')
    const env = await runCli(args, {cwd: await tempDir(), env: {FORCE_COLOR: '1', NO_COLOR: '1'}})
    assert.ok(!(env.stdout + env.stderr).includes(ESC), 'NO_COLOR')
  })

  it('--help lists every setting with its env var', async () => {
    const result = await runCli(['--help'])
    assert.equal(result.code, 0)
    const create = await runCli(['create', '--help'])
    for (const s of ['--bucket', 'TEMPO_STORAGE_S3_BUCKET', '--tempo-version', '--config-mode', '--dry-run', '--[no-]git'])
      assert.ok(create.stdout.includes(s), s)
  })
})

describe('help pages', () => {
  it('`help CMD` is `CMD --help`; one placeholder style for values; examples that change something', async () => {
    for (const id of ['check', 'create', 'env-set']) {
      const help = await runCli(['help', id], {env: {COLUMNS: '80'}})
      assert.equal(help.code, 0, help.stderr)
      assert.equal(help.stdout, (await runCli([id, '--help'], {env: {COLUMNS: '80'}})).stdout)
    }
    assert.match((await runCli(['help'])).stdout, /^USAGE/m)
    for (const id of ['create', 'update', 'env-set', 'deploy']) {
      const help = (await runCli([id, '--help'])).stdout
      assert.match(help, /--region=<osc-fr1\|osc-secnum-fr1>/, id)
      assert.doesNotMatch(help, /<option>|--region=<value>/, id)
    }
    assert.doesNotMatch((await runCli(['update', '--help'])).stdout, /update --tempo-version 2\.10\.8/)
  })

  it('`version` prints the version; a command without arguments refuses one as oclif does elsewhere', async () => {
    const dir = await tempDir()
    const version = await runCli(['version'], {cwd: dir})
    assert.equal(version.code, 0)
    assert.match(version.stdout, /^create-tempo-scalingo\/\d+\.\d+\.\d+ /)
    assert.deepEqual(await readdir(dir), [], 'no app named "version"')
    for (const [id, extra] of [
      ['deploy', 'extra'],
      ['update', 'extra-arg'],
      ['env-set', 'x'],
    ]) {
      const r = await runCli([id, extra], {cwd: dir})
      assert.equal(r.code, 2)
      assert.equal(r.stderr, `✘ Unexpected argument: ${extra}\nSee \`node ${RUN} ${id} --help\`.\n`)
    }
  })

  it('`--help` and `CMD --help` print exactly what oclif renders, with the running Node in VERSION', async () => {
    const {helpIds, renderHelp} = await import('../../scripts/help-pages.mjs')
    for (const id of helpIds() as string[]) {
      const served = await runCli([...(id ? [id] : []), '--help'], {env: {COLUMNS: '80'}})
      assert.equal(served.code, 0)
      assert.equal(served.stdout, renderHelp(id), `help of "${id || 'root'}"`)
    }
    const n24 = await runCli(['-h'])
    assert.match(n24.stdout, new RegExp(`node-${process.version.replaceAll('.', '\\.')}$`, 'm'))
  })
})
