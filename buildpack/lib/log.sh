#!/usr/bin/env bash
# Output helpers in the Heroku/Scalingo buildpack style.

LOG_LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Variables whose values are masked in what the build and the web process print.
readonly SECRET_NAME_RE='(SECRET|PASSWORD|PASSWD|TOKEN|ACCESS_KEY|PRIVATE|CREDENTIAL|_KEY$)'
# Set by the web process: its own lines go through mask_lines too, since a
# value it prints (a config value expanded from a variable) may be a secret.
MASK_LOG_LINES=""

# Copies stdin to stdout with the secrets of its environment masked.
readonly MASK_COMMAND=(awk -v secret_names="$SECRET_NAME_RE" -v filter=1 -f "$LOG_LIB_DIR/mask.awk")
mask_lines() { "${MASK_COMMAND[@]}"; }

say() {
  if [[ -n "$MASK_LOG_LINES" ]]; then
    printf '%s\n' "$1" | mask_lines
  else
    printf '%s\n' "$1"
  fi
}

step() { say "-----> $*"; }
info() { say "       $*"; }
warn() { say " !     $*" >&2; }
# Prints every line of stdin indented, as details of the current step.
indent() { sed -u 's/^/       /'; }
die() {
  warn "$*"
  exit 1
}

# A warning that must not be missed: framed, one sentence a line, wrapped at 66 columns.
loud_warning() {
  local rule="==================================================================" line="" word
  warn "$rule"
  for word in $1; do
    if ((${#line} + ${#word} >= 66)); then
      warn "$line"
      line=""
    fi
    line="${line:+$line }$word"
    if [[ "$word" == *. ]]; then
      warn "$line"
      line=""
    fi
  done
  [[ -z "$line" ]] || warn "$line"
  warn "$rule"
}
