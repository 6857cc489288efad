#!/usr/bin/env bats
# What Grafana's Tempo datasource and Traces Drilldown call, replayed through the
# proxy (real Caddy) with the query credential, against the stub tempo: every call
# answers 200, TraceQL metrics included with the default configs.

# shellcheck disable=SC2153
load launch_helpers
bats_require_minimum_version 1.5.0

setup_file() {
  build_apps
}

teardown() {
  cleanup_launch
}

# The span of otlp_json starts at 1700000000 s.
WINDOW='start=1699999800&end=1700000400'

# grafana_calls: every call of the datasource and Drilldown; prints "STATUS PATH" per call.
grafana_calls() {
  local path
  for path in /api/echo /api/status/buildinfo "/api/v2/traces/$TRACE_ID" \
    "/api/search?q=%7B%7D&$WINDOW" "/api/v2/search/tags?scope=resource&$WINDOW" \
    "/api/v2/search/tag/resource.service.name/values?$WINDOW" \
    "/api/metrics/query_range?q=%7B%7D%20%7C%20rate()&$WINDOW&step=60s" \
    "/api/metrics/query?q=%7B%7D%20%7C%20rate()&$WINDOW"; do
    query "$path" -u "$QUERY_USER:$QUERY_PASSWORD"
    echo "$STATUS $path"
    printf '%s\n' "$BODY" >"$BATS_TEST_TMPDIR/body-${path//[^a-z0-9]/_}"
  done
}

body_of() { cat "$BATS_TEST_TMPDIR/body-${1//[^a-z0-9]/_}"; }

replay_default_config() {
  new_app "$1"
  launch
  wait_listening
  ingest -H "Authorization: Bearer $INGEST_TOKEN"
  [ "$STATUS" = 200 ]
  run grafana_calls
  [ "$status" -eq 0 ]
  lacks "$output" $'\n5'
  [ "$(grep -c '^200 ' <<<"$output")" -eq 8 ] || { echo "$output"; false; }
  contains "$(body_of "/api/v2/traces/$TRACE_ID")" "\"traceId\":\"$TRACE_ID\""
  contains "$(body_of "/api/v2/search/tag/resource.service.name/values?$WINDOW")" '"value":"launch-test"'
  contains "$(body_of "/api/metrics/query_range?q=%7B%7D%20%7C%20rate()&$WINDOW&step=60s")" '"samples":[{'
  contains "$(body_of "/api/metrics/query_range?q=%7B%7D%20%7C%20rate()&$WINDOW&step=60s")" '"value":'
  contains "$(body_of "/api/metrics/query?q=%7B%7D%20%7C%20rate()&$WINDOW")" '"value":'
  # The credential stops at the proxy; nothing answers without it.
  lacks "$(events)" "authorization=present"
  query "/api/metrics/query_range?q=%7B%7D%20%7C%20rate()&$WINDOW"
  [ "$STATUS" = 401 ]
  stop_launcher
}

@test "Tempo 2.10.8, default config: every call of Grafana answers 200 through the proxy, TraceQL metrics with samples" {
  replay_default_config 2.10.8
}

@test "Tempo 3.0.3, default config: every call of Grafana answers 200 through the proxy, TraceQL metrics with samples" {
  replay_default_config 3.0.3
}

@test "Tempo 2.x without the generator's local blocks answers TraceQL metrics 500 (why the default turns it on)" {
  new_app 2.10.8
  launch TEMPO_CONFIG_YAML="$(cat "$REPO_ROOT/buildpack/config/tempo-2-no-metrics.yaml")"
  wait_listening
  ingest -H "Authorization: Bearer $INGEST_TOKEN"
  run grafana_calls
  contains "$output" "500 /api/metrics/query_range"
  contains "$output" "500 /api/metrics/query?"
  contains "$(body_of "/api/metrics/query?q=%7B%7D%20%7C%20rate()&$WINDOW")" "empty ring"
  stop_launcher
}
