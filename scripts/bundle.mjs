// Bundles the CLI into dist/ (its dependencies included), so that the published package
// installs with no dependency tree. Lazy imports stay lazy: each becomes a chunk.
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

await build({
  entryPoints: ['src/cli.ts'],
  outdir: 'dist',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  minify: true,
  legalComments: 'linked',
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
  plugins: [leftOut, lazyBuiltins],
  logLevel: 'warning',
})
