#!/usr/bin/env bats
# Review apps: Scalingo copies the parent's environment (S3 keys included) into
# each and sets IS_REVIEW_APP=true; one on the parent's bucket and prefix
# refuses to start, one with a prefix naming it starts there.

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

@test "a review app on the parent's bucket and prefix refuses to start, saying why and what to set" {
  for prefix in "" parent-traces/; do
    launch IS_REVIEW_APP=true APP=my-tempo-pr-12 PARENT_APP_NAME=my-tempo TEMPO_STORAGE_S3_PREFIX="$prefix"
    wait_exit 10
    [ "$EXIT_STATUS" -ne 0 ]
    contains "$(<"$OUT")" "Refusing to start review app my-tempo-pr-12 of my-tempo (IS_REVIEW_APP=true)"
    contains "$(<"$OUT")" "compacts and deletes the parent's blocks"
    contains "$(<"$OUT")" "scalingo --app my-tempo-pr-12 env-set TEMPO_STORAGE_S3_PREFIX=review/my-tempo-pr-12/"
    [ ! -e "$RECORD" ]
    assert_no_leftovers
  done
}

@test "a review app with a prefix naming it starts, Tempo's blocks under that prefix" {
  launch IS_REVIEW_APP=true APP=my-tempo-pr-12 PARENT_APP_NAME=my-tempo TEMPO_STORAGE_S3_PREFIX=review/my-tempo-pr-12/
  wait_listening
  contains "$(<"$OUT")" "Review app my-tempo-pr-12: its blocks live under the prefix review/my-tempo-pr-12/"
  [ "$(stub_config storage.trace.s3.prefix)" = review/my-tempo-pr-12/ ]
  stop_launcher
  [ "$EXIT_STATUS" -eq 0 ]
}

@test "the parent app, and a review app without S3 keys, start as before" {
  launch TEMPO_STORAGE_S3_PREFIX=
  wait_listening
  lacks "$(<"$OUT")" "review app"
  [ "$(stub_config storage.trace.s3.prefix)" = "" ]
  stop_launcher
  [ "$EXIT_STATUS" -eq 0 ]
  launch IS_REVIEW_APP=true APP=my-tempo-pr-12 TEMPO_STORAGE_TRACE_BY_ID_BACKEND=local TEMPO_STORAGE_S3_BUCKET= \
    TEMPO_STORAGE_S3_ENDPOINT= TEMPO_STORAGE_S3_ACCESS_KEY_ID= TEMPO_STORAGE_S3_SECRET_ACCESS_KEY=
  wait_listening
  stop_launcher
  [ "$EXIT_STATUS" -eq 0 ]
}
