#!/usr/bin/env node
// `create-tempo-scalingo DIR ...` is the scaffold (`create`); named commands run as usual.
import {readFileSync} from 'node:fs'
import module from 'node:module'

// Node 22+ keeps compiled code between runs (the cache lives in the OS temp dir).
module.enableCompileCache?.()

const root = new URL('../', import.meta.url)
const manifest = JSON.parse(readFileSync(new URL('.oclif.manifest.json', root), 'utf8'))
const args = process.argv.slice(2)
const HELP = new Set(['--help', '-h'])

// Plain `--help` / `CMD --help` print the page oclif rendered at build time: oclif's
// import is most of the start-up time.
const page = args.length === 1 && (HELP.has(args[0]) || args[0] === 'help') ? 'index'
  : args.length === 2 && manifest.commands[args[0]] && HELP.has(args[1]) ? args[0] : undefined
if (page) {
  try {
    const text = readFileSync(new URL(`dist/help/${page}.txt`, root), 'utf8')
    // The VERSION line names the running Node, not the one of the build.
    const version = `create-tempo-scalingo/${manifest.version} ${process.platform}-${process.arch} node-${process.version}`
    process.stdout.write(text.replace(/^ {2}create-tempo-scalingo\/\S+ \S+ node-v\S+$/m, `  ${version}`))
    process.exit(0)
  } catch {
    // No pre-rendered page (a build in progress): oclif renders it.
  }
}

const passThrough = new Set([...Object.keys(manifest.commands), 'help', '--help', '-h', '--version'])
// oclif reads process.argv again when it reports errors, so the route goes there.
if (args[0] === undefined || !passThrough.has(args[0])) process.argv.splice(2, 0, 'create')

const {execute} = await import('@oclif/core/execute')
await execute({dir: import.meta.url})
