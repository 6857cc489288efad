// Markdown tables of the contract's variables, for the repository's README and the generated app's.
import {CONTRACT, ingestLimits, type Variable} from './contract.js'

const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ')

export function variablesTable(variables: readonly Variable[]): string {
  const shown = (v: Variable) => v.documentedDefault ?? (v.default === '' ? '' : `\`${cell(v.default)}\``)
  const rows = variables.map((v) => `| \`${v.name}\` | ${shown(v)} | ${cell(v.description)} |`)
  return ['| Variable | Default | What it does |', '|---|---|---|', ...rows, ''].join('\n')
}

/** What the web process reads: its settings, then the internal ports. */
export const runtimeVariables = (): Variable[] => [
  ...CONTRACT.runtimeVariables,
  ...CONTRACT.ports.map((p) => ({name: p.variable, default: p.default, description: p.description})),
]

/** The ingest limits the launcher sizes for each container size. */
export function ingestLimitsTable(): string {
  const rows = Object.entries(CONTRACT.containerSizes).map(([size, mib]) => {
    const {bytesPerSecond, requests, generatorLiveBytes} = ingestLimits(mib)
    return `| ${size} | ${mib} MiB | \`${bytesPerSecond}\` | \`${requests}\` | \`${generatorLiveBytes}\` |`
  })
  return [
    '| Container | Memory | `TEMPO_INGESTION_RATE_LIMIT_BYTES` | `TEMPO_PROXY_MAX_INGEST_REQUESTS` | `TEMPO_GENERATOR_MAX_LIVE_TRACES_BYTES` |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n')
}
