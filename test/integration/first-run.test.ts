// What a new user meets around the wizard: typos, printed commands, warnings, update's messages.
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {readdir, readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {describe, it} from 'node:test'

import {ROOT, runCli, tempDir} from '../helpers/cli.js'

const S3_ENV = {
  TEMPO_STORAGE_S3_BUCKET: 'my-traces',
  TEMPO_STORAGE_S3_ACCESS_KEY_ID: 'SCWFIRSTRUNACCESSKEY01',
  TEMPO_STORAGE_S3_SECRET_ACCESS_KEY: 'first-run-secret-key-0123456789',
}
const CLONE = `node ${path.join(ROOT, 'bin/run.js')}`

describe('mistakes get help', () => {
  it('a first word close to a command is a typo: did you mean, exit 2, nothing created', async () => {
    const dir = await tempDir()
    for (const [typo, command] of [
      ['deplyo', 'deploy'],
      ['chek', 'check'],
    ]) {
      const r = await runCli([typo], {cwd: dir, env: S3_ENV})
      assert.equal(r.code, 2, r.stderr)
      assert.match(r.stderr, new RegExp(`Unknown command "${typo}": did you mean ${command}\\?`))
      assert.ok(r.stderr.includes(`\`${CLONE} create ${typo}\``), r.stderr)
    }
    assert.deepEqual(await readdir(dir), [])
  })

  it('a mistyped flag gets a suggestion', async () => {
    const r = await runCli(['my-tempo', '--buckt', 'x'], {cwd: await tempDir()})
    assert.equal(r.code, 2)
    assert.match(r.stderr, /Nonexistent flag: --buckt: did you mean --bucket\?/)
    const check = await runCli(['check', '--timout', '3'], {cwd: await tempDir()})
    assert.match(check.stderr, /did you mean --timeout\?/)
    const twice = await runCli(['my-tempo', '--bucket', 'a-1', '--bucket', 'b-2'], {cwd: await tempDir()})
    assert.equal(twice.code, 2)
    assert.match(twice.stderr, /^✘ Flag --bucket can only be specified once\nSee `/)
  })

  it('-v and --version print the version', async () => {
    const {version} = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8'))
    for (const flag of ['-v', '--version']) {
      const r = await runCli([flag])
      assert.equal(r.code, 0, r.stderr)
      assert.match(r.stdout, new RegExp(`^create-tempo-scalingo/${version.replaceAll('.', '\\.')} `))
    }
  })
})

describe('printed commands work where printed', () => {
  it('from a clone, next steps and the README name the entry script', async () => {
    const dir = await tempDir()
    const r = await runCli(['my-tempo', '--yes', '--no-git'], {
      cwd: dir,
      env: {...S3_ENV, npm_config_user_agent: 'pnpm/9.12.0 npm/? node/v20.19.0 linux x64'},
    })
    assert.equal(r.code, 0, r.stderr)
    assert.ok(r.stdout.includes(`${CLONE} deploy`), r.stdout)
    assert.doesNotMatch(r.stdout, /npx|pnpm dlx/)
    const readme = await readFile(path.join(dir, 'my-tempo', 'README.md'), 'utf8')
    assert.ok(readme.includes(`${CLONE} env-set`))
    assert.doesNotMatch(readme, /npx /)
  })

  it('--json gives the next steps as structured steps', async () => {
    const dir = await tempDir()
    const r = await runCli(['my-tempo', '--yes', '--no-git', '--json'], {cwd: dir, env: S3_ENV})
    const doc = JSON.parse(r.stdout)
    const steps = doc.nextSteps as {id: string; command: string}[]
    assert.deepEqual(
      steps.map((s) => s.id),
      ['cd', 'check-s3', 'create-app', 'env-set', 'deploy', 'check'],
    )
    assert.equal(steps.find((s) => s.id === 'deploy')!.command, `${CLONE} deploy`)
    assert.equal(steps.find((s) => s.id === 'create-app')!.command, 'scalingo --region osc-fr1 create my-tempo')
  })
})

describe('warnings are never lost', () => {
  it('--storage local as a flag warns on stderr, and in --json too', async () => {
    const dir = await tempDir()
    const plain = await runCli(['a-tempo', '--yes', '--no-git', '--storage', 'local'], {cwd: dir})
    assert.match(plain.stderr, /! Storage backend is .local.: .*EVERY TRACE WILL BE LOST/)
    const json = await runCli(['b-tempo', '--yes', '--no-git', '--storage', 'local', '--json'], {cwd: dir})
    assert.equal(json.code, 0, json.stderr)
    assert.match(JSON.parse(json.stdout).warnings.join('\n'), /EVERY TRACE WILL BE LOST/)
    assert.match(json.stderr, /EVERY TRACE WILL BE LOST/)
  })

  it('an untested Tempo version is a warning in both places', async () => {
    const r = await runCli(['c-tempo', '--yes', '--no-git', '--json', '--storage', 'local', '--tempo-version', '2.99.0'], {
      cwd: await tempDir(),
    })
    assert.equal(r.code, 0, r.stderr)
    assert.match(JSON.parse(r.stdout).warnings.join('\n'), /Tempo 2\.99\.0 is not one of the tested versions/)
    assert.match(r.stderr, /Tempo 2\.99\.0 is not one of the tested versions/)
  })
})

describe('update says what is true', () => {
  async function committedApp(): Promise<string> {
    const dir = await tempDir()
    const r = await runCli(['my-app', '--yes'], {cwd: dir, env: S3_ENV})
    assert.equal(r.code, 0, r.stderr)
    return path.join(dir, 'my-app')
  }

  it('no "uncommitted changes" caused by its own writes; a loaded .env cannot change the version behind its back', async () => {
    const app = await committedApp()
    const dotEnv = await readFile(path.join(app, '.env'), 'utf8')
    assert.doesNotMatch(dotEnv, /TEMPO_VERSION|TEMPO_RETENTION/, '.env holds secrets only')
    const bump = await runCli(['update', '--tempo-version', '2.4.0'], {cwd: app})
    assert.equal(bump.code, 0, bump.stderr)
    assert.doesNotMatch(bump.stderr, /uncommitted/)
    assert.match(bump.stdout, /Review with `git diff`, then commit/)
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qam', 'bump'], {cwd: app})

    const drift = await runCli(['update', '--json'], {cwd: app, env: {TEMPO_VERSION: '2.10.8'}})
    const doc = JSON.parse(drift.stdout)
    const warning = /TEMPO_VERSION=2\.10\.8 in the environment .*overrides tempoVersion "2\.4\.0" of the answers file/
    assert.match(doc.warnings.join('\n'), warning)
    assert.match(drift.stderr, warning)
  })

  it('a tree dirty before the update is named as such', async () => {
    const app = await committedApp()
    await writeFile(path.join(app, 'notes.txt'), 'mine\n')
    const r = await runCli(['update', '--tempo-version', '2.4.0'], {cwd: app})
    assert.match(r.stderr, /had uncommitted changes before this update/)
  })

  it('--check with a user edit points to update --dry-run and update --force', async () => {
    const app = await committedApp()
    const readme = path.join(app, 'README.md')
    await writeFile(readme, (await readFile(readme, 'utf8')) + '\nOur notes.\n')
    const r = await runCli(['update', '--check', '--tempo-version', '2.4.0'], {cwd: app})
    assert.equal(r.code, 1)
    assert.match(r.stdout, /README\.md was edited by you/)
    assert.ok(r.stdout.includes(`\`${CLONE} update --dry-run\``) && r.stdout.includes(`\`${CLONE} update --force\``), r.stdout)
    assert.match(r.stdout, /kept as <file>\.orig/)
  })
})
