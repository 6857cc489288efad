#!/usr/bin/env bats
# The web process: config hierarchy, front proxy (real Caddy) and lifecycle,
# run like the platform runs it, with the stub tempo standing in for Tempo.

# Single-quoted scripts run in a child bash; STATUS is set by query() in launch_helpers.
# shellcheck disable=SC2016,SC2153
load launch_helpers
load config_cases
bats_require_minimum_version 1.5.0

setup_file() {
  build_apps
}

setup() {
  new_app 2.10.8
}

teardown() {
  cleanup_launch
}

# --- config hierarchy -------------------------------------------------------

@test "tempo.yaml at the app root wins over TEMPO_CONFIG_YAML and the template" {
  cat >"$APP/tempo.yaml" <<'YAML'
# app file
server:
  http_listen_address: 127.0.0.1
  http_listen_port: ${PORT}
  grpc_listen_address: 127.0.0.1
  grpc_listen_port: ${TEMPO_GRPC_LISTEN_PORT}
distributor:
  receivers:
    otlp:
      protocols:
        http:
          endpoint: 127.0.0.1:${TEMPO_OTLP_HTTP_PORT}
memberlist:
  bind_addr: [127.0.0.1]
storage:
  trace:
    backend: s3
    s3:
      bucket: from-app-file
YAML
  launch "TEMPO_CONFIG_YAML=server: {http_listen_address: 127.0.0.1} # from env"
  wait_listening
  contains "$(<"$OUT")" "Config: tempo.yaml at the app root"
  [ "$(<"$RECORD/config.yaml")" == "$(<"$APP/tempo.yaml")" ]
  # Flags win over the file: the HTTP API stays off $PORT.
  contains "$(<"$RECORD/argv.json")" "\"-server.http-listen-port=$TEMPO_HTTP_LISTEN_PORT\""
  contains "$(<"$RECORD/argv.json")" '"-config.expand-env=true"'
  contains "$(events)" "http=127.0.0.1:$TEMPO_HTTP_LISTEN_PORT"
  query /ready
  [ "$STATUS" = 200 ]
  # A 2.x config without flush on shutdown loses traces at each restart.
  contains "$(<"$OUT")" "does not set ingester.flush_all_on_shutdown: true"
  stop_launcher
}

@test "TEMPO_CONFIG_YAML wins over the template, from a private 0600 file" {
  local yaml
  yaml=$'# from env\nserver: {http_listen_address: 127.0.0.1, grpc_listen_address: 127.0.0.1, grpc_listen_port: ${TEMPO_GRPC_LISTEN_PORT}}\ndistributor:\n  receivers:\n    otlp:\n      protocols:\n        http:\n          endpoint: "127.0.0.1:${TEMPO_OTLP_HTTP_PORT:-4318}"\nmemberlist: {bind_addr: [127.0.0.1]}\nstorage:\n  trace:\n    backend: local\n    local:\n      path: /tmp/blocks-from-env'
  launch "TEMPO_CONFIG_YAML=$yaml"
  wait_listening
  contains "$(<"$OUT")" "Config: TEMPO_CONFIG_YAML"
  [ "$(<"$RECORD/config.yaml")" == "$yaml" ]
  local file
  file="$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).find((a) => a.startsWith("-config.file=")).slice(13))' "$RECORD/argv.json")"
  [[ "$file" == "$BATS_TEST_TMPDIR/tmp/"* ]]
  # 0600 in a 0700 dir when Tempo read it; gone once Tempo runs.
  [ "$(<"$RECORD/config-modes")" = "600 700" ]
  [ ! -e "$file" ]
  # The YAML itself is never printed.
  lacks "$(<"$OUT")" "blocks-from-env"
  stop_launcher
}

