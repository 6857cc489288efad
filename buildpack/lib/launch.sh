#!/usr/bin/env bash
# Process lifecycle of the web process: Tempo and Caddy as children of the
# launcher, each in its own session so that a signal sent to the launcher's
# process group cannot reach them before the drain. Needs contract.sh, log.sh,
# proxy.sh and cluster.sh.
#
# Globals: RUN_DIR (private scratch dir), BP_DIR,
# TEMPO_MAJOR, TEMPO_CONFIG_FILE, PORT; the *_PID variables below.

TEMPO_PID="" CADDY_PID="" RELAY_PID="" PAUSE_PID="" WATCH_FD=""
TEMPO_GOMEMLIMIT=""

# Milliseconds since the epoch (bash 5).
now_ms() {
  local t="${EPOCHREALTIME//[.,]/}"
  echo $((10#$t / 1000))
}

# Seconds with one decimal between two now_ms values.
seconds_between() {
  local ms=$(($2 - $1))
  printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100))
}

# Sleeps without deferring trapped signals (a foreground sleep would).
pause() {
  sleep "$1" &
  PAUSE_PID=$!
  # 2>/dev/null: no "Killed" job notices for the children killed meanwhile.
  wait "$PAUSE_PID" 2>/dev/null || true
  PAUSE_PID=""
}

alive() { [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null; }

# Collects a child that is gone or SIGKILLed; 2>/dev/null: bash would print a
# "Killed" notice with the job's command.
reap() {
  [[ -z "${1:-}" ]] || wait "$1" 2>/dev/null || true
}

# Signals the process group that PID leads, or PID alone if it leads none.
signal_group() {
  local sig="$1" pid="$2"
  alive "$pid" || return 0
  kill -s "$sig" -- "-$pid" 2>/dev/null || kill -s "$sig" "$pid" 2>/dev/null || true
}

# Polls CHECK (a command) every 0.1 s until it succeeds or DEADLINE_MS passes.
wait_until() {
  local deadline="$1"
  shift
  until "$@"; do
    (($(now_ms) < deadline)) || return 1
    pause 0.1
  done
}

# PORT [HOST]
port_in_use() { (exec 3<>"/dev/tcp/${2:-127.0.0.1}/$1") 2>/dev/null; }

# Reads a whole number of seconds from VAR (default: the contract's).
seconds_setting() {
  local name="$1" value="${!1:-${RUNTIME_DEFAULTS[$1]}}"
  [[ "$value" =~ ^[0-9]+$ ]] || die "$name must be a whole number of seconds, not \"$value\""
  echo "$value"
}

# Sets TEMPO_GOMEMLIMIT for Tempo: about 85 % of the container's memory, the
# rest for Caddy and the Go runtime's overhead. A GOMEMLIMIT set by the app wins.
compute_gomemlimit() {
  local memory="${CONTAINER_MEMORY:-}"
  if [[ -n "${GOMEMLIMIT:-}" ]]; then
    TEMPO_GOMEMLIMIT="$GOMEMLIMIT"
    info "GOMEMLIMIT=$GOMEMLIMIT (set by the app)"
  elif [[ "$memory" =~ ^[0-9]+$ ]] && ((memory >= 64 * 1024 * 1024)); then
    TEMPO_GOMEMLIMIT="$((memory * 85 / 100 / 1048576))MiB"
    info "GOMEMLIMIT=$TEMPO_GOMEMLIMIT (85% of the container's $((memory / 1048576))MiB)"
  elif [[ -n "$memory" ]]; then
    warn "CONTAINER_MEMORY=\"$memory\" is not a size in bytes: Tempo runs without GOMEMLIMIT"
  fi
}

# Prints the storage backend a config file names (best effort: first match).
config_backend() {
  sed -nE '/^[[:space:]]*backend:/{s/^[[:space:]]*backend:[[:space:]]*["'\'']?([A-Za-z0-9]+).*/\1/p;q;}' "$1"
}

env_value() { printf '%s' "${!1:-}"; }

# Refuses a config that would put any of Tempo's listeners beyond loopback.
check_listeners() {
  local file="$1" problems problem
  problems="$(exposed_listeners "$file" env_value)"
  [[ -n "$problems" ]] || return 0
  warn "The Tempo config ($TEMPO_CONFIG_LEVEL) would expose Tempo's unauthenticated API beyond the proxy:"
  while IFS= read -r problem; do warn "  $problem"; done <<<"$problems"
  die "Refusing to start: fix the config so that Tempo listens on loopback only."
}

