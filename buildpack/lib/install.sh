#!/usr/bin/env bash
# Download, verify and cache release archives (Tempo, Caddy).
# Needs log.sh and env.sh.

# Network settings, overridable for slow mirrors.
readonly CURL_CONNECT_TIMEOUT="${CURL_CONNECT_TIMEOUT:-10}"
readonly CURL_MAX_TIME="${CURL_MAX_TIME:-300}"
readonly CURL_RETRIES="${CURL_RETRIES:-3}"

# Downloads URL to OUT. Network errors, timeouts and 408/429/5xx answers are
# retried; other HTTP errors (404: no such release) fail at once. Hence no
# --fail: with it, --retry-all-errors would retry a 404 too.
# The URL reaches curl on stdin (--config -), never in its argv: a mirror URL
# may hold credentials, and ps shows every argv.
fetch_url() {
  local url="$1" out="$2" code
  [[ "$url" != *[[:cntrl:]]* ]] || { echo "the download URL contains a control character" >&2; return 1; }
  url="${url//\\/\\\\}"
  code="$(printf 'url = "%s"\n' "${url//\"/\\\"}" |
    curl --silent --show-error --location \
      --retry "$CURL_RETRIES" --retry-all-errors --retry-delay 1 \
      --connect-timeout "$CURL_CONNECT_TIMEOUT" --max-time "$CURL_MAX_TIME" \
      --output "$out" --write-out '%{http_code}' --config -)" || return 1
  [[ "$code" == 2?? ]] && return 0
  rm -f "$out"
  echo "HTTP $code" >&2
  return 1
}

# Prints the hash algorithm matching a hex digest's length.
hash_algo() {
  case "${#1}" in
    64) echo sha256 ;;
    128) echo sha512 ;;
    *) return 1 ;;
  esac
}

# Prints the ALGO digest of FILE.
file_hash() {
  local algo="$1" file="$2" sum
  sum="$("${algo}sum" "$file")"
  echo "${sum%% *}"
}

# Prints ARCHIVE's digest from a checksums file in the "<hash>  <name>" format.
checksum_from_file() {
  local file="$1" archive="$2"
  awk -v name="$archive" '$2 == name || $2 == "*" name { print tolower($1); exit }' "$file"
}

# Sets FETCHED_HASH to ARCHIVE's digest from the first of the checksums FILES
# published in DIR_URL that lists it, and FETCHED_FILE to that file's name
# (both empty when none does).
fetch_checksum() {
  local dir_url="$1" archive="$2" tmp="$3" file
  shift 3
  FETCHED_HASH="" FETCHED_FILE=""
  for file in "$@"; do
    fetch_url "$dir_url/$file" "$tmp/$file" 2>/dev/null || continue
    FETCHED_HASH="$(checksum_from_file "$tmp/$file" "$archive")"
    if [[ -n "$FETCHED_HASH" ]]; then
      FETCHED_FILE="$file"
      return 0
    fi
    info "$file does not list $archive"
  done
}

# shellcheck disable=SC2034 # FETCHED_ARCHIVE is read by the callers
# fetch_release NAME VERSION BASE_URL ARCHIVE EXPECTED DEFAULT_ALGO CACHE_DIR CHECKSUM_FILE...
#
# Makes sure CACHE_DIR/NAME/VERSION/ARCHIVE is a verified copy of
# BASE_URL/vVERSION/ARCHIVE and sets FETCHED_ARCHIVE to its path.
# EXPECTED is a sha256 or sha512 hex digest (an override); when empty, the
# digest comes from the first CHECKSUM_FILE published next to the archive and is
# kept in the cache, so that a cache hit is verified again and downloads nothing.
# A mismatch, or no digest at all, fails with both hashes shown.
fetch_release() {
  local name="$1" version="$2" base_url="$3" archive="$4" expected="${5,,}" default_algo="$6" cache_root="$7"
  shift 7
  local var="${name^^}_CHECKSUM" dir_url="${base_url%/}/v$version"
  local cache_dir="$cache_root/$name/$version"
  local cached="$cache_dir/$archive" hash_file="$cache_dir/$archive.hash"
  local algo actual source want tmp

  if [[ -n "$expected" ]] && ! { [[ "$expected" =~ ^[0-9a-f]+$ ]] && hash_algo "$expected" >/dev/null; }; then
    die "$var must be a sha256 (64 hex digits) or sha512 (128 hex digits) digest"
  fi

  if [[ -f "$cached" ]]; then
    want="$expected"
    [[ -n "$want" || ! -f "$hash_file" ]] || want="$(<"$hash_file")"
    if [[ -n "$want" ]] && algo="$(hash_algo "$want")" &&
      [[ "$(file_hash "$algo" "$cached")" == "$want" ]]; then
      info "Using the cached $archive ($algo verified)"
      FETCHED_ARCHIVE="$cached"
      return 0
    fi
    info "The cached $archive does not match its checksum: downloading it again"
    rm -f "$cached" "$hash_file"
  fi

  tmp="$(mktemp -d)"
  info "Downloading $(redact_url "$dir_url/$archive")"
  if ! fetch_url "$dir_url/$archive" "$tmp/$archive" 2>"$tmp/curl.err"; then
    indent <"$tmp/curl.err" >&2
    rm -rf "$tmp"
    die "Could not download $name $version from $(redact_url "$dir_url/$archive"). Is $version a published release? Check ${name^^}_VERSION and ${name^^}_DOWNLOAD_URL."
  fi

  if [[ -n "$expected" ]]; then
    source="$var"
  else
    fetch_checksum "$dir_url" "$archive" "$tmp" "$@"
    expected="$FETCHED_HASH"
    source="$FETCHED_FILE"
  fi
  algo="$(hash_algo "$expected" || echo "$default_algo")"
  actual="$(file_hash "$algo" "$tmp/$archive")"
  if [[ "$actual" != "$expected" ]]; then
    rm -rf "$tmp"
    if [[ -z "$expected" ]]; then
      warn "No checksum found for $archive (looked in: $*)"
      warn "  expected: (none)"
      warn "  actual:   $actual"
      die "Refusing to install an unverified $name $version: set $var to the digest its publisher gives."
    fi
    warn "Checksum mismatch for $archive ($algo, from $source)"
    warn "  expected: $expected"
    warn "  actual:   $actual"
    die "Refusing to install $name $version: the download is not the published file. Check ${name^^}_DOWNLOAD_URL and $var."
  fi
  info "Checksum verified ($algo, from $source)"

  # Keep only this version: the cache stays small and refills on demand.
  rm -rf "${cache_root:?}/$name"
  mkdir -p "$cache_dir"
  mv "$tmp/$archive" "$cached"
  echo "$expected" >"$hash_file"
  rm -rf "$tmp"
  FETCHED_ARCHIVE="$cached"
}

# Extracts the executable MEMBER of ARCHIVE (a tar.gz) to DEST (a file path).
install_member() {
  local archive="$1" member="$2" dest="$3" tmp found
  tmp="$(mktemp -d)"
  # --no-anchored also finds ./MEMBER, never MEMBER-cli.
  if tar -xzf "$archive" -C "$tmp" --no-anchored "$member" 2>/dev/null; then
    found="$(find "$tmp" -type f -name "$member" -print -quit)"
  fi
  if [[ -z "${found:-}" ]]; then
    rm -rf "$tmp"
    die "${archive##*/} has no $member executable"
  fi
  mkdir -p "${dest%/*}"
  mv -f "$found" "$dest"
  chmod 0755 "$dest"
  rm -rf "$tmp"
}
