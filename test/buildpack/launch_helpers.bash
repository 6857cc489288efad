# Runs the buildpack's web process the way the platform does: the app built by
# bin/compile (stub tempo and the machine's real Caddy, served by the local
# mirror), HOME=the build dir, .profile.d/*.sh sourced, PORT set, a clean
# environment plus the app's variables.
#
#   build_apps                  compiles one app per Tempo version (setup_file)
#   new_app VERSION             fresh copy in $APP
#   launch [NAME=VALUE...]      starts the launcher in the background (LAUNCH_PID)
#   wait_listening              waits until $PORT accepts connections
#   stop_launcher [SIGNAL]      signals it, waits for its exit (EXIT_STATUS, EXIT_SECONDS)
#   ingest / query              curl through the proxy; sets STATUS and BODY

# shellcheck disable=SC2034 # STATUS, BODY, EXIT_STATUS... are read by the tests
# Beside this file, whichever suite loads it.
# shellcheck source=SCRIPTDIR/mirror.bash
source "${BASH_SOURCE[0]%/*}/mirror.bash"
# shellcheck source=SCRIPTDIR/assertions.bash
source "${BASH_SOURCE[0]%/*}/assertions.bash"

# Random-looking, as real ones are: the launcher masks every 4-character
# fragment of a secret in what it prints, words included.
INGEST_TOKEN=tk-3f9a1c7e5b2d4a6f8e0c
QUERY_USER=grafana
QUERY_PASSWORD='q-Zx 8d7c6b5a4f3e!'
S3_SECRET=Sk3-Xq-c0ffee98zy76wv
TRACE_ID=5b8efff798038103d269b633813fc60c
LAUNCH_VERSIONS=(2.10.8 3.0.3)

build_apps() {
  local releases="$BATS_FILE_TMPDIR/releases" v env_dir
  build_release_fixtures "$releases"
  start_mirror "$releases"
  for v in "${LAUNCH_VERSIONS[@]}"; do
    env_dir="$BATS_FILE_TMPDIR/env-$v"
    mkdir -p "$env_dir" "$BATS_FILE_TMPDIR/app-$v"
    printf '%s' "$MIRROR_URL/tempo" >"$env_dir/TEMPO_DOWNLOAD_URL"
    printf '%s' "$MIRROR_URL/caddy" >"$env_dir/CADDY_DOWNLOAD_URL"
    mirror_gojq_env "$env_dir"
    printf '%s' "$v" >"$env_dir/TEMPO_VERSION"
    env -u TEMPO_VERSION -u TEMPO_CONFIG_YAML \
      "$REPO_ROOT/bin/compile" "$BATS_FILE_TMPDIR/app-$v" "$BATS_FILE_TMPDIR/cache" "$env_dir" \
      >"$BATS_FILE_TMPDIR/compile-$v.log" 2>&1 || {
      cat "$BATS_FILE_TMPDIR/compile-$v.log"
      return 1
    }
  done
  stop_mirror
}

# new_app VERSION: a fresh app in $APP (APP_DIR_NAME, default app, names it
# inside the test's directory, for a second app in one test).
new_app() {
  local name="${APP_DIR_NAME:-app}"
  APP="$BATS_TEST_TMPDIR/$name"
  rm -rf "$APP"
  cp -a "$BATS_FILE_TMPDIR/app-$1" "$APP"
  RECORD="$BATS_TEST_TMPDIR/record${name#app}"
  OUT="$BATS_TEST_TMPDIR/out${name#app}.log"
  # Every process of the test has this directory in its argv (app paths,
  # config paths, TMPDIR): the marker to look for leftovers.
  MARKER="$BATS_TEST_TMPDIR/"
  mkdir -p "$BATS_TEST_TMPDIR/tmp"
  pick_ports
  export APP RECORD OUT MARKER PORT
}

