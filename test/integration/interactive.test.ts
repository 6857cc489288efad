import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {mkdir, readdir, readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {describe, it} from 'node:test'

import {tempDir} from '../helpers/cli.js'
import {S3_KEYS, startS3} from '../helpers/s3-server.js'
import {API_TOKEN, startFakeApi} from '../helpers/scalingo-fakes.js'
import {BACKSPACE, DOWN, drive, ENTER, UP} from '../helpers/terminal.js'

describe('create (interactive, on a terminal)', () => {
  it('asks the directory first, then app, region, size, storage, keys and version; re-asks an invalid bucket with the rule', async () => {
    const dir = await tempDir()
    const {code, screen} = await drive(
      [
        [/Directory to create/, `tempo-trial${ENTER}`],
        [/Scalingo app name/, ENTER],
        [/Scalingo region/, `${DOWN}${ENTER}`],
        [/Container size[\s\S]*M — 512 MB/, `${DOWN}${ENTER}`],
        [/Web containers/, ENTER],
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
        [/Check bucket/, `n${ENTER}`],
        [/Also generate a Grafana app/, `n${ENTER}`],
      ],
      ['--no-git'],
      dir,
    )
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
    assert.match(await readFile(path.join(app, '.env'), 'utf8'), /^TEMPO_STORAGE_S3_SECRET_ACCESS_KEY=interactive-secret-0123456789$/m)
  })

  it('"Other S3" asks endpoint, region and path-style; "another" version asks x.y.z and warns it is untested', async () => {
    const dir = await tempDir()
    const {code, screen} = await drive(
      [
        [/Scalingo app name/, ENTER],
        [/Scalingo region/, ENTER],
        [/Container size/, ENTER],
        [/Web containers/, ENTER],
        [/Trace storage/, ENTER],
        [/S3 provider/, `${UP}${ENTER}`],
        [/S3 endpoint/, `http://minio.internal:9000${ENTER}`],
        [/S3 region/, `us-east-1${ENTER}`],
        [/Path-style/, `y${ENTER}`],
        [/S3 bucket/, `my-traces${ENTER}`],
        [/S3 access key id/, `AKIAINTERACTIVE0002${ENTER}`],
        [/S3 secret access key/, `interactive-secret-0123456789${ENTER}`],
        [/Tempo version/, `${UP}${ENTER}`],
        [/x\.y\.z; untested here, verified at build/, `2.99.0${ENTER}`],
        [/retention/, ENTER],
        [/Configuration style/, ENTER],
        [/Generate the credentials/, ENTER],
        [/Check bucket/, `n${ENTER}`],
        [/Also generate a Grafana app/, `n${ENTER}`],
      ],
      ['my-tempo', '--no-git'],
      dir,
    )
    assert.equal(code, 0, screen)
    assert.match(screen, /Tempo 2\.99\.0 is not one of the tested versions/)
    const answers = JSON.parse(await readFile(path.join(dir, 'my-tempo', '.tempo-scalingo.json'), 'utf8')).answers
    assert.deepEqual(
      [answers.s3Provider, answers.endpoint, answers.s3Region, answers.forcePathStyle, answers.insecure, answers.tempoVersion],
      ['custom', 'minio.internal:9000', 'us-east-1', 'true', 'true', '2.99.0'],
    )
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

  it('a bad value given by flag or env is refused before the first question, nothing asked', async () => {
    const dir = await tempDir()
    const {code, screen} = await drive([], ['my-tempo', '--app', 'abc'], dir, {SCALINGO_REGION: 'x'})
    assert.equal(code, 2, screen)
    assert.match(screen, /--app \(SCALINGO_APP\): "abc" app names are 6 to 48/)
    assert.match(screen, /--region \(SCALINGO_REGION\): "x" the value is one of/)
    assert.doesNotMatch(screen, /\?/, 'no question at all')
    assert.deepEqual(await readdir(dir), [])
  })

  it('CI set on a terminal asks nothing, not even the directory', async () => {
    const dir = await tempDir()
    const {code, screen} = await drive([], ['--storage', 'local', '--no-git'], dir, {CI: '1'})
    assert.equal(code, 0, screen)
    assert.doesNotMatch(screen, /Directory to create|\?/)
    assert.deepEqual(await readdir(dir), ['my-tempo'])
  })

  it('Ctrl-C at a question exits 130 without a stack trace and leaves nothing', async () => {
    const dir = await tempDir()
    const {code, screen} = await drive(
      [
        [/Scalingo app name/, ENTER],
        [/Scalingo region/, '\u0003'],
      ],
      ['my-tempo'],
      dir,
    )
    assert.equal(code, 130, screen)
    assert.doesNotMatch(screen, /at .*\.js:\d+/)
    assert.deepEqual(await readdir(dir), [])
  })

  it('local storage is warned about at the question', async () => {
    const dir = await tempDir()
    const {code, screen} = await drive(
      [
        [/Scalingo app name/, ENTER],
        [/Scalingo region/, ENTER],
        [/Container size/, ENTER],
        [/Web containers/, ENTER],
        [/Trace storage/, `${DOWN}${ENTER}`],
        [/Tempo version/, ENTER],
        [/retention/, ENTER],
        [/Configuration style/, `${DOWN}${ENTER}`],
        [/Generate the credentials/, ENTER],
        [/Also generate a Grafana app/, `y${ENTER}`],
        [/Scalingo app name \(Grafana\)/, ENTER],
        [/Scalingo region/, ENTER],
        [/Container size \(Grafana\)/, ENTER],
      ],
      ['my-tempo', '--no-git'],
      dir,
    )
    assert.equal(code, 0, screen)
    // Asked at the end, the Grafana app looks at the Tempo app just written.
    const datasource = await readFile(path.join(dir, 'my-tempo-grafana/provisioning/datasources/tempo.yaml'), 'utf8')
    assert.match(datasource, /url: https:\/\/my-tempo\.osc-fr1\.scalingo\.io/)
    assert.match(screen, /EVERY TRACE WILL BE LOST/)
    assert.doesNotMatch(screen, /Check bucket|Scalingo app .* now/, 'no bucket to check; nothing can reach Scalingo from here')
    assert.ok(!(await readdir(path.join(dir, 'my-tempo'))).includes('tempo.yaml'), 'env mode writes no tempo.yaml')
  })

  describe('after the answers, on a terminal', () => {
    const settled = [
      '--app',
      'pty-journey',
      '--region',
      'osc-fr1',
      '--container-size',
      'M',
      '--containers',
      '1',
      '--storage',
      's3',
      '--s3-provider',
      'custom',
      '--s3-region',
      'fr-par',
      '--bucket',
      'pty-traces',
      '--tempo-version',
      '2.10.8',
      '--retention',
      '336h',
      '--config-mode',
      'file',
      '--generate-credentials',
    ]
    async function journey(steps: [RegExp, string][]) {
      const [s3, api] = await Promise.all([startS3({buckets: ['pty-traces']}), startFakeApi()])
      try {
        const dir = await tempDir()
        const remote = path.join(dir, 'remote.git')
        execFileSync('git', ['init', '--quiet', '--bare', remote])
        const result = await drive(steps, ['pty-journey', ...settled, '--endpoint', `http://${s3.endpoint}`, '--force-path-style'], dir, {
          TEMPO_STORAGE_S3_ACCESS_KEY_ID: S3_KEYS.readWrite.accessKeyId,
          TEMPO_STORAGE_S3_SECRET_ACCESS_KEY: S3_KEYS.readWrite.secretAccessKey,
          SCALINGO_API_TOKEN: API_TOKEN,
          SCALINGO_AUTH_URL: api.url,
          SCALINGO_API_URL: api.regionalUrl,
          SCALINGO_GIT_URL: remote,
        })
        const heads = execFileSync('git', ['--git-dir', remote, 'for-each-ref', '--format=%(refname:short)', 'refs/heads'], {
          encoding: 'utf8',
        }).trim()
        return {...result, heads, apps: api.apps, puts: api.requests.filter((q) => q.method === 'PUT').length}
      } finally {
        await Promise.all([s3.close(), api.close()])
      }
    }

    it('probes the bucket, creates the app, sets its variables, then offers the push', async () => {
      const r = await journey([
        [/Check bucket pty-traces/, ENTER],
        [/Create the Scalingo app pty-journey in osc-fr1 now/, ENTER],
        [/Set the app's variables on Scalingo/, ENTER],
        [/Push it to Scalingo \(pty-journey, osc-fr1\) now/, `y${ENTER}`],
        [/Also generate a Grafana app/, `n${ENTER}`],
      ])
      assert.equal(r.code, 0, r.screen)
      assert.match(r.screen, /✔ delete/)
      assert.equal(r.apps.get('pty-journey'), 'osc-fr1')
      assert.equal(r.puts, 1)
      assert.equal(r.heads, 'master')
    })

    it('without the variables set, the push is asked only if they are already set, and declined means no push', async () => {
      const r = await journey([
        [/Check bucket/, `n${ENTER}`],
        [/Create the Scalingo app/, `n${ENTER}`],
        [/Set the variables of the existing app pty-journey/, `n${ENTER}`],
        [/Only if its variables are already set/, ENTER],
        [/Also generate a Grafana app/, `n${ENTER}`],
      ])
      assert.equal(r.code, 0, r.screen)
      assert.equal(r.heads, '')
      assert.equal(r.puts, 0)
      assert.match(r.screen, /check --s3 .*# the bucket answers/)
    })
  })
})
