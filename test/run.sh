#!/usr/bin/env bash
# Runs test tiers and ends with one line "N passed, N failed"; exits non-zero on any failure.
#   bash test/run.sh [unit] [cli] [buildpack] [e2e] [proxy]   (no argument: the first four)
#   unit       TypeScript, no build; a few tests run the buildpack's bash functions: seconds
#   cli        the built CLI as a child process (integration)
#   buildpack  bin/compile and the web process with real Caddy (bats)
#   e2e        a scaffolded app compiled and served end to end (bats)
#   proxy      the web process's suites alone (part of buildpack), to run them
#              on another Caddy: TEST_CADDY=/path/to/caddy
# The bats tiers run in a network namespace of their own when this user may
# make one: their loopback ports cannot meet another run's.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

tiers=("$@")
((${#tiers[@]} > 0)) || tiers=(unit cli buildpack e2e)

needs=(git)
for tier in "${tiers[@]}"; do
  case "$tier" in
    unit | cli) needs+=(python3 gojq openssl) ;;
    buildpack | e2e | proxy) needs+=(caddy gojq openssl shellcheck curl) ;;
    *)
      echo "Unknown test tier \"$tier\": use unit, cli, buildpack, e2e or proxy." >&2
      exit 2
      ;;
  esac
done
missing=()
for tool in "${needs[@]}"; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if ((${#missing[@]} > 0)); then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  echo "The tests need: ${missing[*]} (Debian: apt-get install -y ${missing[*]}; .ci/run installs them)." >&2
  exit 1
fi

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT
passed=0 failed=0
summary=()

# Adds the totals of one TAP file (node's nested TAP counts each test once in "# pass/# fail").
count_node() {
  local p f
  p=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$1" | tail -1)
  f=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$1" | tail -1)
  passed=$((passed + ${p:-0})) failed=$((failed + ${f:-1}))
  summary+=("$2: ${p:-0} passed, ${f:-?} failed")
}
count_bats() {
  local p f
  p=$(grep -cE '^ok ' "$1")
  f=$(grep -cE '^not ok ' "$1")
  # A bats run that planned tests but did not report them all failed too.
  local planned
  planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$1" | head -1)
  ((${planned:-0} == p + f)) || f=$((f + ${planned:-1} - p - f))
  passed=$((passed + p)) failed=$((failed + f))
  summary+=("$2: $p passed, $f failed")
}

run_node() {
  local tier="$1"
  shift
  local start=$SECONDS
  node --import tsx --test --test-concurrency=2 \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$results/$tier.tap" \
    "$@"
  count_node "$results/$tier.tap" "$tier ($((SECONDS - start)) s)"
}

# Root may give the run a private loopback; anyone else shares the machine's.
isolated() {
  if [[ "$(id -u)" == 0 ]] && command -v ip >/dev/null && unshare -n true 2>/dev/null; then
    unshare -n bash -c 'ip link set lo up && exec "$@"' _ "$@"
  else
    "$@"
  fi
}

run_bats() {
  local tier="$1"
  shift
  local start=$SECONDS
  isolated node_modules/bats/bin/bats --tap "$@" | tee "$results/$tier.tap"
  count_bats "$results/$tier.tap" "$tier ($((SECONDS - start)) s)"
}

shopt -s nullglob
for tier in "${tiers[@]}"; do
  echo "=== $tier"
  case "$tier" in
    unit) run_node unit test/unit/*.test.ts ;;
    cli) run_node cli test/integration/*.test.ts ;;
    buildpack) run_bats buildpack test/buildpack/*.bats ;;
    e2e) run_bats e2e test/e2e/*.bats ;;
    proxy) run_bats proxy test/buildpack/launch.bats test/buildpack/hardening.bats test/buildpack/grafana-calls.bats ;;
  esac
done

printf '%s\n' "${summary[@]}"
echo "${passed} passed, ${failed} failed"
((failed == 0))
