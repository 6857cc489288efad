# shellcheck shell=bash
# Release fixtures and a local download mirror for the buildpack tests.
# Nothing here reaches the internet: point TEMPO_DOWNLOAD_URL and
# CADDY_DOWNLOAD_URL at "$MIRROR_URL/tempo" and "$MIRROR_URL/caddy", and gojq's
# build variables at the mirror with mirror_gojq_env.
#
#   build_release_fixtures DIR   real tar.gz archives + checksum files, GitHub layout
#   make_tempo_release DIR V     one more Tempo release (stub binary reporting V)
#   mirror_build_env ENV_DIR    every download URL at the mirror (and gojq's checksum)
#   mirror_gojq_env ENV_DIR     GOJQ_DOWNLOAD_URL and GOJQ_CHECKSUM of the fixture
#   start_mirror DIR             serves DIR; sets MIRROR_URL, MIRROR_PID, MIRROR_LOG
#   stop_mirror
#   mirror_fail PATH TIMES STATUS   the next TIMES requests of PATH answer STATUS
#   mirror_reset                 clears injected failures and the access log
#   mirror_hits PATH             how many requests PATH got since the last reset

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=SCRIPTDIR/../../buildpack/lib/contract.sh
source "$REPO_ROOT/buildpack/lib/contract.sh"
FIXTURE_TEMPO_VERSIONS=("${TEMPO_KNOWN_VERSIONS[@]}")
FIXTURE_CADDY_VERSION="${BUILD_DEFAULTS[CADDY_VERSION]}"
FIXTURE_GOJQ_VERSION="${BUILD_DEFAULTS[GOJQ_VERSION]}"

# Real tar.gz archives and checksum files in the GitHub release layout.
build_release_fixtures() {
  local out="$1" v
  for v in "${FIXTURE_TEMPO_VERSIONS[@]}"; do make_tempo_release "$out" "$v"; done
  make_caddy_release "$out" "$FIXTURE_CADDY_VERSION"
  make_gojq_release "$out" "$FIXTURE_GOJQ_VERSION"
}

# OUT/tempo/vV/: tempo_V_linux_amd64.tar.gz (a tempo that runs the stub) + SHA256SUMS.
make_tempo_release() {
  local v="$2" dir="$1/tempo/v$2" stage
  stage="$(mktemp -d)"
  mkdir -p "$dir"
  cat >"$stage/tempo" <<SH
#!/bin/sh
# Test double of Grafana Tempo $v.
STUB_TEMPO_VERSION=$v
export STUB_TEMPO_VERSION
exec "$(command -v node)" "$REPO_ROOT/test/fixtures/stub-tempo/main.mjs" "\$@"
SH
  printf '#!/bin/sh\necho "tempo-cli stub"\n' >"$stage/tempo-cli"
  printf '#!/bin/sh\necho "tempo-query stub"\n' >"$stage/tempo-query"
  chmod 0755 "$stage/tempo" "$stage/tempo-cli" "$stage/tempo-query"
  echo "Test fixture, not Grafana Tempo." >"$stage/LICENSE"
  echo "# Tempo $v (test fixture)" >"$stage/README.md"
  echo "# Changelog" >"$stage/CHANGELOG.md"
  tar -czf "$dir/tempo_${v}_linux_amd64.tar.gz" -C "$stage" tempo tempo-cli tempo-query LICENSE README.md CHANGELOG.md
  (cd "$dir" && sha256sum "tempo_${v}_linux_amd64.tar.gz" >SHA256SUMS)
  rm -rf "$stage"
}

