// The contract as a Bash file the buildpack sources: the buildpack runs straight from
// this repository's git tree, without Node, so the file is generated at build and committed.
import {type AppVariable, type Contract} from './contract.js'

// eslint-disable-next-line no-control-regex -- control characters are what it escapes
const CONTROL = /[\x00-\x1f\x7f]/g

/** One Bash word holding exactly `value` ($'…' quoting keeps control characters as \xHH). */
export const shellWord = (value: string): string =>
  value === ''
    ? "''"
    : /^[A-Za-z0-9._/:@%+=,-]+$/.test(value)
      ? value
      : `$'${value
          .replaceAll('\\', '\\\\')
          .replaceAll("'", "\\'")
          .replaceAll(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}'`

const scalar = (name: string, value: string | number): string => `readonly ${name}=${shellWord(String(value))}`
const array = (name: string, values: string[]): string => `readonly ${name}=(${values.map(shellWord).join(' ')})`
const map = (name: string, entries: [string, string][]): string =>
  `declare -grA ${name}=(${entries.map(([key, value]) => `[${shellWord(key)}]=${shellWord(value)}`).join(' ')})`

const required = (contract: Contract, group: AppVariable['group']): string[] =>
  contract.appVariables.list.filter((v) => v.group === group && v.required).map((v) => v.name)

export function contractShell(contract: Contract): string {
  const build = Object.fromEntries(contract.buildVariables.map((v) => [v.name, v.default]))
  const {credentials} = contract
  const lines = [
    '#!/usr/bin/env bash',
    '# Generated from data/contract.json by `npm run build`: edit the contract, not this file.',
    '# shellcheck disable=SC2034 # read by the scripts that source this file',
    '',
    scalar('DEFAULT_TEMPO_VERSION', build.TEMPO_VERSION),
    array(
      'TEMPO_KNOWN_VERSIONS',
      contract.tempo.versions.map((v) => v.version),
    ),
    map(
      'TEMPO_VERSION_MAJOR',
      contract.tempo.versions.map((v) => [v.version, v.major]),
    ),
    map(
      'TEMPO_MAJOR_TEMPLATE',
      Object.entries(contract.tempo.majors).map(([major, m]) => [major, m.template]),
    ),
    '# Versions of a major older than TEMPO_METRICS_SINCE run this default template (no metrics-generator).',
    scalar('TEMPO_METRICS_SINCE', contract.tempo.traceqlMetrics.since),
    map(
      'TEMPO_MAJOR_TEMPLATE_BEFORE_METRICS',
      Object.entries(contract.tempo.majors).flatMap(([major, m]): [string, string][] =>
        m.templateBeforeMetrics ? [[major, m.templateBeforeMetrics]] : [],
      ),
    ),
    '',
    '# Internal ports: variable name → default.',
    map(
      'PORT_DEFAULTS',
      contract.ports.map((p) => [p.variable, p.default]),
    ),
    '',
    '# Variables the buildpack reads, with their defaults.',
    map(
      'RUNTIME_DEFAULTS',
      contract.runtimeVariables.map((v) => [v.name, v.default]),
    ),
    map(
      'BUILD_DEFAULTS',
      contract.buildVariables.map((v) => [v.name, v.default]),
    ),
    array(
      'PORT_VARS',
      contract.ports.map((p) => p.variable),
    ),
    '',
    '# Ingest limits from the container memory (MiB): bytes/s per MiB, MiB per request in flight.',
    scalar('INGEST_RATE_BYTES_PER_MIB', contract.ingestLimits.bytesPerSecondPerMiB),
    scalar('INGEST_MIB_PER_REQUEST', contract.ingestLimits.mibPerRequest),
    scalar('MIN_INGEST_REQUESTS', contract.ingestLimits.minRequests),
    scalar('GENERATOR_LIVE_BYTES_PER_MIB', contract.ingestLimits.generatorLiveBytesPerMiB),
    scalar('UNKNOWN_MEMORY_MIB', contract.ingestLimits.unknownMemoryMiB),
    scalar('MAX_INGEST_BODY_BYTES', contract.ingestLimits.maxBodyBytes),
    array('S3_REQUIRED_VARS', required(contract, 's3')),
    array('AUTH_VARS', required(contract, 'auth')),
    '',
    '# Credential rules (POSIX ERE, shared with the CLI).',
    scalar('CREDENTIAL_MIN_LENGTH', credentials.minLength),
    scalar('CREDENTIAL_MIN_DISTINCT', credentials.minDistinct),
    scalar('INGEST_BASIC_USER', credentials.ingestBasicUser),
    scalar('INGEST_TOKEN_PATTERN', credentials.ingestToken.pattern),
    scalar('INGEST_TOKEN_RULE', credentials.ingestToken.rule),
    scalar('QUERY_USER_PATTERN', credentials.queryUser.pattern),
    scalar('QUERY_USER_RULE', credentials.queryUser.rule),
    scalar('PASSWORD_PATTERN', credentials.password.pattern),
    scalar('PASSWORD_RULE', credentials.password.rule),
    '',
    '# Set by the app manifest in review apps only.',
    scalar('REVIEW_APP_MARKER', contract.reviewApps.marker.name),
    scalar('REVIEW_APP_MARKER_VALUE', contract.reviewApps.marker.value),
    '',
    '# Old-style Tempo keys → their current place.',
    map(
      'LEGACY_PATHS',
      contract.legacyKeys.filter((k) => k.scope === 'path').map((k) => [k.old, k.new]),
    ),
    map(
      'LEGACY_KEYS',
      contract.legacyKeys.filter((k) => k.scope === 'key').map((k) => [k.old, k.new]),
    ),
    '',
    scalar('WARNING_LOCAL_STORAGE', contract.warnings.localStorage),
    scalar('WARNING_AUTH_OFF', contract.warnings.authOff),
  ]
  return `${lines.join('\n')}\n`
}