# Warns about what an app's own config gets wrong for this platform.
check_config_file() {
  local file="$1" duration seconds endpoint
  endpoint="$(awk -f "$BP_DIR/lib/yaml-paths.awk" "$file" |
    sed -n 's/^distributor\.receivers\.otlp\.protocols\.http\.endpoint\t//p')"
  endpoint="$(expand_env_refs "$endpoint" env_value)"
  # A cluster member's receiver is set by its overlay (cluster.sh).
  [[ "$CLUSTER_MODE" == on || "$endpoint" == *":$TEMPO_OTLP_HTTP_PORT" ]] ||
    warn "The config does not put the OTLP/HTTP receiver on 127.0.0.1:$TEMPO_OTLP_HTTP_PORT (TEMPO_OTLP_HTTP_PORT), where the proxy sends traces: use endpoint: 127.0.0.1:\${TEMPO_OTLP_HTTP_PORT}"
  if ((TEMPO_MAJOR == 2)); then
    grep -Eq '^[[:space:]]*flush_all_on_shutdown:[[:space:]]*true' "$file" || {
      warn "The config does not set ingester.flush_all_on_shutdown: true: traces not yet"
      warn "flushed are lost at every restart and deploy."
    }
    return 0
  fi
  duration="$(sed -nE '/^[[:space:]]*max_block_duration:/{s/^[[:space:]]*max_block_duration:[[:space:]]*["'\'']?([0-9]+[sm]).*/\1/p;q;}' "$file")"
  case "$duration" in
    *s) seconds="${duration%s}" ;;
    *m) seconds=$((${duration%m} * 60)) ;;
    *) seconds=30 ;; # Tempo's default
  esac
  ((DRAIN_WAIT >= seconds + 2)) || {
    warn "live_store.max_block_duration is ${duration:-30s (the default)}, longer than TEMPO_DRAIN_WAIT (${DRAIN_WAIT} s)"
    warn "allows: traces of the last blocks are lost at every restart. Use a few seconds."
  }
}

# Starts Tempo, its output relayed through an awk that keeps the last lines
# and spots the end of the 2.x flush.
start_tempo() {
  local tempo="$1" fifo="$RUN_DIR/tempo-log.fifo" awk_flags=()
  mkfifo -m 600 "$fifo"
  # mawk (Debian/Ubuntu's awk) waits for a full input buffer unless interactive.
  if [[ "$(awk -W version 2>&1 </dev/null)" == *mawk* ]]; then awk_flags=(-W interactive); fi
  tempo_log_relay "${awk_flags[@]}" <"$fifo" &
  RELAY_PID=$!
  tempo_process "$tempo" </dev/null >"$fifo" 2>&1 &
  TEMPO_PID=$!
  watch_child "$TEMPO_PID"
  watch_child "$RELAY_PID"
}

# The children get SIGKILL when the launcher dies, whatever kills it
# (setpriv, where the image has it; the watcher below in any case).
PDEATHSIG=()
if command -v setpriv >/dev/null && setpriv --pdeathsig KILL true 2>/dev/null; then
  PDEATHSIG=(setpriv --pdeathsig KILL)
fi

# Starts the watcher: it reads the pids of the children from a pipe only the
# launcher holds. On the launcher's death without its EXIT trap (kill -9) the
# pipe ends: it kills them and removes RUN_DIR, where secrets may lie.
start_watcher() {
  exec {WATCH_FD}> >(watch_launcher "$RUN_DIR")
}

watch_launcher() {
  trap '' TERM INT
  local line pids=() pid
  while IFS= read -r line; do
    [[ "$line" != exit ]] || { rm -rf "$1"; exit 0; }
    pids+=("$line")
  done
  for pid in "${pids[@]}"; do
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  done
  rm -rf "$1"
}

watch_child() { [[ -z "$WATCH_FD" ]] || echo "$1" >&"$WATCH_FD"; }

# In a child: the watcher's pipe must close when the launcher dies.
close_watch_fd() {
  [[ -z "$WATCH_FD" ]] || exec {WATCH_FD}>&-
}

