#!/usr/bin/env node
// `create-tempo-scalingo DIR ...` is the scaffold (`create`); named commands run as usual.
// CommonJS, as is the bundle (bin/package.json, dist/cli.cjs): Node starts an ES module entry
// with its ES module loader, ~2 ms more at each start.
const {readFileSync} = require('node:fs')
const path = require('node:path')

const root = path.join(__dirname, '..')
const HELP = new Set(['--help', '-h'])
// `help [CMD]` is `[CMD] --help`; `version` and `-v` are `--version`.
if (process.argv[2] === 'help') process.argv.splice(2, 2, ...process.argv.slice(3, 4), '--help')
if (process.argv[2] === 'version' || process.argv[2] === '-v') process.argv[2] = '--version'
const args = process.argv.slice(2)

// Plain `--help` / `CMD --help` print the page oclif rendered at build time (dist/help/CMD.txt):
// neither oclif nor the manifest is read.
const page =
  args.length === 1 && HELP.has(args[0])
    ? 'index'
    : args.length === 2 && /^[a-z][a-z-]*$/.test(args[0]) && HELP.has(args[1])
      ? args[0]
      : undefined
if (page) {
  try {
    const text = readFileSync(path.join(root, 'dist', 'help', `${page}.txt`), 'utf8')
    // The VERSION line names the running Node, not the one of the build.
    const running = `${process.platform}-${process.arch} node-${process.version}`
    process.stdout.write(text.replace(/^( {2}create-tempo-scalingo\/\S+) \S+ node-v\S+$/m, `$1 ${running}`))
    process.exit(0)
  } catch {
    // No such page (an unknown command, a build in progress): oclif answers.
  }
}

// Node 22+ keeps compiled code between runs (the cache lives in the OS temp dir).
require('node:module').enableCompileCache?.()
const manifest = JSON.parse(readFileSync(path.join(root, 'oclif.manifest.json'), 'utf8'))
const bundle = require('../dist/cli.cjs')
const passThrough = new Set([...Object.keys(manifest.commands), '--help', '-h', '--version'])
const fail = (message) => {
  process.stderr.write(message)
  process.exit(2)
}
if (args[0] !== undefined && !args[0].startsWith('-') && !passThrough.has(args[0])) {
  // A word close to a command is a typo, not the name of an app to create.
  const command = bundle.closest(args[0], Object.keys(manifest.commands))
  if (command) {
    fail(
      `✘ Unknown command "${args[0]}": did you mean ${command}?\n` +
        `  To create an app in a directory named ${args[0]}, run \`${bundle.cli(`create ${args[0]}`)}\`.\n`,
    )
  }
}
// With spaces between topics, oclif reads `deploy extra` as a command `deploy extra`: a command
// without arguments is given one too many.
const own = manifest.commands[args[0]]
const extra = own && Object.keys(own.args ?? {}).length === 0 ? args.slice(1).find((arg) => !arg.startsWith('-')) : undefined
if (extra !== undefined && !args.slice(1, args.indexOf(extra)).some((arg) => arg.startsWith('-'))) {
  fail(`✘ Unexpected argument: ${extra}\nSee \`${bundle.cli(`${args[0]} --help`)}\`.\n`)
}
// oclif reads process.argv again when it reports errors, so the route goes there.
if (args[0] === undefined || !passThrough.has(args[0])) process.argv.splice(2, 0, 'create')

// oclif is given the package.json it would find and read, and no user plugins to look for (this CLI has none).
const pjson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'))
bundle.execute({loadOptions: {root, pjson, userPlugins: false}})
