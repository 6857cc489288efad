import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {hash} from '../../src/lib/app/answers.js'
import {unifiedDiff} from '../../src/lib/core/diff.js'
import {isDrift, planUpdate} from '../../src/lib/app/update.js'

const file = (path: string, content: string) => ({path, content})

describe('planUpdate (pure)', () => {
  const generated = 'a: 1\nb: 2\n'
  const next = 'a: 1\nb: 3\n'
  const recorded = {'tempo.yaml': hash(generated)}

  it('rewrites a file still as generated', () => {
    const [change] = planUpdate({'tempo.yaml': generated}, recorded, [file('tempo.yaml', next)])
    assert.equal(change.action, 'rewrite')
    assert.ok(isDrift(change))
  })

  it('never rewrites a file the user edited, and gives the diff', () => {
    const [change] = planUpdate({'tempo.yaml': 'a: 1\nb: 2\nc: mine\n'}, recorded, [file('tempo.yaml', next)])
    assert.equal(change.action, 'conflict')
    assert.match(change.diff, /^\+b: 3$/m)
    assert.match(change.diff, /^-c: mine$/m)
  })

  it('an edit that already matches the new rendering is unchanged', () => {
    const [change] = planUpdate({'tempo.yaml': next}, recorded, [file('tempo.yaml', next)])
    assert.equal(change.action, 'unchanged')
    assert.equal(isDrift(change), false)
  })

  it('a deleted file stays deleted; a new template file is created', () => {
    const changes = planUpdate({}, recorded, [file('tempo.yaml', next), file('new.txt', 'x\n')])
    assert.deepEqual(
      changes.map((c) => c.action),
      ['deleted', 'create'],
    )
    assert.equal(isDrift(changes[0]), false)
  })

  it('a file no longer generated is removed if unedited, a conflict if edited', () => {
    assert.equal(planUpdate({'tempo.yaml': generated}, recorded, [])[0].action, 'remove')
    assert.equal(planUpdate({'tempo.yaml': 'mine\n'}, recorded, [])[0].action, 'conflict')
  })

  it('a file of the same name that the user made before it was generated is a conflict', () => {
    assert.equal(planUpdate({'new.txt': 'mine\n'}, {}, [file('new.txt', 'x\n')])[0].action, 'conflict')
  })
})

describe('unifiedDiff', () => {
  it('is empty for equal texts and has hunk headers with line numbers', () => {
    assert.equal(unifiedDiff('a\n', 'a\n', 'a', 'b'), '')
    const old = Array.from({length: 20}, (_, i) => `line ${i + 1}`).join('\n') + '\n'
    const changed = old.replace('line 10\n', 'line ten\n')
    assert.equal(
      unifiedDiff(old, changed, 'a/f', 'b/f'),
      ['--- a/f', '+++ b/f', '@@ -7,7 +7,7 @@', 'line 7', 'line 8', 'line 9', '-line 10', '+line ten', 'line 11', 'line 12', 'line 13', '']
        .join('\n')
        .replace(/\nline/g, '\n line'),
    )
  })
})
