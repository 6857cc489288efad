// What the CLI and the buildpack both know, read from data/contract.json. The
// buildpack gets the same values through buildpack/lib/contract.sh (see contract-shell.ts).
import {createRequire} from 'node:module'

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
    versions: {version: string; major: string; note?: string}[]
    majors: Record<string, {template: string}>
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
  warnings: {localStorage: string; authOff: string}
}

// require() of JSON: stable on every supported Node (a JSON import still warns on Node 20).
export const CONTRACT: Contract = createRequire(import.meta.url)('../../../data/contract.json')

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
export const tempoMajor = (version: string): string => {
  const bare = version.replace(/^v/, '')
  return CONTRACT.tempo.versions.find((v) => v.version === bare)?.major ?? bare.split('.')[0]
}

/** The newest known version of each major: what the buildpack's default template of that major is rendered for. */
export const newestOfMajor = (major: string): string => {
  const versions = CONTRACT.tempo.versions.filter((v) => v.major === major).map((v) => v.version)
  const parts = (v: string) => v.split('.').map(Number)
  return versions.sort((a, b) => parts(b)[1] - parts(a)[1] || parts(b)[2] - parts(a)[2])[0]
}

export const port = (name: Port['name']): Port => CONTRACT.ports.find((p) => p.name === name)!

/** What Tempo accepts per second and the proxy lets through at once, for a container of MIB (the launcher's size_ingest_limits). */
export function ingestLimits(mib: number): {bytesPerSecond: number; requests: number} {
  const {bytesPerSecondPerMiB, mibPerRequest, minRequests} = CONTRACT.ingestLimits
  return {bytesPerSecond: mib * bytesPerSecondPerMiB, requests: Math.max(minRequests, Math.floor(mib / mibPerRequest))}
}
