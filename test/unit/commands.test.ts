import assert from 'node:assert/strict'
import {readdirSync} from 'node:fs'
import path from 'node:path'
import {test} from 'node:test'

import {COMMANDS} from '../../src/cli.js'
import {ROOT} from '../helpers/cli.js'

test('the bundle lists every command of src/commands (oclif finds no other)', () => {
  const files = readdirSync(path.join(ROOT, 'src/commands')).map((f) => f.replace(/\.ts$/, ''))
  assert.deepEqual(Object.keys(COMMANDS).sort(), files.sort())
})
