import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {classifyNetworkError} from '../../src/lib/core/network.js'

// As fetch throws them: a TypeError whose cause carries the system error.
const failure = (code: string, message = `${code} failure`) =>
  Object.assign(new TypeError('fetch failed'), {cause: Object.assign(new Error(message), {code})})

describe('network failures', () => {
  it('names each kind a fetch can fail with', () => {
    const timeout = Object.assign(new Error('aborted'), {name: 'TimeoutError'})
    const cases: [unknown, string][] = [
      [timeout, 'timeout'],
      [failure('ENOTFOUND'), 'dns'],
      [failure('EAI_AGAIN'), 'dns'],
      [Object.assign(new TypeError('fetch failed'), {cause: new Error('bad port')}), 'bad-port'],
      [failure('ECONNREFUSED'), 'refused'],
      [failure('ECONNRESET'), 'reset'],
      [failure('UND_ERR_CONNECT_TIMEOUT'), 'connect-timeout'],
      [failure('ERR_TLS_CERT_ALTNAME_INVALID'), 'tls'],
      [failure('', 'SSL routines: wrong version number'), 'tls'],
      [failure('EPIPE'), 'other'],
    ]
    for (const [error, kind] of cases)
      assert.equal(classifyNetworkError(error).kind, kind, String((error as Error & {cause?: Error}).cause?.message))
  })

  it('keeps the code and the underlying message', () => {
    assert.deepEqual(classifyNetworkError(failure('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1')), {
      kind: 'refused',
      code: 'ECONNREFUSED',
      detail: 'connect ECONNREFUSED 127.0.0.1:1',
    })
  })
})
