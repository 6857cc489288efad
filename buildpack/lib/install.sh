#!/usr/bin/env bash
# Download, verify and cache release archives (Tempo, Caddy).
# Needs log.sh and env.sh.
# The steps take a release by name (local -n), which shellcheck cannot follow.
# shellcheck disable=SC2178

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

# A release is described by an associative array, passed by name:
#   [name]=tempo [version]=X.Y.Z [archive]=tempo_X.Y.Z_linux_amd64.tar.gz
#   [base_url]=https://…/download (the archive is at BASE_URL/vVERSION/ARCHIVE)
#   [checksum]=<hex digest or empty> [checksum_var]=TEMPO_CHECKSUM
#   [default_algo]=sha256 [checksum_files]="SHA256SUMS …" (published beside it)
# fetch_release sets [path] to a verified copy in the cache.
# Each step takes the release by name (local -n rel=NAME).

# fetch_release RELEASE CACHE_ROOT (RELEASE: the array's name, never "rel")
# Makes sure CACHE_ROOT/NAME/VERSION/ARCHIVE is a verified copy of the release.
# With no [checksum] override, the digest comes from the first checksums file
# that lists the archive and is kept in the cache, so that a cache hit is
# verified again and downloads nothing. A mismatch, or no digest, fails.
fetch_release() {
  local -n rel="$1"
  local cache_dir="$2/${rel["name"]}/${rel["version"]}" tmp
  rel["checksum"]="${rel["checksum"],,}"
  check_checksum_override "$1"
  cached_release "$1" "$cache_dir" && return 0
  tmp="$(mktemp -d)"
  download_release "$1" "$tmp"
  published_checksum "$1" "$tmp"
  verify_download "$1" "$tmp/${rel["archive"]}"
  cache_release "$1" "$tmp/${rel["archive"]}" "$2"
  rm -rf "$tmp"
}

# Fails unless the [checksum] override is empty or a sha256/sha512 hex digest.
check_checksum_override() {
  local -n rel="$1"
  [[ -z "${rel["checksum"]}" ]] ||
    { [[ "${rel["checksum"]}" =~ ^[0-9a-f]+$ ]] && hash_algo "${rel["checksum"]}" >/dev/null; } ||
    die "${rel["checksum_var"]} must be a sha256 (64 hex digits) or sha512 (128 hex digits) digest"
}

# Succeeds, setting [path], when CACHE_DIR holds the archive and it matches the
# override or the digest kept beside it; drops a copy that does not.
cached_release() {
  local -n rel="$1"
  local cached="$2/${rel["archive"]}" want algo
  [[ -f "$cached" ]] || return 1
  want="${rel["checksum"]}"
  [[ -n "$want" || ! -f "$cached.hash" ]] || want="$(<"$cached.hash")"
  if [[ -n "$want" ]] && algo="$(hash_algo "$want")" && [[ "$(file_hash "$algo" "$cached")" == "$want" ]]; then
    info "Using the cached ${rel["archive"]} ($algo verified)"
    rel["path"]="$cached"
    return 0
  fi
  info "The cached ${rel["archive"]} does not match its checksum: downloading it again"
  rm -f "$cached" "$cached.hash"
  return 1
}

release_dir_url() {
  local -n rel="$1"
  echo "${rel["base_url"]%/}/v${rel["version"]}"
}

# Downloads the archive into TMP, or fails saying what to check.
download_release() {
  local -n rel="$1"
  local tmp="$2" url
  url="$(release_dir_url "$1")/${rel["archive"]}"
  info "Downloading $(redact_url "$url")"
  fetch_url "$url" "$tmp/${rel["archive"]}" 2>"$tmp/curl.err" && return 0
  indent <"$tmp/curl.err" >&2
  rm -rf "$tmp"
  local upper="${rel["name"]^^}"
  die "Could not download ${rel["name"]} ${rel["version"]} from $(redact_url "$url"). Is ${rel["version"]} a published release? Check ${upper}_VERSION and ${upper}_DOWNLOAD_URL."
}

# Sets [expected] and [checksum_source]: the override, else the digest of the
# first published checksums file (downloaded into TMP) that lists the archive.
published_checksum() {
  local -n rel="$1"
  local tmp="$2" dir_url file digest
  if [[ -n "${rel["checksum"]}" ]]; then
    rel["expected"]="${rel["checksum"]}" rel["checksum_source"]="${rel["checksum_var"]}"
    return 0
  fi
  rel["expected"]="" rel["checksum_source"]=""
  dir_url="$(release_dir_url "$1")"
  for file in ${rel["checksum_files"]}; do
    fetch_url "$dir_url/$file" "$tmp/$file" 2>/dev/null || continue
    digest="$(checksum_from_file "$tmp/$file" "${rel["archive"]}")"
    if [[ -n "$digest" ]]; then
      rel["expected"]="$digest" rel["checksum_source"]="$file"
      return 0
    fi
    info "$file does not list ${rel["archive"]}"
  done
}

# Fails, showing both hashes, unless FILE matches [expected].
verify_download() {
  local -n rel="$1"
  local file="$2" algo actual
  algo="$(hash_algo "${rel["expected"]}" || echo "${rel["default_algo"]}")"
  actual="$(file_hash "$algo" "$file")"
  if [[ "$actual" == "${rel["expected"]}" ]]; then
    info "Checksum verified ($algo, from ${rel["checksum_source"]})"
    return 0
  fi
  rm -rf "${file%/*}"
  if [[ -z "${rel["expected"]}" ]]; then
    warn "No checksum found for ${rel["archive"]} (looked in: ${rel["checksum_files"]})"
    warn "  expected: (none)"
    warn "  actual:   $actual"
    die "Refusing to install an unverified ${rel["name"]} ${rel["version"]}: set ${rel["checksum_var"]} to the digest its publisher gives."
  fi
  warn "Checksum mismatch for ${rel["archive"]} ($algo, from ${rel["checksum_source"]})"
  warn "  expected: ${rel["expected"]}"
  warn "  actual:   $actual"
  die "Refusing to install ${rel["name"]} ${rel["version"]}: the download is not the published file. Check ${rel["name"]^^}_DOWNLOAD_URL and ${rel["checksum_var"]}."
}

# Moves the verified FILE into the cache with its digest, keeping only this
# version (the cache stays small and refills on demand); sets [path].
cache_release() {
  local -n rel="$1"
  local file="$2" cache_root="$3" cache_dir
  cache_dir="$cache_root/${rel["name"]}/${rel["version"]}"
  rm -rf "${cache_root:?}/${rel["name"]}"
  mkdir -p "$cache_dir"
  mv "$file" "$cache_dir/${rel["archive"]}"
  echo "${rel["expected"]}" >"$cache_dir/${rel["archive"]}.hash"
  rel["path"]="$cache_dir/${rel["archive"]}"
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