@test "the default template gets the env values" {
  # TEMPO_VERSION changed without a rebuild: the installed Tempo decides.
  launch TEMPO_VERSION=3.0.3 TEMPO_GRPC_LISTEN_PORT=9196 TEMPO_STORAGE_S3_REGION=fr-par TEMPO_STORAGE_S3_INSECURE=true \
    TEMPO_STORAGE_S3_FORCEPATHSTYLE=true TEMPO_RETENTION=72h \
    TEMPO_STORAGE_WAL_PATH="$BATS_TEST_TMPDIR/wal"
  wait_listening
  contains "$(<"$OUT")" "TEMPO_VERSION is 3.0.3 but this build installed Tempo 2.10.8"
  contains "$(<"$OUT")" "Config: default template for Tempo 2.x"
  [ "$(<"$RECORD/config.yaml")" == "$(<"$APP/.tempo/buildpack/config/tempo-2.yaml")" ]
  [ "$(stub_config storage.trace.backend)" = s3 ]
  [ "$(stub_config storage.trace.s3.bucket)" = traces-bucket ]
  [ "$(stub_config storage.trace.s3.endpoint)" = s3.example.test ]
  [ "$(stub_config storage.trace.s3.access_key)" = AKIAEXAMPLEKEY ]
  [ "$(stub_config storage.trace.s3.secret_key)" = "$S3_SECRET" ]
  [ "$(stub_config storage.trace.s3.region)" = fr-par ]
  [ "$(stub_config storage.trace.s3.insecure)" = true ]
  [ "$(stub_config storage.trace.s3.forcepathstyle)" = true ]
  [ "$(stub_config storage.trace.wal.path)" = "$BATS_TEST_TMPDIR/wal" ]
  [ "$(stub_config server.grpc_listen_port)" = 9196 ]
  [ "$(stub_config compactor.compaction.block_retention)" = 72h ]
  contains "$(events)" "http=127.0.0.1:$TEMPO_HTTP_LISTEN_PORT"
  stop_launcher
}

@test "the 3.x default template is used for Tempo 3" {
  new_app 3.0.3
  launch TEMPO_DRAIN_WAIT=1
  wait_listening
  contains "$(<"$OUT")" "Starting Grafana Tempo 3.0.3"
  contains "$(<"$OUT")" "Config: default template for Tempo 3.x"
  [ "$(stub_config live_store.max_block_duration)" = 5s ]
  stop_launcher TERM 30
}

@test "an app's own 3.x config is checked for what loses traces on this platform" {
  new_app 3.0.3
  launch TEMPO_DRAIN_WAIT=1 "TEMPO_CONFIG_YAML=$(printf 'server:\n  http_listen_address: 127.0.0.1\n  grpc_listen_address: localhost\n  grpc_listen_port: ${TEMPO_GRPC_LISTEN_PORT}\ndistributor:\n  receivers:\n    otlp:\n      protocols:\n        http:\n          endpoint: 127.0.0.2:4318\nmemberlist: {bind_addr: [127.0.0.1]}\nstorage:\n  trace:\n    backend: local\n')"
  wait_listening
  contains "$(<"$OUT")" "does not put the OTLP/HTTP receiver on 127.0.0.1:$TEMPO_OTLP_HTTP_PORT"
  contains "$(<"$OUT")" "live_store.max_block_duration is 30s (the default), longer than TEMPO_DRAIN_WAIT (1 s)"
  contains "$(<"$OUT")" "Storage backend is 'local'"
  stop_launcher
}

@test "no YAML spelling hides a listener or a second document from the start" {
  local name
  for name in "${HIDDEN_LISTENER_CASES[@]}"; do
    launch "TEMPO_CONFIG_YAML=$(hidden_listener_config "$name")"
    wait_exit 10
    [ "$EXIT_STATUS" -eq 1 ] || { echo "$name: exit $EXIT_STATUS"; cat "$OUT"; false; }
    contains "$(<"$OUT")" "$(hidden_listener_reason "$name")"
    # Tempo never ran.
    [ ! -e "$RECORD" ]
  done
  assert_no_leftovers
}

@test "a valid config with a quoted key starts" {
  quoted_loopback_config >"$APP/tempo.yaml"
  launch
  wait_listening
  lacks "$(<"$OUT")" "beyond the proxy"
  stop_launcher
}

@test "missing S3 variables stop the start with one message naming all of them" {
  launch TEMPO_STORAGE_S3_BUCKET= TEMPO_STORAGE_S3_SECRET_ACCESS_KEY=
  wait_exit 10
  [ "$EXIT_STATUS" -ne 0 ]
  [ "$(grep -c 'TEMPO_STORAGE_S3_' "$OUT")" = 1 ]
  contains "$(<"$OUT")" "TEMPO_STORAGE_S3_BUCKET TEMPO_STORAGE_S3_SECRET_ACCESS_KEY"
  lacks "$(<"$OUT")" "TEMPO_STORAGE_S3_ENDPOINT"
  [ ! -e "$RECORD" ]
  assert_no_leftovers
}

