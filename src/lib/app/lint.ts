// Offline lint of a tempo.yaml: every key path is checked against the key tree of a
// Tempo version (its `/status/config?mode=defaults`), because Tempo's strict YAML
// unmarshal makes any unknown key a fatal start-up error.
import {readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'

import {isMap, isScalar, LineCounter, type Node, parse, parseDocument, type YAMLMap} from 'yaml'

import {CONTRACT} from '../core/contract.js'
import {inPackage} from '../core/paths.js'

/** A branch of the key tree: known children, or `free` where any shape is accepted. */
export type KeyNode = 'leaf' | 'free' | {[key: string]: KeyNode}
export type KeyTree = {[key: string]: KeyNode}

export interface Finding {
  line: number
  column: number
  /** Dotted path of the offending key as written, e.g. storage.trace.bakend. */
  path: string
  message: string
  suggestion?: string
}

const DATA = inPackage('data', 'tempo') + path.sep

// Receivers are OpenTelemetry Collector config, overrides are per-tenant maps: neither has a fixed key set.
const FREE_FORM = [['distributor', 'receivers'], ['overrides']]

// Old-style keys that circulate in docs and examples, with their current place.
const legacy = (scope: 'path' | 'key'): Record<string, string> =>
  Object.fromEntries(CONTRACT.legacyKeys.filter((k) => k.scope === scope).map((k) => [k.old, k.new]))
const LEGACY_PATHS = legacy('path')
const LEGACY_KEYS = legacy('key')

/** Versions that have a key tree, newest first. */
export function knownVersions(): string[] {
  return readdirSync(DATA)
    .map((f) => /^defaults-(\d+\.\d+\.\d+)\.yaml$/.exec(f)?.[1])
    .filter((v): v is string => v !== undefined)
    .sort((a, b) => compareVersions(b, a))
}

const parts = (version: string): number[] => version.replace(/^v/, '').split('.').map(Number)

function compareVersions(a: string, b: string): number {
  const [pa, pb] = [parts(a), parts(b)]
  return pa[0] - pb[0] || pa[1] - pb[1] || pa[2] - pb[2]
}

/** The known version to check `version` against: itself, else same major and closest minor (then patch). */
export function nearestVersion(version: string, known: readonly string[]): string {
  const [major, minor, patch] = parts(version)
  const sameMajor = known.filter((k) => parts(k)[0] === major)
  const pool = sameMajor.length > 0 ? sameMajor : known
  const distance = (k: string) => {
    const p = parts(k)
    return [Math.abs(p[0] - major), Math.abs(p[1] - minor), Math.abs(p[2] - patch)]
  }
  return [...pool].sort((a, b) => {
    const [da, db] = [distance(a), distance(b)]
    // On a tie, the newer release knows more keys.
    return da[0] - db[0] || da[1] - db[1] || da[2] - db[2] || compareVersions(b, a)
  })[0]
}

export function loadKeyTree(version: string): KeyTree {
  return keyTree(parse(readFileSync(`${DATA}defaults-${version}.yaml`, 'utf8')))
}

/** Builds the key tree from a defaults document: empty maps, nulls and lists take anything. */
export function keyTree(defaults: unknown): KeyTree {
  const tree = toNode(defaults)
  if (typeof tree !== 'object') throw new TypeError('the defaults document is not a map')
  for (const path of FREE_FORM) {
    let node: KeyNode | undefined = tree
    for (const key of path.slice(0, -1)) node = typeof node === 'object' ? node[key] : undefined
    const last = path.at(-1)!
    if (typeof node === 'object' && node[last] !== undefined) node[last] = 'free'
  }
  return tree
}

function toNode(value: unknown): KeyNode {
  if (value === null || Array.isArray(value)) return 'free'
  if (typeof value !== 'object') return 'leaf'
  const entries = Object.entries(value as Record<string, unknown>)
  if (entries.length === 0) return 'free'
  return Object.fromEntries(entries.map(([k, v]) => [k, toNode(v)]))
}

// Tempo expands ${VAR} and ${VAR:-default} before parsing, so a reference may sit where YAML
// would choke (e.g. in a flow list); masking it with same-length text keeps lines and columns.
const ENV_REFERENCE = /\$\{[^}\n]*\}/g
const maskReferences = (text: string): string => text.replace(ENV_REFERENCE, (m) => '$' + 'x'.repeat(m.length - 1))

/**
 * Every unknown key of `text` (a tempo.yaml) against `tree`, with 1-based line numbers.
 * `otherVersions` (version → tree) lets a key of another release be named as such.
 */
