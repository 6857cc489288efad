#!/usr/bin/env bash
# The install steps of bin/compile. Needs contract.sh, log.sh, env.sh, config.sh, install.sh.

# install_release RELEASE BUILD_DIR CACHE_DIR VERSION_ARG
# Fetches RELEASE (the name of an array fetch_release reads), installs its
# binary to BUILD_DIR/.tempo/bin and sets INSTALLED_VERSION to the first line
# the binary prints when run with VERSION_ARG: one that does not run fails
# the build.
install_release() {
  local -n release="$1"
  local bin="$2/.tempo/bin/${release[name]}" reported
  fetch_release "$1" "$3"
  install_member "${release[path]}" "${release[name]}" "$bin"
  reported="$("$bin" "$4" 2>&1)" ||
    die "The installed ${release[name]} does not run here (is it a linux/amd64 build?)"
  INSTALLED_VERSION="${reported%%$'\n'*}"
}

# Installs the tempo binary of VERSION to BUILD_DIR/.tempo/bin/tempo.
install_tempo() {
  local version="$1"
  # shellcheck disable=SC2034 # read through its name by install_release
  local -A tempo_release=(
    [name]=tempo [version]="$version" [archive]="tempo_${version}_linux_amd64.tar.gz"
    [base_url]="$(build_env TEMPO_DOWNLOAD_URL "${BUILD_DEFAULTS[TEMPO_DOWNLOAD_URL]}")"
    [checksum]="$(build_env TEMPO_CHECKSUM)" [checksum_var]=TEMPO_CHECKSUM
    [default_algo]=sha256 [checksum_files]="SHA256SUMS tempo_${version}_checksums.txt"
  )
  install_release tempo_release "$2" "$3" -version
  info "Installed: $INSTALLED_VERSION"
  [[ "$INSTALLED_VERSION" == *"version $version"* ]] ||
    warn "tempo -version does not report $version: check TEMPO_DOWNLOAD_URL"
}

# Installs the caddy binary of VERSION to BUILD_DIR/.tempo/bin/caddy.
install_caddy() {
  # Caddy publishes SHA-512 digests.
  # shellcheck disable=SC2034 # read through its name by install_release
  local -A caddy_release=(
    [name]=caddy [version]="$1" [archive]="caddy_${1}_linux_amd64.tar.gz"
    [base_url]="$(build_env CADDY_DOWNLOAD_URL "${BUILD_DEFAULTS[CADDY_DOWNLOAD_URL]}")"
    [checksum]="$(build_env CADDY_CHECKSUM)" [checksum_var]=CADDY_CHECKSUM
    [default_algo]=sha512 [checksum_files]="caddy_${1}_checksums.txt"
  )
  install_release caddy_release "$2" "$3" version
  info "Installed: caddy $INSTALLED_VERSION"
}

# Installs the gojq binary of VERSION to BUILD_DIR/.tempo/bin/gojq: the YAML
# parser and emitter with which the build and the web process read the Tempo
# config. gojq publishes no checksums: the contract pins the default version's.
install_gojq() {
  local version="$1" checksum
  checksum="$(build_env GOJQ_CHECKSUM)"
  if [[ -z "$checksum" && "$version" == "${BUILD_DEFAULTS[GOJQ_VERSION]}" ]]; then
    checksum="${BUILD_DEFAULTS[GOJQ_CHECKSUM]}"
  fi
  [[ -n "$checksum" ]] ||
    die "gojq publishes no checksums: set GOJQ_CHECKSUM to the SHA-256 of gojq_v${version}_linux_amd64.tar.gz, or unset GOJQ_VERSION"
  # shellcheck disable=SC2034 # read through its name by install_release
  local -A gojq_release=(
    [name]=gojq [version]="$version" [archive]="gojq_v${version}_linux_amd64.tar.gz"
    [base_url]="$(build_env GOJQ_DOWNLOAD_URL "${BUILD_DEFAULTS[GOJQ_DOWNLOAD_URL]}")"
    [checksum]="$checksum" [checksum_var]=GOJQ_CHECKSUM
    [default_algo]=sha256 [checksum_files]=""
  )
  install_release gojq_release "$2" "$3" --version
  info "Installed: $INSTALLED_VERSION"
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
