#!/usr/bin/env bash
# The install steps of bin/compile. Needs log.sh, env.sh, config.sh, install.sh.

# shellcheck disable=SC2034 # used by bin/compile
readonly DEFAULT_CADDY_VERSION=2.11.4
readonly DEFAULT_TEMPO_DOWNLOAD_URL=https://github.com/grafana/tempo/releases/download
readonly DEFAULT_CADDY_DOWNLOAD_URL=https://github.com/caddyserver/caddy/releases/download

# Installs the tempo binary of VERSION to BUILD_DIR/.tempo/bin/tempo.
install_tempo() {
  local version="$1" build_dir="$2" cache_dir="$3"
  local archive="tempo_${version}_linux_amd64.tar.gz"
  fetch_release tempo "$version" "$(build_env TEMPO_DOWNLOAD_URL "$DEFAULT_TEMPO_DOWNLOAD_URL")" \
    "$archive" "$(build_env TEMPO_CHECKSUM)" sha256 "$cache_dir" \
    SHA256SUMS "tempo_${version}_checksums.txt"
  install_member "$FETCHED_ARCHIVE" tempo "$build_dir/.tempo/bin/tempo"

  local reported
  reported="$("$build_dir/.tempo/bin/tempo" -version 2>&1)" ||
    die "The installed tempo does not run here (is it a linux/amd64 build?)"
  reported="${reported%%$'\n'*}"
  info "Installed: $reported"
  [[ "$reported" == *"version $version"* ]] ||
    warn "tempo -version does not report $version: check TEMPO_DOWNLOAD_URL"
}

# Installs the caddy binary of VERSION to BUILD_DIR/.tempo/bin/caddy.
install_caddy() {
  local version="$1" build_dir="$2" cache_dir="$3"
  local archive="caddy_${version}_linux_amd64.tar.gz"
  # Caddy publishes SHA-512 digests.
  fetch_release caddy "$version" "$(build_env CADDY_DOWNLOAD_URL "$DEFAULT_CADDY_DOWNLOAD_URL")" \
    "$archive" "$(build_env CADDY_CHECKSUM)" sha512 "$cache_dir" \
    "caddy_${version}_checksums.txt"
  install_member "$FETCHED_ARCHIVE" caddy "$build_dir/.tempo/bin/caddy"

  local reported
  reported="$("$build_dir/.tempo/bin/caddy" version 2>&1)" ||
    die "The installed caddy does not run here (is it a linux/amd64 build?)"
  info "Installed: caddy ${reported%%$'\n'*}"
}

# Copies the run-time files (launcher, libs, default configs, Caddyfile) to
# BUILD_DIR/.tempo/buildpack, where the launcher finds them at start.
install_runtime() {
  local bp_dir="$1" build_dir="$2" dest="$2/.tempo/buildpack" path
  rm -rf "$dest"
  mkdir -p "$dest"
  for path in bin lib config Caddyfile; do
    [[ ! -e "$bp_dir/$path" ]] || cp -R "$bp_dir/$path" "$dest/"
  done
  info "Run-time files in .tempo/buildpack"
}

# Writes .profile.d/tempo.sh, sourced by the platform before every process.
write_profile() {
  local build_dir="$1" version="$2"
  mkdir -p "$build_dir/.profile.d"
  cat >"$build_dir/.profile.d/tempo.sh" <<PROFILE
# Written by the Grafana Tempo buildpack at build time.
export PATH="\$HOME/.tempo/bin:\$PATH"
export TEMPO_VERSION="\${TEMPO_VERSION:-$version}"
export TEMPO_INSTALLED_VERSION="$version"
export TEMPO_BUILDPACK_DIR="\$HOME/.tempo/buildpack"
PROFILE
  info "Environment in .profile.d/tempo.sh"
}

# Prints the milliseconds since START (a date +%s%N value) as seconds, e.g. 2.4s.
elapsed() {
  local ms=$((($(date +%s%N) - $1) / 1000000))
  printf '%d.%ds' $((ms / 1000)) $((ms % 1000 / 100))
}