export function lintConfig(text: string, tree: KeyTree, otherVersions: Record<string, KeyTree> = {}): Finding[] {
  const lineCounter = new LineCounter()
  const doc = parseDocument(maskReferences(text), {lineCounter, prettyErrors: false})
  const at = (offset: number) => lineCounter.linePos(offset)
  const findings: Finding[] = []

  for (const error of doc.errors) {
    const {line, col} = at(error.pos[0])
    findings.push({line, column: col, path: '', message: `invalid YAML: ${error.message.split('\n')[0]}`})
  }
  if (findings.length > 0 || doc.contents === null) return findings
  if (!isMap(doc.contents)) {
    const {line, col} = at(doc.contents.range?.[0] ?? 0)
    return [{line, column: col, path: '', message: 'a Tempo config is a map of keys (e.g. `server:`, `storage:`) at the top level'}]
  }

  const walk = (map: YAMLMap, node: KeyTree, written: string[], canonical: string[]) => {
    for (const pair of map.items) {
      const keyNode = pair.key as Node | null
      if (!isScalar(keyNode) || keyNode.range === undefined || keyNode.range === null) continue
      const key = String(keyNode.value)
      // A key built from an env reference, or a YAML merge key, can be anything.
      if (text.slice(keyNode.range[0], keyNode.range[1]).includes('${') || key === '<<') continue
      const path = [...written, key]
      const known = node[key]
      if (known !== undefined) {
        if (typeof known === 'object' && isMap(pair.value)) walk(pair.value, known, path, [...canonical, key])
        else if (known === 'leaf' && isMap(pair.value)) report(pair.value, path)
        continue
      }
      const {line, col} = at(keyNode.range[0])
      // A key of another release says more than a look-alike sibling (ingester in 3.x is not a typo of ingest).
      const legacy = LEGACY_PATHS[[...canonical, key].join('.')]
      const releases = legacy ? [] : Object.keys(otherVersions).filter((v) => lookup(otherVersions[v], [...canonical, key]) !== undefined)
      const suggestion = releases.length > 0 ? undefined : suggest(key, node, canonical, tree)
      const hint = suggestion
        ? ` — did you mean ${suggestion}?`
        : releases.length > 0
          ? ` — it belongs to Tempo ${releases.join(', ')}`
          : ''
      findings.push({line, column: col, path: path.join('.'), suggestion, message: `unknown key ${path.join('.')}${hint}`})
      // Below a renamed key, check the children against the key's new place.
      const target = legacy === undefined ? undefined : lookup(tree, legacy.split('.'))
      if (typeof target === 'object' && isMap(pair.value)) walk(pair.value, target, path, legacy.split('.'))
    }
  }

  // Keys under a setting that takes a single value.
  const report = (map: YAMLMap, written: string[]) => {
    for (const pair of map.items) {
      if (!isScalar(pair.key) || !pair.key.range) continue
      const {line, col} = at(pair.key.range[0])
      const path = [...written, String(pair.key.value)].join('.')
      findings.push({line, column: col, path, message: `unknown key ${path}: ${written.join('.')} takes a single value, not keys`})
    }
  }

  walk(doc.contents, tree, [], [])
  return findings.sort((a, b) => a.line - b.line || a.column - b.column)
}

function lookup(tree: KeyTree, path: string[]): KeyNode | undefined {
  let node: KeyNode | undefined = tree
  for (const key of path) node = typeof node === 'object' ? node[key] : undefined
  return node
}

/** The right key for an unknown one: the legacy mapping, a near-miss sibling, or the same key elsewhere. */
function suggest(key: string, siblings: KeyTree, parent: string[], tree: KeyTree): string | undefined {
  const legacy = LEGACY_PATHS[[...parent, key].join('.')]
  if (legacy) return legacy
  const renamed = LEGACY_KEYS[key]
  if (renamed && siblings[renamed] !== undefined) return [...parent, renamed].join('.')

  const limit = Math.max(2, Math.floor(key.length / 3))
  const near = Object.keys(siblings)
    .map((k) => ({k, d: editDistance(key, k)}))
    .filter(({d}) => d <= limit)
    .sort((a, b) => a.d - b.d || a.k.localeCompare(b.k))[0]
  if (near) return [...parent, near.k].join('.')

  // Misplaced rather than misspelt: the shortest path that ends with this key.
  const elsewhere = pathsOf(key, tree, []).sort((a, b) => a.length - b.length)[0]
  return elsewhere?.join('.')
}

function pathsOf(key: string, node: KeyTree, prefix: string[]): string[][] {
  const found: string[][] = []
  for (const [k, child] of Object.entries(node)) {
    if (k === key) found.push([...prefix, k])
    if (typeof child === 'object') found.push(...pathsOf(key, child, [...prefix, k]))
  }
  return found
}

export function editDistance(a: string, b: string): number {
  let previous = Array.from({length: b.length + 1}, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length]
}
