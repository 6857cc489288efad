#!/usr/bin/env bash
# Runs shellcheck on every shell file the repository tracks (the buildpack, its
# tests, bench and CI), from another directory so that source paths cannot
# depend on the caller's; and checks that the buildpack's executables are
# executable bash in strict mode.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
mapfile -t files < <(cd "$root" && git ls-files -- '*.sh' '*.bash' '*.bats' .ci/run bin/detect bin/compile bin/release 'buildpack/bin/*')
(cd "$(mktemp -d)" && shellcheck -x "${files[@]/#/$root/}")

status=0
for f in bin/detect bin/compile bin/release buildpack/bin/*; do
  f="$root/$f"
  [[ -x "$f" ]] || { echo "not executable: $f" >&2; status=1; }
  [[ "$(head -n 1 "$f")" == "#!/usr/bin/env bash" ]] || { echo "not a bash script: $f" >&2; status=1; }
  grep -qx 'set -euo pipefail' "$f" || { echo "no set -euo pipefail: $f" >&2; status=1; }
done
((status == 0)) && echo "shellcheck: ${#files[@]} files clean; executables strict"
exit "$status"
