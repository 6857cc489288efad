#!/usr/bin/env bash
# Process lifecycle of the web process: Tempo and Caddy as children of the
# launcher, each in its own session so that a signal sent to the launcher's
# process group cannot reach them before the drain; the drain and the stop.
# Needs contract.sh, log.sh, process.sh, settings.sh, config.sh, proxy.sh and
# cluster.sh.
#
# Globals: RUN_DIR (private scratch dir), BP_DIR, TEMPO_MAJOR,
# TEMPO_CONFIG_FILE, PORT, the timeouts (read_timeouts); the *_PID below.

TEMPO_PID="" CADDY_PID="" RELAY_PID="" WATCH_FD=""

# Starts Tempo, its output relayed through an awk that keeps the last lines
# and spots the end of the 2.x flush.
start_tempo() {
  local tempo="$1" fifo="$RUN_DIR/tempo-log.fifo"
  mkfifo -m 600 "$fifo"
  tempo_log_relay <"$fifo" &
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
  exec "${PDEATHSIG[@]}" awk "${AWK_FLAGS[@]}" -v keep=40 -v tail_file="$RUN_DIR/tempo-tail.log" \
    -v flushed_file="$RUN_DIR/flushed" -f "$BP_DIR/lib/relay.awk"
}

tempo_process() {
  # Tempo needs none of the proxy's credentials, nor the cluster's secret
  # (its config holds what derives from it).
  unset TEMPO_INGEST_TOKEN TEMPO_QUERY_USER TEMPO_QUERY_PASSWORD TEMPO_CLUSTER_SECRET TEMPO_CLUSTER_LABEL_SECRET
  if [[ -n "$TEMPO_GOMEMLIMIT" ]]; then export GOMEMLIMIT="$TEMPO_GOMEMLIMIT"; fi
  close_watch_fd
  # Flags win over the file: the HTTP API stays on the internal port even
  # when a config says ${PORT}.
  exec setsid "${PDEATHSIG[@]}" "$1" "-config.file=$TEMPO_CONFIG_FILE" -config.expand-env=true \
    "-server.http-listen-port=$TEMPO_HTTP_LISTEN_PORT"
}

tempo_ready() { [[ "$(http_status "$TEMPO_HTTP_LISTEN_PORT/ready" "$TEMPO_LISTEN_HOST")" == 200 ]]; }

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
  # Caddy needs none of Tempo's secrets, nor Tempo's memory limit: its own.
  unset TEMPO_QUERY_PASSWORD TEMPO_CONFIG_YAML TEMPO_STORAGE_S3_ACCESS_KEY_ID \
    TEMPO_STORAGE_S3_SECRET_ACCESS_KEY TEMPO_CLUSTER_SECRET TEMPO_CLUSTER_LABEL_SECRET GOMEMLIMIT
  if [[ -n "$PROXY_GOMEMLIMIT" ]]; then export GOMEMLIMIT="$PROXY_GOMEMLIMIT"; fi
  # Caddy reads every ingest body whole into fresh memory: collecting less
  # often (its live memory is small, GOMEMLIMIT bounds the rest) nearly halves
  # what that costs in CPU.
  export GOGC=400
  # Beyond it, new connections wait in the kernel's queue until others close
  # (read_header closes every slow one within seconds). The hard limit too:
  # Go raises the soft one to it at start.
  local hard
  hard="$(ulimit -Hn)"
  if [[ -n "$PROXY_MAX_FILES" && ("$hard" == unlimited || "$PROXY_MAX_FILES" -lt "$hard") ]]; then
    ulimit -n "$PROXY_MAX_FILES"
  fi
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
  end_masked_output
}

