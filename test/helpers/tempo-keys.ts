// Key paths of Tempo configs, to check rendered YAML against each version's real key tree.
import {readFileSync} from 'node:fs'
import path from 'node:path'

import {parse} from 'yaml'

import {ROOT} from './cli.js'

export const VERSIONS = ['2.4.0', '2.10.8', '3.0.3'] as const
const FREE_FORM = ['distributor.receivers', 'overrides']

export function keyPaths(value: unknown, prefix = ''): string[] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return []
  return Object.entries(value).flatMap(([key, child]) => {
    const p = prefix ? `${prefix}.${key}` : key
    return FREE_FORM.includes(p) ? [p] : [p, ...keyPaths(child, p)]
  })
}

export function knownKeys(version: string): Set<string> {
  return new Set(keyPaths(parse(readFileSync(path.join(ROOT, `data/tempo/defaults-${version}.yaml`), 'utf8'))))
}

export const unknownKeys = (yaml: string, version: string): string[] => {
  const known = knownKeys(version)
  return keyPaths(parse(yaml)).filter((p) => !known.has(p))
}
