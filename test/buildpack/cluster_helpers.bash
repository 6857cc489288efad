# Several members of one cluster on this host: each a whole web process
# (launcher, stub tempo, real Caddy) with its own app copy, $PORT and loopback
# address, given by hand with TEMPO_CLUSTER_ADDRESS/TEMPO_CLUSTER_JOIN.
#
#   cluster_net                 picks this test's addresses (MEMBER_ADDR[1..3])
#   member_start I VERSION [NAME=VALUE...]  starts member I in the background
#                               (member_app I VERSION, then member_launch I [NAME=VALUE...])
#   use_member I                points APP, RECORD, OUT, PORT, LAUNCH_PID at member I
#   member_config I KEY         a key of the config member I's Tempo parsed
#   stop_members                SIGTERM to every member still running

# shellcheck disable=SC2034 # APP, RECORD... are read by launch_helpers.bash
# shellcheck source=SCRIPTDIR/launch_helpers.bash
source "${BASH_SOURCE[0]%/*}/launch_helpers.bash"

MEMBER_ADDR=() MEMBER_PORT=() MEMBER_PID=()

# Three addresses in a /24 of 127.0.0.0/8 of this test's own: tests running at
# the same time never share Tempo's fixed internal ports on one address.
cluster_net() {
  local net i
  net="127.$((RANDOM % 250 + 1)).$((RANDOM % 250 + 1))"
  for i in 1 2 3; do MEMBER_ADDR[i]="$net.$((i + 1))"; done
  MARKER="$BATS_TEST_TMPDIR/"
  CLUSTER_JOIN_LIST="${MEMBER_ADDR[1]}:7946,${MEMBER_ADDR[2]}:7946,${MEMBER_ADDR[3]}:7946"
}

use_member() {
  local dir="$BATS_TEST_TMPDIR/member-$1"
  APP="$dir/app" RECORD="$dir/record" OUT="$dir/out.log"
  PORT="${MEMBER_PORT[$1]}" LAUNCH_PID="${MEMBER_PID[$1]:-}"
}

# A fresh app copy for member I (an ephemeral disk), its port kept.
member_app() {
  [[ -n "${MEMBER_PORT[$1]:-}" ]] || MEMBER_PORT[$1]="$(free_port)"
  use_member "$1"
  rm -rf "$APP" "$RECORD"
  mkdir -p "${APP%/app}" "$BATS_TEST_TMPDIR/tmp"
  cp -a "$BATS_FILE_TMPDIR/app-$2" "$APP"
}

member_launch() {
  local i="$1"
  shift
  use_member "$i"
  launch "CONTAINER=web-$i" "TEMPO_CLUSTER_ADDRESS=${MEMBER_ADDR[i]}" "TEMPO_CLUSTER_JOIN=$CLUSTER_JOIN_LIST" "$@"
  MEMBER_PID[i]="$LAUNCH_PID"
}

# A new process at member I's address, on a fresh disk.
member_start() {
  local i="$1" version="$2"
  shift 2
  member_app "$i" "$version"
  member_launch "$i" "$@"
}

member_config() {
  use_member "$1"
  stub_config "$2"
}

stop_members() {
  local i
  for i in "${!MEMBER_PID[@]}"; do
    kill -0 "${MEMBER_PID[i]}" 2>/dev/null || continue
    use_member "$i"
    stop_launcher TERM
  done
}

cleanup_members() {
  local i
  for i in "${!MEMBER_PID[@]}"; do
    kill -KILL "${MEMBER_PID[i]}" 2>/dev/null || true
  done
  cleanup_launch
}
