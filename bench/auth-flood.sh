#!/usr/bin/env bash
# What unauthenticated requests cost the front proxy: CONNECTIONS clients
# flooding POST /v1/traces with wrong basic-auth passwords (a new one each
# request, bench/flood.mjs) for DURATION
# seconds, against the same flood to an unknown path (404), through the
# launcher's real Caddy; Caddy's CPU-seconds for each, and the p99 of a
# legitimate ingest request idle and during the wrong-password flood. Also the
# web process's start-to-$PORT time (median of START_RUNS).
#
#   bench/auth-flood.sh     DURATION=6 CONNECTIONS=4 START_RUNS=5 FLOOD_RATE=(unbounded)
#                           TEST_CADDY=/usr/bin/caddy (the Caddy under test)
#                           BUILDPACK_ROOT=<a checkout> (another buildpack, to compare)
#
# Every port is picked free on loopback: it runs beside the tests.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=/dev/null
source "$REPO_ROOT/test/buildpack/mirror.bash"

DURATION="${DURATION:-6}"
CONNECTIONS="${CONNECTIONS:-4}"
START_RUNS="${START_RUNS:-5}"
# Requests/s of the whole flood; unset: as fast as the clients go (on a small
# machine the load generator then takes the CPUs the proxy needs).
FLOOD_RATE="${FLOOD_RATE:-}"
BUILDPACK_ROOT="${BUILDPACK_ROOT:-$REPO_ROOT}"
TOKEN=bench-ingest-token-0123456789abcdef
CADDY_UNDER_TEST="${TEST_CADDY:-/usr/bin/caddy}"
export TEST_CADDY="$CADDY_UNDER_TEST"


# pick_port NAME: exports NAME as a free loopback port no other NAME holds.
TAKEN=" "
pick_port() {
  local port
  for _ in $(seq 100); do
    port=$((20000 + RANDOM % 12000))
    [[ "$TAKEN" != *" $port "* ]] || continue
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || {
      TAKEN+="$port "
      printf -v "$1" '%s' "$port"
      export "${1?}"
      return 0
    }
  done
  die "no free port on loopback"
}

# Whatever its default, the buildpack under test installs the fixture's Caddy release.
compile_fixture_app "$BUILDPACK_ROOT" "CADDY_VERSION=$FIXTURE_CADDY_VERSION"

for name in PORT_UNDER_TEST TEMPO_HTTP_LISTEN_PORT TEMPO_OTLP_HTTP_PORT TEMPO_OTLP_GRPC_PORT TEMPO_MEMBERLIST_PORT TEMPO_GRPC_LISTEN_PORT; do
  pick_port "$name"
