#!/usr/bin/env bash
# The buildpack's bin/compile against a local mirror serving stub release
# archives (the test fixtures: real tar.gz files, real checksums, a stub
# tempo): a cold cache (first deploy: download, verify, unpack) and a warm
# cache (every later deploy), median of RUNS each. The reference, in the same
# run, is the bare work a compile cannot avoid: fetching both archives and
# checksum files from the same mirror, hashing and unpacking them.
#
#   bench/compile.sh        RUNS=5
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# The test fixtures: release archives and the loopback mirror.
# shellcheck source=/dev/null
source "$REPO_ROOT/test/buildpack/mirror.bash"

RUNS="${RUNS:-5}"
TEMPO_VERSION_UNDER_TEST="${TEMPO_VERSION_UNDER_TEST:-$DEFAULT_TEMPO_VERSION}"
compile="$REPO_ROOT/buildpack/bin/compile"
[[ -x "$compile" ]] || die "no $compile"

build_release_fixtures "$BENCH_TMP/releases"
start_mirror "$BENCH_TMP/releases"
BENCH_PIDS+=("$MIRROR_PID")

# Nothing may leave the machine: the mirror is on loopback, anything else
# goes to a dead proxy.
export http_proxy=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9 \
  HTTPS_PROXY=http://127.0.0.1:9 no_proxy=127.0.0.1 NO_PROXY=127.0.0.1
unset TEMPO_VERSION TEMPO_CHECKSUM TEMPO_DOWNLOAD_URL TEMPO_CONFIG_YAML \
  CADDY_VERSION CADDY_CHECKSUM CADDY_DOWNLOAD_URL GOJQ_VERSION GOJQ_CHECKSUM GOJQ_DOWNLOAD_URL

# The app of a first deploy: the default template driven by S3 variables.
env_dir="$BENCH_TMP/env"
mkdir -p "$env_dir"
printf '%s' "$MIRROR_URL/tempo" >"$env_dir/TEMPO_DOWNLOAD_URL"
printf '%s' "$MIRROR_URL/caddy" >"$env_dir/CADDY_DOWNLOAD_URL"
mirror_gojq_env "$env_dir"
printf '%s' "$TEMPO_VERSION_UNDER_TEST" >"$env_dir/TEMPO_VERSION"
printf '%s' traces >"$env_dir/TEMPO_STORAGE_S3_BUCKET"
printf '%s' s3.fr-par.scw.cloud >"$env_dir/TEMPO_STORAGE_S3_ENDPOINT"
printf '%s' SCWACCESSKEY1234 >"$env_dir/TEMPO_STORAGE_S3_ACCESS_KEY_ID"
printf '%s' s3-secret-value-9f8e7d >"$env_dir/TEMPO_STORAGE_S3_SECRET_ACCESS_KEY"

# Prints the wall time of one compile in ms; a failed compile stops the bench.
run_compile() {
  local build="$1" cache="$2" t0 t1
  rm -rf "$build"
  mkdir -p "$build"
  t0="$(now_ms)"
  "$compile" "$build" "$cache" "$env_dir" >"$BENCH_TMP/compile.log" 2>&1 || {
    cat "$BENCH_TMP/compile.log" >&2
    die "bin/compile failed"
  }
  t1="$(now_ms)"
  echo "$((t1 - t0))"
}

# The unavoidable part of a cold compile, by hand.
run_floor() {
  local dir="$1" t0 t1 tempo_dir caddy_dir caddy_v="$FIXTURE_CADDY_VERSION" v="$TEMPO_VERSION_UNDER_TEST"
  rm -rf "$dir"
  mkdir -p "$dir/tempo" "$dir/caddy"
  tempo_dir="$MIRROR_URL/tempo/v$v" caddy_dir="$MIRROR_URL/caddy/v$caddy_v"
  t0="$(now_ms)"
  curl -fsS -o "$dir/t.tgz" "$tempo_dir/tempo_${v}_linux_amd64.tar.gz" -o "$dir/SHA256SUMS" "$tempo_dir/SHA256SUMS"
  curl -fsS -o "$dir/c.tgz" "$caddy_dir/caddy_${caddy_v}_linux_amd64.tar.gz" -o "$dir/c.txt" "$caddy_dir/caddy_${caddy_v}_checksums.txt"
  sha256sum "$dir/t.tgz" >/dev/null
  sha512sum "$dir/c.tgz" >/dev/null
  tar -xzf "$dir/t.tgz" -C "$dir/tempo"
  tar -xzf "$dir/c.tgz" -C "$dir/caddy"
  t1="$(now_ms)"
  echo "$((t1 - t0))"
}

