// Bundles the CLI into dist/ (its dependencies included), so that the published package
// installs with no dependency tree. Lazy imports stay lazy: each becomes a chunk.
import {build} from 'esbuild'

// oclif requires these at load time for what this CLI never does: find commands by glob
// (they are listed: "explicit"), match plugin names (it has no plugins), look for an oclif
// config outside package.json, draw spinners. Left out, they cost nothing at each start.
const fail = (name) => `() => { throw new Error(${JSON.stringify(`${name} is left out of the bundle`)}) }`
const STUBS = {
  tinyglobby: `module.exports = {glob: ${fail('tinyglobby')}}`,
  minimatch: `module.exports = {minimatch: ${fail('minimatch')}}`,
  lilconfig: `module.exports = {lilconfig: ${fail('lilconfig')}}`,
  'cli-spinners': `module.exports = {dots2: {frames: ['-']}, line: {frames: ['-']}}`,
}
const leftOut = {
  name: 'left-out',
  setup(esbuild) {
    esbuild.onResolve({filter: new RegExp(`^(${Object.keys(STUBS).join('|')})$`)}, (args) => ({path: args.path, namespace: 'left-out'}))
    esbuild.onLoad({filter: /.*/, namespace: 'left-out'}, (args) => ({contents: STUBS[args.path], loader: 'js'}))
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
  plugins: [leftOut],
  logLevel: 'warning',
})
