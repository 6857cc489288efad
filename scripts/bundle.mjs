// Bundles the CLI into dist/ (its dependencies included), so that the published package
// installs with no dependency tree. One file, dist/cli.js, holds what every command needs: Node
// reads, parses and links each ES module file apart, which costs more than the bytes of lazy code
// in one file (a module is initialised on first import all the same). Libraries only some paths
// need are files of their own (dist/vendor/).
import {readFile} from 'node:fs/promises'

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

// Node modules oclif loads at start for rare paths (a flag read from stdin, a parent process
// name on Windows, performance marks when debugging): loaded when first used instead.
const LAZY = {'parser/parse.js': 'node:readline', 'util/os.js': 'node:child_process', 'performance.js': 'node:perf_hooks'}
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(esbuild) {
    const files = Object.keys(LAZY).map((file) => file.replaceAll('.', '\\.').replaceAll('/', '[\\\\/]'))
    esbuild.onLoad({filter: new RegExp(`@oclif[\\\\/]core[\\\\/]lib[\\\\/](${files.join('|')})$`)}, async (args) => {
      const [file, builtin] = Object.entries(LAZY).find(([end]) => args.path.replaceAll('\\', '/').endsWith(`/lib/${end}`))
      const source = await readFile(args.path, 'utf8')
      const call = `require("${builtin}")`
      if (!source.includes(call)) throw new Error(`${file} no longer has ${call}: update scripts/bundle.mjs`)
      return {contents: source.replace(call, `new Proxy({}, {get: (_, key) => require("${builtin}")[key]})`), loader: 'js'}
    })
  },
}

// Libraries only some paths need (the questions, git, the S3 signature, check's YAML
// linting): each group is a CommonJS file of its own in dist/vendor/, required on first use,
// so that a run that does not need them neither reads nor parses them. In the CLI's bundle, the
// library is a module that requires that file and re-exports what the library exports.
const VENDOR = {
  inquirer: ['@inquirer/confirm', '@inquirer/input', '@inquirer/password', '@inquirer/select'],
  'simple-git': ['simple-git'],
  aws4: ['aws4'],
  yaml: ['yaml'],
}
const vendorOf = new Map(Object.entries(VENDOR).flatMap(([file, names]) => names.map((name) => [name, file])))
const vendored = {
  name: 'vendored',
  setup(esbuild) {
    const names = [...vendorOf.keys()].map((name) => name.replaceAll('/', '\\/'))
    esbuild.onResolve({filter: new RegExp(`^(${names.join('|')})$`)}, (args) => ({path: args.path, namespace: 'vendored'}))
    esbuild.onResolve({filter: /^\.\/vendor\//, namespace: 'vendored'}, (args) => ({path: args.path, external: true}))
    esbuild.onLoad({filter: /.*/, namespace: 'vendored'}, async (args) => {
      const names = Object.keys(await import(args.path)).filter((name) => name !== 'default' && /^[A-Za-z_$][\w$]*$/.test(name))
      // The same rule as an import of a CommonJS module: its exports are the default, unless it was an ES module.
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
  outfile: 'dist/cli.js',
  format: 'esm',
  // The CommonJS dependencies inside an ES module: what they expect from Node.
  banner: {
    js: [
      "import {createRequire as __ctsRequire} from 'node:module'",
      'const require = __ctsRequire(import.meta.filename)',
      'const __filename = import.meta.filename',
      'const __dirname = import.meta.dirname',
    ].join(';'),
  },
  // oclif reaches for these only to run TypeScript sources in development (NODE_ENV=development).
  external: ['typescript', 'ts-node', 'tsx'],
  plugins: [leftOut, lazyBuiltins, vendored],
})
