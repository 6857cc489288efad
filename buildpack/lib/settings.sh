#!/usr/bin/env bash
# The web process's settings, read from the environment and checked: every
# bad value stops the start with its variable's name. Defaults come from the
# contract (contract.sh). Needs contract.sh and log.sh.

TEMPO_GOMEMLIMIT="" PROXY_GOMEMLIMIT="" PROXY_MAX_FILES=""
# Where Tempo's HTTP API and OTLP receivers listen, and the proxy sends
# requests: loopback, for a cluster member too (only its gRPC and memberlist
# reach the other members, see cluster.sh).
# shellcheck disable=SC2034 # read by launch.sh, proxy.sh and cluster.sh
TEMPO_LISTEN_HOST=127.0.0.1

# Prints the internal port NAME (TEMPO_OTLP_HTTP_PORT…): the app's value, else the contract's default.
port_setting() { echo "${!1:-${PORT_DEFAULTS[$1]}}"; }

# Prints every internal port variable as NAME=PORT (the app's value or the
# default). Fails with one message per invalid or duplicate port on stderr.
internal_ports() {
  local name value bad=0
  local -A seen=()
  for name in "${PORT_VARS[@]}"; do
    value="$(port_setting "$name")"
    if ! [[ "$value" =~ ^[1-9][0-9]{0,4}$ ]] || ((value > 65535)); then
      warn "$name must be a port number (1-65535), not \"$value\""
      bad=1
      continue
    fi
    if [[ -v "seen[$value]" ]]; then
      warn "$name and ${seen[$value]} are both $value: each internal port must differ"
      bad=1
    fi
    seen[$value]="$name"
    echo "$name=$value"
  done
  return "$bad"
}

# Reads a whole number of seconds from VAR (default: the contract's).
seconds_setting() {
  local name="$1" value="${!1:-${RUNTIME_DEFAULTS[$1]}}"
  [[ "$value" =~ ^[0-9]+$ ]] || die "$name must be a whole number of seconds, not \"$value\""
  echo "$value"
}

# Sets TEMPO_GOMEMLIMIT for Tempo: about 85 % of the container's memory, the
# rest for Caddy and the Go runtime's overhead. A GOMEMLIMIT set by the app wins.
# Sets PROXY_GOMEMLIMIT for Caddy: its 15 %, so that its garbage collector
# works harder before Caddy outgrows its share; and PROXY_MAX_FILES, its open
# files, which caps its connections to what that share holds beyond Caddy's
# own 40 MiB (at least 512): a connection that sent part of its headers was
# measured at about 10 KiB (Caddy 2.6 and 2.11), 16 KiB are counted.
compute_gomemlimit() {
  local memory="${CONTAINER_MEMORY:-}" share_kib
  if [[ "$memory" =~ ^[0-9]+$ ]] && ((memory >= 64 * 1024 * 1024)); then
    PROXY_GOMEMLIMIT="$((memory * 15 / 100 / 1048576))MiB"
    share_kib=$((memory * 15 / 100 / 1024))
    PROXY_MAX_FILES=$(((share_kib - 40 * 1024) / 16))
    ((PROXY_MAX_FILES >= 512)) || PROXY_MAX_FILES=512
  fi
  if [[ -n "${GOMEMLIMIT:-}" ]]; then
    TEMPO_GOMEMLIMIT="$GOMEMLIMIT"
    info "GOMEMLIMIT=$GOMEMLIMIT (set by the app)"
  elif [[ -n "$PROXY_GOMEMLIMIT" ]]; then
    TEMPO_GOMEMLIMIT="$((memory * 85 / 100 / 1048576))MiB"
    info "GOMEMLIMIT=$TEMPO_GOMEMLIMIT (85% of the container's $((memory / 1048576))MiB)"
  elif [[ -n "$memory" ]]; then
    warn "CONTAINER_MEMORY=\"$memory\" is not a size in bytes: Tempo runs without GOMEMLIMIT"
  fi
  [[ -z "$PROXY_GOMEMLIMIT" ]] || info "Proxy GOMEMLIMIT=$PROXY_GOMEMLIMIT (15%), at most $PROXY_MAX_FILES open files"
}

# Reads a Caddy duration setting (e.g. 30s, 500ms, 2m) from VAR (default: the contract's).
duration_setting() {
  local name="$1" value="${!1:-${RUNTIME_DEFAULTS[$1]}}"
  [[ "$value" =~ ^[0-9]{1,6}(ms|s|m)$ ]] ||
    die "$name must be a duration such as 30s, 500ms or 2m, not \"$value\""
  echo "$value"
}

