#!/usr/bin/env bash
# Output helpers in the Heroku/Scalingo buildpack style.

step() { echo "-----> $*"; }
info() { echo "       $*"; }
warn() { echo " !     $*" >&2; }
# Prints every line of stdin indented, as details of the current step.
indent() { sed -u 's/^/       /'; }
die() {
  echo " !     $*" >&2
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
