// What the CLI and the buildpack both know, read from data/contract.json. The
// buildpack gets the same values through buildpack/lib/contract.sh (see contract-shell.ts).
import {readFileSync} from 'node:fs'

import {inPackage} from './paths.js'

export interface Variable {
  name: string
  /** The value used when the variable is unset (where the buildpack needs one). */
  default: string
  /** What the docs say instead of `default`, where the value is computed. */
  documentedDefault?: string
  description: string
}

export interface Port {
  name: 'http' | 'grpc' | 'otlpGrpc' | 'otlpHttp' | 'memberlist'
  /** What listens there, for messages. */
  label: string
  variable: string
  default: string
  description: string
}

/** One of the app's own variables the buildpack reads. */
export interface AppVariable {
  name: string
  /** The CLI setting that asks for it (settings.ts). */
  setting: string
  group: 'storage' | 's3' | 'auth'
  /** The group cannot work without it (s3: the s3 backend; auth: auth on). */
  required?: boolean
  secret?: boolean
}

export interface CredentialRule {
  pattern: string
  rule: string
}

export interface LegacyKey {
  old: string
  new: string
  /** `path`: a dotted path from the root; `key`: a key name wherever it appears. */
  scope: 'path' | 'key'
}

export interface Contract {
  tempo: {
    /** blockFormat: the block version it writes (storage.trace.block.version); it reads that one and older ones. */
    versions: {version: string; major: string; blockFormat: string; note?: string}[]
    /** templateBeforeMetrics: the default template for versions older than traceqlMetrics.since. */
    majors: Record<string, {template: string; templateBeforeMetrics?: string}>
    traceqlMetrics: {since: string; warning: string}
  }
  ports: Port[]
  runtimeVariables: Variable[]
  buildVariables: Variable[]
  /** Memory of each Scalingo container size, in MiB. */
  containerSizes: Record<string, number>
  ingestLimits: {
    bytesPerSecondPerMiB: number
    mibPerRequest: number
    minRequests: number
    generatorLiveBytesPerMiB: number
    unknownMemoryMiB: number
    /** The largest request body Tempo's OTLP/HTTP receiver takes; the proxy refuses larger ones with 413. */
    maxBodyBytes: number
  }
  appVariables: {list: AppVariable[]}
  credentials: {
    /** Characters (code points), not bytes. */
    minLength: number
    /** Different characters a credential has at least. */
    minDistinct: number
    ingestBasicUser: string
    ingestToken: CredentialRule
    queryUser: CredentialRule
    password: CredentialRule
  }
  legacyKeys: LegacyKey[]
  /** The variable the app manifest sets in review apps, and its value. */
  reviewApps: {marker: {name: string; value: string; description: string}}
  warnings: {localStorage: string; authOff: string}
}

// Read as a file: it ships beside the bundle, as the buildpack's generated files are made from it.
export const CONTRACT: Contract = JSON.parse(readFileSync(inPackage('data', 'contract.json'), 'utf8'))

export const buildVariable = (name: string): Variable => {
  const found = CONTRACT.buildVariables.find((v) => v.name === name)
  if (!found) throw new Error(`data/contract.json has no build variable ${name}`)
  return found
}

export const runtimeVariable = (name: string): Variable => {
  const found = CONTRACT.runtimeVariables.find((v) => v.name === name)
  if (!found) throw new Error(`data/contract.json has no run-time variable ${name}`)
  return found
}

/** The name of the app variable that SETTING asks for. */
export const appVariable = (setting: string): string => {
  const found = CONTRACT.appVariables.list.find((v) => v.setting === setting)
  if (!found) throw new Error(`data/contract.json has no app variable for the setting ${setting}`)
  return found.name
}

/** The variables a group cannot work without, in the contract's order. */
export const requiredVariables = (group: AppVariable['group']): string[] =>
  CONTRACT.appVariables.list.filter((v) => v.group === group && v.required).map((v) => v.name)

