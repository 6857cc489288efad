#!/usr/bin/env bash
# Build-time check of the Tempo config the app will start with.
# Needs contract.sh (legacy keys), log.sh, env.sh (the app's variables,
# masking), config.sh (resolve_tempo_config, check_config: the check shared
# with the start, and what it needs), listen.sh (config_documents) and gojq
# (use_gojq).

readonly VERIFY_TIMEOUT=120

# verify_config TEMPO_BIN BUILD_DIR CONFIG_DIR PRIVATE_DIR VERSION
# Resolves the config as the launcher does at start and runs Tempo's own
# -config.verify on it with the app's env vars, then the checks the start
# runs (check_config). Fails the build if Tempo rejects it, with hints for
# well-known mistakes.
verify_config() {
  local tempo_bin="$1" build_dir="$2" config_dir="$3" private_dir="$4" version="$5"
  local major placeholders=() name out rc=0
  major="$(tempo_major "$version")"

  # Shadows any inherited value: resolve_tempo_config must see the build's one.
  local TEMPO_CONFIG_YAML
  # shellcheck disable=SC2034 # read by resolve_tempo_config
  TEMPO_CONFIG_YAML="$(build_env TEMPO_CONFIG_YAML)"
  resolve_tempo_config "$build_dir" "$config_dir" "$private_dir" "$version" ||
    die "This buildpack has no default config for Tempo ${major}.x: add a tempo.yaml at the app root or set TEMPO_CONFIG_YAML"
  info "Config: $TEMPO_CONFIG_LEVEL"

  if [[ "$TEMPO_CONFIG_LEVEL" == default* ]]; then
    local missing
    missing="$(default_config_missing build_env_value)" || exit 1
    if [[ -n "$missing" ]]; then
      warn "S3 storage is not configured yet: ${missing//$'\n'/ } not set."
      warn "Set them before the first start: the app refuses to start without them."
      info "Verifying with placeholders for them"
      for name in $missing; do placeholders+=("$name=build-placeholder"); done
    fi
  fi

  # The placeholders go through env(1): they are not secrets.
  out="$(run_with_build_env "$build_dir" env "${placeholders[@]}" \
    timeout "$VERIFY_TIMEOUT" "$tempo_bin" -config.verify=true -config.expand-env=true \
    -config.file="$TEMPO_CONFIG_FILE" 2>&1)" || rc=$?
  if ((rc == 0)); then
    info "Tempo accepts the config"
    check_config "$TEMPO_CONFIG_FILE" build_env_value "$major"
    return 0
  fi
  ((rc != 124)) || die "tempo -config.verify did not finish in ${VERIFY_TIMEOUT}s"

  warn "Tempo $version rejects the config ($TEMPO_CONFIG_LEVEL):"
  # Show the config's name the user knows, not a path of the build machine.
  out="${out//"$TEMPO_CONFIG_FILE"/$(config_display_name)}"
  mask_secrets <<<"$out" | indent
  config_hints "$out" "$TEMPO_CONFIG_FILE" "$major"
  die "Fix the Tempo config and deploy again."
}

# config_has_key FILE KEY: succeeds when a mapping of the config (read as
# Tempo reads it) has KEY.
config_has_key() {
  local documents
  documents="$(config_documents "$1" build_env_value 2>/dev/null)" || return 1
  # shellcheck disable=SC2016 # $key is gojq's
  "$GOJQ_BIN" --exit-status --arg key "$2" 'any(.. | objects | keys[]; . == $key)' <<<"$documents" >/dev/null
}

# Prints how the chosen config is called in messages.
config_display_name() {
  case "$TEMPO_CONFIG_LEVEL" in
    TEMPO_CONFIG_YAML) echo "TEMPO_CONFIG_YAML" ;;
    tempo.yaml*) echo "tempo.yaml" ;;
    *) echo "${TEMPO_CONFIG_FILE##*/}" ;;
  esac
}

# config_hints TEMPO_OUTPUT CONFIG_FILE MAJOR
# Prints a fix for every well-known mistake in Tempo's error output. Widely
# copied example configs use the old storage keys.
config_hints() {
  local out="$1" file="$2" major="$3" legacy=0
  local -a hints=()
  local old last
  for old in "${!LEGACY_PATHS[@]}"; do
    last="${old##*.}"
    if [[ "$out" == *"field $last not found in type ${old%.*}."* ]]; then
      hints+=("$old is an old key: use ${LEGACY_PATHS[$old]}")
      legacy=1
    fi
  done
  # Reported only once the enclosing block is right, so look at the file as well.
  for old in "${!LEGACY_KEYS[@]}"; do
    if [[ "$out" == *"field $old not found"* ]] || config_has_key "$file" "$old"; then
      hints+=("$old is an old key: use ${LEGACY_KEYS[$old]}")
      legacy=1
    fi
  done
  if [[ "$major" -ge 3 && "$out" == *"field ingester not found"* ]]; then
    hints+=("Tempo 3 has no ingester block: it was replaced by live_store (see the buildpack's config/tempo-3.yaml)")
  fi
  if [[ "$major" -le 2 && "$out" == *"field live_store not found"* ]]; then
    hints+=("live_store is a Tempo 3 block: remove it, or set TEMPO_VERSION to a 3.x release")
  fi
  if [[ "$out" == *"CONFIGURATION WARNINGS"* ]]; then
    hints+=("Tempo ${major}.x treats the configuration warnings above as errors: fix the settings they name")
  fi
  ((${#hints[@]} > 0)) || return 0

  warn "Hints:"
  local hint
  for hint in "${hints[@]}"; do info "- $hint"; done
  ((legacy)) || return 0
  info "The storage section should look like:"
  indent <<'YAML'
  storage:
    trace:
      backend: s3
      wal:
        path: /tmp/tempo/wal
      s3:
        bucket: ${TEMPO_STORAGE_S3_BUCKET}
        endpoint: ${TEMPO_STORAGE_S3_ENDPOINT}
        access_key: ${TEMPO_STORAGE_S3_ACCESS_KEY_ID}
        secret_key: ${TEMPO_STORAGE_S3_SECRET_ACCESS_KEY}
YAML
}
