#!/usr/bin/env bash
# The app's env vars at build time: one file per variable in ENV_DIR.
# Values are read as data, never evaluated as shell, and stay in the BUILD_ENV
# array: never a shell variable of the build, they reach only the one child
# that needs them (config verify, see run_with_build_env), so a file named like
# a variable of the build scripts cannot change what the build does.

declare -gA BUILD_ENV=()

# Names the platform or the shell own; an app must not change them for the build.
readonly ENV_DENYLIST_RE='^(PATH|HOME|IFS|ENV|BASH_ENV|BASHOPTS|SHELLOPTS|PS4|CDPATH|GLOBIGNORE|LD_PRELOAD|LD_LIBRARY_PATH|LD_AUDIT|GIT_DIR|CPATH|CPPATH|LIBRARY_PATH|BUILD_DIR|CACHE_DIR|ENV_DIR)$'

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

# run_with_build_env DIR COMMAND ARGS...: runs COMMAND in DIR with the app's
# variables in its environment. Everything the command needs is in the
# positional parameters, which no exported name can shadow.
run_with_build_env() (
  cd "$1" || exit 1
  shift
  local var attributes
  # A variable named "var" or "attributes" is harmless here: each turn
  # assigns both again. A readonly name (the build's own constants) is
  # skipped: assigning it would end the subshell under errexit.
  for var in "${!BUILD_ENV[@]}"; do
    attributes="$(declare -p "$var" 2>/dev/null)" || attributes=""
    attributes="${attributes#declare -}"
    [[ "${attributes%% *}" != *r* ]] || continue
    export "$var=${BUILD_ENV[$var]}" 2>/dev/null || true
  done
  exec "$@"
)

# Prints the required S3 variables missing from the app's variables.
missing_build_s3_vars() {
  local name
  for name in "${S3_REQUIRED_VARS[@]}"; do
    [[ -n "$(build_env "$name")" ]] || echo "$name"
  done
}

# Prints NAME's value among the app's variables (a lookup for expand_env_refs).
build_env_value() { build_env "$1"; }

# Copies stdin to stdout with the app's secrets masked (mask.awk, which reads
# them from its environment).
mask_secrets() { run_with_build_env "$PWD" "${MASK_COMMAND[@]}"; }

# Prints URL with any user:password@ part hidden.
redact_url() {
  printf '%s' "$1" | sed -E 's#^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@#\1***@#'
}
