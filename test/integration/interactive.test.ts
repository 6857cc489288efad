import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {readdir, readFile} from 'node:fs/promises'
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
  it('asks every question, re-asks an invalid bucket with the rule, and writes the app', async () => {
    const dir = await tempDir()
    const {code, screen} = await drive([
      [/Directory to create/, `tempo-trial${ENTER}`],
      [/Scalingo app name/, ENTER],
      [/Web containers/, ENTER],
      [/Tempo version/, ENTER],
      [/Trace storage/, ENTER],
      [/S3 provider/, `${DOWN}${ENTER}`],
      [/S3 endpoint/, ENTER],
      [/S3 bucket/, `Bad_Bucket${ENTER}`],
      [/bucket names use lowercase/, `${BACKSPACE.repeat(12)}my-traces${ENTER}`],
      [/S3 access key id/, `AKIAINTERACTIVE0001${ENTER}`],
      [/S3 secret access key/, `interactive-secret-0123456789${ENTER}`],
      [/plain HTTP/, ENTER],
      [/gRPC port/, ENTER],
      [/retention/, ENTER],
      [/Configuration style/, ENTER],
      [/Generate the credentials/, ENTER],
      [/variables on Scalingo/, ENTER],
    ], ['--no-git'], dir)
    assert.equal(code, 0, screen)
    assert.ok(!screen.includes('interactive-secret-0123456789'), 'the secret is masked')
    const app = path.join(dir, 'tempo-trial')
    const answers = JSON.parse(await readFile(path.join(app, '.tempo-scalingo.json'), 'utf8')).answers
    assert.equal(answers.appName, 'tempo-trial')
    assert.equal(answers.bucket, 'my-traces')
    assert.equal(answers.s3Provider, 'scaleway-nl-ams')
    assert.equal(answers.endpoint, 's3.nl-ams.scw.cloud')
    assert.match(await readFile(path.join(app, '.env'), 'utf8'), /TEMPO_STORAGE_S3_SECRET_ACCESS_KEY='interactive-secret-0123456789'/)
  })

  it('Ctrl-C at a question exits 130 without a stack trace and leaves nothing', async () => {
    const dir = await tempDir()
    const {code, screen} = await drive([
      [/Scalingo app name/, ENTER],
      [/Web containers/, ENTER],
      [/Tempo version/, '\u0003'],
    ], ['my-tempo'], dir)
    assert.equal(code, 130, screen)
    assert.doesNotMatch(screen, /at .*\.js:\d+/)
    assert.deepEqual(await readdir(dir), [])
  })

  it('local storage is warned about at the question', async () => {
    const dir = await tempDir()
    const {code, screen} = await drive([
      [/Scalingo app name/, ENTER],
      [/Web containers/, ENTER],
      [/Tempo version/, ENTER],
      [/Trace storage/, `${DOWN}${ENTER}`],
      [/gRPC port/, ENTER],
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