# check_installation INSTALL_DIR
# Sets TEMPO_BIN, CADDY_BIN, TEMPO_RUN_VERSION and TEMPO_MAJOR from what the
# build installed; the installed binary decides the major, so changing
# TEMPO_VERSION needs a new build.
check_installation() {
  local install_dir="$1" tool
  for tool in setsid curl awk mkfifo; do
    command -v "$tool" >/dev/null || die "$tool is required to start Tempo and is missing from this image"
  done
  TEMPO_BIN="$install_dir/bin/tempo"
  CADDY_BIN="$install_dir/bin/caddy"
  [[ -x "$TEMPO_BIN" && -x "$CADDY_BIN" ]] ||
    die "Tempo and Caddy are not installed in $install_dir/bin: was the app built with the Tempo buildpack?"
  if [[ -n "${TEMPO_INSTALLED_VERSION:-}" ]]; then
    TEMPO_RUN_VERSION="$TEMPO_INSTALLED_VERSION"
    if [[ -n "${TEMPO_VERSION:-}" && "${TEMPO_VERSION#v}" != "$TEMPO_RUN_VERSION" ]]; then
      warn "TEMPO_VERSION is $TEMPO_VERSION but this build installed Tempo $TEMPO_RUN_VERSION: deploy again to switch"
    fi
  else
    TEMPO_RUN_VERSION="$(tempo_version "${TEMPO_VERSION:-}")" ||
      die "TEMPO_VERSION must look like $DEFAULT_TEMPO_VERSION, not \"${TEMPO_VERSION:-}\""
  fi
  TEMPO_MAJOR="$(tempo_major "$TEMPO_RUN_VERSION")"
}

# Sets RUN_DIR: the private scratch dir (rendered configs, Caddy's JSON, markers).
# In memory where the image has a writable /dev/shm (and TMPDIR does not say
# otherwise): a cluster member's key must stay readable while Tempo runs, so
# it cannot be unlinked once read, and must never reach a disk.
make_run_dir() {
  local base="${TMPDIR:-}"
  if [[ -z "$base" ]]; then
    base=/tmp
    if [[ -d /dev/shm && -w /dev/shm ]]; then base=/dev/shm; fi
  fi
  RUN_DIR="$(mktemp -d "$base/tempo-launch.XXXXXX")"
  chmod 0700 "$RUN_DIR"
}

check_ports_free() {
  local internal
  ! port_in_use "$PORT" || die "Port $PORT is already in use on this machine"
  for internal in "$TEMPO_HTTP_LISTEN_PORT" "$TEMPO_OTLP_HTTP_PORT"; do
    ! port_in_use "$internal" "$TEMPO_LISTEN_HOST" || die "Port $internal is already in use on $TEMPO_LISTEN_HOST"
  done
}

# Starts Tempo and waits for its /ready (the proxy's config is prepared
# meanwhile); on a timeout or an early exit, fails with Tempo's last lines.
start_tempo_and_wait() {
  local start status=0
  start="$(now_ms)"
  start_tempo "$TEMPO_BIN"
  adapt_proxy_config "$CADDY_BIN"
  wait_tempo_ready $((start + READY_TIMEOUT * 1000)) || status=$?
  case "$status" in
    0)
      info "Tempo ready in $(seconds_between "$start" "$(now_ms)") s"
      remove_read_configs "$TEMPO_CONFIG_FILE" "$RUN_DIR/config"
      ;;
    1) fail_with_tempo_log "Tempo is not ready $READY_TIMEOUT s after its start: giving up." ;;
    *) fail_with_tempo_log "Tempo exited before it was ready." ;;
  esac
}

# Tempo and Caddy read their config once, at start: the files rendered in
# RUN_DIR (TEMPO_CONFIG_YAML may hold secrets) go once they run, so that not
# even a kill -9 of the whole process group, watcher included, leaves them.
remove_read_configs() {
  local path
  for path in "$@"; do
    [[ "$path" != "$RUN_DIR/"* ]] || rm -rf "$path"
  done
}

# Binds $PORT: the platform sends traffic from the first accepted connection.
start_proxy_and_wait() {
  local status=0
  start_proxy "$CADDY_BIN"
  wait_proxy_listening $(($(now_ms) + 10000)) || status=$?
  case "$status" in
    0) remove_read_configs "$RUN_DIR/caddy.json" ;;
    1) die "Caddy did not start listening on port $PORT" ;;
    *) child_died Caddy "$CADDY_PID" ;;
  esac
}
