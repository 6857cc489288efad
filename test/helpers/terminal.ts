// Drives the built CLI on a pseudo-terminal (terminal.py): each step waits for a pattern on
// the screen, then types its keys.
import {spawn} from 'node:child_process'
import path from 'node:path'

import {cleanEnv, ROOT, RUN} from './cli.js'

export const ENTER = '\r'
export const DOWN = '\u001B[B'
export const UP = '\u001B[A'
export const BACKSPACE = '\u007F'

export function drive(
  steps: [RegExp, string][],
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<{code: number | null; screen: string}> {
  const json = JSON.stringify(steps.map(([pattern, keys]) => [pattern.source, keys]))
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [path.join(ROOT, 'test/helpers/terminal.py'), json, process.execPath, RUN, ...args], {
      cwd,
      env: cleanEnv({TERM: 'xterm', ...env}),
    })
    let screen = ''
    child.stdout.on('data', (d) => (screen += d))
    child.stderr.on('data', (d) => (screen += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({code, screen}))
  })
}
