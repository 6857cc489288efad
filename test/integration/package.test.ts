// The published package, as `npx create-tempo-scalingo` gets it: packed, installed into an
// empty project (nothing fetched: it has no dependencies), and run from there.
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {readdir, readFile, stat, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {before, describe, it} from 'node:test'

import {cleanEnv, ROOT, tempDir} from '../helpers/cli.js'

async function size(dir: string): Promise<number> {
  let total = 0
  for (const entry of await readdir(dir, {withFileTypes: true})) {
    const file = path.join(dir, entry.name)
    total += entry.isDirectory() ? await size(file) : (await stat(file)).size
  }
  return total
}

describe('the published package', () => {
  let project: string
  before(async () => {
    const packed = await tempDir()
    // --ignore-scripts: `prepare` would build again; the tests run on the build at hand.
    const name = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', packed], {
      cwd: ROOT,
      encoding: 'utf8',
    }).trim()
    project = await tempDir()
    await writeFile(path.join(project, 'package.json'), '{"name":"empty","version":"1.0.0","private":true}\n')
    execFileSync('npm', ['install', '--offline', '--omit=dev', '--no-audit', '--no-fund', '--loglevel=error', path.join(packed, name)], {
      cwd: project,
      env: cleanEnv(),
    })
  })

  it('installs as one package of at most 3 MiB: no dependency tree', async () => {
    const lock = JSON.parse(await readFile(path.join(project, 'node_modules', '.package-lock.json'), 'utf8'))
    assert.deepEqual(Object.keys(lock.packages).filter(Boolean), ['node_modules/create-tempo-scalingo'])
    const bytes = await size(path.join(project, 'node_modules'))
    assert.ok(bytes <= 3 * 1024 * 1024, `${bytes} bytes`)
  })

  it('scaffolds from its bundle, reading the templates and the contract as files; its next steps name npx', async () => {
    const out = execFileSync('npx', ['--offline', 'create-tempo-scalingo', 'my-tempo', '--yes', '--storage', 'local', '--no-git'], {
      cwd: project,
      env: cleanEnv({npm_config_user_agent: undefined}),
      encoding: 'utf8',
    })
    assert.match(out, /npx create-tempo-scalingo deploy/)
    assert.deepEqual((await readdir(path.join(project, 'my-tempo'))).sort(), [
      '.buildpacks',
      '.env',
      '.gitignore',
      '.tempo-scalingo.json',
      'README.md',
      'scalingo.json',
      'tempo.yaml',
    ])
    const help = execFileSync('npx', ['--offline', 'create-tempo-scalingo', 'help', 'check'], {
      cwd: project,
      env: cleanEnv(),
      encoding: 'utf8',
    })
    assert.match(help, /create-tempo-scalingo check \[URL\]/)
    const lint = execFileSync('npx', ['--offline', 'create-tempo-scalingo', 'check', '--config', 'my-tempo/tempo.yaml'], {
      cwd: project,
      env: cleanEnv(),
      encoding: 'utf8',
    })
    assert.match(lint, /tempo\.yaml/)
  })
})
