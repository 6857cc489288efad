import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {formatDotEnv, parseDotEnv, quoteDotEnv} from '../../src/lib/core/dotenv.js'

const HARD: Record<string, string> = {
  DOLLAR: 'a$HOME${PATH}$',
  SINGLE: "it's",
  DOUBLE: 'say "hi"',
  BOTH: `it's "x" and $y`,
  BACKSLASH: 'a\\b\\nc\\$d',
  HASH: 'a #not a comment#',
  SPACES: '  padded  value ',
  UNICODE: 'clé-été-日本-🚀',
  LEADING_QUOTE: '"quoted start',
  ENDS_QUOTE: 'ends with "quote"',
  ENDS_BACKSLASH: 'ends\\',
  BACKTICK: 'a `cmd` b',
  NEWLINE: 'one\ntwo',
  EQUALS: 'a=b==',
  PLAIN: 'abc-DEF_123.x/y:z',
}

describe('the .env format', () => {
  test('every value reads back as written: $, both quotes, backslash, #, spaces, non-ASCII', () => {
    const text = formatDotEnv(HARD, 'a comment')
    assert.deepEqual(parseDotEnv(text, {HOME: '/root', PATH: '/bin'}), HARD)
  })

  test('reads what people write by hand, as the Scalingo CLI does', () => {
    const text = [
      '# comment',
      '',
      'export A=1',
      'B = two words # a comment',
      'C=x#y',
      "D='$A literal'",
      'E="$A expanded ${B}"',
      'F=$MISSING',
      'G="\\$A"',
      'H: colon',
      'garbage line',
    ].join('\n')
    assert.deepEqual(parseDotEnv(text, {}), {
      A: '1',
      B: 'two words',
      C: 'x#y',
      D: '$A literal',
      E: '1 expanded two words',
      F: '',
      G: '$A',
      H: 'colon',
    })
  })

  test('a value that cannot be read back unchanged is refused, naming the variable', () => {
    assert.throws(() => quoteDotEnv('X', `it's a \\`), /X: .*single quote/)
    assert.throws(() => parseDotEnv('X="open'), /X has no closing "/)
  })

  test('plain values stay unquoted, others are quoted', () => {
    assert.equal(quoteDotEnv('X', 'abc'), 'abc')
    assert.equal(quoteDotEnv('X', 'a b'), "'a b'")
    assert.equal(quoteDotEnv('X', "it's"), `"it's"`)
  })
})
