#!/usr/bin/env bats
# shellcheck disable=SC2153 # STATUS and BODY are set by ingest and query
# Attacks on the web process (front proxy and launcher), each followed by the
# outcome it must get. Real Caddy (TEST_CADDY, else the machine's), stub Tempo.

load launch_helpers

setup_file() {
  build_apps
}

setup() {
  new_app 2.10.8
}

teardown() {
  cleanup_launch
}

# Fails when COMMAND succeeds (a bare "!" does not fail a bats test).
refute() { ! "$@"; }

# Succeeds while PID runs (a zombie does not).
running() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  [[ "${stat%% *}" != Z ]]
}

# Caddy's CPU time so far, in clock ticks (user + system).
caddy_ticks() {
  local stat
  stat="$(<"/proc/$(caddy_pid)/stat")"
  stat="${stat##*) }"
  read -r -a fields <<<"$stat"
  echo $((fields[11] + fields[12]))
}

caddy_rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$(caddy_pid)/status"; }

# N requests on one curl (one keep-alive connection); prints the distinct statuses.
statuses() {
  local n="$1" url="$2" urls=()
  shift 2
  for ((i = 0; i < n; i++)); do urls+=(-o /dev/null "$url"); done
  curl -s -w '%{http_code}\n' "$@" "${urls[@]}" | sort -u | tr '\n' ' '
}

# Seconds (with decimals) a TCP client sending TEXT then nothing stays connected.
connection_lifetime() {
  local text="$1" start end
  start="$(date +%s%N)"
  exec 5<>"/dev/tcp/127.0.0.1/$PORT"
  printf '%b' "$text" >&5
  # Returns at the server's close (EOF); 20 s is far beyond any timeout set here.
  timeout 20 cat <&5 >"$BATS_TEST_TMPDIR/answer" || true
  exec 5<&-
  end="$(date +%s%N)"
  echo $(((end - start) / 1000000))
}

# --- wrong credentials cost what a 404 costs -----------------------------