# Run in the background, as children of the launcher.
tempo_log_relay() {
  # Ignores SIGTERM/SIGINT: if the relay died first, Tempo's next log line
  # would kill it with SIGPIPE in the middle of its flush.
  trap '' TERM INT
  close_watch_fd
  exec "${PDEATHSIG[@]}" awk "$@" -v keep=40 -v tail_file="$RUN_DIR/tempo-tail.log" \
    -v flushed_file="$RUN_DIR/flushed" -f "$BP_DIR/lib/relay.awk"
}

tempo_process() {
  # Tempo needs none of the proxy's credentials.
  unset TEMPO_INGEST_TOKEN TEMPO_QUERY_USER TEMPO_QUERY_PASSWORD
  if [[ -n "$TEMPO_GOMEMLIMIT" ]]; then export GOMEMLIMIT="$TEMPO_GOMEMLIMIT"; fi
  close_watch_fd
  # Flags win over the file: the HTTP API stays on the internal port even
  # when a config says ${PORT}.
  exec setsid "${PDEATHSIG[@]}" "$1" "-config.file=$TEMPO_CONFIG_FILE" -config.expand-env=true \
    "-server.http-listen-port=$TEMPO_HTTP_LISTEN_PORT"
}

# HTTP status of a GET of PORT/PATH on HOST (default loopback); 000 when nothing answers.
http_status() { curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://${2:-127.0.0.1}:$1" 2>/dev/null; }

tempo_ready() { [[ "$(http_status "$TEMPO_HTTP_LISTEN_PORT/ready" "$TEMPO_LISTEN_HOST")" == 200 ]]; }

# Runs CHECK every INTERVAL until it passes (0), DEADLINE passes (1) or PID exits (2).
wait_for_child() {
  local deadline="$1" pid="$2" interval="$3"
  shift 3
  until "$@"; do
    alive "$pid" || return 2
    (($(now_ms) < deadline)) || return 1
    pause "$interval"
  done
}

wait_tempo_ready() { wait_for_child "$1" "$TEMPO_PID" 0.2 tempo_ready; }

# Stops Tempo at once and prints the last lines of its log.
fail_with_tempo_log() {
  local message="$1"
  signal_group KILL "$TEMPO_PID"
  reap "$TEMPO_PID"
  wait_relay
  warn "$message Its last log lines:"
  if [[ -s "$RUN_DIR/tempo-tail.log" ]]; then indent <"$RUN_DIR/tempo-tail.log" >&2; fi
  exit 1
}

# The relay ends at the end of Tempo's output.
wait_relay() {
  local deadline=$(($(now_ms) + 2000))
  wait_until "$deadline" relay_gone || signal_group KILL "$RELAY_PID"
  reap "$RELAY_PID"
}
relay_gone() { ! alive "$RELAY_PID"; }

start_proxy() {
  caddy_process "$1" </dev/null &
  CADDY_PID=$!
  watch_child "$CADDY_PID"
}

caddy_process() {
  # Caddy needs none of Tempo's secrets, nor Tempo's memory limit.
  unset TEMPO_QUERY_PASSWORD TEMPO_CONFIG_YAML TEMPO_STORAGE_S3_ACCESS_KEY_ID \
    TEMPO_STORAGE_S3_SECRET_ACCESS_KEY GOMEMLIMIT
  # Whatever Caddy writes stays in the private run dir.
  export XDG_CONFIG_HOME="$RUN_DIR/caddy" XDG_DATA_HOME="$RUN_DIR/caddy"
  close_watch_fd
  exec setsid "${PDEATHSIG[@]}" "$1" run --config "$RUN_DIR/caddy.json"
}

proxy_listening() { [[ "$(http_status "$PORT/ready")" != 000 ]]; }

wait_proxy_listening() { wait_for_child "$1" "$CADDY_PID" 0.1 proxy_listening; }

tempo_gone() { ! alive "$TEMPO_PID"; }
tempo_flushed_or_gone() { [[ -e "$RUN_DIR/flushed" ]] || tempo_gone; }
children_gone() { ! alive "$TEMPO_PID" && ! alive "$CADDY_PID"; }

# Makes sure what Tempo holds reaches object storage, within DEADLINE_MS
# (minus a reserve for stopping both children).
#   2.x: SIGTERM; flush_all_on_shutdown flushes every trace, then the ingester
#        logs "module stopped". Tempo itself may not exit for minutes.
#   3.x: no flush on shutdown: wait for the short live-store blocks to complete
#        and reach storage, then SIGTERM.
drain_tempo() {
  local deadline="$1" reserve=3000 start wait_end
  alive "$TEMPO_PID" || return 0
  start="$(now_ms)"
  if ((TEMPO_MAJOR >= 3)); then
    wait_end=$((start + DRAIN_WAIT * 1000))
    ((wait_end <= deadline - reserve)) || wait_end=$((deadline - reserve))
    info "Waiting $(seconds_between "$start" "$wait_end") s for Tempo's last blocks to reach storage"
    wait_until "$wait_end" tempo_gone || true
    signal_group TERM "$TEMPO_PID"
    return 0
  fi
  info "Asking Tempo to flush its traces to storage"
  signal_group TERM "$TEMPO_PID"
  if wait_until $((deadline - reserve)) tempo_flushed_or_gone; then
    if [[ -e "$RUN_DIR/flushed" ]]; then
      info "Tempo flushed in $(seconds_between "$start" "$(now_ms)") s"
    else
      warn "Tempo exited before confirming its flush"
    fi
  else
    warn "Tempo did not confirm its flush in $(seconds_between "$start" "$(now_ms)") s: stopping it anyway"
  fi
}

# Stops Caddy, gives both children STOP_GRACE seconds (never past DEADLINE_MS),
# then kills what is left: Tempo does not exit by itself once it holds data.
stop_children() {
  local deadline="$1" grace_end
  signal_group TERM "$CADDY_PID"
  grace_end=$(($(now_ms) + STOP_GRACE * 1000))
  ((grace_end <= deadline)) || grace_end="$deadline"
  wait_until "$grace_end" children_gone || true
  if alive "$TEMPO_PID"; then
    info "Tempo is still running after its drain: killing it"
    signal_group KILL "$TEMPO_PID"
  fi
  if alive "$CADDY_PID"; then
    warn "Caddy did not stop in time: killing it"
    signal_group KILL "$CADDY_PID"
  fi
  reap "$TEMPO_PID"
  reap "$CADDY_PID"
  wait_relay
}

# SIGTERM/SIGINT: drain, stop both children, exit 0 within SHUTDOWN_TIMEOUT.
on_signal() {
  trap '' TERM INT
  local start deadline
  start="$(now_ms)"
  deadline=$((start + SHUTDOWN_TIMEOUT * 1000))
  [[ -n "${RUN_DIR:-}" && -d "$RUN_DIR" ]] || exit 0
  step "SIG$1 received: stopping within $SHUTDOWN_TIMEOUT s"
  # Ingest answers 503 from now on; exporters retry against the new container.
  : >"$RUN_DIR/draining"
  drain_tempo "$deadline"
  stop_children "$deadline"
  step "Stopped in $(seconds_between "$start" "$(now_ms)") s"
  exit 0
}

# One child died: stop the other (Tempo with its drain) and exit non-zero so
# that the platform restarts the container.
child_died() {
  trap '' TERM INT
  local name="$1" pid="$2" status=0 start
  wait "$pid" 2>/dev/null || status=$?
  start="$(now_ms)"
  warn "$name exited unexpectedly (status $status): stopping"
  [[ ! -d "$RUN_DIR" ]] || : >"$RUN_DIR/draining"
  drain_tempo $((start + SHUTDOWN_TIMEOUT * 1000))
  stop_children $((start + SHUTDOWN_TIMEOUT * 1000))
  exit 1
}

supervise() {
  while :; do
    alive "$TEMPO_PID" || child_died Tempo "$TEMPO_PID"
    alive "$CADDY_PID" || child_died Caddy "$CADDY_PID"
    cluster_tick
    pause 1
  done
}

# EXIT trap: whatever happened, leave no process and no secret behind.
cleanup() {
  trap '' TERM INT
  local pid
  [[ -z "$PAUSE_PID" ]] || kill "$PAUSE_PID" 2>/dev/null || true
  for pid in "$CADDY_PID" "$TEMPO_PID"; do
    signal_group KILL "$pid"
    reap "$pid"
  done
  if alive "$RELAY_PID"; then wait_relay; fi
  [[ -z "${RUN_DIR:-}" ]] || rm -rf "$RUN_DIR"
  if [[ -n "$WATCH_FD" ]]; then { echo exit >&"$WATCH_FD"; } 2>/dev/null || true; fi
}
