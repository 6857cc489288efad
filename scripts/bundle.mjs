// Bundles the CLI into dist/ (its dependencies included), so that the published package
// installs with no dependency tree. Lazy imports stay lazy: each becomes a chunk.
import {build} from 'esbuild'

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
      "import {fileURLToPath as __ctsPath} from 'node:url'",
      'const require = __ctsRequire(import.meta.url)',
      'const __filename = __ctsPath(import.meta.url)',
      "const __dirname = __ctsPath(new URL('.', import.meta.url))",
    ].join(';'),
  },
  // oclif reaches for these only to run TypeScript sources in development (NODE_ENV=development).
  external: ['typescript', 'ts-node', 'tsx'],
  logLevel: 'warning',
})
