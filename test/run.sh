#!/usr/bin/env bash
# Runs every test: TypeScript (node:test) then the buildpack's bats suites.
# Ends with one line "N passed, N failed"; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

missing=()
for tool in caddy shellcheck git curl python3; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if ((${#missing[@]} > 0)); then
  echo "The tests need: ${missing[*]} (Debian: apt-get install -y ${missing[*]}; .ci/run installs them)." >&2
  exit 1
fi

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT

shopt -s nullglob
node_tests=(test/unit/*.test.ts test/integration/*.test.ts)
bats_tests=(test/buildpack/*.bats test/e2e/*.bats)

node --import tsx --test --test-concurrency=2 \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$results/node.tap" \
  "${node_tests[@]}"

if ((${#bats_tests[@]} > 0)); then
  node_modules/bats/bin/bats --tap "${bats_tests[@]}" | tee "$results/bats.tap"
fi

# node's TAP nests subtests; its "# pass/# fail" totals count each test once.
node_pass=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$results/node.tap" | tail -1)
node_fail=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$results/node.tap" | tail -1)
bats_pass=$(grep -cE '^ok ' "$results/bats.tap" 2>/dev/null)
bats_fail=$(grep -cE '^not ok ' "$results/bats.tap" 2>/dev/null)
passed=$((${node_pass:-0} + ${bats_pass:-0}))
failed=$((${node_fail:-1} + ${bats_fail:-0}))
echo "node: ${node_pass:-0} passed, ${node_fail:-?} failed; bats: ${bats_pass:-0} passed, ${bats_fail:-0} failed"
echo "${passed} passed, ${failed} failed"
((failed == 0))