@test "the local backend starts with a loud warning that data is lost" {
  launch TEMPO_STORAGE_TRACE_BY_ID_BACKEND=local TEMPO_STORAGE_S3_BUCKET= TEMPO_STORAGE_S3_ENDPOINT= \
    TEMPO_STORAGE_S3_ACCESS_KEY_ID= TEMPO_STORAGE_S3_SECRET_ACCESS_KEY=
  wait_listening
  contains "$(<"$OUT")" "Storage backend is 'local'"
  contains "$(<"$OUT")" "EVERY TRACE WILL BE LOST"
  [ "$(stub_config storage.trace.backend)" = local ]
  stop_launcher
  [ "$EXIT_STATUS" -eq 0 ]
}

# --- readiness --------------------------------------------------------------

@test "\$PORT accepts no connection before Tempo is ready, and does right after" {
  launch STUB_TEMPO_READY_DELAY=2.5
  local early_open=0 ready_at="" open_at="" now
  while kill -0 "$LAUNCH_PID" 2>/dev/null; do
    now="$(date +%s%N)"
    if [[ -z "$ready_at" ]] && grep -q ' ready$' "$RECORD/events.log" 2>/dev/null; then ready_at="$now"; fi
    if port_open; then
      [[ -n "$ready_at" ]] || early_open=1
      open_at="$now"
      break
    fi
    (((now - LAUNCH_STARTED) / 1000000000 < 15)) || break
    sleep 0.05
  done
  [ "$early_open" = 0 ]
  [ -n "$ready_at" ]
  [ -n "$open_at" ] || {
    echo "the port never opened; launcher output:"
    cat "$OUT"
    false
  }
  # Caddy binds right after Tempo's /ready (its config adapted meanwhile).
  (((open_at - ready_at) / 1000000 < 2000))
  stop_launcher
}

@test "Tempo never ready: exit non-zero within the timeout, with Tempo's last log lines" {
  launch STUB_TEMPO_READY_DELAY=never TEMPO_READY_TIMEOUT=3
  wait_exit 15
  [ "$EXIT_STATUS" -eq 1 ]
  local total=$((($(date +%s%N) - LAUNCH_STARTED) / 1000000))
  ((total < 9000))
  contains "$(<"$OUT")" "Tempo is not ready 3 s after its start"
  contains "$(<"$OUT")" "Its last log lines:"
  # The tail comes after the message, indented.
  sed -n '/Its last log lines:/,$p' "$OUT" | grep -q '^       level=info .*msg="Starting Tempo"'
  run ! port_open
  assert_no_leftovers
}

@test "unset timeouts take the contract's defaults; a malformed one is refused by name" {
  run env -i bash -c 'source "$1/contract.sh" && source "$1/log.sh" && source "$1/settings.sh" &&
    echo "$(seconds_setting TEMPO_READY_TIMEOUT) $(seconds_setting TEMPO_SHUTDOWN_TIMEOUT)"' _ "$APP/.tempo/buildpack/lib"
  [ "$status" -eq 0 ]
  [ "$output" = "50 25" ]
  run env -i TEMPO_READY_TIMEOUT=soon bash -c 'source "$1/contract.sh" && source "$1/log.sh" && source "$1/settings.sh" &&
    seconds_setting TEMPO_READY_TIMEOUT' _ "$APP/.tempo/buildpack/lib"
  [ "$status" -eq 1 ]
  contains "$output" 'TEMPO_READY_TIMEOUT must be a whole number of seconds, not "soon"'
}

# --- proxy and auth ---------------------------------------------------------

