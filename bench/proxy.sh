#!/usr/bin/env bash
# What the front proxy costs on the ingest path: a bounded load of
# POST /v1/traces (a realistic 10-span OTLP/JSON body) through the launcher's
# Caddy with auth, against the same load straight to the stub Tempo's OTLP
# receiver on loopback, each against a freshly started app.
# Requests/s, p50, p99, and Caddy's peak RSS.
#
#   bench/proxy.sh          DURATION=10 CONNECTIONS=10 AUTOCANNON_VERSION=latest
#
# Runs in a private network namespace when it can (root), with the launcher's
# default internal ports (contract.sh), which tests running on the same machine
# may otherwise hold. Only loopback is ever targeted.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# The test fixtures: release archives and the loopback mirror.
# shellcheck source=/dev/null
source "$REPO_ROOT/test/buildpack/mirror.bash"

DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-10}"
PORT_UNDER_TEST="${PORT_UNDER_TEST:-8080}"
TOKEN=bench-ingest-token-0123456789abcdef

if [[ "${BENCH_IN_NETNS:-}" != 1 ]]; then
  # The registry is reachable from here, not from the namespace.
  note "installing autocannon@${AUTOCANNON_VERSION:-latest} into a scratch prefix"
  npm_prefix_install "$BENCH_TMP/ac" "autocannon@${AUTOCANNON_VERSION:-latest}"
  export AUTOCANNON="$BENCH_TMP/ac/node_modules/autocannon/autocannon.js"
  if [[ "$(id -u)" == 0 ]] && unshare -n true 2>/dev/null; then
    BENCH_IN_NETNS=1 unshare -n bash "${BASH_SOURCE[0]}" "$@"
    exit 0
  fi
  note "no private network namespace: using this machine's loopback"
else
  ip link set lo up
fi

OTLP_HTTP_PORT="${PORT_DEFAULTS[TEMPO_OTLP_HTTP_PORT]}"
for port in "$PORT_UNDER_TEST" "${PORT_DEFAULTS[@]}"; do
  ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || die "port $port is in use on loopback"
done

# A compiled app, as on the platform: the buildpack's compile from the
# fixture mirror, then the web process of bin/release.
export TEMPO_STORAGE_S3_BUCKET=traces TEMPO_STORAGE_S3_ENDPOINT=s3.fr-par.scw.cloud \
  TEMPO_STORAGE_S3_ACCESS_KEY_ID=SCWACCESSKEY1234 TEMPO_STORAGE_S3_SECRET_ACCESS_KEY=s3-secret-value-9f8e7d
compile_fixture_app "$REPO_ROOT" "TEMPO_STORAGE_S3_BUCKET=$TEMPO_STORAGE_S3_BUCKET" \
  "TEMPO_STORAGE_S3_ENDPOINT=$TEMPO_STORAGE_S3_ENDPOINT" "TEMPO_STORAGE_S3_ACCESS_KEY_ID=$TEMPO_STORAGE_S3_ACCESS_KEY_ID" \
  "TEMPO_STORAGE_S3_SECRET_ACCESS_KEY=$TEMPO_STORAGE_S3_SECRET_ACCESS_KEY"
web="$(sed -n 's/^  web: //p' < <("$REPO_ROOT/buildpack/bin/release" "$app"))"

node "$BENCH_DIR/otlp-body.mjs" >"$BENCH_TMP/body.json"