# OUT/caddy/vV/: caddy_V_linux_amd64.tar.gz (a caddy that runs a real Caddy:
# TEST_CADDY, else the machine's /usr/bin/caddy) + caddy_V_checksums.txt in
# SHA-512, like Caddy's releases.
make_caddy_release() {
  local v="$2" dir="$1/caddy/v$2" stage
  stage="$(mktemp -d)"
  mkdir -p "$dir"
  printf '#!/bin/sh\nexec "%s" "$@"\n' "${TEST_CADDY:-/usr/bin/caddy}" >"$stage/caddy"
  chmod 0755 "$stage/caddy"
  echo "Test fixture, not Caddy." >"$stage/LICENSE"
  echo "# Caddy $v (test fixture)" >"$stage/README.md"
  tar -czf "$dir/caddy_${v}_linux_amd64.tar.gz" -C "$stage" caddy LICENSE README.md
  (cd "$dir" && sha512sum "caddy_${v}_linux_amd64.tar.gz" >"caddy_${v}_checksums.txt")
  rm -rf "$stage"
}

# OUT/gojq/vV/: gojq_vV_linux_amd64.tar.gz in gojq's layout (a folder holding
# gojq, a wrapper of the machine's gojq). gojq publishes no checksums: the
# archive's SHA-256 goes to OUT/gojq/vV/sha256 for mirror_gojq_env.
make_gojq_release() {
  local v="$2" dir="$1/gojq/v$2" stage name="gojq_v$2_linux_amd64" real
  real="$(command -v gojq)" || { echo "the buildpack tests need gojq (Debian package gojq)" >&2; return 1; }
  stage="$(mktemp -d)"
  mkdir -p "$dir" "$stage/$name"
  printf '#!/bin/sh\nexec "%s" "$@"\n' "$real" >"$stage/$name/gojq"
  chmod 0755 "$stage/$name/gojq"
  echo "Test fixture, not gojq." >"$stage/$name/LICENSE"
  echo "# gojq $v (test fixture)" >"$stage/$name/README.md"
  tar -czf "$dir/$name.tar.gz" -C "$stage" "$name"
  sha256sum "$dir/$name.tar.gz" | cut -d' ' -f1 >"$dir/sha256"
  rm -rf "$stage"
}

# mirror_build_env ENV_DIR: the build fetches Tempo, Caddy and gojq from the mirror.
mirror_build_env() {
  printf '%s' "$MIRROR_URL/tempo" >"$1/TEMPO_DOWNLOAD_URL"
  printf '%s' "$MIRROR_URL/caddy" >"$1/CADDY_DOWNLOAD_URL"
  mirror_gojq_env "$1"
}

# mirror_gojq_env ENV_DIR: the build fetches the fixture gojq from the mirror
# (MIRROR_URL, MIRROR_ROOT set by start_mirror).
mirror_gojq_env() {
  printf '%s' "$MIRROR_URL/gojq" >"$1/GOJQ_DOWNLOAD_URL"
  cp "$MIRROR_ROOT/gojq/v$FIXTURE_GOJQ_VERSION/sha256" "$1/GOJQ_CHECKSUM"
}

start_mirror() {
  local root="$1" state i
  state="$(mktemp -d)"
  MIRROR_LOG="$state/access.log"
  : >"$MIRROR_LOG"
  # fd 3 closed: bats waits for it otherwise.
  node "$REPO_ROOT/test/fixtures/mirror-server.mjs" "$root" "$MIRROR_LOG" "$state/port" 3>&- &
  MIRROR_PID=$!
  for ((i = 0; i < 100; i++)); do
    [[ -s "$state/port" ]] && break
    sleep 0.05
  done
  [[ -s "$state/port" ]] || { echo "mirror did not start" >&2; return 1; }
  MIRROR_URL="http://127.0.0.1:$(<"$state/port")"
  MIRROR_ROOT="$root"
  export MIRROR_URL MIRROR_PID MIRROR_LOG MIRROR_ROOT
}

stop_mirror() {
  [[ -z "${MIRROR_PID:-}" ]] || kill "$MIRROR_PID" 2>/dev/null || true
}

mirror_fail() {
  curl -fsS -X POST "$MIRROR_URL/__fail?path=$1&times=$2&status=$3"
}

mirror_reset() {
  curl -fsS -X POST "$MIRROR_URL/__reset"
  : >"$MIRROR_LOG"
}

mirror_hits() {
  grep -c " $1 " "$MIRROR_LOG" || true
}