@test "ingest with the token (bearer or basic) is accepted and reaches Tempo" {
  launch
  wait_listening
  INGEST_TRACE=00000000000000000000000000000001 ingest -H "Authorization: Bearer $INGEST_TOKEN"
  [ "$STATUS" = 200 ]
  INGEST_TRACE=00000000000000000000000000000002 ingest -u "otlp:$INGEST_TOKEN"
  [ "$STATUS" = 200 ]
  # gzip-compressed JSON and protobuf pass through as they are.
  otlp_json 00000000000000000000000000000003 | gzip >"$BATS_TEST_TMPDIR/body.gz"
  query /v1/traces -X POST -H "Authorization: Bearer $INGEST_TOKEN" -H 'Content-Type: application/json' \
    -H 'Content-Encoding: gzip' --data-binary @"$BATS_TEST_TMPDIR/body.gz"
  [ "$STATUS" = 200 ]
  # ExportTraceServiceRequest > ResourceSpans > ScopeSpans > Span.trace_id
  printf '\x0a\x16\x12\x14\x12\x12\x0a\x10\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x04' \
    >"$BATS_TEST_TMPDIR/body.pb"
  query /v1/traces -X POST -H "Authorization: Bearer $INGEST_TOKEN" -H 'Content-Type: application/x-protobuf' \
    --data-binary @"$BATS_TEST_TMPDIR/body.pb"
  [ "$STATUS" = 200 ]
  local e
  e="$(events)"
  contains "$e" "received traces=00000000000000000000000000000001 bytes="
  contains "$e" "received traces=00000000000000000000000000000002 bytes="
  contains "$e" "received traces=00000000000000000000000000000003 bytes="
  contains "$e" "received traces=00000000000000000000000000000004 bytes="
  # The credential stops at the proxy.
  lacks "$e" "authorization=present"
  stop_launcher
}

@test "ingest without or with a wrong credential is refused and never reaches Tempo" {
  launch
  wait_listening
  ingest
  [ "$STATUS" = 401 ]
  ingest -H "Authorization: Bearer wrong-token"
  [ "$STATUS" = 401 ]
  ingest -H "Authorization: Bearer ${INGEST_TOKEN}x"
  [ "$STATUS" = 401 ]
  ingest -H "Authorization: Bearer ${INGEST_TOKEN:0:8}*"
  [ "$STATUS" = 401 ]
  ingest -u "otlp:wrong"
  [ "$STATUS" = 401 ]
  ingest -u "someone:$INGEST_TOKEN"
  [ "$STATUS" = 401 ]
  # The query credential does not open ingest.
  ingest -u "$QUERY_USER:$QUERY_PASSWORD"
  [ "$STATUS" = 401 ]
  lacks "$(events)" "received"
  stop_launcher
}

@test "queries need the query credential; the ingest token does not open them" {
  launch
  wait_listening
  ingest -H "Authorization: Bearer $INGEST_TOKEN"
  [ "$STATUS" = 200 ]
  query "/api/v2/traces/$TRACE_ID" -u "$QUERY_USER:$QUERY_PASSWORD"
  [ "$STATUS" = 200 ]
  contains "$BODY" "\"traceId\":\"$TRACE_ID\""
  query /api/search -u "$QUERY_USER:$QUERY_PASSWORD"
  [ "$STATUS" = 200 ]
  query /api/search
  [ "$STATUS" = 401 ]
  query /api/search -H "Authorization: Bearer $INGEST_TOKEN"
  [ "$STATUS" = 401 ]
  query /api/search -u "otlp:$INGEST_TOKEN"
  [ "$STATUS" = 401 ]
  query /api/search -u "$QUERY_USER:wrong"
  [ "$STATUS" = 401 ]
  lacks "$(events)" "authorization=present"
  # /ready is public; everything else is 404.
  query /ready
  [ "$STATUS" = 200 ]
  query /v1/traces
  [ "$STATUS" = 404 ]
  query /metrics
  [ "$STATUS" = 404 ]
  query /status/config -u "$QUERY_USER:$QUERY_PASSWORD"
  [ "$STATUS" = 404 ]
  stop_launcher
}

@test "a body announced larger than Tempo takes is refused with 413 before it is read" {
  launch
  wait_listening
  head -c 20971521 /dev/zero >"$BATS_TEST_TMPDIR/big.bin"
  query /v1/traces -X POST -H "Authorization: Bearer $INGEST_TOKEN" -H 'Content-Type: application/x-protobuf' \
    --data-binary @"$BATS_TEST_TMPDIR/big.bin"
  [ "$STATUS" = 413 ]
  lacks "$(events)" "received"
  stop_launcher
}

