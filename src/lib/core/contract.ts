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
  ingestLimits: {bytesPerSecondPerMiB: number; mibPerRequest: number; minRequests: number; unknownMemoryMiB: number}
  required: {s3: string[]; auth: string[]}
  credentials: {
    minLength: number
    ingestBasicUser: string
    ingestToken: CredentialRule
    queryUser: CredentialRule
    password: CredentialRule
  }
  legacyKeys: LegacyKey[]
  warnings: {localStorage: string; authOff: string}
}

// Read as a file: it ships beside the bundle, as the buildpack's generated files are made from it.
export const CONTRACT: Contract = JSON.parse(readFileSync(inPackage('data', 'contract.json'), 'utf8'))

export const buildVariable = (name: string): Variable => {
  const found = CONTRACT.buildVariables.find((v) => v.name === name)
  if (!found) throw new Error(`data/contract.json has no build variable ${name}`)
  return found
}

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
