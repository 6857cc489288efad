import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {planScaffold, GENERATED_PATHS} from '../../src/lib/app/plan.js'
import {renderContext} from '../../src/lib/app/render.js'
import {resolveAnswers, type Sources} from '../../src/lib/settings/resolve.js'
import type {Setting} from '../../src/lib/settings/settings.js'

const base = (over: Partial<Sources> = {}): Sources => ({
  flags: {},
  env: {},
  context: {directoryName: 'my-tempo'},
  secrets: 'generate',
  ...over,
})
const KEYS = {
  TEMPO_STORAGE_S3_BUCKET: 'my-traces',
  TEMPO_STORAGE_S3_ACCESS_KEY_ID: 'AKIA0001',
  TEMPO_STORAGE_S3_SECRET_ACCESS_KEY: 'secret-0123456789',
}

/** Answers every question with a scripted value (else the suggestion), recording the order. */
function script(values: Record<string, string> = {}) {
  const asked: Setting[] = []
  const ask = async (s: Setting, _answers: unknown, suggested: string | undefined) => {
    asked.push(s)
    return values[s.name] ?? suggested ?? ''
  }
  return {asked, ask, names: () => asked.map((s) => s.name)}
}

describe('wizard questions', () => {
  it('asks app, Scalingo region, container size, storage, provider, bucket, keys, then the Tempo version; never internals', async () => {
    const q = script({bucket: 'my-traces', accessKey: 'AKIA0001', secretKey: 'secret-0123456789'})
    await resolveAnswers(base(), q.ask)
    const names = q.names()
    assert.deepEqual(names.slice(0, 10), [
      'appName',
      'region',
      'containerSize',
      'containers',
      'storage',
      's3Provider',
      'bucket',
      'accessKey',
      'secretKey',
      'tempoVersion',
    ])
    for (const internal of ['grpcPort', 'walPath', 'insecure']) assert.ok(!names.includes(internal), `${internal} is a flag only`)
    // A preset fills the endpoint and the S3 region: they are not asked.
    for (const preset of ['endpoint', 's3Region', 'forcePathStyle']) assert.ok(!names.includes(preset), preset)
  })

  it('the container size question shows each size with its memory', async () => {
    const q = script({storage: 'local'})
    await resolveAnswers(base(), q.ask)
    const size = q.asked.find((s) => s.name === 'containerSize')!
    assert.deepEqual(
      size.choices!.map((c) => c.label.split(' (')[0]),
      ['S — 256 MB', 'M — 512 MB', 'L — 1 GB', 'XL — 2 GB', '2XL — 4 GB'],
    )
  })

  it('"Other S3" asks endpoint, S3 region and path-style; an http:// endpoint turns insecure on', async () => {
    const q = script({
      s3Provider: 'custom',
      endpoint: 'http://minio.internal:9000',
      s3Region: 'us-east-1',
      forcePathStyle: 'true',
      bucket: 'my-traces',
      accessKey: 'AKIA0001',
      secretKey: 'secret-0123456789',
    })
    const {answers, warnings} = await resolveAnswers(base(), q.ask)
    assert.deepEqual(q.names().slice(5, 10), ['s3Provider', 'endpoint', 's3Region', 'forcePathStyle', 'bucket'])
    assert.equal(answers.endpoint, 'minio.internal:9000')
    assert.equal(answers.s3Region, 'us-east-1')
    assert.equal(answers.forcePathStyle, 'true')
    assert.equal(answers.insecure, 'true')
    assert.match(warnings.join('\n'), /http:\/\/ means plain HTTP to S3/)
  })

  it('insecure stays off for an https:// or bare endpoint, and a flag still decides', async () => {
    const https = await resolveAnswers(base({env: KEYS, flags: {endpoint: 'https://s3.example.com'}}))
    assert.equal(https.answers.insecure, 'false')
    const http = await resolveAnswers(base({env: KEYS, flags: {endpoint: 'http://minio.local:9000'}}))
    assert.equal(http.answers.insecure, 'true')
    const forced = await resolveAnswers(base({env: KEYS, flags: {endpoint: 'http://minio.local:9000', insecure: false}}))
    assert.equal(forced.answers.insecure, 'false')
  })

  it('the access key id is typed in the clear, the secret key masked', async () => {
    const q = script({bucket: 'my-traces', accessKey: 'AKIA0001', secretKey: 'secret-0123456789'})
    await resolveAnswers(base(), q.ask)
    const access = q.asked.find((s) => s.name === 'accessKey')!
    const secret = q.asked.find((s) => s.name === 'secretKey')!
    assert.equal(access.visible, true)
    assert.ok(secret.secret && !secret.visible)
  })

  it('Tempo 2.4.0 is said once not to serve Traces Drilldown, by flag and when picked in the wizard', async () => {
    const drilldown = (warnings: string[]) => warnings.filter((w) => /Traces Drilldown/.test(w))
    const flagged = await resolveAnswers(base({env: KEYS, flags: {'tempo-version': '2.4.0'}}))
    assert.deepEqual(drilldown(flagged.warnings), [
      "Tempo 2.4.0 cannot serve Grafana's Traces Drilldown (its TraceQL metrics need Tempo 2.6 or later): traces are stored and searchable, but Drilldown's panels fail. Use 2.10.8 or 3.0.3 to explore traces in Grafana 12.",
    ])
    const seen: string[] = []
    const picked = await resolveAnswers(base({env: KEYS, onWarning: (w) => seen.push(w)}), script({tempoVersion: '2.4.0'}).ask)
    assert.equal(drilldown(picked.warnings).length, 1)
    assert.equal(drilldown(seen).length, 1)
    const older = await resolveAnswers(base({env: KEYS, flags: {'tempo-version': '2.5.1'}}))
    assert.equal(drilldown(older.warnings).length, 1)
  })

  it('an unknown well-formed Tempo version passes with a warning that it is untested; a known one without', async () => {
    const unknown = await resolveAnswers(base({env: KEYS, flags: {'tempo-version': '2.99.0'}}))
    assert.equal(unknown.answers.tempoVersion, '2.99.0')
    assert.match(
      unknown.warnings.join('\n'),
      /Tempo 2\.99\.0 is not one of the tested versions \(2\.10\.8, 2\.4\.0, 3\.0\.3\): it is untested.*verifies/,
    )
    for (const version of ['2.10.8', '3.0.3']) {
      const known = await resolveAnswers(base({env: KEYS, flags: {'tempo-version': version}}))
      assert.deepEqual(known.warnings, [])
    }
    const typed = await resolveAnswers(base({env: KEYS}), script({tempoVersion: '3.1.0'}).ask)
    assert.match(typed.warnings.join('\n'), /Tempo 3\.1\.0 is not one of the tested versions/)
  })

  it('warnings reach onWarning as they arise, the local storage one included', async () => {
    const seen: string[] = []
    const {warnings} = await resolveAnswers(base({flags: {storage: 'local'}, onWarning: (w) => seen.push(w)}))
    assert.match(seen.join('\n'), /EVERY TRACE WILL BE LOST/)
    assert.deepEqual(seen, warnings)
  })

  it('a value from the environment that differs from the answers file is named in a warning', async () => {
    const {answers, warnings} = await resolveAnswers(
      base({secrets: 'optional', env: {TEMPO_VERSION: '2.10.8'}, saved: {tempoVersion: '2.4.0', storage: 'local'}}),
    )
    assert.equal(answers.tempoVersion, '2.10.8')
    assert.match(warnings.join('\n'), /TEMPO_VERSION=2\.10\.8 in the environment .* overrides tempoVersion "2\.4\.0" of the answers file/)
    const same = await resolveAnswers(
      base({secrets: 'optional', env: {TEMPO_VERSION: '2.4.0'}, saved: {tempoVersion: '2.4.0', storage: 'local'}}),
    )
    assert.ok(!same.warnings.some((w) => w.includes('overrides')))
  })

  it('the early directory check knows every path a scaffold can write', async () => {
    for (const configMode of ['file', 'env']) {
      const {answers} = await resolveAnswers(base({env: KEYS, flags: {'config-mode': configMode}}))
      for (const file of planScaffold(answers, renderContext('1.0.0', 'https://example.test/x.git')))
        assert.ok(GENERATED_PATHS.includes(file.path), file.path)
    }
  })
})