@test "no credentials and no TEMPO_AUTH=off: refuses to start, saying what to set" {
  launch TEMPO_INGEST_TOKEN= TEMPO_QUERY_USER= TEMPO_QUERY_PASSWORD=
  wait_exit 10
  [ "$EXIT_STATUS" -eq 1 ]
  contains "$(<"$OUT")" "missing TEMPO_INGEST_TOKEN TEMPO_QUERY_USER TEMPO_QUERY_PASSWORD"
  contains "$(<"$OUT")" "TEMPO_AUTH=off"
  [ ! -e "$RECORD" ]
  run ! port_open
  assert_no_leftovers
}

@test "credentials unusable by the proxy are refused" {
  launch TEMPO_INGEST_TOKEN='abc def*' TEMPO_QUERY_USER='a:b'
  wait_exit 10
  [ "$EXIT_STATUS" -eq 1 ]
  contains "$(<"$OUT")" "TEMPO_INGEST_TOKEN: $INGEST_TOKEN_RULE"
  contains "$(<"$OUT")" "TEMPO_QUERY_USER: $QUERY_USER_RULE"
  assert_no_leftovers
}

@test "TEMPO_AUTH=off: open proxy, with a loud warning" {
  launch TEMPO_AUTH=off TEMPO_INGEST_TOKEN= TEMPO_QUERY_USER= TEMPO_QUERY_PASSWORD=
  wait_listening
  contains "$(<"$OUT")" "TEMPO_AUTH=off: authentication is DISABLED"
  ingest
  [ "$STATUS" = 200 ]
  query "/api/v2/traces/$TRACE_ID"
  [ "$STATUS" = 200 ]
  contains "$BODY" "$TRACE_ID"
  stop_launcher
}

# --- lifecycle --------------------------------------------------------------

@test "SIGTERM (2.x): ingest answers 503, Tempo flushes before it is killed, exit 0 in time" {
  launch STUB_TEMPO_FLUSH_DELAY=2 TEMPO_STOP_GRACE=2
  wait_listening
  ingest -H "Authorization: Bearer $INGEST_TOKEN"
  [ "$STATUS" = 200 ]
  local stub_pid caddy_pid
  stub_pid="$(<"$RECORD/pid")"
  caddy_pid="$(caddy_pid)"
  kill -TERM "$LAUNCH_PID"
  # Draining: the stub is still flushing, ingest is turned away for a retry.
  eventually 5 ingest_answers 503 -H "Authorization: Bearer $INGEST_TOKEN"
  local headers
  headers="$(curl -s -D - -o /dev/null -X POST -H "Authorization: Bearer $INGEST_TOKEN" \
    -H 'Content-Type: application/json' --data-binary "$(otlp_json)" "http://127.0.0.1:$PORT/v1/traces")"
  contains "$headers" "HTTP/1.1 503"
  contains "$headers" "Retry-After: 5"
  query /ready
  [ "$STATUS" = 503 ]
  wait_exit 25
  [ "$EXIT_STATUS" -eq 0 ]
  # The stub never exits on SIGTERM: the launcher killed it after its flush.
  contains "$(events)" "signal SIGTERM"
  contains "$(events)" "flushed trace=$TRACE_ID"
  run ! kill -0 "$stub_pid" 2>/dev/null
  run ! kill -0 "$caddy_pid" 2>/dev/null
  local flushed_line killed_line
  flushed_line="$(grep -n 'msg="module stopped" module=ingester' "$OUT" | cut -d: -f1)"
  killed_line="$(grep -n 'Tempo is still running after its drain: killing it' "$OUT" | cut -d: -f1)"
  ((flushed_line < killed_line))
  contains "$(<"$OUT")" "Tempo flushed in"
  assert_no_leftovers
}

