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
