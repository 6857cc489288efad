// Markdown tables of the contract's variables, for the repository's README and the generated app's.
import {type Variable} from './contract.js'

const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ')

export function variablesTable(variables: readonly Variable[]): string {
  const rows = variables.map((v) => `| \`${v.name}\` | ${v.default === '' ? '' : `\`${cell(v.default)}\``} | ${cell(v.description)} |`)
  return ['| Variable | Default | What it does |', '|---|---|---|', ...rows, ''].join('\n')
}