@test "SIGTERM to the launcher's whole process group (3.x): Tempo is signalled only after the drain wait" {
  new_app 3.0.3
  launch TEMPO_DRAIN_WAIT=6
  wait_listening
  ingest -H "Authorization: Bearer $INGEST_TOKEN"
  [ "$STATUS" = 200 ]
  local sent
  sent="$(date +%s%N)"
  kill -TERM -- "-$LAUNCH_PID"
  eventually 5 ingest_answers 503 -H "Authorization: Bearer $INGEST_TOKEN"
  wait_exit 25
  [ "$EXIT_STATUS" -eq 0 ]
  contains "$(<"$OUT")" "Waiting 6.0 s for Tempo's last blocks to reach storage"
  # The live-store block completed (5 s) before Tempo got its SIGTERM.
  local e signalled
  e="$(events)"
  contains "$e" "flushed trace=$TRACE_ID"
  lacks "$e" "lost trace="
  signalled="$(sed -n 's/^\([^ ]*\) signal SIGTERM$/\1/p' "$RECORD/events.log")"
  signalled="$(date -d "$signalled" +%s%N)"
  (((signalled - sent) / 1000000 >= 5500))
  assert_no_leftovers
}

@test "SIGTERM (3.x) without a drain wait loses the open block (why the wait exists)" {
  new_app 3.0.3
  launch TEMPO_DRAIN_WAIT=0
  wait_listening
  ingest -H "Authorization: Bearer $INGEST_TOKEN"
  [ "$STATUS" = 200 ]
  stop_launcher TERM 25
  [ "$EXIT_STATUS" -eq 0 ]
  contains "$(events)" "lost trace=$TRACE_ID"
  assert_no_leftovers
}

@test "a stuck flush still ends within the 25 s deadline" {
  launch STUB_TEMPO_FLUSH_DELAY=60 TEMPO_SHUTDOWN_TIMEOUT=6
  wait_listening
  ingest -H "Authorization: Bearer $INGEST_TOKEN"
  [ "$STATUS" = 200 ]
  stop_launcher TERM 15
  [ "$EXIT_STATUS" -eq 0 ]
  contains "$(<"$OUT")" "Tempo did not confirm its flush"
  [[ "${EXIT_SECONDS%%.*}" -lt 7 ]]
  assert_no_leftovers
}

@test "Tempo crashes: Caddy is stopped, exit non-zero, no orphan" {
  launch
  wait_listening
  kill -KILL "$(<"$RECORD/pid")"
  wait_exit 10
  [ "$EXIT_STATUS" -eq 1 ]
  contains "$(<"$OUT")" "Tempo exited unexpectedly (status 137)"
  run ! port_open
  assert_no_leftovers
}

@test "Caddy crashes: Tempo flushes and is stopped, exit non-zero, no orphan" {
  launch
  wait_listening
  ingest -H "Authorization: Bearer $INGEST_TOKEN"
  kill -KILL "$(caddy_pid)"
  wait_exit 15
  [ "$EXIT_STATUS" -eq 1 ]
  contains "$(<"$OUT")" "Caddy exited unexpectedly (status 137)"
  contains "$(events)" "flushed trace=$TRACE_ID"
  assert_no_leftovers
}

# --- secrets and memory -----------------------------------------------------

@test "no secret in any log line, in any argv, or in Tempo's and Caddy's environments" {
  launch
  wait_listening
  ingest -H "Authorization: Bearer $INGEST_TOKEN"
  ingest -u "otlp:$INGEST_TOKEN"
  ingest -H "Authorization: Bearer wrong-$INGEST_TOKEN"
  query /api/search -u "$QUERY_USER:$QUERY_PASSWORD"
  query /api/search -u "$QUERY_USER:wrong-$QUERY_PASSWORD"
  local pid argv caddy_pid
  for pid in $(leftovers); do
    argv="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)"
    lacks "$argv" "$INGEST_TOKEN"
    lacks "$argv" "$QUERY_PASSWORD"
    lacks "$argv" "$S3_SECRET"
  done
  [ "$(stub_env TEMPO_INGEST_TOKEN)" = "<unset>" ]
  [ "$(stub_env TEMPO_QUERY_PASSWORD)" = "<unset>" ]
  caddy_pid="$(caddy_pid)"
  lacks "$(tr '\0' '\n' <"/proc/$caddy_pid/environ")" "$S3_SECRET"
  lacks "$(tr '\0' '\n' <"/proc/$caddy_pid/environ")" "$QUERY_PASSWORD"
  stop_launcher
  [ "$(grep -c '"uri":"/v1/traces"' "$OUT")" = 3 ]
  local log
  log="$(<"$OUT")"
  lacks "$log" "$INGEST_TOKEN"
  lacks "$log" "$QUERY_PASSWORD"
  lacks "$log" "$S3_SECRET"
  lacks "$log" "Authorization"
  lacks "$log" "$(printf 'otlp:%s' "$INGEST_TOKEN" | base64 -w0)"
  lacks "$log" '"user_id"'
}