export const DEFAULT_TEMPO_VERSION = buildVariable('TEMPO_VERSION').default
export const TEMPO_VERSIONS = CONTRACT.tempo.versions.map((v) => v.version)
export const TEMPO_MAJORS = Object.keys(CONTRACT.tempo.majors)

/** The major of a version: listed in the contract for known versions, else its first number. */
const knownVersion = (version: string) => CONTRACT.tempo.versions.find((v) => v.version === version.replace(/^v/, ''))

export const tempoMajor = (version: string): string => knownVersion(version)?.major ?? version.replace(/^v/, '').split('.')[0]

const versionParts = (version: string): number[] => version.replace(/^v/, '').split('.').map(Number)
const byVersion = (a: string, b: string): number => {
  const [pa, pb] = [versionParts(a), versionParts(b)]
  return pa[1] - pb[1] || pa[2] - pb[2]
}
const versionsOf = (major: string): string[] =>
  CONTRACT.tempo.versions
    .filter((v) => v.major === major)
    .map((v) => v.version)
    .sort(byVersion)

/** The newest known version of each major: what the buildpack's default template of that major is rendered for. */
export const newestOfMajor = (major: string): string => versionsOf(major).at(-1)!

/** The oldest known version of a major: what its default template without TraceQL metrics is rendered for. */
export const oldestOfMajor = (major: string): string => versionsOf(major)[0]

/** Whether the default config of VERSION turns the metrics-generator's local blocks on (2.x that can serve Traces Drilldown). */
export function usesMetricsGenerator(version: string): boolean {
  const [major, minor, patch] = versionParts(version)
  const [sinceMajor, sinceMinor, sincePatch] = versionParts(CONTRACT.tempo.traceqlMetrics.since)
  return major === sinceMajor && (minor - sinceMinor || patch - sincePatch) >= 0
}

/** Said once when a version cannot serve Grafana's Traces Drilldown (2.x before traceqlMetrics.since). */
export function drilldownWarning(version: string): string | undefined {
  const [major] = versionParts(version)
  const [sinceMajor] = versionParts(CONTRACT.tempo.traceqlMetrics.since)
  return major === sinceMajor && !usesMetricsGenerator(version) ? CONTRACT.tempo.traceqlMetrics.warning.replace('%s', version) : undefined
}

const formatRank = (format: string): number => Number(/(\d+)$/.exec(format)?.[1] ?? 0)

/** Said when Tempo TO cannot read the blocks Tempo FROM wrote (a newer block format): every stored trace would fail to load. */
export function blockFormatWarning(from: string, to: string): string | undefined {
  const [written, read] = [knownVersion(from)?.blockFormat, knownVersion(to)?.blockFormat]
  if (!written || !read || formatRank(read) >= formatRank(written)) return undefined
  return `Tempo ${to} cannot read the ${written} blocks that Tempo ${from} wrote (it knows ${read} and older): every trace stored so far would fail to load. Keep ${from}, or give ${to} a bucket or TEMPO_STORAGE_S3_PREFIX of its own.`
}

export const port = (name: Port['name']): Port => CONTRACT.ports.find((p) => p.name === name)!

/**
 * What Tempo accepts per second, the proxy lets through at once and the metrics-generator holds as live
 * traces, for a container of MIB (the launcher's size_ingest_limits).
 */
export function ingestLimits(mib: number): {bytesPerSecond: number; requests: number; generatorLiveBytes: number} {
  const {bytesPerSecondPerMiB, mibPerRequest, minRequests, generatorLiveBytesPerMiB} = CONTRACT.ingestLimits
  return {
    bytesPerSecond: mib * bytesPerSecondPerMiB,
    requests: Math.max(minRequests, Math.floor(mib / mibPerRequest)),
    generatorLiveBytes: mib * generatorLiveBytesPerMiB,
  }
}
