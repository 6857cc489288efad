#!/usr/bin/env bash
# Output helpers in the Heroku/Scalingo buildpack style.

LOG_LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Variables whose values are masked in what the build and the web process print.
readonly SECRET_NAME_RE='(SECRET|PASSWORD|PASSWD|TOKEN|ACCESS_KEY|PRIVATE|CREDENTIAL|_KEY$)'
# mawk (Debian/Ubuntu's awk) waits for a full input buffer unless interactive.
AWK_FLAGS=()
if [[ "$(awk -W version 2>&1 </dev/null)" == *mawk* ]]; then AWK_FLAGS=(-W interactive); fi
readonly AWK_FLAGS
# Copies stdin to stdout, line by line, with the secrets of its environment masked.
readonly MASK_COMMAND=(awk "${AWK_FLAGS[@]}" -v secret_names="$SECRET_NAME_RE" -v filter=1 -f "$LOG_LIB_DIR/mask.awk")
MASK_PID=""

# The web process: everything it prints (its own lines, Tempo's, Caddy's) goes
# through one masking awk, stderr with stdout so that their order holds. The
# awk ignores SIGTERM/SIGINT: the launcher still prints while it drains.
mask_output() {
  exec > >(
    trap '' TERM INT
    exec "${MASK_COMMAND[@]}"
  ) 2>&1
  MASK_PID=$!
}

# Lets the masking awk print the last lines before the process ends.
end_masked_output() {
  [[ -n "$MASK_PID" ]] || return 0
  exec >&- 2>&-
  wait "$MASK_PID" 2>/dev/null || true
}

step() { echo "-----> $*"; }
info() { echo "       $*"; }
warn() { echo " !     $*" >&2; }
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