@test "wrong ingest and query credentials are refused at the cost of a 404, with no user-name signal" {
  launch
  wait_listening
  local start elapsed
  start="$(date +%s%N)"
  [ "$(statuses 40 "http://127.0.0.1:$PORT/v1/traces" -X POST -u "otlp:wrong-password-$RANDOM")" = "401 " ]
  [ "$(statuses 40 "http://127.0.0.1:$PORT/api/search" -u "$QUERY_USER:wrong-password-$RANDOM")" = "401 " ]
  [ "$(statuses 40 "http://127.0.0.1:$PORT/api/search" -u "nobody:wrong-password-$RANDOM")" = "401 " ]
  elapsed=$((($(date +%s%N) - start) / 1000000))
  # One bcrypt check at Caddy's default cost takes about a second: 120 of
  # them would take minutes. Header comparison takes microseconds.
  ((elapsed < 3000)) || {
    echo "120 refusals took $elapsed ms"
    false
  }
  # The right credentials still pass.
  ingest -u "otlp:$INGEST_TOKEN"
  [ "$STATUS" = 200 ]
  query /api/search -u "$QUERY_USER:$QUERY_PASSWORD"
  [ "$STATUS" = 200 ]
  # A refused query tells the client how to authenticate.
  contains "$(curl -s -D - -o /dev/null "http://127.0.0.1:$PORT/api/search")" 'Www-Authenticate: Basic realm="Tempo"'
  stop_launcher
}

@test "the start hashes nothing: \$PORT opens right after Tempo is ready" {
  launch
  wait_listening
  contains "$(<"$OUT")" "Tempo ready in"
  lacks "$(<"$OUT")" "hash"
  # Caddy is the only program run besides Tempo: no caddy hash-password.
  [ "$(caddy_ticks)" -lt 100 ]
  stop_launcher
}

# --- bounded resources ---------------------------------------------------

@test "700 KB credentials get 431 and Caddy's memory stays flat" {
  launch
  wait_listening
  local big before after i
  big="$(head -c 700000 /dev/zero | tr '\0' 'p')"
  printf 'Authorization: Basic %s\n' "$(printf '%s:%s' "$QUERY_USER" "$big" | base64 -w0)" >"$BATS_TEST_TMPDIR/header"
  before="$(caddy_rss_kb)"
  for ((i = 0; i < 12; i++)); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' -H @"$BATS_TEST_TMPDIR/header" "http://127.0.0.1:$PORT/api/search")" = 431 ]
  done
  after="$(caddy_rss_kb)"
  ((after - before < 10000)) || {
    echo "Caddy's RSS grew from $before kB to $after kB"
    false
  }
  # 20 KB of headers is over the cap too; ordinary requests still pass.
  [ "$(curl -s -o /dev/null -w '%{http_code}' -H "X-Big: $(head -c 20000 /dev/zero | tr '\0' 'x')" "http://127.0.0.1:$PORT/ready")" = 431 ]
  query /ready
  [ "$STATUS" = 200 ]
  stop_launcher
}

@test "slow headers, slow bodies and idle connections are closed within seconds" {
  launch TEMPO_PROXY_READ_HEADER_TIMEOUT=1s TEMPO_PROXY_READ_BODY_TIMEOUT=2s TEMPO_PROXY_IDLE_TIMEOUT=2s
  wait_listening
  local ms
  # Incomplete request headers.
  ms="$(connection_lifetime 'POST /v1/traces HTTP/1.1\r\nHost: x\r\n')"
  ((ms >= 900 && ms < 5000)) || { echo "open for $ms ms"; false; }
  # A body announced and never sent, to an unknown path and to ingest.
  ms="$(connection_lifetime 'POST /nothing HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n')"
  ((ms < 6000)) || { echo "open for $ms ms"; false; }
  ms="$(connection_lifetime "POST /v1/traces HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer $INGEST_TOKEN\r\nContent-Length: 1000\r\n\r\n")"
  ((ms < 6000)) || { echo "open for $ms ms"; false; }
  lacks "$(events)" "received"
  # An idle keep-alive connection after a complete request.
  ms="$(connection_lifetime 'GET /ready HTTP/1.1\r\nHost: x\r\n\r\n')"
  contains "$(<"$BATS_TEST_TMPDIR/answer")" "HTTP/1.1 200"
  ((ms >= 1500 && ms < 6000)) || { echo "open for $ms ms"; false; }
  stop_launcher
}

@test "the default timeouts are seconds, and a malformed one is refused" {
  launch TEMPO_PROXY_IDLE_TIMEOUT='60s
}'
  wait_exit 10
  [ "$EXIT_STATUS" -eq 1 ]
  contains "$(<"$OUT")" "TEMPO_PROXY_IDLE_TIMEOUT must be a duration such as 30s"
  refute port_open
  assert_no_leftovers
}

# --- Tempo reachable only through the proxy ------------------------------

@test "an app config without loopback listen addresses is refused at start" {
  # shellcheck disable=SC2016 # ${TEMPO_OTLP_HTTP_PORT} is for Tempo to expand
  launch "TEMPO_CONFIG_YAML=$(printf 'distributor:\n  receivers:\n    otlp:\n      protocols:\n        http:\n          endpoint: 127.0.0.1:${TEMPO_OTLP_HTTP_PORT}\nstorage:\n  trace:\n    backend: local\n')"
  wait_exit 10
  [ "$EXIT_STATUS" -eq 1 ]
  contains "$(<"$OUT")" "server.http_listen_address is not set: Tempo would listen on every interface"
  contains "$(<"$OUT")" "grpc_listen_address: 127.0.0.1"
  # Tempo never ran.
  [ ! -e "$RECORD" ]
  refute port_open
  assert_no_leftovers
}

@test "listen addresses or receivers beyond loopback are refused at start, even through \${VAR}" {
  cat >"$APP/tempo.yaml" <<'YAML'
server:
  http_listen_address: ${LISTEN_ADDR:-127.0.0.1}
  grpc_listen_address: 127.0.0.1
distributor:
  receivers:
    otlp:
      protocols:
        http:
          endpoint: 127.0.0.1:${TEMPO_OTLP_HTTP_PORT}
    zipkin:
storage:
  trace:
    backend: local
YAML
  launch LISTEN_ADDR=0.0.0.0
  wait_exit 10
  [ "$EXIT_STATUS" -eq 1 ]
  contains "$(<"$OUT")" 'server.http_listen_address is "0.0.0.0", not loopback'
  contains "$(<"$OUT")" "distributor.receivers.zipkin has no endpoint"
  [ ! -e "$RECORD" ]
  assert_no_leftovers
}

# --- credentials that protect nothing ------------------------------------

@test "short credentials are refused" {
  launch TEMPO_INGEST_TOKEN=a TEMPO_QUERY_PASSWORD=b
  wait_exit 10
  [ "$EXIT_STATUS" -eq 1 ]
  contains "$(<"$OUT")" "TEMPO_INGEST_TOKEN is shorter than 16 characters"
  contains "$(<"$OUT")" "TEMPO_QUERY_PASSWORD is shorter than 16 characters"
  refute port_open
  [ ! -e "$RECORD" ]
  assert_no_leftovers
}

@test "the minimum counts characters, not bytes, and one repeated character is refused" {
  # 9 characters, 18 bytes in UTF-8.
  launch TEMPO_INGEST_TOKEN=aaaaaaaaaaaaaaaa TEMPO_QUERY_PASSWORD='ééééééééé'
  wait_exit 10
  [ "$EXIT_STATUS" -eq 1 ]
  contains "$(<"$OUT")" "TEMPO_INGEST_TOKEN uses fewer than 5 different characters"
  contains "$(<"$OUT")" "TEMPO_QUERY_PASSWORD is shorter than 16 characters"
  refute port_open
  [ ! -e "$RECORD" ]
  # 16 characters of more than one byte each pass.
  launch TEMPO_QUERY_PASSWORD='éèêëēėęàâäæãåāçć'
  wait_listening
  query /api/search -u "$QUERY_USER:éèêëēėęàâäæãåāçć"
  [ "$STATUS" = 200 ]
  stop_launcher
}

@test "a query password equal to the ingest token is refused" {
  launch TEMPO_QUERY_USER=otlp TEMPO_QUERY_PASSWORD="$INGEST_TOKEN"
  wait_exit 10
  [ "$EXIT_STATUS" -eq 1 ]
  contains "$(<"$OUT")" "TEMPO_QUERY_PASSWORD is the same as TEMPO_INGEST_TOKEN"
  lacks "$(<"$OUT")" "$INGEST_TOKEN"
  refute port_open
  assert_no_leftovers
}

# --- nothing from the environment becomes Caddy config --------------------

@test "a grace period carrying Caddyfile text is refused" {
  launch TEMPO_PROXY_GRACE_PERIOD='2s
}
:9999 {
	respond "token={env.TEMPO_INGEST_TOKEN}"
}
{'
  wait_exit 10
  [ "$EXIT_STATUS" -eq 1 ]
  contains "$(<"$OUT")" "TEMPO_PROXY_GRACE_PERIOD must be a duration such as 30s"
  refute port_open
  assert_no_leftovers
}

@test "a TMPDIR with spaces and braces is only data" {
  local tmp="$BATS_TEST_TMPDIR/tmp dir {x}"
  mkdir -p "$tmp"
  launch TMPDIR="$tmp" STUB_TEMPO_FLUSH_DELAY=1
  wait_listening
  ingest -H "Authorization: Bearer $INGEST_TOKEN"
  [ "$STATUS" = 200 ]
  # The drain marker in that run dir is found: ingest answers 503 on SIGTERM.
  kill -TERM "$LAUNCH_PID"
  eventually 5 ingest_answers 503 -H "Authorization: Bearer $INGEST_TOKEN"
  wait_exit 25
  [ "$EXIT_STATUS" -eq 0 ]
  [ -z "$(ls -A "$tmp")" ]
}

# --- the access log keeps the path only ----------------------------------

@test "credentials in an absolute-form target or a query string never reach the log" {
  launch
  wait_listening
  local status
  status="$(curl -s -o /dev/null -w '%{http_code}' -X POST --data-binary "$(otlp_json)" \
    --request-target "http://otlp:$INGEST_TOKEN@127.0.0.1:$PORT/v1/traces?token=$INGEST_TOKEN" \
    "http://127.0.0.1:$PORT/")"
  [ "$status" = 401 ]
  query "/api/search?password=secret-in-a-query-string" -u "$QUERY_USER:$QUERY_PASSWORD"
  [ "$STATUS" = 200 ]
  stop_launcher
  lacks "$(<"$OUT")" "$INGEST_TOKEN"
  lacks "$(<"$OUT")" "secret-in-a-query-string"
  lacks "$(<"$OUT")" "token="
  contains "$(<"$OUT")" '"uri":"/v1/traces"'
  contains "$(<"$OUT")" '"uri":"/api/search"'
}

# --- nothing outlives the launcher ---------------------------------------

@test "kill -9 of the launcher leaves no process, no run dir, no Caddy state" {
  launch
  wait_listening
  ingest -H "Authorization: Bearer $INGEST_TOKEN"
  [ "$STATUS" = 200 ]
  local tempo_pid caddy
  tempo_pid="$(<"$RECORD/pid")"
  caddy="$(caddy_pid)"
  [ -n "$(ls "$BATS_TEST_TMPDIR/tmp")" ]
  kill -KILL "$LAUNCH_PID"
  eventually 5 no_leftovers || {
    ps -o pid,ppid,args -p "$(leftovers | paste -sd,)"
    false
  }
  # Dead, at most a zombie waiting for whoever adopted it.
  refute running "$tempo_pid"
  refute running "$caddy"
  refute port_open
  # The run dir (rendered config, Caddy's files) is gone; Caddy saved nothing.
  eventually 5 test -z "$(ls -A "$BATS_TEST_TMPDIR/tmp")"
  [ -z "$(find "$BATS_TEST_TMPDIR" "$APP" -name 'autosave.json')" ]
}

@test "kill -9 of the whole process group leaves no file with a secret or a config" {
  local config
  config="$(sed 's/secret_key: .*/secret_key: literal-secret-in-config-5e6f/' "$APP/.tempo/buildpack/config/tempo-2.yaml")"
  launch TEMPO_CONFIG_YAML="$config"
  wait_listening
  ingest -H "Authorization: Bearer $INGEST_TOKEN"
  [ "$STATUS" = 200 ]
  contains "$(stub_config storage.trace.s3.secret_key)" literal-secret-in-config-5e6f
  # The launcher leads its group: this kills the watcher too, so nothing cleans up.
  kill -KILL -- "-$LAUNCH_PID"
  eventually 5 no_leftovers
  local run_dir files
  run_dir="$(ls -d "$BATS_TEST_TMPDIR"/tmp/tempo-launch.*)"
  files="$(find "$run_dir" -type f)"
  lacks "$files" "tempo.yaml"
  lacks "$files" "caddy.json"
  [ -z "$(find "$run_dir" -type f -exec grep -l -e literal-secret -e "$S3_SECRET" -e "$INGEST_TOKEN" -e "$QUERY_PASSWORD" {} +)" ]
}

@test "without setpriv, the watcher alone kills the children of a kill -9'd launcher" {
  # A setpriv that cannot set a parent-death signal.
  mkdir -p "$BATS_TEST_TMPDIR/bin"
  printf '#!/bin/sh\nexit 1\n' >"$BATS_TEST_TMPDIR/bin/setpriv"
  chmod +x "$BATS_TEST_TMPDIR/bin/setpriv"
  PATH="$BATS_TEST_TMPDIR/bin:$PATH" launch
  wait_listening
  local tempo_pid caddy
  tempo_pid="$(<"$RECORD/pid")"
  caddy="$(caddy_pid)"
  kill -KILL "$LAUNCH_PID"
  eventually 5 no_leftovers
  refute running "$tempo_pid"
  refute running "$caddy"
  refute port_open
  eventually 5 test -z "$(ls -A "$BATS_TEST_TMPDIR/tmp")"
}

@test "a normal stop leaves no Caddy autosave and no run dir" {
  launch
  wait_listening
  local run_dir
  run_dir="$(ls -d "$BATS_TEST_TMPDIR"/tmp/tempo-launch.*)"
  [ -z "$(find "$run_dir" -name 'autosave.json')" ]
  stop_launcher
  [ ! -e "$run_dir" ]
  assert_no_leftovers
}

@test "without TMPDIR the run dir is in memory (/dev/shm), and gone after the stop" {
  [[ -d /dev/shm && -w /dev/shm ]] || skip "no writable /dev/shm on this machine"
  launch TMPDIR=
  wait_listening
  local pid run_dir=""
  # Caddy, a child of the launcher, names its config there.
  for pid in $(pgrep -P "$LAUNCH_PID"); do
    run_dir="$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -o '^/dev/shm/tempo-launch\.[^/]*' | head -1)" || true
    [[ -z "$run_dir" ]] || break
  done
  [[ "$run_dir" == /dev/shm/tempo-launch.* ]]
  [ -d "$run_dir" ]
  stop_launcher
  [ ! -e "$run_dir" ]
}

# --- overload is shed ----------------------------------------------------

@test "requests beyond the in-flight bound get 503 with Retry-After at once; accepted ones are kept" {
  launch STUB_TEMPO_INGEST_DELAY=4 TEMPO_PROXY_MAX_INGEST_REQUESTS=2
  wait_listening
  local i held=()
  for i in 1 2; do
    curl -s -o "$BATS_TEST_TMPDIR/held-$i" -w '%{http_code}' -X POST -H "Authorization: Bearer $INGEST_TOKEN" \
      -H 'Content-Type: application/json' --data-binary "$(otlp_json "0000000000000000000000000000000$i")" \
      "http://127.0.0.1:$PORT/v1/traces" >"$BATS_TEST_TMPDIR/held-$i.status" 3>&- &
    held+=($!)
  done
  eventually 5 grep -q 'ingest in-flight=2' "$RECORD/events.log"
  local start headers elapsed
  start="$(date +%s%N)"
  headers="$(curl -s -D - -o /dev/null -X POST -H "Authorization: Bearer $INGEST_TOKEN" \
    -H 'Content-Type: application/json' --data-binary "$(otlp_json 00000000000000000000000000000003)" \
    "http://127.0.0.1:$PORT/v1/traces")"
  elapsed=$((($(date +%s%N) - start) / 1000000))
  contains "$headers" "HTTP/1.1 503"
  contains "$headers" "Retry-After: 1"
  ((elapsed < 1000))
  wait "${held[@]}"
  [ "$(<"$BATS_TEST_TMPDIR/held-1.status")" = 200 ]
  [ "$(<"$BATS_TEST_TMPDIR/held-2.status")" = 200 ]
  lacks "$(events)" "in-flight=3"
  contains "$(events)" "received traces=00000000000000000000000000000001"
  contains "$(events)" "received traces=00000000000000000000000000000002"
  lacks "$(events)" "received traces=00000000000000000000000000000003" || { cat "$OUT"; false; }
  stop_launcher
}

@test "Tempo's 429 (its ingestion rate limit) reaches the exporter with a Retry-After" {
  launch STUB_TEMPO_RATE_LIMITED=1
  wait_listening
  local headers
  headers="$(curl -s -D - -o /dev/null -X POST -H "Authorization: Bearer $INGEST_TOKEN" \
    -H 'Content-Type: application/json' --data-binary "$(otlp_json)" "http://127.0.0.1:$PORT/v1/traces")"
  contains "$headers" "HTTP/1.1 429"
  contains "$headers" "Retry-After: 1"
  contains "$(events)" "rate limited"
  # Other answers get none.
  query /ready
  [ "$STATUS" = 200 ]
  lacks "$(curl -s -D - -o /dev/null "http://127.0.0.1:$PORT/ready")" "Retry-After"
  stop_launcher
}

@test "ingestion limits are sized from CONTAINER_MEMORY, and the app can set them" {
  launch CONTAINER_MEMORY=268435456
  wait_listening
  [ "$(stub_config overrides.defaults.ingestion.rate_limit_bytes)" = 2048000 ]
  [ "$(stub_config overrides.defaults.ingestion.burst_size_bytes)" = 2048000 ]
  # The metrics-generator's live traces (TraceQL metrics) are sized with them.
  [ "$(stub_config metrics_generator.processor.local_blocks.max_live_traces_bytes)" = 8388608 ]
  contains "$(<"$OUT")" "Ingest limits: 2048000 bytes/s (burst 2048000), 2 requests in flight, 8388608 bytes of live traces for TraceQL metrics (256MiB container)"
  stop_launcher

  rm -rf "$RECORD"
  launch CONTAINER_MEMORY=1073741824 TEMPO_INGESTION_BURST_SIZE_BYTES=20000000 TEMPO_GENERATOR_MAX_LIVE_TRACES_BYTES=50000000
  wait_listening
  [ "$(stub_config overrides.defaults.ingestion.rate_limit_bytes)" = 8192000 ]
  [ "$(stub_config overrides.defaults.ingestion.burst_size_bytes)" = 20000000 ]
  [ "$(stub_config metrics_generator.processor.local_blocks.max_live_traces_bytes)" = 50000000 ]
  contains "$(<"$OUT")" "4 requests in flight, 50000000 bytes of live traces for TraceQL metrics (1024MiB container)"
  stop_launcher

  rm -rf "$RECORD"
  launch TEMPO_PROXY_MAX_INGEST_REQUESTS=0
  wait_exit 10
  [ "$EXIT_STATUS" -eq 1 ]
  contains "$(<"$OUT")" "TEMPO_PROXY_MAX_INGEST_REQUESTS must be a whole number, at least 1"
}

# --- hermetic ports ----------------------------------------------------------

@test "two web processes run side by side on one machine, each on its own ports" {
  launch
  wait_listening
  local first_pid="$LAUNCH_PID" first_port="$PORT" first_record="$RECORD"
  APP_DIR_NAME=app2 new_app 2.10.8
  launch
  wait_listening
  [ "$PORT" != "$first_port" ]
  INGEST_TRACE=00000000000000000000000000000021 ingest -H "Authorization: Bearer $INGEST_TOKEN"
  [ "$STATUS" = 200 ]
  PORT="$first_port" INGEST_TRACE=00000000000000000000000000000022 ingest -H "Authorization: Bearer $INGEST_TOKEN"
  [ "$STATUS" = 200 ]
  contains "$(events)" "received traces=00000000000000000000000000000021"
  contains "$(cat "$first_record/events.log")" "received traces=00000000000000000000000000000022"
  lacks "$(cat "$first_record/events.log")" "received traces=00000000000000000000000000000021"
  stop_launcher
  LAUNCH_PID="$first_pid" stop_launcher
  [ "$EXIT_STATUS" -eq 0 ]
  assert_no_leftovers
}

@test "an internal port set twice, or equal to \$PORT, is refused" {
  launch TEMPO_OTLP_GRPC_PORT="$TEMPO_OTLP_HTTP_PORT"
  wait_exit 10
  [ "$EXIT_STATUS" -eq 1 ]
  contains "$(<"$OUT")" "TEMPO_OTLP_GRPC_PORT and TEMPO_OTLP_HTTP_PORT are both $TEMPO_OTLP_HTTP_PORT"
  launch TEMPO_MEMBERLIST_PORT="$PORT"
  wait_exit 10
  [ "$EXIT_STATUS" -eq 1 ]
  contains "$(<"$OUT")" "clashes with TEMPO_MEMBERLIST_PORT"
}

# --- slow, stalled and oversized clients --------------------------------------

# An OTLP JSON body of N spans of one trace.
spans_json() {
  local n="$1" i spans=()
  for ((i = 0; i < n; i++)); do
    spans+=("$(printf '{"traceId":"%s","spanId":"%016x","name":"s%d","kind":1,"startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000001000000000"}' "$TRACE_ID" $((i + 1)) "$i")")
  done
  local IFS=,
  printf '{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"load"}}]},"scopeSpans":[{"spans":[%s]}]}]}' "${spans[*]}"
}

open_files() { find "/proc/$1/fd" -mindepth 1 | wc -l; }
files_at_least() { (($(open_files "$1") >= $2)); }

# Connections from this test to the proxy's port that the kernel counts as established.
established() { ss -Htn state established "( dport = :$PORT )" | wc -l; }

@test "connections that sent 0, 1 or 13 bytes of headers are closed at read_header" {
  launch TEMPO_PROXY_READ_HEADER_TIMEOUT=1s
  wait_listening
  local text ms
  # 13 bytes: one less than HTTP/2's preface, which Caddy 2.11 waits for forever.
  for text in '' 'P' 'POST /v1/trac'; do
    ms="$(connection_lifetime "$text")"
    ((ms >= 900 && ms < 5000)) || { echo "${#text} bytes: open for $ms ms"; false; }
  done
  stop_launcher
}

@test "two stalled authenticated uploads do not starve ingest, and never reach Tempo" {
  launch TEMPO_PROXY_MAX_INGEST_REQUESTS=2
  wait_listening
  local i ok=0 body
  # Each announces 1 MB and sends one byte.
  exec 7<>"/dev/tcp/127.0.0.1/$PORT" 8<>"/dev/tcp/127.0.0.1/$PORT"
  for i in 7 8; do
    printf 'POST /v1/traces HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{' "$INGEST_TOKEN" >&"$i"
  done
  eventually 5 test "$(established)" -ge 2
  body="$(spans_json 10)"
  for ((i = 0; i < 10; i++)); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $INGEST_TOKEN" \
      -H 'Content-Type: application/json' --data-binary "$body" "http://127.0.0.1:$PORT/v1/traces")" != 200 ] || ok=$((ok + 1))
  done
  ((ok >= 9)) || { echo "$ok of 10 pushes got 200"; cat "$RECORD/events.log"; false; }
  # The stalled ones still hold their connections; Tempo saw one push at a time.
  [ "$(established)" -ge 2 ]
  lacks "$(events)" "in-flight=2"
  exec 7<&- 8<&-
  stop_launcher
}

@test "an upload cut short by read_body gets 400, never a 2xx, and never reaches Tempo" {
  launch TEMPO_PROXY_READ_HEADER_TIMEOUT=1s TEMPO_PROXY_READ_BODY_TIMEOUT=2s
  wait_listening
  local ms
  ms="$(connection_lifetime "POST /v1/traces HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer $INGEST_TOKEN\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n$(otlp_json)")"
  ((ms < 6000)) || { echo "open for $ms ms"; false; }
  contains "$(<"$BATS_TEST_TMPDIR/answer")" "HTTP/1.1 400"
  contains "$(<"$BATS_TEST_TMPDIR/answer")" "Request body shorter than its Content-Length"
  lacks "$(events)" "received"
  stop_launcher
}

# Sends the request head of a chunked ingest after HEAD_DELAY seconds of
# nothing, then PART, then after PAUSE seconds FINISH (if any); prints how
# long the connection stayed open (ms) and keeps the answer.
chunked_upload() {
  local head_delay="$1" part="$2" pause="$3" finish="${4:-}" start end
  start="$(date +%s%N)"
  exec 5<>"/dev/tcp/127.0.0.1/$PORT"
  printf 'POST /v1/traces HTTP/1.1\r\nHost: x\r\n' >&5
  sleep "$head_delay"
  printf 'Authorization: Bearer %s\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n%b' "$INGEST_TOKEN" "$part" >&5
  sleep "$pause"
  [[ -z "$finish" ]] || printf '%b' "$finish" >&5
  timeout 20 cat <&5 >"$BATS_TEST_TMPDIR/answer" || true
  exec 5<&-
  end="$(date +%s%N)"
  echo $(((end - start) / 1000000))
}

# One chunk of TEXT, in chunked encoding.
chunk() { printf '%x\\r\\n%s\\r\\n' "${#1}" "$1"; }

@test "a chunked upload cut short by read_body gets 503 to retry, never a 2xx, and never reaches Tempo" {
  launch TEMPO_PROXY_READ_HEADER_TIMEOUT=1s TEMPO_PROXY_READ_BODY_TIMEOUT=3s
  wait_listening
  local body ms
  body="$(otlp_json)"
  # Half the body, then nothing: read_body cuts it. Its headers came at once,
  # or as late as read_header allows (the cut is then closest to them).
  for head_delay in 0 0.8; do
    ms="$(chunked_upload "$head_delay" "$(chunk "${body:0:40}")" 0)"
    ((ms < 6000)) || { echo "open for $ms ms"; false; }
    contains "$(<"$BATS_TEST_TMPDIR/answer")" "HTTP/1.1 503"
    contains "$(<"$BATS_TEST_TMPDIR/answer")" "Retry-After: 1"
    contains "$(<"$BATS_TEST_TMPDIR/answer")" "Request body took 2000 ms or more to arrive: retry"
  done
  lacks "$(events)" "received"
  stop_launcher
}

@test "a whole chunked upload that is slow but within read_body - read_header reaches Tempo" {
  launch TEMPO_PROXY_READ_HEADER_TIMEOUT=1s TEMPO_PROXY_READ_BODY_TIMEOUT=4s
  wait_listening
  local body
  body="$(otlp_json)"
  chunked_upload 0 "$(chunk "${body:0:40}")" 1 "$(chunk "${body:40}")0\r\n\r\n" >/dev/null
  contains "$(<"$BATS_TEST_TMPDIR/answer")" "HTTP/1.1 200"
  contains "$(events)" "received traces=$TRACE_ID"
  stop_launcher
}

@test "read_body not longer than read_header is refused at start" {
  launch TEMPO_PROXY_READ_HEADER_TIMEOUT=5s TEMPO_PROXY_READ_BODY_TIMEOUT=5000ms
  wait_exit 10
  [ "$EXIT_STATUS" -eq 1 ]
  contains "$(<"$OUT")" "TEMPO_PROXY_READ_BODY_TIMEOUT (5000ms) must be longer than TEMPO_PROXY_READ_HEADER_TIMEOUT (5s)"
  refute port_open
  assert_no_leftovers
}

@test "the proxy's body limit is Tempo's: 413 with a clear message beyond it, announced or chunked" {
  launch
  wait_listening
  local limit=$((20 * 1024 * 1024))
  head -c "$limit" /dev/zero >"$BATS_TEST_TMPDIR/limit.bin"
  head -c $((limit + 1)) /dev/zero >"$BATS_TEST_TMPDIR/over.bin"
  local args=(-X POST -H "Authorization: Bearer $INGEST_TOKEN" -H 'Content-Type: application/x-protobuf')
  query /v1/traces "${args[@]}" --data-binary @"$BATS_TEST_TMPDIR/over.bin"
  [ "$STATUS" = 413 ]
  contains "$BODY" "Request body larger than $limit bytes, the most Tempo accepts"
  query /v1/traces "${args[@]}" -H 'Transfer-Encoding: chunked' --data-binary @"$BATS_TEST_TMPDIR/over.bin"
  [ "$STATUS" = 413 ]
  contains "$BODY" "Request body larger than $limit bytes, the most Tempo accepts"
  lacks "$(events)" "received"
  # At the limit, both get through whole.
  query /v1/traces "${args[@]}" --data-binary @"$BATS_TEST_TMPDIR/limit.bin"
  [ "$STATUS" = 200 ]
  query /v1/traces "${args[@]}" -H 'Transfer-Encoding: chunked' --data-binary @"$BATS_TEST_TMPDIR/limit.bin"
  [ "$STATUS" = 200 ]
  [ "$(grep -c "received traces=- bytes=$limit " "$RECORD/events.log")" = 2 ]
  # A binary body (gzip) passes unchanged.
  otlp_json | gzip >"$BATS_TEST_TMPDIR/body.gz"
  query /v1/traces -X POST -H "Authorization: Bearer $INGEST_TOKEN" -H 'Content-Type: application/json' \
    -H 'Content-Encoding: gzip' --data-binary @"$BATS_TEST_TMPDIR/body.gz"
  [ "$STATUS" = 200 ]
  contains "$(events)" "received traces=$TRACE_ID"
  stop_launcher
}

@test "two Authorization headers are refused, whichever one is right" {
  launch
  wait_listening
  ingest -H "Authorization: Bearer $INGEST_TOKEN" -H "Authorization: Bearer wrong-token-0123456789"
  [ "$STATUS" = 401 ]
  ingest -H "Authorization: Bearer wrong-token-0123456789" -H "Authorization: Bearer $INGEST_TOKEN"
  [ "$STATUS" = 401 ]
  local basic
  basic="$(printf '%s:%s' "$QUERY_USER" "$QUERY_PASSWORD" | base64 -w0)"
  query /api/search -H "Authorization: Basic $basic" -H "Authorization: Basic d3Jvbmc6d3Jvbmc="
  [ "$STATUS" = 401 ]
  query /api/search -H "Authorization: Basic d3Jvbmc6d3Jvbmc=" -H "Authorization: Basic $basic"
  [ "$STATUS" = 401 ]
  lacks "$(events)" "received"
  lacks "$(events)" "query path"
  # One right header still passes.
  ingest -H "Authorization: Bearer $INGEST_TOKEN"
  [ "$STATUS" = 200 ]
  stop_launcher
}

@test "X-Scope-OrgID never reaches Tempo (single tenant)" {
  launch
  wait_listening
  ingest -H "Authorization: Bearer $INGEST_TOKEN" -H 'X-Scope-OrgID: other-tenant'
  [ "$STATUS" = 200 ]
  query /api/search -u "$QUERY_USER:$QUERY_PASSWORD" -H 'X-Scope-OrgID: other-tenant'
  [ "$STATUS" = 200 ]
  contains "$(events)" "received traces=$TRACE_ID"
  contains "$(events)" "query path=/api/search"
  lacks "$(events)" "other-tenant"
  stop_launcher
}

@test "Tempo's 5xx reach exporters as 503, which they retry, with a generic text, without internal addresses" {
  local status
  for status in 500 502 503; do
    rm -rf "$RECORD"
    launch STUB_TEMPO_INGEST_FAILS="$status"
    wait_listening
    local headers
    headers="$(curl -s -D - -X POST -H "Authorization: Bearer $INGEST_TOKEN" -H 'Content-Type: application/json' \
      --data-binary "$(otlp_json)" "http://127.0.0.1:$PORT/v1/traces")"
    contains "$(events)" "failed $status"
    contains "$headers" "HTTP/1.1 503"
    contains "$headers" "Retry-After: 1"
    contains "$headers" "Tempo could not take the batch, retry later"
    lacks "$headers" "127.0.0.9"
    lacks "$headers" "dial tcp"
    stop_launcher
  done
}

@test "Caddy's open connections are capped from its share of the container's memory; ingest resumes once a flood is cut" {
  # 64 MiB: a 9 MiB share, the least number of open files, 512.
  launch CONTAINER_MEMORY=67108864 TEMPO_PROXY_READ_HEADER_TIMEOUT=1s
  wait_listening
  contains "$(<"$OUT")" "at most 512 open files"
  local caddy
  caddy="$(caddy_pid)"
  # 1500 connections that send one byte of headers, held 4 s.
  node -e '
    const net = require("net")
    for (let i = 0; i < 1500; i++) net.connect(Number(process.argv[1]), "127.0.0.1", function () { this.write("P") }).on("error", () => {})
    setTimeout(() => process.exit(0), 4000)
  ' "$PORT" 3>&- &
  local flood=$! most=0 fds end
  eventually 5 files_at_least "$caddy" 500
  # Its most open files over one second of the flood.
  end=$(($(date +%s%N) + 1000000000))
  while (($(date +%s%N) < end)); do
    fds="$(open_files "$caddy")"
    ((fds <= most)) || most="$fds"
  done
  ((most <= 512)) || { echo "Caddy held $most files"; false; }
  wait "$flood"
  eventually 15 ingest_answers 200 -H "Authorization: Bearer $INGEST_TOKEN"
  stop_launcher
}