done
launcher_pid=""
# Starts the web process like the platform does; sets START_MS to the
# milliseconds until $PORT accepts a connection.
start_app() {
  local start i
  start="$(date +%s%N)"
  (
    cd "$app"
    export HOME="$app" PORT="$PORT_UNDER_TEST" TMPDIR="$BENCH_TMP" \
      TEMPO_INGEST_TOKEN="$TOKEN" TEMPO_QUERY_USER=grafana TEMPO_QUERY_PASSWORD=bench-query-password-0123 \
      TEMPO_STORAGE_TRACE_BY_ID_BACKEND=local TEMPO_SHUTDOWN_TIMEOUT=5 TEMPO_STOP_GRACE=1 \
      STUB_TEMPO_READY_DELAY=0 STUB_TEMPO_EXIT_AFTER_SIGTERM=0.5
    for f in .profile.d/*.sh; do
      # shellcheck source=/dev/null
      source "$f"
    done
    exec "$app/.tempo/buildpack/bin/launch"
  ) >"$BENCH_TMP/launch.log" 2>&1 &
  launcher_pid=$!
  BENCH_PIDS+=("$launcher_pid")
  for ((i = 0; i < 3000; i++)); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$PORT_UNDER_TEST") 2>/dev/null; then
      START_MS=$((($(date +%s%N) - start) / 1000000))
      return 0
    fi
    kill -0 "$launcher_pid" 2>/dev/null || break
    sleep 0.01
  done
  cat "$BENCH_TMP/launch.log" >&2
  die "the app did not start"
}

# This app's Caddy: a child of its launcher.
caddy_pid() {
  local pid
  for pid in $(pgrep -P "$launcher_pid"); do
    [[ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" == *caddy*" run "* ]] && { echo "$pid"; return 0; }
  done
  return 1
}

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
CLK_TCK="$(getconf CLK_TCK)"

otlp_body='{"resourceSpans":[{"resource":{},"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"0102030405060708","name":"bench","kind":1,"startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000001000000000"}]}]}]}'
printf '%s' "$otlp_body" >"$BENCH_TMP/body.json"

# Latencies (ms) of SAMPLES sequential legitimate ingest requests; prints the p99.
legit_p99() {
  local samples="$1" i
  for ((i = 0; i < samples; i++)); do
    curl -s -o /dev/null -w '%{time_total}\n' -X POST -H "Authorization: Bearer $TOKEN" \
      -H 'Content-Type: application/json' --data-binary "@$BENCH_TMP/body.json" \
      "http://127.0.0.1:$PORT_UNDER_TEST/v1/traces"
  done | sort -n | awk '{ v[NR] = $1 * 1000 } END { i = int(NR * 0.99); if (i < 1) i = 1; printf "%.1f", v[i] }'
}

# Prints the CPU-seconds Caddy spends on a flood of PATH with a wrong
# password, and the p99 of legitimate ingest requests sent meanwhile.
flood() {
  local path="$1" caddy before after p99 ac out="$BENCH_TMP/flood-${1//\//_}.json"
  caddy="$(caddy_pid)" || die "no Caddy process found"
  before="$(cpu_ticks "$caddy")"
  node "$BENCH_DIR/flood.mjs" "http://127.0.0.1:$PORT_UNDER_TEST$path" "$BENCH_TMP/body.json" \
    "$CONNECTIONS" "$DURATION" "$FLOOD_RATE" >"$out" &
  ac=$!
  p99="$(legit_p99 100)"
  wait "$ac"
  after="$(cpu_ticks "$caddy")"
  # shellcheck disable=SC2016 # JavaScript
  node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1])); process.stderr.write(`  ${r.total} requests, statuses ${JSON.stringify(r.statuses)}\n`)' "$out"
  awk -v t=$((after - before)) -v hz="$CLK_TCK" -v p="$p99" \
    'BEGIN { printf "%.2f %s\n", t / hz, p }'
}

note "start-to-\$PORT, $START_RUNS runs"
starts=()
for ((run = 0; run < START_RUNS; run++)); do
  start_app
  starts+=("$START_MS")
  stop_app "$launcher_pid"
done
start_median="$(printf '%s\n' "${starts[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')"

start_app
idle_p99="$(legit_p99 100)"
note "wrong-password flood of /v1/traces (${DURATION}s × $CONNECTIONS)"
read -r wrong_cpu flood_p99 <<<"$(flood /v1/traces)"
note "same flood of an unknown path (404)"
read -r notfound_cpu notfound_p99 <<<"$(flood /no-such-path)"
note "12 queries with 700 KB basic-auth passwords"
caddy="$(caddy_pid)"
rss_before="$(awk '/^VmRSS:/ { print $2 }' "/proc/$caddy/status")"
printf 'Authorization: Basic %s\n' "$(head -c 700000 /dev/zero | tr '\0' p | sed 's/^/grafana:/' | base64 -w0)" \
  >"$BENCH_TMP/big-header"
big_statuses="$(for _ in $(seq 12); do
  curl -s -o /dev/null -w '%{http_code}\n' -H @"$BENCH_TMP/big-header" "http://127.0.0.1:$PORT_UNDER_TEST/api/search"
done | sort | uniq -c | awk '{ printf "%s×%s ", $1, $2 }')"
rss_after="$(awk '/^VmRSS:/ { print $2 }' "/proc/$caddy/status")"
stop_app "$launcher_pid"

echo "# Auth flood — $(machine_line)"
echo "# Caddy $("$CADDY_UNDER_TEST" version | cut -d' ' -f1), buildpack at ${BUILDPACK_LABEL:-$(git -C "$BUILDPACK_ROOT" rev-parse --short HEAD)}, flood ${DURATION}s × $CONNECTIONS connections at ${FLOOD_RATE:-unbounded} req/s, stub Tempo"
awk -v w="$wrong_cpu" -v n="$notfound_cpu" -v i="$idle_p99" -v f="$flood_p99" -v f404="$notfound_p99" -v s="$start_median" 'BEGIN {
  printf "| %-40s | %8s |\n", "figure", "value"
  printf "|%s|%s|\n", "------------------------------------------", "---------:"
  printf "| %-40s | %8.2f |\n", "Caddy CPU-s, wrong-password flood", w
  printf "| %-40s | %8.2f |\n", "Caddy CPU-s, 404 flood", n
  printf "| %-40s | %8.1f |\n", "ratio (target <= 2)", (n > 0 ? w / n : 0)
  printf "| %-40s | %8.1f |\n", "legit ingest p99 ms, idle", i
  printf "| %-40s | %8.1f |\n", "legit ingest p99 ms, during the flood", f
  printf "| %-40s | %8.1f |\n", "p99 ratio (target <= 2)", (i > 0 ? f / i : 0)
  printf "| %-40s | %8.1f |\n", "legit ingest p99 ms, during a 404 flood", f404
  printf "| %-40s | %8d |\n", "start to $PORT, median ms", s
}'
echo "12 queries with 700 KB passwords: answers ${big_statuses}; Caddy RSS $((rss_before / 1024)) → $((rss_after / 1024)) MiB"
