#!/usr/bin/env bats
# Optional: the configs the buildpack reads and writes, verified by real Tempo
# binaries (REAL_TEMPO_DIR holding tempo-v<version> for the contract's
# versions; CI has none, so every test skips without it). Real Tempo decides
# what a config means; these tests show that the buildpack reads it the same
# way and that what it writes is accepted.

# Single-quoted scripts run in a child bash; each test runs in a subshell of its own.
# shellcheck disable=SC2016,SC2030,SC2031
load mirror
load assertions
load config_cases

setup() {
  [[ -n "${REAL_TEMPO_DIR:-}" ]] || skip "REAL_TEMPO_DIR is not set"
  export BP_DIR="$REPO_ROOT/buildpack"
  export TEMPO_STORAGE_S3_BUCKET=traces TEMPO_STORAGE_S3_ENDPOINT=s3.example.test \
    TEMPO_STORAGE_S3_ACCESS_KEY_ID=AKIAEXAMPLEKEY TEMPO_STORAGE_S3_SECRET_ACCESS_KEY=s3-secret-value
}

real_tempo() {
  local bin="$REAL_TEMPO_DIR/tempo-v$1"
  [[ -x "$bin" ]] || skip "no $bin"
  echo "$bin"
}

# tempo_accepts BIN FILE
tempo_accepts() {
  run "$1" -config.verify=true -config.expand-env=true -config.file="$2"
  [ "$status" -eq 0 ] || { echo "Tempo rejects $2: $output"; cat "$2"; false; }
}

# buildpack SCRIPT ARGS...: runs SCRIPT (with ARGS as $1...) in a bash that
# has the buildpack's libs and gojq.
buildpack() {
  bash -c '
    set -euo pipefail
    for lib in contract log settings listen config cluster; do source "$BP_DIR/lib/$lib.sh"; done
    use_gojq "$(command -v gojq)"
    TEMPO_CONFIG_LEVEL=test
    eval "$0"
  ' "$@"
}

check_config_of() { buildpack 'check_config "$1" env_value "$2"' "$@"; }

# What gojq writes for FILE (the member's config without member keys).
through_gojq() { buildpack 'member_config "$1" ""' "$1"; }

# The member config the launcher renders over FILE, with its TLS material, as
# real Tempo BIN verifies it before a member starts.
member_of() {
  TEMPO_CLUSTER_ADDRESS=127.0.0.5 TEMPO_CLUSTER_JOIN=127.0.0.6:7946 TEMPO_CLUSTER_SIZE=3 \
    TEMPO_CLUSTER_SECRET=Mn3bV7cX1zA5sD9fG2hJ6kL0qW4eR8tYu2 \
    buildpack 'cluster_setup 2 && TEMPO_CONFIG_FILE="$1" && cluster_render_config "$2" "$3" >&2 && cat "$TEMPO_CONFIG_FILE"' \
    "$1" "$(mktemp -d "$BATS_TEST_TMPDIR/member.XXXXXX")" "$2"
}

# The default template the launcher picks for VERSION (config.sh), for an app
# without a config of its own.
default_template() {
  buildpack 'resolve_tempo_config "$1" "$BP_DIR/config" "$1" "$2" && echo "$TEMPO_CONFIG_FILE"' "$BATS_TEST_TMPDIR" "$1"
}

each_version() {
  local v
  for v in "${TEMPO_KNOWN_VERSIONS[@]}"; do "$@" "$v"; done
}

default_template_case() {
  local bin major="${TEMPO_VERSION_MAJOR[$1]}" tpl
  bin="$(real_tempo "$1")"
  tpl="$(default_template "$1")"
  tempo_accepts "$bin" "$tpl"
  check_config_of "$tpl" "$major"
  through_gojq "$tpl" >"$BATS_TEST_TMPDIR/template.yaml"
  tempo_accepts "$bin" "$BATS_TEST_TMPDIR/template.yaml"
}

@test "real Tempo: the default templates verify, pass the buildpack's check, and so does what gojq writes of them" {
  each_version default_template_case
}

styled_case() {
  local bin major="${TEMPO_VERSION_MAJOR[$1]}" file="$BATS_TEST_TMPDIR/styled.yaml"
  bin="$(real_tempo "$1")"
  styled_config "$major" >"$file"
  tempo_accepts "$bin" "$file"
  check_config_of "$file" "$major"
  through_gojq "$file" >"$BATS_TEST_TMPDIR/through.yaml"
  tempo_accepts "$bin" "$BATS_TEST_TMPDIR/through.yaml"
  ((major == 2)) || return 0
  member_of "$file" "$bin" >"$BATS_TEST_TMPDIR/member.yaml"
  tempo_accepts "$bin" "$BATS_TEST_TMPDIR/member.yaml"
  member_of "$(default_template "$1")" "$bin" >"$BATS_TEST_TMPDIR/member.yaml"
  tempo_accepts "$bin" "$BATS_TEST_TMPDIR/member.yaml"
}

@test "real Tempo: configs in flow style, quoted keys, anchors and aliases, and their 2.x member configs verify" {
  each_version styled_case
}

hidden_listener_case() {
  local bin major="${TEMPO_VERSION_MAJOR[$1]}" file="$BATS_TEST_TMPDIR/hidden.yaml" name
  bin="$(real_tempo "$1")"
  for name in "${HIDDEN_LISTENER_CASES[@]}"; do
    # 3.x has no ingester block.
    hidden_listener_config "$name" | sed '/^ingester:$/d; /flush_all_on_shutdown/d' >"$file"
    tempo_accepts "$bin" "$file"
    run check_config_of "$file" "$major"
    [ "$status" -ne 0 ] || { echo "$name passes the buildpack's check on $1"; false; }
    contains "$output" "$(hidden_listener_reason "$name")"
  done
}

@test "real Tempo accepts each hidden listener; the buildpack's check refuses it" {
  each_version hidden_listener_case
}
