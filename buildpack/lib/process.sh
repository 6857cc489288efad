#!/usr/bin/env bash
# Process and time primitives of the web process: clocks, pauses that let
# trapped signals in, child liveness and signals, polling, loopback probes.

PAUSE_PID=""

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

# PORT [HOST]
port_in_use() { (exec 3<>"/dev/tcp/${2:-127.0.0.1}/$1") 2>/dev/null; }

# HTTP status of a GET of PORT/PATH on HOST (default loopback); 000 when nothing answers.
http_status() { curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://${2:-127.0.0.1}:$1" 2>/dev/null; }
