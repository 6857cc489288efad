#!/usr/bin/env bats
# The whole first mile, each part for real: the CLI scaffolds an app, the
# buildpack compiles it (config verified by the strict stub tempo), the web
# process starts behind real Caddy, and `check` proves ingest and query work
# with the credentials the scaffold generated.

load ../buildpack/launch_helpers

setup_file() {
  local releases="$BATS_FILE_TMPDIR/releases"
  build_release_fixtures "$releases"
  start_mirror "$releases"
  [[ -f "$REPO_ROOT/dist/cli.cjs" ]] || (cd "$REPO_ROOT" && npm run build >/dev/null)
}

teardown_file() {
  stop_mirror
}

teardown() {
  cleanup_launch
}

cli() { NO_COLOR=1 node "$REPO_ROOT/bin/run.js" "$@"; }

# scaffold VERSION [FLAGS...]: generates $APP with S3 storage and its secrets in .env.
scaffold() {
  local version="$1"
  shift
  APP="$BATS_TEST_TMPDIR/my-tempo"
  # Read by launch_helpers.
  # shellcheck disable=SC2034
  MARKER="$BATS_TEST_TMPDIR/" RECORD="$BATS_TEST_TMPDIR/record" OUT="$BATS_TEST_TMPDIR/out.log"
  pick_ports
  mkdir -p "$BATS_TEST_TMPDIR/tmp"
  TEMPO_STORAGE_S3_ACCESS_KEY_ID=SCWE2EACCESSKEY000001 TEMPO_STORAGE_S3_SECRET_ACCESS_KEY=e2e-secret-key-0123456789abcdef \
    run cli "$APP" --yes --tempo-version "$version" --bucket e2e-traces --endpoint s3.example.test "$@"
  [[ "$status" == 0 ]] || { echo "$output"; return 1; }
}

# The app's variables as Scalingo would hold them: the values of its manifest
# (scalingo.json) but its review-app marker, then its secrets from .env, as
# env-set would send them.
app_variables() {
  # shellcheck disable=SC2016 # a JavaScript template literal
  node -e 'for (const [name, v] of Object.entries(require(process.argv[1]).env)) if (v.value !== undefined && name !== process.argv[2]) console.log(`${name}=${v.value}`)' \
    "$APP/scalingo.json" "$REVIEW_APP_MARKER"
  # shellcheck disable=SC1091 # the app's .env, written by the scaffold
  (set -a && . "$APP/.env" && env | grep -E '^(TEMPO|SCALINGO)_' | sort)
}

compile_app() {
  local env_dir="$BATS_TEST_TMPDIR/env" line
  mkdir -p "$env_dir"
  while IFS= read -r line; do printf '%s' "${line#*=}" >"$env_dir/${line%%=*}"; done < <(app_variables)
  printf '%s' "$MIRROR_URL/tempo" >"$env_dir/TEMPO_DOWNLOAD_URL"
  printf '%s' "$MIRROR_URL/caddy" >"$env_dir/CADDY_DOWNLOAD_URL"
  mirror_gojq_env "$env_dir"
  run env -u TEMPO_VERSION "$REPO_ROOT/bin/compile" "$APP" "$BATS_FILE_TMPDIR/cache" "$env_dir"
  [[ "$status" == 0 ]] || { echo "$output"; return 1; }
}

launch_app() {
  local vars=() line
  while IFS= read -r line; do vars+=("$line"); done < <(app_variables)
  launch "${vars[@]}"
  wait_listening
}

first_deploy() {
  scaffold "$@"
  compile_app
  contains "$output" "Config: tempo.yaml at the app root"
  launch_app
  run bash -c "cd '$APP' && NO_COLOR=1 node '$REPO_ROOT/bin/run.js' check http://127.0.0.1:$PORT --timeout 20"
  echo "$output"
  [[ "$status" == 0 ]]
  contains "$output" "All 5 checks passed"
  stop_launcher
  [[ "$EXIT_STATUS" == 0 ]]
}

@test "Tempo 2.10.8: scaffold, compile, start, check" {
  first_deploy 2.10.8
}

@test "Tempo 3.0.3: scaffold, compile, start, check" {
  first_deploy 3.0.3
}

@test "Tempo 2.4.0: check reads the trace back through /api/traces" {
  first_deploy 2.4.0
  contains "$output" "/api/traces/<id>"
}

# A review app's variables as Scalingo makes them: the parent's, then its
# manifest applied (values as they are, a new value for each generator).
review_app_variables() {
  app_variables
  # shellcheck disable=SC2016 # a JavaScript template literal
  node -e 'const {randomBytes} = require("node:crypto")
    for (const [name, v] of Object.entries(require(process.argv[1]).env)) {
      if (v.value !== undefined) console.log(`${name}=${v.value}`)
      else if (v.generator === "secret") console.log(`${name}=${randomBytes(24).toString("hex")}`)
    }' "$APP/scalingo.json"
}

@test "a review app of the scaffolded app keeps its blocks under review/<app>/, away from the parent's" {
  scaffold 2.10.8
  compile_app
  local vars=() line
  while IFS= read -r line; do vars+=("$line"); done < <(review_app_variables)
  launch "${vars[@]}" APP=my-tempo-pr-7
  wait_listening
  contains "$(<"$OUT")" "Review app my-tempo-pr-7: its blocks live under the prefix review/my-tempo-pr-7/"
  [[ "$(stub_config storage.trace.s3.prefix)" == review/my-tempo-pr-7/ ]]
  [[ "$(stub_config storage.trace.s3.bucket)" == e2e-traces ]]
  stop_launcher
  [[ "$EXIT_STATUS" == 0 ]]
  # The parent, from the same manifest, is no review app.
  launch_app
  lacks "$(<"$OUT")" "Review app"
  [[ "$(stub_config storage.trace.s3.prefix)" == "" ]]
  stop_launcher
}

@test "env mode: no tempo.yaml, the buildpack's default template from the app's variables" {
  scaffold 2.10.8 --config-mode env
  compile_app
  contains "$output" "Config: default template for Tempo 2.x"
  lacks "$output" "missing"
  launch_app
  run bash -c "cd '$APP' && NO_COLOR=1 node '$REPO_ROOT/bin/run.js' check http://127.0.0.1:$PORT --timeout 20"
  [[ "$status" == 0 ]] || { echo "$output"; return 1; }
  [[ "$(stub_config storage.trace.s3.bucket)" == e2e-traces ]]
}