launcher_pid=""
# Starts the web process like the platform does (HOME is the app, the
# .profile.d scripts sourced first) and waits until the proxy answers.
start_app() {
  local i
  (
    cd "$app"
    export HOME="$app" PORT="$PORT_UNDER_TEST" TMPDIR="$BENCH_TMP" \
      TEMPO_INGEST_TOKEN="$TOKEN" TEMPO_QUERY_USER=grafana TEMPO_QUERY_PASSWORD=bench-query-password-0123 \
      TEMPO_SHUTDOWN_TIMEOUT=5 TEMPO_STOP_GRACE=1 STUB_TEMPO_READY_DELAY=0 STUB_TEMPO_EXIT_AFTER_SIGTERM=0.5 \
      TEMPO_PROXY_MAX_INGEST_REQUESTS="$CONNECTIONS"
    for f in .profile.d/*.sh; do
      # shellcheck source=/dev/null
      source "$f"
    done
    exec "$web"
  ) >"$BENCH_TMP/launch.log" 2>&1 &
  launcher_pid=$!
  BENCH_PIDS+=("$launcher_pid")
  for ((i = 0; i < 300; i++)); do
    curl -fsS -o /dev/null "http://127.0.0.1:$PORT_UNDER_TEST/ready" 2>/dev/null && return 0
    kill -0 "$launcher_pid" 2>/dev/null || break
    sleep 0.1
  done
  cat "$BENCH_TMP/launch.log" >&2
  die "the app did not start"
}

# A process of this app by its command line: Caddy names the config the
# launcher wrote in this bench's scratch space, the stub Tempo this app's config. Other copies may run on the
# machine (tests), and a network namespace does not hide their pids.
pid_of() {
  local what="$1" dir cmd
  for dir in /proc/[0-9]*; do
    cmd="$(tr '\0' ' ' 2>/dev/null <"$dir/cmdline")" || continue
    case "$what" in
      caddy) [[ "$cmd" == *"run --config $BENCH_TMP/tempo-launch."*"/caddy.json"* ]] ;;
      tempo) [[ "$cmd" == *stub-tempo/main.mjs* && "$cmd" == *"-config.file=$app/"* ]] ;;
    esac && { echo "${dir#/proc/}"; return 0; }
  done
  return 1
}

# CPU time (user + system, clock ticks) a process has used so far.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

status_of() {
  curl -s -o /dev/null -w '%{http_code}' -X POST -H 'content-type: application/json' \
    --data-binary "@$BENCH_TMP/body.json" "$@"
}

# One load against URL while watching PIDS' CPU time. Prints "req/s p50 p99"
# then each pid's CPU microseconds per request, after checking that every
# answer was a 2xx.
load() {
  local url="$1" pids=() before=() after=() i out rps p50 p99 total
  shift
  read -r -a pids <<<"$1"
  shift
  out="$BENCH_TMP/load.json"
  # A short untimed run first: the stub's JIT and Caddy's pools warm up.
  node "$AUTOCANNON" -c "$CONNECTIONS" -d 1 -m POST -i "$BENCH_TMP/body.json" \
    -H content-type=application/json "$@" "$url" >/dev/null 2>&1
  for i in "${!pids[@]}"; do before[i]="$(cpu_ticks "${pids[i]}")"; done
  node "$AUTOCANNON" -j -c "$CONNECTIONS" -d "$DURATION" -m POST -i "$BENCH_TMP/body.json" \
    -H content-type=application/json "$@" "$url" >"$out" 2>/dev/null
  for i in "${!pids[@]}"; do after[i]="$(cpu_ticks "${pids[i]}")"; done
  read -r rps p50 p99 total < <(node "$BENCH_DIR/stats.mjs" autocannon "$out")
  printf '%s %s %s' "$rps" "$p50" "$p99"
  for i in "${!pids[@]}"; do
    printf ' %s' "$(((after[i] - before[i]) * 1000000 / CLK_TCK / total))"
  done
  echo
}
CLK_TCK="$(getconf CLK_TCK)"

note "load 1/2: straight to the OTLP receiver (${DURATION}s, $CONNECTIONS connections)"
start_app
[[ "$(status_of "http://127.0.0.1:$OTLP_HTTP_PORT/v1/traces")" == 200 ]] || die "the stub's receiver refuses the body"
tempo="$(pid_of tempo)" || die "no stub Tempo process found"
read -r direct_rps direct_p50 direct_p99 direct_tempo_us < <(load "http://127.0.0.1:$OTLP_HTTP_PORT/v1/traces" "$tempo")
stop_app "$launcher_pid"

note "load 2/2: through Caddy with the bearer token"
start_app
proxy="http://127.0.0.1:$PORT_UNDER_TEST/v1/traces"
# The path under test must really authenticate: refused without the token.
[[ "$(status_of "$proxy")" == 401 ]] || die "the proxy accepts an unauthenticated push"
[[ "$(status_of -H "Authorization: Bearer $TOKEN" "$proxy")" == 200 ]] || die "the proxy refuses the token"
caddy="$(pid_of caddy)" || die "no Caddy process found"
tempo="$(pid_of tempo)" || die "no stub Tempo process found"
read -r proxy_rps proxy_p50 proxy_p99 proxy_caddy_us proxy_tempo_us < \
  <(load "$proxy" "$caddy $tempo" -H "authorization=Bearer $TOKEN")
# VmHWM: the resident set's high-water mark since Caddy started.
caddy_kib="$(awk '/^VmHWM:/ { print $2 }' "/proc/$caddy/status")"
caddy_version="$(/usr/bin/caddy version | cut -d' ' -f1)"
stop_app "$launcher_pid"

echo "# Ingest through the proxy — $(machine_line)"
echo "# autocannon $(node -p 'require(process.argv[1]).version' "$(dirname "$AUTOCANNON")/package.json"), ${DURATION}s, $CONNECTIONS connections, $(wc -c <"$BENCH_TMP/body.json")-byte OTLP/JSON body (10 spans), Caddy $caddy_version, stub Tempo (Node)"
awk -v dr="$direct_rps" -v d50="$direct_p50" -v d99="$direct_p99" -v dt="$direct_tempo_us" \
  -v pr="$proxy_rps" -v p50="$proxy_p50" -v p99="$proxy_p99" -v pc="$proxy_caddy_us" -v pt="$proxy_tempo_us" \
  -v kib="$caddy_kib" -v cpus="$(nproc)" 'BEGIN {
  printf "| %-22s | %7s | %6s | %6s | %8s | %16s | %16s |\n", "target", "req/s", "p50 ms", "p99 ms", "x direct", "Caddy CPU us/req", "Tempo CPU us/req"
  printf "|%s|%s|%s|%s|%s|%s|%s|\n", "------------------------", "--------:", "-------:", "-------:", "---------:", "-----------------:", "-----------------:"
  printf "| %-22s | %7.0f | %6.1f | %6.1f | %8.2f | %16s | %16d |\n", "direct to the receiver", dr, d50, d99, 1, "", dt
  printf "| %-22s | %7.0f | %6.1f | %6.1f | %8.2f | %16d | %16d |\n", "Caddy + bearer auth", pr, p50, p99, pr / dr, pc, pt
  printf "\nthroughput cost of the proxy: %.1f %% (target ≤ 10 %%); Caddy peak RSS %.1f MiB;\n", (1 - pr / dr) * 100, kib / 1024
  printf "Caddy uses %.2f CPU us per us of Tempo CPU per request (load generator, Tempo and Caddy share %d CPUs)\n", pc / pt, cpus
}'
