#!/usr/bin/env bash
# The app's env vars at build time: one file per variable in ENV_DIR.
# Values are read as data, never evaluated as shell, and stay in the BUILD_ENV
# array: they reach only the child processes that need them (config verify).

declare -gA BUILD_ENV=()

# Names the platform or the shell own; an app must not change them for the build.
readonly ENV_DENYLIST_RE='^(PATH|HOME|IFS|ENV|BASH_ENV|BASHOPTS|SHELLOPTS|PS4|CDPATH|GLOBIGNORE|LD_PRELOAD|LD_LIBRARY_PATH|LD_AUDIT|GIT_DIR|CPATH|CPPATH|LIBRARY_PATH|BUILD_DIR|CACHE_DIR|ENV_DIR)$'
# Variables whose values are masked in anything the build prints.
readonly SECRET_NAME_RE='(SECRET|PASSWORD|PASSWD|TOKEN|ACCESS_KEY|PRIVATE|CREDENTIAL|_KEY$)'

# Fills BUILD_ENV from ENV_DIR. Files with invalid or denied names are skipped.
load_env_dir() {
  local dir="$1" file name
  [[ -d "$dir" ]] || return 0
  for file in "$dir"/*; do
    [[ -f "$file" ]] || continue
    name="${file##*/}"
    [[ "$name" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || continue
    [[ "$name" =~ $ENV_DENYLIST_RE ]] && continue
    BUILD_ENV["$name"]="$(<"$file")"
  done
}

# Prints NAME's value: ENV_DIR first, then the build's own environment, then DEFAULT.
build_env() {
  local name="$1" default="${2:-}"
  if [[ -v "BUILD_ENV[$name]" ]]; then
    printf '%s' "${BUILD_ENV[$name]}"
  elif [[ -n "${!name:-}" ]]; then
    printf '%s' "${!name}"
  else
    printf '%s' "$default"
  fi
}

# Exports every BUILD_ENV variable into the current shell; call it in a subshell.
export_build_env() {
  local name
  for name in "${!BUILD_ENV[@]}"; do
    export "$name=${BUILD_ENV[$name]}"
  done
}

# Copies stdin to stdout with the values of secret-looking variables masked.
mask_secrets() {
  local text name value
  text="$(cat)"
  for name in "${!BUILD_ENV[@]}"; do
    value="${BUILD_ENV[$name]}"
    # Short values would mask ordinary words; they are not worth hiding anyway.
    if [[ "${name^^}" =~ $SECRET_NAME_RE && ${#value} -ge 4 ]]; then
      text="${text//"$value"/***}"
    fi
  done
  [[ -z "$text" ]] || printf '%s\n' "$text"
}

# Prints URL with any user:password@ part hidden.
redact_url() {
  printf '%s' "$1" | sed -E 's#^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@#\1***@#'
}
