#!/usr/bin/env bash
# Which Tempo config an app runs with, resolved identically at build and at start.
# Order (documented, never changed): 1) tempo.yaml at the app root,
# 2) TEMPO_CONFIG_YAML, 3) the buildpack's default template for the Tempo major.
# Needs contract.sh, log.sh.

# Prints every internal port variable as NAME=PORT (the app's value or the
# default). Fails with one message per invalid or duplicate port on stderr.
internal_ports() {
  local name value bad=0
  local -A seen=()
  for name in "${PORT_VARS[@]}"; do
    value="${!name:-${PORT_DEFAULTS[$name]}}"
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

# The contract names the major of known versions; others by their first number.
tempo_major() { echo "${TEMPO_VERSION_MAJOR[$1]:-${1%%.*}}"; }

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
    [[ -v "TEMPO_MAJOR_TEMPLATE[$major]" ]] || return 1
    TEMPO_CONFIG_FILE="$config_dir/${TEMPO_MAJOR_TEMPLATE[$major]}"
    [[ -f "$TEMPO_CONFIG_FILE" ]] || return 1
  fi
}

# Prints the internal port NAME (TEMPO_OTLP_HTTP_PORT…): the app's value, else the contract's default.
port_setting() { echo "${!1:-${PORT_DEFAULTS[$1]}}"; }

# Prints the names of the required S3 variables that are unset or empty.
missing_s3_vars() {
  local name
  for name in "${S3_REQUIRED_VARS[@]}"; do
    [[ -n "${!name:-}" ]] || echo "$name"
  done
}