# PORT and every internal port of Tempo, free and distinct: two runs of the
# suites on one machine never share one.
pick_ports() {
  local taken=" " name
  PORT="$(free_port "$taken")"
  taken+="$PORT "
  for name in TEMPO_HTTP_LISTEN_PORT TEMPO_OTLP_HTTP_PORT TEMPO_OTLP_GRPC_PORT TEMPO_MEMBERLIST_PORT TEMPO_GRPC_LISTEN_PORT; do
    printf -v "$name" '%s' "$(free_port "$taken")"
    taken+="${!name} "
  done
  export TEMPO_HTTP_LISTEN_PORT TEMPO_OTLP_HTTP_PORT TEMPO_OTLP_GRPC_PORT TEMPO_MEMBERLIST_PORT TEMPO_GRPC_LISTEN_PORT
}

# free_port [" TAKEN PORTS "]
free_port() {
  local port
  for _ in $(seq 50); do
    # Below the kernel's ephemeral range (32768+), so that no outgoing
    # connection of the test can hold it when Caddy binds.
    port=$((20000 + RANDOM % 12000))
    [[ "${1:-}" != *" $port "* ]] || continue
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || {
      echo "$port"
      return 0
    }
  done
  return 1
}

# The app's environment: credentials, S3, fast stub and short timeouts. Extra
# NAME=VALUE arguments override; NAME= (empty) removes a variable.
launch() {
  local -A vars=(
    [PORT]="$PORT"
    [TEMPO_HTTP_LISTEN_PORT]="$TEMPO_HTTP_LISTEN_PORT"
    [TEMPO_OTLP_HTTP_PORT]="$TEMPO_OTLP_HTTP_PORT"
    [TEMPO_OTLP_GRPC_PORT]="$TEMPO_OTLP_GRPC_PORT"
    [TEMPO_MEMBERLIST_PORT]="$TEMPO_MEMBERLIST_PORT"
    [TEMPO_GRPC_LISTEN_PORT]="$TEMPO_GRPC_LISTEN_PORT"
    [TMPDIR]="$BATS_TEST_TMPDIR/tmp"
    [TEMPO_INGEST_TOKEN]="$INGEST_TOKEN"
    [TEMPO_QUERY_USER]="$QUERY_USER"
    [TEMPO_QUERY_PASSWORD]="$QUERY_PASSWORD"
    [TEMPO_STORAGE_S3_BUCKET]=traces-bucket
    [TEMPO_STORAGE_S3_ENDPOINT]=s3.example.test
    [TEMPO_STORAGE_S3_ACCESS_KEY_ID]=AKIAEXAMPLEKEY
    [TEMPO_STORAGE_S3_SECRET_ACCESS_KEY]="$S3_SECRET"
    [STUB_TEMPO_READY_DELAY]=0.2
    [STUB_TEMPO_RECORD_DIR]="$RECORD"
    [TEMPO_STOP_GRACE]=1
  )
  local arg args=()
  for arg in "$@"; do
    vars["${arg%%=*}"]="${arg#*=}"
  done
  for arg in "${!vars[@]}"; do
    [[ -z "${vars[$arg]}" ]] || args+=("$arg=${vars[$arg]}")
  done
  # setsid: the launcher leads its own process group, as the platform's
  # process does; fd 3 closed or bats would wait for it.
  # shellcheck disable=SC2016 # expanded by the inner shell
  setsid env -i PATH="$PATH" HOME="$APP" "${args[@]}" bash -c '
    cd "$HOME"
    for f in .profile.d/*.sh; do . "$f"; done
    exec "$HOME/.tempo/buildpack/bin/launch"
  ' >"$OUT" 2>&1 3>&- </dev/null &
  LAUNCH_PID=$!
  LAUNCH_STARTED="$(date +%s%N)"
}

# eventually SECONDS COMMAND...: polls COMMAND until it succeeds, at most SECONDS.
eventually() {
  local deadline=$(($(date +%s%N) + $1 * 1000000000))
  shift
  until "$@"; do
    (($(date +%s%N) < deadline)) || return 1
    sleep 0.05
  done
}

# The pid of the test's Caddy.
caddy_pid() { pgrep -f -- "${MARKER}tmp/tempo-launch\.[^/]*/caddy\.json"; }

# ingest_answers STATUS [CURL_ARGS...]: one ingest answered STATUS.
ingest_answers() {
  local want="$1"
  shift
  ingest "$@"
  [[ "$STATUS" == "$want" ]]
}

no_leftovers() { [[ -z "$(leftovers)" ]]; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

# Waits until the launcher says it listens (and the port does).
wait_listening() {
  local i
  for ((i = 0; i < 400; i++)); do
    grep -q '^-----> Listening on port' "$OUT" && port_open && return 0
    kill -0 "$LAUNCH_PID" 2>/dev/null || break
    sleep 0.05
  done
  echo "port $PORT never accepted a connection; launcher output:"
  cat "$OUT"
  return 1
}

# Waits up to SECONDS for the launcher to exit; sets EXIT_STATUS, EXIT_SECONDS.
wait_exit() {
  local limit="$1" start i
  start="$(date +%s%N)"
  for ((i = 0; i < limit * 20; i++)); do
    kill -0 "$LAUNCH_PID" 2>/dev/null || break
    sleep 0.05
  done
  if kill -0 "$LAUNCH_PID" 2>/dev/null; then
    echo "the launcher did not exit within $limit s; output:"
    cat "$OUT"
    return 1
  fi
  EXIT_STATUS=0
  wait "$LAUNCH_PID" || EXIT_STATUS=$?
  EXIT_SECONDS=$((($(date +%s%N) - start) / 1000000))
  EXIT_SECONDS="$((EXIT_SECONDS / 1000)).$((EXIT_SECONDS % 1000 / 100))"
}

stop_launcher() {
  kill -s "${1:-TERM}" "$LAUNCH_PID"
  wait_exit "${2:-30}"
}

# Pids of every leftover process of this test.
leftovers() {
  pgrep -f -- "$MARKER" | grep -vx "$$" || true
}

# Polls a few seconds: the launcher's watcher exits right after the launcher.
assert_no_leftovers() {
  local pids
  eventually 5 no_leftovers || true
  pids="$(leftovers)"
  [[ -z "$pids" ]] || {
    echo "processes left behind:"
    ps -o pid,pgid,args -p "${pids//$'\n'/,}"
    return 1
  }
}

# Kills whatever a failed test left, by pid.
cleanup_launch() {
  local pid
  [[ -z "${LAUNCH_PID:-}" ]] || kill -KILL "$LAUNCH_PID" 2>/dev/null || true
  [[ -z "${MARKER:-}" ]] || for pid in $(leftovers); do
    kill -KILL "$pid" 2>/dev/null || true
  done
}

otlp_json() {
  printf '{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"launch-test"}}]},"scopeSpans":[{"spans":[{"traceId":"%s","spanId":"0102030405060708","name":"probe","kind":1,"startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000001000000000"}]}]}]}' "${1:-$TRACE_ID}"
}

# ingest [CURL_ARGS...]: POST /v1/traces with an OTLP JSON body.
ingest() {
  local body
  body="$(curl -s -w '\n%{http_code}' -X POST -H 'Content-Type: application/json' \
    --data-binary "$(otlp_json "${INGEST_TRACE:-$TRACE_ID}")" "$@" "http://127.0.0.1:$PORT/v1/traces")"
  STATUS="${body##*$'\n'}"
  BODY="${body%$'\n'*}"
}

# query PATH [CURL_ARGS...]
query() {
  local path="$1" body
  shift
  body="$(curl -s -w '\n%{http_code}' "$@" "http://127.0.0.1:$PORT$path")"
  STATUS="${body##*$'\n'}"
  BODY="${body%$'\n'*}"
}

events() { cat "$RECORD/events.log" 2>/dev/null || true; }

# Value of NAME in the environment the stub tempo got.
stub_env() {
  node -e 'const e = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); process.stdout.write(e[process.argv[2]] ?? "<unset>")' \
    "$RECORD/env.json" "$1"
}

# A key of the config the stub tempo parsed (after env expansion), e.g. storage.trace.s3.bucket.
stub_config() {
  node -e 'const c = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); const v = process.argv[2].split(".").reduce((o, k) => o?.[k], c); process.stdout.write(String(v))' \
    "$RECORD/config.json" "$1"
}
