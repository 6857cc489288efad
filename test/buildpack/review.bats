#!/usr/bin/env bats
# Review apps: Scalingo copies the parent's environment (S3 keys included)
# into each; the app's scalingo.json marks it (IS_REVIEW_APP=true) and APP
# names it. Its blocks go under a prefix naming it, never the parent's.

load launch_helpers
bats_require_minimum_version 1.5.0

setup_file() {
  # shellcheck disable=SC2034 # read by build_apps: one Tempo version is enough here
  LAUNCH_VERSIONS=(2.10.8)
  build_apps
}

setup() {
  new_app 2.10.8
}

teardown() {
  cleanup_launch
}

@test "a review app on the parent's prefix gets review/<app>/ below it" {
  local parent expected
  for parent in "" parent-traces/ parent-traces; do
    expected="${parent:+parent-traces/}review/my-tempo-pr-12/"
    launch "$REVIEW_APP_MARKER=$REVIEW_APP_MARKER_VALUE" APP=my-tempo-pr-12 TEMPO_STORAGE_S3_PREFIX="$parent"
    wait_listening
    contains "$(<"$OUT")" "Review app my-tempo-pr-12: its blocks live under the prefix $expected, apart from the parent app's"
    [ "$(stub_config storage.trace.s3.prefix)" = "$expected" ]
    stop_launcher
    [ "$EXIT_STATUS" -eq 0 ]
  done
}

@test "a review app whose prefix already names it keeps it" {
  launch "$REVIEW_APP_MARKER=$REVIEW_APP_MARKER_VALUE" APP=my-tempo-pr-12 TEMPO_STORAGE_S3_PREFIX=previews/my-tempo-pr-12
  wait_listening
  [ "$(stub_config storage.trace.s3.prefix)" = previews/my-tempo-pr-12 ]
  stop_launcher
}

@test "a review app whose tempo.yaml ignores TEMPO_STORAGE_S3_PREFIX refuses to start, saying why and what to write" {
  # The default config, its prefix written as the parent's.
  sed 's|prefix: .*|prefix: parent-traces/|' "$REPO_ROOT/buildpack/config/tempo-2.yaml" >"$APP/tempo.yaml"
  launch "$REVIEW_APP_MARKER=$REVIEW_APP_MARKER_VALUE" APP=my-tempo-pr-12
  wait_exit 10
  [ "$EXIT_STATUS" -ne 0 ]
  contains "$(<"$OUT")" "Refusing to start review app my-tempo-pr-12 ($REVIEW_APP_MARKER=$REVIEW_APP_MARKER_VALUE): its Tempo config (tempo.yaml at the app root) has storage.trace.s3.prefix \"parent-traces/\""
  contains "$(<"$OUT")" "compact and delete the parent's blocks"
  # shellcheck disable=SC2016 # the config's own ${...}, as the message shows it
  contains "$(<"$OUT")" 'prefix: "${TEMPO_STORAGE_S3_PREFIX:-}"'
  [ ! -e "$RECORD" ]
  assert_no_leftovers
}

@test "a review app without APP refuses to start" {
  launch "$REVIEW_APP_MARKER=$REVIEW_APP_MARKER_VALUE"
  wait_exit 10
  [ "$EXIT_STATUS" -ne 0 ]
  contains "$(<"$OUT")" "$REVIEW_APP_MARKER=$REVIEW_APP_MARKER_VALUE but APP is not set"
  assert_no_leftovers
}

@test "the parent app, and a review app on local storage, keep their prefix" {
  launch TEMPO_STORAGE_S3_PREFIX=parent-traces/ APP=my-tempo
  wait_listening
  lacks "$(<"$OUT")" "Review app"
  [ "$(stub_config storage.trace.s3.prefix)" = parent-traces/ ]
  stop_launcher
  [ "$EXIT_STATUS" -eq 0 ]
  launch "$REVIEW_APP_MARKER=$REVIEW_APP_MARKER_VALUE" APP=my-tempo-pr-12 TEMPO_STORAGE_TRACE_BY_ID_BACKEND=local TEMPO_STORAGE_S3_BUCKET= \
    TEMPO_STORAGE_S3_ENDPOINT= TEMPO_STORAGE_S3_ACCESS_KEY_ID= TEMPO_STORAGE_S3_SECRET_ACCESS_KEY=
  wait_listening
  lacks "$(<"$OUT")" "Review app"
  stop_launcher
  [ "$EXIT_STATUS" -eq 0 ]
}
