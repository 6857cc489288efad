import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {invocation} from '../../src/lib/core/invocation.js'
import {closest} from '../../src/lib/core/suggest.js'

describe('printed commands', () => {
  const installed = '/home/me/.npm/_npx/1a2b/node_modules/create-tempo-scalingo'
  it('follow the package manager that ran the CLI', () => {
    assert.equal(invocation(installed, undefined), 'npx create-tempo-scalingo')
    assert.equal(invocation(installed, 'npm/10.8.2 node/v20.19.0 linux x64 workspaces/false'), 'npx create-tempo-scalingo')
    assert.equal(invocation(installed, 'pnpm/9.12.0 npm/? node/v20.19.0 linux x64'), 'pnpm dlx create-tempo-scalingo')
    assert.equal(invocation(installed, 'yarn/4.5.0 npm/? node/v20.19.0 linux x64'), 'yarn dlx create-tempo-scalingo')
    assert.equal(invocation(installed, 'bun/1.1.30 npm/? node/v20.19.0 linux x64'), 'bunx create-tempo-scalingo')
  })

  it('name the entry script when the CLI does not run from an installed package', () => {
    assert.equal(invocation('/home/me/src/create-tempo-scalingo', 'pnpm/9.12.0'), 'node /home/me/src/create-tempo-scalingo/bin/run.js')
  })
})

describe('typo suggestions', () => {
  const commands = ['check', 'create', 'deploy', 'env-set', 'update']
  it('name the command or flag a typo is close to', () => {
    assert.equal(closest('deplyo', commands), 'deploy')
    assert.equal(closest('chek', commands), 'check')
    assert.equal(closest('envset', commands), 'env-set')
    assert.equal(closest('buckt', ['bucket', 'endpoint', 'force']), 'bucket')
  })

  it('stay quiet for words that are not typos (app directory names)', () => {
    for (const word of ['my-tempo', 'tempo', 'dev', 'traces']) assert.equal(closest(word, commands), undefined, word)
  })
})
