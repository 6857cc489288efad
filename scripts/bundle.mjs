// Bundles the CLI into dist/ (its dependencies included), so that the published package
// installs with no dependency tree. One file, dist/cli.cjs, holds what every command needs: a file
// per lazy import (esbuild's splitting) cost more to find, read and link than the lazy code costs
// to parse in one file, where a module is initialised on first use all the same. Libraries only
// some paths need are files of their own (dist/vendor/).
import {readFile} from 'node:fs/promises'
import {createRequire} from 'node:module'

import {build} from 'esbuild'

// oclif requires these at load time for what this CLI never does: find commands by glob
// (they are listed: "explicit"), match plugin names (it has no plugins), look for an oclif
// config outside package.json, draw spinners, find PowerShell. Left out, they cost nothing
// at each start.
const fail = (name) => `() => { throw new Error(${JSON.stringify(`${name} is left out of the bundle`)}) }`
const STUBS = {
  tinyglobby: `module.exports = {glob: ${fail('tinyglobby')}}`,
  minimatch: `module.exports = {minimatch: ${fail('minimatch')}}`,
  lilconfig: `module.exports = {lilconfig: ${fail('lilconfig')}}`,
  'cli-spinners': `module.exports = {dots2: {frames: ['-']}, line: {frames: ['-']}}`,
  // Only is-wsl is read at each start; the rest (PowerShell on Windows) would load child_process.
  'wsl-utils': `import isWsl from 'is-wsl'; export {isWsl}; export const powerShellPath = async () => (${fail('wsl-utils')})()`,
}
const leftOut = {
  name: 'left-out',
  setup(esbuild) {
    esbuild.onResolve({filter: new RegExp(`^(${Object.keys(STUBS).join('|')})$`)}, (args) => ({path: args.path, namespace: 'left-out'}))
    esbuild.onLoad({filter: /.*/, namespace: 'left-out'}, (args) => ({contents: STUBS[args.path], loader: 'js', resolveDir: process.cwd()}))
  },
}

// oclif reads only the version of its package.json (cache.js): the bundle holds no more of it.
const oclifVersion = {
  name: 'oclif-version',
  setup(esbuild) {
    esbuild.onResolve({filter: /^@oclif\/core\/package\.json$/}, (args) => ({path: args.path, namespace: 'oclif-version'}))
    esbuild.onLoad({filter: /.*/, namespace: 'oclif-version'}, () => ({
      contents: JSON.stringify({version: createRequire(import.meta.url)('@oclif/core/package.json').version}),
      loader: 'json',
    }))
  },
}

// oclif requires ejs as CommonJS and this CLI imports it as an ES module: one copy, the former.
const oneEjs = {
  name: 'one-ejs',
  setup(esbuild) {
    const file = createRequire(import.meta.url).resolve('ejs')
    esbuild.onResolve({filter: /^ejs$/}, () => ({path: file}))
  },
}

// Edits of oclif's code, each a string replaced (the build fails if it is not found).
const lazy = (builtin) => [`require("${builtin}")`, `new Proxy({}, {get: (_, key) => require("${builtin}")[key]})`]
const PATCHES = {
  // Node modules oclif loads at start for rare paths (a flag read from stdin, a parent process
  // name on Windows, performance marks when debugging): loaded when first used instead.
  'parser/parse.js': [lazy('node:readline')],
  'util/os.js': [lazy('node:child_process')],
  'performance.js': [lazy('node:perf_hooks')],
  // Sorting the commands by locale costs ICU's collator, ~5 ms at each start. Command ids are
  // lowercase words and dashes, which code-unit order sorts the same way.
  'config/plugin.js': [['.sort((a, b) => a.id.localeCompare(b.id))', '.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))']],
  // A command run loads its config again, from the same options and plugins (the theme read
  // again, the platform probed again): meant for a config of another oclif, never the case here.
  'config/config.js': [['if (isConfig(opts)) {', 'if (isConfig(opts) && opts._base === BASE) return opts;\n        if (isConfig(opts)) {']],
}
const patched = {
  name: 'patched',
  setup(esbuild) {
    const files = Object.keys(PATCHES).map((file) => file.replaceAll('.', '\\.').replaceAll('/', '[\\\\/]'))
    esbuild.onLoad({filter: new RegExp(`@oclif[\\\\/]core[\\\\/]lib[\\\\/](${files.join('|')})$`)}, async (args) => {
      const [file, edits] = Object.entries(PATCHES).find(([end]) => args.path.replaceAll('\\', '/').endsWith(`/lib/${end}`))
      let source = await readFile(args.path, 'utf8')
      for (const [from, to] of edits) {
        if (!source.includes(from)) throw new Error(`${file} no longer has ${from}: update scripts/bundle.mjs`)
        source = source.replace(from, to)
      }
      return {contents: source, loader: 'js'}
    })
  },
}

