import assert from 'node:assert/strict'
import {test} from 'node:test'

import {type NamedStep, runSteps} from '../../src/lib/core/steps.js'

interface Result {
  name: string
  status: string
}

const results = {begin: (name: string) => ({name, status: 'ok'}), skipped: (name: string) => ({name, status: 'skipped'})}
const ran: string[] = []
const step = (name: string, status?: string, always?: boolean): NamedStep<void, Result> => ({
  name,
  always,
  run: async (_ctx, result) => {
    ran.push(name)
    if (status) result.status = status
  },
})

test('steps run in order; after a failure the rest are skipped, except a step marked always', async () => {
  const seen: string[] = []
  const {results: out, failed} = await runSteps(
    [step('a'), step('b', 'failed'), step('c'), step('clean-up', undefined, true), step('d')],
    undefined,
    results,
    (r) => seen.push(`${r.name}:${r.status}`),
  )
  assert.equal(failed, true)
  assert.deepEqual(ran, ['a', 'b', 'clean-up'])
  assert.deepEqual(seen, ['a:ok', 'b:failed', 'c:skipped', 'clean-up:ok', 'd:skipped'])
  assert.deepEqual(
    out.map((r) => r.status),
    ['ok', 'failed', 'skipped', 'ok', 'skipped'],
  )
})

test('a step that skips itself does not stop the others', async () => {
  ran.length = 0
  const {failed, results: out} = await runSteps([step('a', 'skipped'), step('b')], undefined, results)
  assert.equal(failed, false)
  assert.deepEqual(ran, ['a', 'b'])
  assert.equal(out[1].status, 'ok')
})