# The stub tempo is a Node program: its two calls in a compile (-version,
# -config.verify) cost far more than the real Go binary's. Timed apart so
# that the buildpack's own share shows.
run_stub() {
  local build="$1" t0 t1 major="${TEMPO_VERSION_UNDER_TEST%%.*}"
  t0="$(now_ms)"
  "$build/.tempo/bin/tempo" -version >/dev/null
  (
    cd "$build"
    export TEMPO_STORAGE_S3_BUCKET=traces TEMPO_STORAGE_S3_ENDPOINT=s3.fr-par.scw.cloud \
      TEMPO_STORAGE_S3_ACCESS_KEY_ID=SCWACCESSKEY1234 TEMPO_STORAGE_S3_SECRET_ACCESS_KEY=s3-secret-value-9f8e7d
    "$build/.tempo/bin/tempo" -config.verify=true -config.expand-env=true \
      -config.file="$build/.tempo/buildpack/config/tempo-$major.yaml" >/dev/null 2>&1
  ) || die "the stub tempo rejects the default config"
  t1="$(now_ms)"
  echo "$((t1 - t0))"
}

# One untimed compile warms the page cache and fills the warm cache.
run_compile "$BENCH_TMP/build" "$BENCH_TMP/cache-warm" >/dev/null
cold=() warm=() floor=() stub=()
# Interleaved, so that a burst of load from elsewhere hits all three alike.
for ((i = 0; i < RUNS; i++)); do
  cold+=("$(run_compile "$BENCH_TMP/build" "$BENCH_TMP/cache-cold-$i")")
  warm+=("$(run_compile "$BENCH_TMP/build" "$BENCH_TMP/cache-warm")")
  stub+=("$(run_stub "$BENCH_TMP/build")")
  floor+=("$(run_floor "$BENCH_TMP/floor")")
done
# The warm runs must really be cache hits: no archive fetched.
mirror_reset
run_compile "$BENCH_TMP/build" "$BENCH_TMP/cache-warm" >/dev/null
[[ "$(mirror_hits "/tempo/v$TEMPO_VERSION_UNDER_TEST/tempo_${TEMPO_VERSION_UNDER_TEST}_linux_amd64.tar.gz")" == 0 ]] ||
  die "the warm compile downloaded the archive again"
stop_mirror

med() { node "$BENCH_DIR/stats.mjs" median "$@"; }
m_cold="$(med "${cold[@]}")" m_warm="$(med "${warm[@]}")" m_floor="$(med "${floor[@]}")" m_stub="$(med "${stub[@]}")"
echo "# Buildpack compile — $(machine_line)"
echo "# Tempo $TEMPO_VERSION_UNDER_TEST and Caddy $FIXTURE_CADDY_VERSION stub archives from a loopback mirror, median of $RUNS"
echo "# runs (ms): cold ${cold[*]} | warm ${warm[*]} | stub ${stub[*]} | floor ${floor[*]}"
awk -v c="$m_cold" -v w="$m_warm" -v f="$m_floor" -v s="$m_stub" 'BEGIN {
  printf "| %-34s | %9s | %9s | %8s |\n", "", "median ms", "x floor", "x cold"
  printf "|%s|%s|%s|%s|\n", "------------------------------------", "----------:", "----------:", "---------:"
  printf "| %-34s | %9.0f | %9.2f | %8.2f |\n", "compile, cold cache", c, c / f, 1
  printf "| %-34s | %9.0f | %9.2f | %8.2f |\n", "compile, warm cache", w, w / f, w / c
  printf "| %-34s | %9.0f | %9.2f | %8.2f |\n", "  of which the stub tempo (Node)", s, s / f, s / c
  printf "| %-34s | %9.0f | %9.2f | %8.2f |\n", "  warm minus the stub: buildpack", w - s, (w - s) / f, (w - s) / c
  printf "| %-34s | %9.0f | %9.2f | %8.2f |\n", "floor: fetch, hash, unpack by hand", f, 1, f / c
}'
echo
echo "Steps of the last compile:"
sed -n 's/^/  /; /----->/p' "$BENCH_TMP/compile.log"
