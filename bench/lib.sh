# Shared by the bench scripts (sourced, not run): paths, scratch space,
# cleanup, the machine line and throwaway npm installs.
# shellcheck shell=bash

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$BENCH_DIR/.." && pwd)"
BENCH_TMP="$(mktemp -d "${TMPDIR:-/tmp}/tempo-bench.XXXXXX")"
BENCH_PIDS=()
export BENCH_DIR REPO_ROOT BENCH_TMP

# Background processes die before the scratch space goes away; a bench must
# never leave a server listening behind it.
bench_cleanup() {
  local pid
  for pid in "${BENCH_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${BENCH_PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$BENCH_TMP"
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

note() { printf '%s\n' "$*" >&2; }
die() {
  printf 'bench: %s\n' "$*" >&2
  exit 1
}

# Figures only mean something next to the machine they were taken on.
machine_line() {
  local mem
  mem="$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
  printf '%s, %s CPU (%s), %s RAM, node %s\n' \
    "$(date -u '+%Y-%m-%d %H:%M UTC')" "$(nproc)" \
    "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)" \
    "$mem" "$(node -v)"
}

# Installs a Debian package when its command is missing and we may (root
# with apt-get); returns 1 otherwise so the caller can fall back.
ensure_command() {
  local cmd="$1" pkg="${2:-$1}"
  command -v "$cmd" >/dev/null 2>&1 && return 0
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    note "installing $pkg (apt-get)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg" >/dev/null 2>&1 ||
      { apt-get update -qq >/dev/null 2>&1 &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg" >/dev/null 2>&1; } || true
  fi
  command -v "$cmd" >/dev/null 2>&1
}

# Reference tools come from the registry at bench time into a throwaway
# prefix, so they never become dependencies of this package.
npm_prefix_install() {
  local prefix="$1"
  shift
  mkdir -p "$prefix"
  npm install --prefix "$prefix" --no-audit --no-fund --no-save --loglevel=error "$@" >/dev/null
}

# The CLI runs from dist/ and the oclif manifest; a fresh clone has them
# only after `npm ci` (prepare) or `npm run build`.
ensure_built() {
  if [[ ! -f "$REPO_ROOT/dist/cli.cjs" || ! -f "$REPO_ROOT/oclif.manifest.json" ]]; then
    note "building the CLI (npm run build)"
    (cd "$REPO_ROOT" && npm run build >&2)
  fi
}

# Milliseconds since the epoch, for coarse timings in bash.
now_ms() {
  local ns
  ns="$(date +%s%N)"
  printf '%s\n' "$((ns / 1000000))"
}

# stop_app LAUNCHER_PID: SIGTERM, 15 s to drain, then SIGKILL.
stop_app() {
  local launcher_pid="$1" i
  kill -TERM "$launcher_pid" 2>/dev/null || true
  for ((i = 0; i < 150; i++)); do
    kill -0 "$launcher_pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$launcher_pid" 2>/dev/null || true
  wait "$launcher_pid" 2>/dev/null || true
}

# compile_fixture_app BUILDPACK_ROOT [NAME=VALUE...]: $BENCH_TMP/app compiled by
# BUILDPACK_ROOT's bin/compile as on the platform, Tempo, Caddy and gojq from
# the fixture mirror (test/buildpack/mirror.bash, sourced by the caller), each
# NAME=VALUE one of the app's variables. Sets app.
compile_fixture_app() {
  local root="$1" env_dir="$BENCH_TMP/env" pair
  shift
  app="$BENCH_TMP/app"
  build_release_fixtures "$BENCH_TMP/releases"
  start_mirror "$BENCH_TMP/releases"
  BENCH_PIDS+=("$MIRROR_PID")
  mkdir -p "$app" "$env_dir"
  mirror_build_env "$env_dir"
  for pair in "$@"; do printf '%s' "${pair#*=}" >"$env_dir/${pair%%=*}"; done
  "$root/buildpack/bin/compile" "$app" "$BENCH_TMP/cache" "$env_dir" >"$BENCH_TMP/compile.log" 2>&1 ||
    { cat "$BENCH_TMP/compile.log" >&2; die "bin/compile failed"; }
  stop_mirror
}
