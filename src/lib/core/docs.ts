// Markdown tables of the contract's variables, for the repository's README and the generated app's.
import {CONTRACT, type Variable} from './contract.js'

const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ')

export function variablesTable(variables: readonly Variable[]): string {
  const rows = variables.map((v) => `| \`${v.name}\` | ${v.default === '' ? '' : `\`${cell(v.default)}\``} | ${cell(v.description)} |`)
  return ['| Variable | Default | What it does |', '|---|---|---|', ...rows, ''].join('\n')
}

/** What the web process reads: its settings, then the internal ports. */
export const runtimeVariables = (): Variable[] => [
  ...CONTRACT.runtimeVariables,
  ...CONTRACT.ports.map((p) => ({name: p.variable, default: p.default, description: p.description})),
]
