#!/usr/bin/env bash
# Which Tempo config an app runs with, resolved identically at build and at start.
# Order (documented, never changed): 1) tempo.yaml at the app root,
# 2) TEMPO_CONFIG_YAML, 3) the buildpack's default template for the Tempo major.
# Needs contract.sh (versions, templates, S3 and port variables, warnings),
# log.sh, listen.sh (config_documents), BP_DIR/lib/config.jq (run by gojq:
# use_gojq) and, at the start of a cluster member, CLUSTER_MODE (cluster.sh).

# Prints the version without a leading "v"; fails on anything but x.y.z.
normalize_version() {
  local version="${1#v}"
  [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || return 1
  echo "$version"
}

# Whether version A (x.y.z) is older than B.
version_before() {
  local -a a b
  IFS=. read -ra a <<<"$1"
  IFS=. read -ra b <<<"$2"
  ((a[0] != b[0])) && { ((a[0] < b[0])); return; }
  ((a[1] != b[1])) && { ((a[1] < b[1])); return; }
  ((a[2] < b[2]))
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
    local major template
    major="$(tempo_major "$version")"
    TEMPO_CONFIG_LEVEL="default template for Tempo ${major}.x"
    [[ -v "TEMPO_MAJOR_TEMPLATE[$major]" ]] || return 1
    template="${TEMPO_MAJOR_TEMPLATE[$major]}"
    # Older releases of the major cannot serve TraceQL metrics and lack keys of the generator.
    if [[ -v "TEMPO_MAJOR_TEMPLATE_BEFORE_METRICS[$major]" ]] && version_before "$version" "$TEMPO_METRICS_SINCE"; then
      template="${TEMPO_MAJOR_TEMPLATE_BEFORE_METRICS[$major]}"
      TEMPO_CONFIG_LEVEL+=" before $TEMPO_METRICS_SINCE (no TraceQL metrics)"
    fi
    TEMPO_CONFIG_FILE="$config_dir/$template"
    [[ -f "$TEMPO_CONFIG_FILE" ]] || return 1
  fi
}

# default_config_missing LOOKUP: what the default template needs from the
# app's variables (LOOKUP NAME prints one). Fails on a backend the template
# does not know; prints the required S3 variables that are unset or empty.
default_config_missing() {
  local lookup="$1" name
  case "$("$lookup" TEMPO_STORAGE_TRACE_BY_ID_BACKEND)" in
    s3 | "") ;;
    local) return 0 ;;
    *) die "TEMPO_STORAGE_TRACE_BY_ID_BACKEND must be s3 or local with the default config" ;;
  esac
  for name in "${S3_REQUIRED_VARS[@]}"; do
    [[ -n "$("$lookup" "$name")" ]] || echo "$name"
  done
}

env_value() { printf '%s' "${!1:-}"; }

# use_gojq PATH: the YAML parser the build installed beside Tempo.
use_gojq() {
  [[ -x "$1" ]] || die "gojq is not installed in ${1%/*}: was the app built with this version of the Tempo buildpack?"
  GOJQ_BIN="$1"
}

# check_config FILE LOOKUP MAJOR
# The one check of the config an app runs with, at build (verify.sh) and at
# start (choose_config), reading it as Tempo will: ${VAR} expanded with
# LOOKUP, then parsed (listen.sh). Refuses more than one YAML document and any
# listener beyond loopback (config.jq); warns about settings that lose traces
# on this platform. Sets CONFIG_BACKEND and CONFIG_S3_PREFIX.
# CLUSTER_MODE is on only at the start of a cluster member.
# shellcheck disable=SC2034 # CONFIG_S3_PREFIX is read by review_app_config (review.sh)
check_config() {
  local file="$1" lookup="$2" major="$3" documents port drain findings kind text
  local -a listeners=()
  documents="$(config_documents "$file" "$lookup" 2>&1)" ||
    die "The Tempo config ($TEMPO_CONFIG_LEVEL) cannot be read as Tempo reads it: $documents"
  port="$("$lookup" TEMPO_OTLP_HTTP_PORT)"
  drain="$("$lookup" TEMPO_DRAIN_WAIT)"
  [[ "$drain" =~ ^[0-9]+$ ]] || drain="${RUNTIME_DEFAULTS[TEMPO_DRAIN_WAIT]}"
  findings="$("$GOJQ_BIN" --raw-output --from-file "$BP_DIR/lib/config.jq" \
    --arg port "${port:-${PORT_DEFAULTS[TEMPO_OTLP_HTTP_PORT]}}" --argjson drain "$drain" \
    --argjson major "$major" --arg cluster "${CLUSTER_MODE:-off}" <<<"$documents" 2>&1)" ||
    die "Could not check the Tempo config ($TEMPO_CONFIG_LEVEL): $findings"
  CONFIG_BACKEND="" CONFIG_S3_PREFIX=""
  while IFS=$'\t' read -r kind text; do
    case "$kind" in
      documents)
        warn "The Tempo config ($TEMPO_CONFIG_LEVEL) holds $text YAML documents (separated by ---): Tempo reads the first only."
        die "Keep the whole Tempo config in one document."
        ;;
      not-a-mapping) die "The Tempo config ($TEMPO_CONFIG_LEVEL) is a YAML $text, not a mapping of Tempo's settings." ;;
      listener) listeners+=("$text") ;;
      warning) warn "$text" ;;
      backend) CONFIG_BACKEND="$text" ;;
      s3-prefix) CONFIG_S3_PREFIX="$text" ;;
    esac
  done <<<"$findings"
  if ((${#listeners[@]} > 0)); then
    warn "The Tempo config ($TEMPO_CONFIG_LEVEL) would expose Tempo's unauthenticated API beyond the proxy:"
    for text in "${listeners[@]}"; do warn "  $text"; done
    info "Tempo must listen on loopback only; the proxy is the way in. For example:"
    indent <<'YAML'
  server:
    http_listen_address: 127.0.0.1
    grpc_listen_address: 127.0.0.1
  memberlist:
    bind_addr: [127.0.0.1]
YAML
    die "Fix the Tempo config so that Tempo listens on loopback only."
  fi
  [[ "$CONFIG_BACKEND" != local ]] || loud_warning "$WARNING_LOCAL_STORAGE"
}

# choose_config APP_DIR CONFIG_DIR PRIVATE_DIR VERSION
# Picks the config the app runs with (its level is logged, never its content),
# checks that it has what it needs and keeps Tempo on loopback; sets
# TEMPO_CONFIG_LEVEL and TEMPO_CONFIG_FILE.
choose_config() {
  local missing
  resolve_tempo_config "$@" || die "No default Tempo config for Tempo $(tempo_major "$4").x in $2"
  info "Config: $TEMPO_CONFIG_LEVEL"
  if [[ "$TEMPO_CONFIG_FILE" == "$2/"* ]]; then
    missing="$(default_config_missing env_value)" || exit 1
    [[ -z "$missing" ]] || die "The s3 backend needs these variables, which are not set: ${missing//$'\n'/ }"
  fi
  check_config "$TEMPO_CONFIG_FILE" env_value "$(tempo_major "$4")"
}
