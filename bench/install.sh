#!/usr/bin/env bash
# What `npx create-tempo-scalingo` downloads and unpacks, beside create-vite:
# the packed tarball is installed into an empty project (production
# dependencies only, as npx does) and its node_modules is counted and sized.
#
#   bench/install.sh        CREATE_VITE_VERSION=latest
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_built
# --ignore-scripts: `prepare` would rebuild dist/ under anyone using this tree.
note "packing create-tempo-scalingo"
tarball="$(cd "$REPO_ROOT" && npm pack --ignore-scripts --silent --pack-destination "$BENCH_TMP")"
tarball="$BENCH_TMP/$tarball"

# One empty project per package; prints: packages, KiB on disk, install ms.
measure() {
  local dir="$1" spec="$2" t0 t1 count kib
  mkdir -p "$dir"
  printf '{"name":"bench-install","version":"1.0.0","private":true}\n' >"$dir/package.json"
  t0="$(now_ms)"
  # --prefer-offline: the npm cache is warm after the first run, so the time
  # is unpacking and linking, not this machine's network.
  npm install --prefix "$dir" --omit=dev --prefer-offline --no-audit --no-fund --loglevel=error "$spec" >/dev/null
  t1="$(now_ms)"
  count="$(node -e 'const l = require(process.argv[1]); console.log(Object.keys(l.packages).filter(Boolean).length)' \
    "$dir/node_modules/.package-lock.json")"
  kib="$(du -sk "$dir/node_modules" | cut -f1)"
  printf '%s\t%s\t%s\n' "$count" "$kib" "$((t1 - t0))"
}

note "installing both into empty projects"
read -r ours_n ours_kib ours_ms < <(measure "$BENCH_TMP/ours" "$tarball")
read -r vite_n vite_kib vite_ms < <(measure "$BENCH_TMP/vite" "create-vite@${CREATE_VITE_VERSION:-latest}")
vite_version="$(node -p 'require(process.argv[1]).version' "$BENCH_TMP/vite/node_modules/create-vite/package.json")"
tar_kib="$(( ($(stat -c %s "$tarball") + 1023) / 1024 ))"

echo "# Install footprint — $(machine_line)"
echo "# create-tempo-scalingo $(basename "$tarball" .tgz | sed 's/.*-//') (tarball ${tar_kib} KiB), create-vite $vite_version"
awk -v on="$ours_n" -v ok="$ours_kib" -v oms="$ours_ms" -v vn="$vite_n" -v vk="$vite_kib" -v vms="$vite_ms" 'BEGIN {
  printf "| %-22s | %8s | %12s | %10s |\n", "package", "packages", "node_modules", "install ms"
  printf "|%s|%s|%s|%s|\n", "------------------------", "---------:", "-------------:", "-----------:"
  printf "| %-22s | %8d | %8.1f MiB | %10d |\n", "create-tempo-scalingo", on, ok / 1024, oms
  printf "| %-22s | %8d | %8.1f MiB | %10d |\n", "create-vite", vn, vk / 1024, vms
  printf "| %-22s | %8.1f | %12.1f | %10.1f |\n", "ratio", on / vn, ok / vk, oms / vms
}'

# Where the bytes are: each direct dependency with everything it pulls in.
echo
node "$BENCH_DIR/deps.mjs" "$BENCH_TMP/ours" create-tempo-scalingo
