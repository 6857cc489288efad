// Renders every help page with oclif at build time, so that `--help` needs no oclif at run time.
import {execFileSync} from 'node:child_process'
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('../', import.meta.url))
const manifest = JSON.parse(readFileSync(`${root}oclif.manifest.json`, 'utf8'))

/** oclif's own help page for a command ('' for the root), as printed without a terminal. */
export function renderHelp(id) {
  const script = `const {run} = await import(${JSON.stringify(`${root}dist/cli.cjs`)}); await run(${JSON.stringify([...(id ? [id] : []), '--help'])}, ${JSON.stringify(root)})`
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
    env: {...process.env, COLUMNS: '80', NO_COLOR: '1'},
    encoding: 'utf8',
  })
}

export const helpIds = () => ['', ...Object.keys(manifest.commands)]

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  mkdirSync(`${root}dist/help`, {recursive: true})
  for (const id of helpIds()) writeFileSync(`${root}dist/help/${id || 'index'}.txt`, renderHelp(id))
}
