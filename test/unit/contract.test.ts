import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {readdirSync, readFileSync, statSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'

import {parse} from 'yaml'

import {contractShell, shellWord} from '../../src/lib/core/contract-shell.js'
import {
  blockFormatWarning,
  CONTRACT,
  DEFAULT_TEMPO_VERSION,
  ingestLimits,
  newestOfMajor,
  requiredVariables,
  tempoMajor,
} from '../../src/lib/core/contract.js'
import {setting} from '../../src/lib/settings/settings.js'
import {variablesTable} from '../../src/lib/core/docs.js'
import {ROOT} from '../helpers/cli.js'

const CONTRACT_SH = path.join(ROOT, 'buildpack/lib/contract.sh')

/** Runs bash with contract.sh sourced; SCRIPT prints what to compare. */
const bash = (script: string, env: Record<string, string> = {}): string =>
  execFileSync('bash', ['-c', `source "$1" && ${script}`, '_', CONTRACT_SH], {encoding: 'utf8', env: {PATH: process.env.PATH, ...env}})

describe('the contract', () => {
  it('buildpack/lib/contract.sh is what the contract generates (run npm run build after editing data/contract.json)', () => {
    assert.equal(readFileSync(CONTRACT_SH, 'utf8'), contractShell(CONTRACT))
  })

  it('the README tables are what the contract generates', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8')
    assert.ok(readme.includes(`<!-- contract:build-variables -->\n${variablesTable(CONTRACT.buildVariables)}<!-- /contract -->`))
    for (const v of CONTRACT.runtimeVariables) assert.ok(readme.includes(`| \`${v.name}\` |`), `${v.name} is documented`)
  })

  it('Bash reads back every value exactly, whatever its characters', () => {
    for (const value of ['', 'plain', "it's", 'a\tb\nc\\d$e`f"g', CONTRACT.warnings.localStorage]) {
      assert.equal(execFileSync('bash', ['-c', `printf %s ${shellWord(value)}`], {encoding: 'utf8'}), value)
    }
    assert.equal(bash('echo "$DEFAULT_TEMPO_VERSION"').trim(), DEFAULT_TEMPO_VERSION)
    assert.equal(bash('printf "%s\\n" "$WARNING_LOCAL_STORAGE"').trim(), CONTRACT.warnings.localStorage)
    for (const p of CONTRACT.ports) assert.equal(bash(`echo "\${PORT_DEFAULTS[${p.variable}]}"`).trim(), p.default)
    for (const v of CONTRACT.runtimeVariables) assert.equal(bash(`printf %s "\${RUNTIME_DEFAULTS[${v.name}]}"`), v.default)
    for (const v of CONTRACT.tempo.versions)
      assert.equal(bash(`tempo_major() { echo "\${TEMPO_VERSION_MAJOR[$1]}"; }; tempo_major ${v.version}`).trim(), v.major)
    assert.deepEqual(bash('printf "%s\\n" "${S3_REQUIRED_VARS[@]}"').trim().split('\n'), requiredVariables('s3'))
    assert.deepEqual(bash('printf "%s\\n" "${AUTH_VARS[@]}"').trim().split('\n'), requiredVariables('auth'))
  })

  it('each app variable is asked by the setting it names, under its name, secret where the contract says so', () => {
    for (const v of CONTRACT.appVariables.list) {
      const s = setting(v.setting)
      assert.equal(s.env, v.name, `setting ${v.setting}`)
      assert.equal(Boolean(s.secret), Boolean(v.secret), `${v.name} is${v.secret ? '' : ' not'} a secret`)
    }
    assert.deepEqual(requiredVariables('s3'), [
      'TEMPO_STORAGE_S3_BUCKET',
      'TEMPO_STORAGE_S3_ENDPOINT',
      'TEMPO_STORAGE_S3_ACCESS_KEY_ID',
      'TEMPO_STORAGE_S3_SECRET_ACCESS_KEY',
    ])
  })

  it('each credential rule means the same in Bash (ERE) and in TypeScript', () => {
    const samples = [
      '',
      'abc',
      'a b',
      'a\tb',
      'bell\u0007',
      'del\u007f',
      'line\nbreak',
      'tok.en~+/-==',
      'tok=en',
      'me@example.com',
      'a:b',
      'x'.repeat(64),
      'x'.repeat(65),
      'abc*',
      'é',
    ]
    for (const [name, rule] of Object.entries({
      INGEST_TOKEN_PATTERN: CONTRACT.credentials.ingestToken,
      QUERY_USER_PATTERN: CONTRACT.credentials.queryUser,
      PASSWORD_PATTERN: CONTRACT.credentials.password,
    })) {
      for (const sample of samples) {
        const inBash = bash(`[[ "$VALUE" =~ $${name} ]] && echo yes || echo no`, {VALUE: sample, LC_ALL: 'C.UTF-8'}).trim() === 'yes'
        assert.equal(inBash, new RegExp(rule.pattern).test(sample), `${name} on ${JSON.stringify(sample)}`)
      }
    }
  })

  it('names the major of known versions, and of others by their first number', () => {
    for (const v of CONTRACT.tempo.versions) assert.equal(tempoMajor(v.version), v.major)
    assert.equal(tempoMajor('v4.1.0'), '4')
    for (const major of Object.keys(CONTRACT.tempo.majors)) assert.equal(tempoMajor(newestOfMajor(major)), major)
  })

  it("the ingest limits' fallbacks in the configs are what the launcher sizes for an unknown memory", () => {
    const {bytesPerSecond, requests, generatorLiveBytes} = ingestLimits(CONTRACT.ingestLimits.unknownMemoryMiB)
    const fallback = (name: string) => CONTRACT.runtimeVariables.find((v) => v.name === name)?.default
    assert.equal(fallback('TEMPO_INGESTION_RATE_LIMIT_BYTES'), String(bytesPerSecond))
    assert.equal(fallback('TEMPO_INGESTION_BURST_SIZE_BYTES'), String(bytesPerSecond))
    assert.equal(fallback('TEMPO_PROXY_MAX_INGEST_REQUESTS'), String(requests))
    assert.equal(fallback('TEMPO_GENERATOR_MAX_LIVE_TRACES_BYTES'), String(generatorLiveBytes))
    const sized = (env: Record<string, string> = {}) =>
      bash(
        'source "$(dirname "$1")/log.sh" && source "$(dirname "$1")/settings.sh" && size_ingest_limits >/dev/null && echo "$TEMPO_INGESTION_RATE_LIMIT_BYTES $TEMPO_PROXY_MAX_INGEST_REQUESTS $TEMPO_GENERATOR_MAX_LIVE_TRACES_BYTES"',
        env,
      ).trim()
    assert.equal(sized(), `${bytesPerSecond} ${requests} ${generatorLiveBytes}`)
    // The README's per-size table (TypeScript) and the launcher (Bash) size alike.
    for (const mib of Object.values(CONTRACT.containerSizes)) {
      const limits = ingestLimits(mib)
      assert.equal(
        sized({CONTAINER_MEMORY: String(mib * 1048576)}),
        `${limits.bytesPerSecond} ${limits.requests} ${limits.generatorLiveBytes}`,
      )
    }
  })

  it("each known version's block format is the one its defaults write; an older format warns before a downgrade", () => {
    for (const {version, blockFormat} of CONTRACT.tempo.versions) {
      const defaults = parse(readFileSync(path.join(ROOT, `data/tempo/defaults-${version}.yaml`), 'utf8'))
      assert.equal(blockFormat, defaults.storage.trace.block.version, version)
    }
    assert.match(blockFormatWarning('2.10.8', '2.4.0') ?? '', /Tempo 2\.4\.0 cannot read the vParquet4 blocks that Tempo 2\.10\.8 wrote/)
    assert.match(blockFormatWarning('3.0.3', '2.4.0') ?? '', /cannot read the vParquet4 blocks/)
    assert.equal(blockFormatWarning('2.4.0', '2.10.8'), undefined)
    assert.equal(blockFormatWarning('2.10.8', '3.0.3'), undefined)
    assert.equal(blockFormatWarning('2.10.8', '2.9.1'), undefined, 'an unknown version: nothing to say')
  })

  it('lists the default Tempo version among the known ones', () => {
    assert.ok(CONTRACT.tempo.versions.some((v) => v.version === DEFAULT_TEMPO_VERSION))
  })
})