# Milliseconds of a duration that duration_setting accepted.
duration_ms() {
  local value="$1" number="${1%%[a-z]*}"
  case "${value#"$number"}" in
    ms) echo $((10#$number)) ;;
    s) echo $((10#$number * 1000)) ;;
    m) echo $((10#$number * 60000)) ;;
  esac
}

# Reads a whole number from VAR, default DEFAULT, at least MIN.
count_setting() {
  local name="$1" value="${!1:-$2}" min="$3"
  if ! [[ "$value" =~ ^[0-9]{1,12}$ ]] || ((10#$value < min)); then
    die "$name must be a whole number, at least $min, not \"$value\""
  fi
  echo $((10#$value))
}

# The container's memory in MiB, or the M size's when CONTAINER_MEMORY is unset.
container_mib() {
  local memory="${CONTAINER_MEMORY:-}"
  if [[ "$memory" =~ ^[0-9]+$ ]] && ((memory >= 64 * 1048576)); then
    echo $((memory / 1048576))
  else
    echo "$UNKNOWN_MEMORY_MIB"
  fi
}

# Sizes what Tempo accepts per second, what the proxy lets through at once and
# what the metrics-generator holds from the container's memory (see the README's
# table), unless the app sets them; exports Tempo's limits for the default templates.
size_ingest_limits() {
  local mib
  mib="$(container_mib)"
  TEMPO_INGESTION_RATE_LIMIT_BYTES="$(count_setting TEMPO_INGESTION_RATE_LIMIT_BYTES \
    $((mib * INGEST_RATE_BYTES_PER_MIB)) 1)"
  TEMPO_INGESTION_BURST_SIZE_BYTES="$(count_setting TEMPO_INGESTION_BURST_SIZE_BYTES \
    "$TEMPO_INGESTION_RATE_LIMIT_BYTES" 1)"
  local inflight=$((mib / INGEST_MIB_PER_REQUEST))
  ((inflight >= MIN_INGEST_REQUESTS)) || inflight="$MIN_INGEST_REQUESTS"
  TEMPO_PROXY_MAX_INGEST_REQUESTS="$(count_setting TEMPO_PROXY_MAX_INGEST_REQUESTS "$inflight" 1)"
  # The metrics-generator holds spans a second time (TraceQL metrics): bounded the same way.
  TEMPO_GENERATOR_MAX_LIVE_TRACES_BYTES="$(count_setting TEMPO_GENERATOR_MAX_LIVE_TRACES_BYTES \
    $((mib * GENERATOR_LIVE_BYTES_PER_MIB)) 1)"
  export TEMPO_INGESTION_RATE_LIMIT_BYTES TEMPO_INGESTION_BURST_SIZE_BYTES TEMPO_GENERATOR_MAX_LIVE_TRACES_BYTES
  info "Ingest limits: $TEMPO_INGESTION_RATE_LIMIT_BYTES bytes/s (burst $TEMPO_INGESTION_BURST_SIZE_BYTES), $TEMPO_PROXY_MAX_INGEST_REQUESTS requests in flight, $TEMPO_GENERATOR_MAX_LIVE_TRACES_BYTES bytes of live traces for TraceQL metrics (${mib}MiB container)"
}

# Sets READY_TIMEOUT, SHUTDOWN_TIMEOUT, DRAIN_WAIT and STOP_GRACE (seconds).
# shellcheck disable=SC2034 # read by launch.sh and config.sh
read_timeouts() {
  READY_TIMEOUT="$(seconds_setting TEMPO_READY_TIMEOUT)"
  SHUTDOWN_TIMEOUT="$(seconds_setting TEMPO_SHUTDOWN_TIMEOUT)"
  DRAIN_WAIT="$(seconds_setting TEMPO_DRAIN_WAIT)"
  STOP_GRACE="$(seconds_setting TEMPO_STOP_GRACE)"
}

# Checks $PORT and the internal ports (each settable, all different), and
# exports the internal ones: the configs read them as ${VAR:-default}.
read_ports() {
  local ports name value
  [[ "${PORT:-}" =~ ^[0-9]+$ ]] || die "PORT must be set to the port to listen on (the platform sets it)"
  ports="$(internal_ports)" || die "Fix the internal port settings above and restart."
  while IFS='=' read -r name value; do
    [[ "$PORT" != "$value" ]] || die "PORT=$PORT clashes with $name, a port Tempo uses on loopback: set $name to another port"
    printf -v "$name" '%s' "$value"
    export "${name?}"
  done <<<"$ports"
}
