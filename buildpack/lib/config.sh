#!/usr/bin/env bash
# Which Tempo config an app runs with, resolved identically at build and at start.
# Order (documented, never changed): 1) tempo.yaml at the app root,
# 2) TEMPO_CONFIG_YAML, 3) the buildpack's default template for the Tempo major.

readonly DEFAULT_TEMPO_VERSION=2.10.8
readonly S3_REQUIRED_VARS=(TEMPO_STORAGE_S3_BUCKET TEMPO_STORAGE_S3_ENDPOINT TEMPO_STORAGE_S3_ACCESS_KEY_ID TEMPO_STORAGE_S3_SECRET_ACCESS_KEY)

# Tempo's internal listeners on loopback, each settable (tests, clashes):
# variable and default port.
readonly INTERNAL_PORT_VARS=(TEMPO_HTTP_LISTEN_PORT TEMPO_OTLP_HTTP_PORT TEMPO_OTLP_GRPC_PORT TEMPO_MEMBERLIST_PORT TEMPO_GRPC_LISTEN_PORT)
declare -grA INTERNAL_PORT_DEFAULTS=(
  [TEMPO_HTTP_LISTEN_PORT]=3200
  [TEMPO_OTLP_HTTP_PORT]=4318
  [TEMPO_OTLP_GRPC_PORT]=4317
  [TEMPO_MEMBERLIST_PORT]=7946
  [TEMPO_GRPC_LISTEN_PORT]=9095
)

# shellcheck disable=SC2034 # read by proxy.sh
# Front proxy: how long Caddy waits for slow clients, and its shutdown grace.
declare -grA PROXY_DEFAULTS=(
  [TEMPO_PROXY_GRACE_PERIOD]=2s
  [TEMPO_PROXY_READ_HEADER_TIMEOUT]=5s
  [TEMPO_PROXY_READ_BODY_TIMEOUT]=30s
  [TEMPO_PROXY_IDLE_TIMEOUT]=60s
)
# Overload: Tempo holds what it accepts in memory, so what it accepts per second
# (TEMPO_INGESTION_RATE_LIMIT_BYTES, burst the same) and what the proxy lets
# through at once (TEMPO_PROXY_MAX_INGEST_REQUESTS) scale with the container's
# memory: 4 MB/s and 2 requests kept real Tempo at 252 MB in 512 MiB.
# shellcheck disable=SC2034 # read by proxy.sh
readonly INGEST_RATE_BYTES_PER_MIB=8000 INGEST_MIB_PER_REQUEST=256 MIN_INGEST_REQUESTS=2

# Prints every internal port variable as NAME=PORT (the app's value or the
# default). Fails with one message per invalid or duplicate port on stderr.
internal_ports() {
  local name value bad=0
  local -A seen=()
  for name in "${INTERNAL_PORT_VARS[@]}"; do
    value="${!name:-${INTERNAL_PORT_DEFAULTS[$name]}}"
    if ! [[ "$value" =~ ^[1-9][0-9]{0,4}$ ]] || ((value > 65535)); then
      warn "$name must be a port number (1-65535), not \"$value\""
      bad=1
      continue
    fi
    if [[ -v "seen[$value]" ]]; then
      warn "$name and ${seen[$value]} are both $value: each internal port must differ"
      bad=1
    fi
    seen[$value]="$name"
    echo "$name=$value"
  done
  return "$bad"
}

# Prints the version without a leading "v"; fails on anything but x.y.z.
normalize_version() {
  local version="${1#v}"
  [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || return 1
  echo "$version"
}

tempo_version() { normalize_version "${1:-${TEMPO_VERSION:-$DEFAULT_TEMPO_VERSION}}"; }

tempo_major() { echo "${1%%.*}"; }

# Sets TEMPO_CONFIG_LEVEL (a label safe to log) and TEMPO_CONFIG_FILE.
# TEMPO_CONFIG_YAML is written to a 0600 file inside PRIVATE_DIR (created 0700).
# shellcheck disable=SC2034 # both are read by the callers
resolve_tempo_config() {
  local app_dir="$1" config_dir="$2" private_dir="$3" version="$4"
  if [[ -f "$app_dir/tempo.yaml" ]]; then
    TEMPO_CONFIG_LEVEL="tempo.yaml at the app root"
    TEMPO_CONFIG_FILE="$app_dir/tempo.yaml"
  elif [[ -n "${TEMPO_CONFIG_YAML:-}" ]]; then
    TEMPO_CONFIG_LEVEL="TEMPO_CONFIG_YAML"
    (umask 077 && mkdir -p "$private_dir" && printf '%s\n' "$TEMPO_CONFIG_YAML" >"$private_dir/tempo.yaml")
    TEMPO_CONFIG_FILE="$private_dir/tempo.yaml"
  else
    local major
    major="$(tempo_major "$version")"
    TEMPO_CONFIG_LEVEL="default template for Tempo ${major}.x"
    TEMPO_CONFIG_FILE="$config_dir/tempo-${major}.yaml"
    [[ -f "$TEMPO_CONFIG_FILE" ]] || return 1
  fi
}

# Prints the names of the required S3 variables that are unset or empty.
missing_s3_vars() {
  local name
  for name in "${S3_REQUIRED_VARS[@]}"; do
    [[ -n "${!name:-}" ]] || echo "$name"
  done
}
