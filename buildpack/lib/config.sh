#!/usr/bin/env bash
# Which Tempo config an app runs with, resolved identically at build and at start.
# Order (documented, never changed): 1) tempo.yaml at the app root,
# 2) TEMPO_CONFIG_YAML, 3) the buildpack's default template for the Tempo major.
# Needs contract.sh, log.sh and listen.sh.

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

# Prints the names of the required S3 variables that are unset or empty.
missing_s3_vars() {
  local name
  for name in "${S3_REQUIRED_VARS[@]}"; do
    [[ -n "${!name:-}" ]] || echo "$name"
  done
}

# Prints the storage backend a config file names (best effort: first match).
config_backend() {
  sed -nE '/^[[:space:]]*backend:/{s/^[[:space:]]*backend:[[:space:]]*["'\'']?([A-Za-z0-9]+).*/\1/p;q;}' "$1"
}

env_value() { printf '%s' "${!1:-}"; }

# Refuses a config that would put any of Tempo's listeners beyond loopback.
check_listeners() {
  local file="$1" problems problem
  problems="$(exposed_listeners "$file" env_value)"
  [[ -n "$problems" ]] || return 0
  warn "The Tempo config ($TEMPO_CONFIG_LEVEL) would expose Tempo's unauthenticated API beyond the proxy:"
  while IFS= read -r problem; do warn "  $problem"; done <<<"$problems"
  die "Refusing to start: fix the config so that Tempo listens on loopback only."
}

# Warns about what an app's own config gets wrong for this platform.
check_config_file() {
  local file="$1" duration seconds endpoint
  endpoint="$(awk -f "$BP_DIR/lib/yaml-paths.awk" "$file" |
    sed -n 's/^distributor\.receivers\.otlp\.protocols\.http\.endpoint\t//p')"
  endpoint="$(expand_env_refs "$endpoint" env_value)"
  # A cluster member's receiver is set by its overlay (cluster.sh).
  [[ "$CLUSTER_MODE" == on || "$endpoint" == *":$TEMPO_OTLP_HTTP_PORT" ]] ||
    warn "The config does not put the OTLP/HTTP receiver on 127.0.0.1:$TEMPO_OTLP_HTTP_PORT (TEMPO_OTLP_HTTP_PORT), where the proxy sends traces: use endpoint: 127.0.0.1:\${TEMPO_OTLP_HTTP_PORT}"
  if ((TEMPO_MAJOR == 2)); then
    grep -Eq '^[[:space:]]*flush_all_on_shutdown:[[:space:]]*true' "$file" || {
      warn "The config does not set ingester.flush_all_on_shutdown: true: traces not yet"
      warn "flushed are lost at every restart and deploy."
    }
    return 0
  fi
  duration="$(sed -nE '/^[[:space:]]*max_block_duration:/{s/^[[:space:]]*max_block_duration:[[:space:]]*["'\'']?([0-9]+[sm]).*/\1/p;q;}' "$file")"
  case "$duration" in
    *s) seconds="${duration%s}" ;;
    *m) seconds=$((${duration%m} * 60)) ;;
    *) seconds=30 ;; # Tempo's default
  esac
  ((DRAIN_WAIT >= seconds + 2)) || {
    warn "live_store.max_block_duration is ${duration:-30s (the default)}, longer than TEMPO_DRAIN_WAIT (${DRAIN_WAIT} s)"
    warn "allows: traces of the last blocks are lost at every restart. Use a few seconds."
  }
}

# choose_config APP_DIR CONFIG_DIR PRIVATE_DIR VERSION
# Picks the config the app runs with (its level is logged, never its content),
# checks that it has what it needs and keeps Tempo on loopback; sets
# TEMPO_CONFIG_LEVEL and TEMPO_CONFIG_FILE.
choose_config() {
  local backend missing
  resolve_tempo_config "$@" || die "No default Tempo config for Tempo $(tempo_major "$4").x in $2"
  info "Config: $TEMPO_CONFIG_LEVEL"
  if [[ "$TEMPO_CONFIG_FILE" == "$2/"* ]]; then
    case "${TEMPO_STORAGE_TRACE_BY_ID_BACKEND:-s3}" in
      s3)
        mapfile -t missing < <(missing_s3_vars)
        ((${#missing[@]} == 0)) ||
          die "The s3 backend needs these variables, which are not set: ${missing[*]}"
        backend=s3
        ;;
      local) backend=local ;;
      *) die "TEMPO_STORAGE_TRACE_BY_ID_BACKEND must be s3 or local with the default config" ;;
    esac
  else
    check_config_file "$TEMPO_CONFIG_FILE"
    backend="$(config_backend "$TEMPO_CONFIG_FILE")"
  fi
  check_listeners "$TEMPO_CONFIG_FILE"
  [[ "$backend" != local ]] || loud_warning "$WARNING_LOCAL_STORAGE"
}
