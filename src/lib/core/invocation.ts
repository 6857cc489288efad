// How to run this CLI again, as printed in next steps, hints and the generated README:
// the package manager that ran it, or the entry script itself when it does not run
// from an installed package (a clone), where `npx create-tempo-scalingo` would fetch
// another copy or fail.
import path from 'node:path'

import {ROOT} from './paths.js'

export const PACKAGE = 'create-tempo-scalingo'

const RUNNERS: [RegExp, string][] = [
  [/^pnpm\//, 'pnpm dlx'],
  [/^yarn\//, 'yarn dlx'],
  [/^bun\//, 'bunx'],
]

/** The command prefix for a package root and a package manager user agent (npm_config_user_agent). */
export function invocation(packageRoot: string, userAgent: string | undefined): string {
  if (!packageRoot.split(path.sep).includes('node_modules')) return `node ${path.join(packageRoot, 'bin', 'run.js')}`
  const runner = RUNNERS.find(([agent]) => agent.test(userAgent ?? ''))?.[1] ?? 'npx'
  return `${runner} ${PACKAGE}`
}

/** This process's command prefix, with the arguments appended (`cli('deploy')`). */
export function cli(args = ''): string {
  const prefix = invocation(ROOT, process.env.npm_config_user_agent)
  return args ? `${prefix} ${args}` : prefix
}
