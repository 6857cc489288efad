import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {mkdir, readdir, readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {describe, it} from 'node:test'

import {cleanEnv, ROOT, RUN, tempDir} from '../helpers/cli.js'

const ENTER = '\r'
const DOWN = '\u001B[B'
const BACKSPACE = '\u007F'

function drive(steps: [RegExp, string][], args: string[], cwd: string): Promise<{code: number | null; screen: string}> {
  const json = JSON.stringify(steps.map(([pattern, keys]) => [pattern.source, keys]))
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [path.join(ROOT, 'test/helpers/terminal.py'), json, process.execPath, RUN, ...args], {cwd, env: cleanEnv({TERM: 'xterm'})})
    let screen = ''
    child.stdout.on('data', (d) => (screen += d))
    child.stderr.on('data', (d) => (screen += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({code, screen}))
  })
}

describe('create (interactive, on a terminal)', () => {
  it('asks the directory first, then app, region, size, storage, keys and version; re-asks an invalid bucket with the rule', async () => {
    const dir = await tempDir()
    const {code, screen} = await drive([
      [/Directory to create/, `tempo-trial${ENTER}`],
      [/Scalingo app name/, ENTER],
      [/Scalingo region/, `${DOWN}${ENTER}`],
      [/Container size[\s\S]*M — 512 MB/, `${DOWN}${ENTER}`],
      [/Trace storage/, ENTER],
      [/S3 provider/, `${DOWN}${ENTER}`],
      [/S3 bucket/, `Bad_Bucket${ENTER}`],
      [/bucket names use lowercase/, `${BACKSPACE.repeat(12)}my-traces${ENTER}`],
      [/S3 access key id/, `AKIAINTERACTIVE0001${ENTER}`],
      [/S3 secret access key/, `interactive-secret-0123456789${ENTER}`],
      [/Tempo version/, ENTER],
      [/retention/, ENTER],
      [/Configuration style/, ENTER],
      [/Generate the credentials/, ENTER],
      [/variables on Scalingo/, ENTER],
    ], ['--no-git'], dir)
    assert.equal(code, 0, screen)
    assert.ok(!screen.includes('interactive-secret-0123456789'), 'the secret is masked')
    assert.ok(screen.includes('AKIAINTERACTIVE0001'), 'the access key id is shown as typed')
    for (const internal of [/gRPC port/, /plain HTTP/, /S3 endpoint/]) assert.doesNotMatch(screen, internal)
    const app = path.join(dir, 'tempo-trial')
    const answers = JSON.parse(await readFile(path.join(app, '.tempo-scalingo.json'), 'utf8')).answers
    assert.equal(answers.appName, 'tempo-trial')
    assert.equal(answers.region, 'osc-secnum-fr1')
    assert.equal(answers.containerSize, 'L')
    assert.equal(answers.bucket, 'my-traces')
    assert.equal(answers.s3Provider, 'scaleway-nl-ams')
    assert.equal(answers.endpoint, 's3.nl-ams.scw.cloud')
    assert.equal(answers.s3Region, 'nl-ams')
    assert.equal(answers.insecure, 'false')
    assert.match(await readFile(path.join(app, '.env'), 'utf8'), /TEMPO_STORAGE_S3_SECRET_ACCESS_KEY='interactive-secret-0123456789'/)
  })

  it('"Other S3" asks endpoint, region and path-style; "another" version asks x.y.z and warns it is untested', async () => {
    const dir = await tempDir()
    const {code, screen} = await drive([
      [/Scalingo app name/, ENTER],
      [/Scalingo region/, ENTER],
      [/Container size/, ENTER],
      [/Trace storage/, ENTER],
      [/S3 provider/, `${'\u001B[A'}${ENTER}`],
      [/S3 endpoint/, `http://minio.internal:9000${ENTER}`],
      [/S3 region/, `us-east-1${ENTER}`],
      [/Path-style/, `y${ENTER}`],
      [/S3 bucket/, `my-traces${ENTER}`],
      [/S3 access key id/, `AKIAINTERACTIVE0002${ENTER}`],
      [/S3 secret access key/, `interactive-secret-0123456789${ENTER}`],
      [/Tempo version/, `${'\u001B[A'}${ENTER}`],
      [/x\.y\.z; untested here, verified at build/, `2.99.0${ENTER}`],
      [/retention/, ENTER],
      [/Configuration style/, ENTER],
      [/Generate the credentials/, ENTER],
      [/variables on Scalingo/, ENTER],
    ], ['my-tempo', '--no-git'], dir)
    assert.equal(code, 0, screen)
    assert.match(screen, /Tempo 2\.99\.0 is not one of the tested versions/)
    const answers = JSON.parse(await readFile(path.join(dir, 'my-tempo', '.tempo-scalingo.json'), 'utf8')).answers
    assert.deepEqual([answers.s3Provider, answers.endpoint, answers.s3Region, answers.forcePathStyle, answers.insecure, answers.tempoVersion],
      ['custom', 'minio.internal:9000', 'us-east-1', 'true', 'true', '2.99.0'])
  })

  it('a non-empty directory is refused before any other question, nothing asked nor written', async () => {
    const dir = await tempDir()
    await mkdir(path.join(dir, 'taken'))
    await writeFile(path.join(dir, 'taken', 'README.md'), 'mine\n')
    const typed = await drive([[/Directory to create/, `taken${ENTER}`]], [], dir)
    assert.equal(typed.code, 2, typed.screen)
    assert.match(typed.screen, /taken is not empty \(files that would be overwritten: README\.md\)/)
    assert.doesNotMatch(typed.screen, /Scalingo app name/)
    const given = await drive([], ['taken'], dir)
    assert.equal(given.code, 2, given.screen)
    assert.doesNotMatch(given.screen, /\?/, 'no question at all')
    assert.equal(await readFile(path.join(dir, 'taken', 'README.md'), 'utf8'), 'mine\n')
    assert.deepEqual(await readdir(dir), ['taken'])
  })

  it('Ctrl-C at a question exits 130 without a stack trace and leaves nothing', async () => {
    const dir = await tempDir()
    const {code, screen} = await drive([
      [/Scalingo app name/, ENTER],
      [/Scalingo region/, '\u0003'],
    ], ['my-tempo'], dir)
    assert.equal(code, 130, screen)
    assert.doesNotMatch(screen, /at .*\.js:\d+/)
    assert.deepEqual(await readdir(dir), [])
  })

  it('local storage is warned about at the question', async () => {
    const dir = await tempDir()
    const {code, screen} = await drive([
      [/Scalingo app name/, ENTER],
      [/Scalingo region/, ENTER],
      [/Container size/, ENTER],
      [/Trace storage/, `${DOWN}${ENTER}`],
      [/Tempo version/, ENTER],
      [/retention/, ENTER],
      [/Configuration style/, `${DOWN}${ENTER}`],
      [/Generate the credentials/, ENTER],
      [/variables on Scalingo/, ENTER],
    ], ['my-tempo', '--no-git'], dir)
    assert.equal(code, 0, screen)
    assert.match(screen, /lost at each restart/)
    assert.ok(!(await readdir(path.join(dir, 'my-tempo'))).includes('tempo.yaml'), 'env mode writes no tempo.yaml')
  })
})
