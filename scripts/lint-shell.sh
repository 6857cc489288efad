#!/usr/bin/env bash
# Runs shellcheck on every shell file the repository tracks: the buildpack, its tests, bench and CI.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files -- '*.sh' '*.bash' '*.bats' .ci/run bin/detect bin/compile bin/release 'buildpack/bin/*')
shellcheck -x "${files[@]}"
echo "shellcheck: ${#files[@]} files clean"