// Where the contract's values may appear: the contract, what is generated from it, and the key trees of real Tempo.
const GENERATED = new Set([
  'buildpack/lib/contract.sh',
  ...Object.values(CONTRACT.tempo.majors).flatMap((m) =>
    [m.template, m.templateBeforeMetrics].filter((t) => t !== undefined).map((t) => `buildpack/config/${t}`),
  ),
])

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir)).flatMap((name) => {
    const relative = `${dir}/${name}`
    return statSync(path.join(ROOT, relative)).isDirectory() ? sourceFiles(relative) : [relative]
  })
}

describe('no hand-written copy of the contract', () => {
  const values = [
    ...CONTRACT.tempo.versions.map((v) => v.version),
    ...CONTRACT.buildVariables.map((v) => v.default).filter((value) => value.length > 3),
    ...CONTRACT.ports.map((p) => p.default),
    CONTRACT.credentials.ingestToken.pattern,
    CONTRACT.credentials.queryUser.pattern,
    ...CONTRACT.legacyKeys.map((k) => k.old),
    ...Object.values(CONTRACT.warnings).map((text) => text.slice(0, 40)),
  ]
  // bench/README.md records measured output, which names versions and ports as they were.
  const code = (f: string) => !GENERATED.has(f) && f !== 'bench/README.md'
  for (const file of ['src', 'buildpack', 'templates', 'scripts', 'bench'].flatMap(sourceFiles).filter(code)) {
    it(`${file} takes the contract's values from the contract`, () => {
      const text = readFileSync(path.join(ROOT, file), 'utf8')
      const copies = values.filter((value) =>
        new RegExp(`(^|[^0-9A-Za-z_.])${value.replaceAll(/[.*+?^${}()|[\]\\/]/g, '\\$&')}($|[^0-9A-Za-z_])`).test(text),
      )
      assert.deepEqual(copies, [], `${file} repeats values of data/contract.json`)
    })
  }
})
