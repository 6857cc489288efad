// Writes what is generated from the contract (data/contract.json) and committed, because the
// buildpack runs straight from this repository's git tree: its default Tempo configs (the same
// templates the CLI renders in file mode), buildpack/lib/contract.sh, and the README's tables.
import {readFileSync, writeFileSync} from 'node:fs'

import {contractShell} from '../src/lib/core/contract-shell.ts'
import {CONTRACT, newestOfMajor, oldestOfMajor} from '../src/lib/core/contract.ts'
import {renderTempoConfig} from '../src/lib/app/render.ts'
import {runtimeVariables, variablesTable} from '../src/lib/core/docs.ts'

const file = (path) => new URL(`../${path}`, import.meta.url)

for (const [major, {template, templateBeforeMetrics}] of Object.entries(CONTRACT.tempo.majors)) {
  writeFileSync(file(`buildpack/config/${template}`), renderTempoConfig({tempoVersion: newestOfMajor(major)}, 'env'))
  // The same template for the major's versions that cannot serve TraceQL metrics (no metrics-generator).
  if (templateBeforeMetrics)
    writeFileSync(file(`buildpack/config/${templateBeforeMetrics}`), renderTempoConfig({tempoVersion: oldestOfMajor(major)}, 'env'))
}
writeFileSync(file('buildpack/lib/contract.sh'), contractShell(CONTRACT))

// The README keeps hand-written text around generated blocks: <!-- contract:NAME --> … <!-- /contract -->.
const blocks = {
  'build-variables': variablesTable(CONTRACT.buildVariables),
  'runtime-variables': variablesTable(runtimeVariables()),
}
const readme = readFileSync(file('README.md'), 'utf8').replace(
  /(<!-- contract:([a-z-]+) -->\n)[\s\S]*?(<!-- \/contract -->)/g,
  (_, open, name, close) => {
    if (!blocks[name]) throw new Error(`README.md: unknown generated block ${name}`)
    return `${open}${blocks[name]}${close}`
  },
)
writeFileSync(file('README.md'), readme)
