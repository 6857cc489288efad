#!/usr/bin/env bash
# Startup (--help) and non-interactive scaffold time of the CLI, beside
# `node -e 0` (the floor any Node CLI pays) and create-vite (what users
# compare a create-* tool with), all measured in one run: shared machines are
# noisy, so read the ratios rather than the milliseconds.
#
#   bench/cli.sh            RUNS=15 ROUNDS=5 WARMUP=1 CREATE_VITE_VERSION=latest BENCH_TIMER=hyperfine|node
#
# The runs are split in ROUNDS, each timing every command in turn: load from
# elsewhere drifts over seconds, and a command timed only while it lasts
# would carry all of it.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RUNS="${RUNS:-15}"
ROUNDS="${ROUNDS:-5}"
WARMUP="${WARMUP:-1}"
(( RUNS >= 10 )) || die "RUNS must be at least 10 for a p90"
(( RUNS % ROUNDS == 0 )) || die "RUNS must be a multiple of ROUNDS"

ensure_built
note "installing create-vite@${CREATE_VITE_VERSION:-latest} into a scratch prefix"
npm_prefix_install "$BENCH_TMP/vite" "create-vite@${CREATE_VITE_VERSION:-latest}"
vite="$BENCH_TMP/vite/node_modules/create-vite/index.js"
vite_version="$(node -p 'require(process.argv[1]).version' "$BENCH_TMP/vite/node_modules/create-vite/package.json")"
cli="$REPO_ROOT/bin/run.js"

# Both scaffolders write into the current directory (create-vite resolves
# even an absolute DIR against it), and the target is removed before each run.
work="$BENCH_TMP/work"
mkdir -p "$work"
cd "$work"
export NO_COLOR=1 CI=1

q() { printf '%q' "$1"; }
names=(node-e-0 cli-help cli-scaffold vite-help vite-scaffold)
cmds=(
  "node -e 0"
  "node $(q "$cli") --help"
  "node $(q "$cli") tempo-bench --yes --storage local --no-git"
  "node $(q "$vite") --help"
  "node $(q "$vite") vite-app --template vanilla-ts --no-interactive --no-immediate"
)
prepare="rm -rf $(q "$work/tempo-bench") $(q "$work/vite-app")"

# Each command must work once before it is timed: a fast failure is no figure.
eval "$prepare"
for i in "${!cmds[@]}"; do
  eval "${cmds[i]}" >/dev/null 2>"$BENCH_TMP/err" || {
    cat "$BENCH_TMP/err" >&2
    die "${names[i]} failed: ${cmds[i]}"
  }
done
[[ -f "$work/tempo-bench/tempo.yaml" && -f "$work/vite-app/package.json" ]] ||
  die "a scaffold did not write its files"

# BENCH_TIMER=node forces the fallback timer (machines without hyperfine).
if [[ "${BENCH_TIMER:-}" != node ]] && ensure_command hyperfine; then
  timer="hyperfine $(hyperfine --version | cut -d' ' -f2)"
else
  timer="node timer"
fi
jsons=()
for ((round = 1; round <= ROUNDS; round++)); do
  json="$BENCH_TMP/times-$round.json"
  jsons+=("$json")
  if [[ "$timer" == hyperfine* ]]; then
    args=()
    for i in "${!cmds[@]}"; do args+=(--command-name "${names[i]}" "${cmds[i]}"); done
    # -N: no intermediate shell, so nothing but the command is timed.
    # Its outlier warnings say what the ratios already absorb: shown on failure only.
    hyperfine -N --style none --runs "$((RUNS / ROUNDS))" --warmup "$WARMUP" --prepare "$prepare" \
      --export-json "$json" "${args[@]}" >/dev/null 2>"$BENCH_TMP/hyperfine.err" ||
      { cat "$BENCH_TMP/hyperfine.err" >&2; die "hyperfine failed"; }
  else
    specs=()
    for i in "${!cmds[@]}"; do specs+=("${names[i]}=${cmds[i]}"); done
    node "$BENCH_DIR/stats.mjs" time "$json" "$((RUNS / ROUNDS))" "$WARMUP" "$prepare" "${specs[@]}"
  fi
done

echo "# CLI startup and scaffold — $(machine_line)"
echo "# $timer, $RUNS runs in $ROUNDS rounds (each after $WARMUP warm-up), create-vite $vite_version, create-tempo-scalingo $(node -p 'require(process.argv[1]).version' "$REPO_ROOT/package.json")"
node "$BENCH_DIR/stats.mjs" summary "${jsons[@]}" | awk -F'\t' '
  { name[NR] = $1; med[$1] = $2; p90[$1] = $3 }
  END {
    # Each row against the floor and against its create-vite counterpart.
    peer["cli-help"] = "vite-help"; peer["cli-scaffold"] = "vite-scaffold"
    printf "| %-14s | %10s | %10s | %12s | %14s |\n", "command", "median ms", "p90 ms", "x node -e 0", "x create-vite"
    printf "|%s|%s|%s|%s|%s|\n", "----------------", "-----------:", "-----------:", "-------------:", "---------------:"
    for (i = 1; i <= NR; i++) {
      n = name[i]
      vs = (n in peer) ? sprintf("%.2f", med[n] / med[peer[n]]) : ""
      printf "| %-14s | %10.1f | %10.1f | %12.2f | %14s |\n", n, med[n], p90[n], med[n] / med["node-e-0"], vs
    }
    # The targets the project holds itself to.
    h = med["cli-help"] / med["node-e-0"]; s = med["cli-scaffold"] / med["vite-scaffold"]
    printf "\n--help %.2fx node -e 0 (target ≤ 1.30: %s); scaffold %.2fx create-vite (target ≤ 1.50: %s)\n",
      h, (h <= 1.3 ? "ok" : "OVER"), s, (s <= 1.5 ? "ok" : "OVER")
  }'