@test "a secret Tempo, Caddy or the launcher echoes is masked, whole and in fragments, live and in the last log lines" {
  local config
  # Tempo quotes the value of a duration it cannot parse.
  # shellcheck disable=SC2016 # for Tempo to expand
  config="$(sed 's/block_retention: .*/block_retention: ${TEMPO_STORAGE_S3_SECRET_ACCESS_KEY}/' \
    "$APP/.tempo/buildpack/config/tempo-2.yaml")"
  launch TEMPO_CONFIG_YAML="$config"
  wait_exit 10
  [ "$EXIT_STATUS" -eq 1 ]
  contains "$(<"$OUT")" "Its last log lines:"
  # Once through the relay, once in the last lines.
  [ "$(grep -c 'cannot unmarshal !!str `\*\*\*...` into time.Duration' "$OUT")" = 2 ] || { cat "$OUT"; false; }
  lacks "$(<"$OUT")" "${S3_SECRET:0:4}"
  lacks "$(<"$OUT")" "${S3_SECRET: -4}"

  # The launcher's own lines: it quotes a listen address beyond loopback.
  # shellcheck disable=SC2016
  launch TEMPO_CONFIG_YAML="${config/http_listen_address: 127.0.0.1/http_listen_address: \$\{TEMPO_QUERY_PASSWORD\}}"
  wait_exit 10
  [ "$EXIT_STATUS" -eq 1 ]
  contains "$(<"$OUT")" 'server.http_listen_address is "***", not loopback'
  lacks "$(<"$OUT")" "${QUERY_PASSWORD:0:4}"
  assert_no_leftovers

  # Caddy's: its access log quotes the path, where a client may put anything.
  launch
  wait_listening
  query "/api/$INGEST_TOKEN" -u "$QUERY_USER:$QUERY_PASSWORD"
  [ "$STATUS" = 404 ]
  stop_launcher
  contains "$(<"$OUT")" '"uri":"/api/***"'
  lacks "$(<"$OUT")" "${INGEST_TOKEN:3:8}"
}

@test "GOMEMLIMIT is 85% of CONTAINER_MEMORY for Tempo, unless the app sets it, and 15% for Caddy" {
  launch CONTAINER_MEMORY=536870912
  wait_listening
  [ "$(stub_env GOMEMLIMIT)" = 435MiB ]
  contains "$(<"$OUT")" "GOMEMLIMIT=435MiB (85% of the container's 512MiB)"
  contains "$(<"$OUT")" "Proxy GOMEMLIMIT=76MiB (15%), at most 2355 open files"
  contains "$(tr '\0' '\n' <"/proc/$(caddy_pid)/environ")" GOMEMLIMIT=76MiB
  contains "$(tr '\0' '\n' <"/proc/$(caddy_pid)/environ")" GOGC=400
  lacks "$(tr '\0' '\n' <"$RECORD/env.json")" GOGC
  grep -Eq '^Max open files +2355 ' "/proc/$(caddy_pid)/limits"
  stop_launcher

  rm -rf "$RECORD"
  launch CONTAINER_MEMORY=536870912 GOMEMLIMIT=300MiB
  wait_listening
  [ "$(stub_env GOMEMLIMIT)" = 300MiB ]
  contains "$(<"$OUT")" "GOMEMLIMIT=300MiB (set by the app)"
  contains "$(tr '\0' '\n' <"/proc/$(caddy_pid)/environ")" GOMEMLIMIT=76MiB
  stop_launcher

  # Without a known size, neither gets one.
  rm -rf "$RECORD"
  launch
  wait_listening
  [ "$(stub_env GOMEMLIMIT)" = "<unset>" ]
  lacks "$(tr '\0' '\n' <"/proc/$(caddy_pid)/environ")" GOMEMLIMIT
  stop_launcher
}
