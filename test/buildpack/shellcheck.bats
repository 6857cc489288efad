#!/usr/bin/env bats
# Every script of the buildpack is strict bash and shellcheck-clean.

REPO_ROOT="$(cd "$BATS_TEST_DIRNAME/../.." && pwd)"

buildpack_scripts() {
  local f
  for f in "$REPO_ROOT"/bin/detect "$REPO_ROOT"/bin/compile "$REPO_ROOT"/bin/release \
    "$REPO_ROOT"/buildpack/bin/* "$REPO_ROOT"/buildpack/lib/*.sh; do
    [[ -f "$f" ]] && echo "$f"
  done
}

@test "the buildpack has its scripts" {
  for f in bin/detect bin/compile bin/release buildpack/bin/detect buildpack/bin/compile \
    buildpack/bin/release buildpack/lib/log.sh buildpack/lib/config.sh buildpack/lib/env.sh \
    buildpack/lib/install.sh; do
    [ -f "$REPO_ROOT/$f" ] || { echo "missing $f"; false; }
  done
  for f in "$REPO_ROOT"/bin/detect "$REPO_ROOT"/bin/compile "$REPO_ROOT"/bin/release "$REPO_ROOT"/buildpack/bin/*; do
    [ -x "$f" ] || { echo "not executable: $f"; false; }
  done
}

@test "shellcheck -x passes on every buildpack script and the root shims" {
  mapfile -t scripts < <(buildpack_scripts)
  [ "${#scripts[@]}" -ge 10 ]
  # From another directory: source paths must not depend on the caller's.
  cd "$BATS_TEST_TMPDIR"
  run shellcheck -x "${scripts[@]}" "$REPO_ROOT/test/buildpack/mirror.bash"
  [ "$status" -eq 0 ] || { echo "$output"; false; }
}

@test "executables run in strict mode" {
  local f
  for f in "$REPO_ROOT"/bin/detect "$REPO_ROOT"/bin/compile "$REPO_ROOT"/bin/release "$REPO_ROOT"/buildpack/bin/*; do
    [ "$(head -n 1 "$f")" = "#!/usr/bin/env bash" ] || { echo "$f: not a bash script"; false; }
    grep -qx 'set -euo pipefail' "$f" || { echo "$f: no set -euo pipefail"; false; }
  done
}