// Libraries only some paths need (the questions, git, the S3 signature, check's YAML
// linting): each group is a CommonJS file of its own in dist/vendor/, required on first use,
// so that a run that does not need them neither reads nor parses them.
const VENDOR = {
  inquirer: ['@inquirer/confirm', '@inquirer/input', '@inquirer/password', '@inquirer/select'],
  'simple-git': ['simple-git'],
  aws4: ['aws4'],
  yaml: ['yaml'],
}
const vendorOf = new Map(Object.entries(VENDOR).flatMap(([file, names]) => names.map((name) => [name, file])))
// In the bundle, a vendored library is a module that requires its dist/vendor/ file when first
// imported, and re-exports what the library exports (its default as an import of it would: an
// ES module's own default, a CommonJS module's exports).
const vendored = {
  name: 'vendored',
  setup(esbuild) {
    const names = [...vendorOf.keys()].map((name) => name.replaceAll('/', '\\/'))
    esbuild.onResolve({filter: new RegExp(`^(${names.join('|')})$`)}, (args) => ({path: args.path, namespace: 'vendored'}))
    esbuild.onResolve({filter: /^\.\/vendor\//, namespace: 'vendored'}, (args) => ({path: args.path, external: true}))
    esbuild.onLoad({filter: /.*/, namespace: 'vendored'}, async (args) => {
      const names = Object.keys(await import(args.path)).filter((name) => name !== 'default' && /^[A-Za-z_$][\w$]*$/.test(name))
      const contents = [
        `const library = require(${JSON.stringify(`./vendor/${vendorOf.get(args.path)}.cjs`)})[${JSON.stringify(args.path)}]`,
        'export default library.__esModule ? library.default : library',
        ...(names.length > 0 ? [`export const {${names.join(', ')}} = library`] : []),
      ].join('\n')
      return {contents, loader: 'js', resolveDir: process.cwd()}
    })
  },
}

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20.19',
  minify: true,
  legalComments: 'linked',
  logLevel: 'warning',
}

// Each dist/vendor/ file: an object of the libraries of its group, by name.
const vendorEntries = {
  name: 'vendor-entries',
  setup(esbuild) {
    esbuild.onResolve({filter: /^vendor:/}, (args) => ({path: args.path.slice('vendor:'.length), namespace: 'vendor-entry'}))
    esbuild.onLoad({filter: /.*/, namespace: 'vendor-entry'}, (args) => ({
      contents: `module.exports = {${VENDOR[args.path].map((name) => `${JSON.stringify(name)}: require(${JSON.stringify(name)})`).join(', ')}}`,
      loader: 'js',
      resolveDir: process.cwd(),
    }))
  },
}

await build({
  ...common,
  entryPoints: Object.fromEntries(Object.keys(VENDOR).map((file) => [file, `vendor:${file}`])),
  outdir: 'dist/vendor',
  outExtension: {'.js': '.cjs'},
  format: 'cjs',
  plugins: [vendorEntries],
})

await build({
  ...common,
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.cjs',
  // CommonJS, required by bin/run.js (see there). A module's imports of Node modules are
  // required when it is first imported, not all at start (child_process, DNS) as the imports
  // of an ES module bundle are. The sources' import.meta is the bundle's.
  format: 'cjs',
  define: {'import.meta.url': '__ctsUrl'},
  banner: {js: "const __ctsUrl = require('node:url').pathToFileURL(__filename).href;"},
  // oclif reaches for these only to run TypeScript sources in development (NODE_ENV=development).
  external: ['typescript', 'ts-node', 'tsx'],
  plugins: [leftOut, patched, vendored, oneEjs, oclifVersion],
})
