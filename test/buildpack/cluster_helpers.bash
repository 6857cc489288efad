# Several members of one cluster on this host: each a whole web process
# (launcher, stub tempo, real Caddy) with its own app copy, $PORT, internal
# ports on 127.0.0.1 and private address (for gRPC and memberlist), given by
# hand with TEMPO_CLUSTER_ADDRESS/TEMPO_CLUSTER_JOIN; TEMPO_CLUSTER_SIZE=3 and
# the cluster's secret unless a test says otherwise.
#
#   cluster_net                 picks this test's addresses (MEMBER_ADDR[1..3])
#   member_start I VERSION [NAME=VALUE...]  starts member I in the background
#                               (member_app I VERSION, then member_launch I [NAME=VALUE...])
#   use_member I                points APP, RECORD, OUT, PORT, LAUNCH_PID at member I
#   member_config I KEY         a key of the config member I's Tempo parsed
#   stop_members                SIGTERM to every member still running
#   door HOST PORT [OPTION...]  what a client gets from a TCP port (see below)

# shellcheck disable=SC2034 # APP, RECORD... are read by launch_helpers.bash
# shellcheck source=SCRIPTDIR/launch_helpers.bash
source "${BASH_SOURCE[0]%/*}/launch_helpers.bash"

MEMBER_ADDR=() MEMBER_PORT=() MEMBER_PID=() MEMBER_INTERNAL=()
CLUSTER_SECRET=Qm7d1e5a9c3b8f2e4d6a0c1b3e5f7a9d2cX

# Three addresses in a /24 of 127.0.0.0/8 of this test's own: tests running at
# the same time never share Tempo's fixed internal ports on one address.
cluster_net() {
  local net i
  net="127.$((RANDOM % 250 + 1)).$((RANDOM % 250 + 1))"
  for i in 1 2 3; do MEMBER_ADDR[i]="$net.$((i + 1))"; done
  STRANGER_ADDR="$net.9"
  MARKER="$BATS_TEST_TMPDIR/"
  CLUSTER_JOIN_LIST="${MEMBER_ADDR[1]}:7946,${MEMBER_ADDR[2]}:7946,${MEMBER_ADDR[3]}:7946"
}

use_member() {
  local dir="$BATS_TEST_TMPDIR/member-$1"
  APP="$dir/app" RECORD="$dir/record" OUT="$dir/out.log"
  PORT="${MEMBER_PORT[$1]}" LAUNCH_PID="${MEMBER_PID[$1]:-}"
  read -r TEMPO_HTTP_LISTEN_PORT TEMPO_OTLP_HTTP_PORT TEMPO_OTLP_GRPC_PORT <<<"${MEMBER_INTERNAL[$1]:-}"
}

# A fresh app copy for member I (an ephemeral disk), its ports kept: $PORT
# and the ones on 127.0.0.1, which every member of this host shares.
member_app() {
  if [[ -z "${MEMBER_PORT[$1]:-}" ]]; then
    pick_ports
    MEMBER_PORT[$1]="$PORT"
    MEMBER_INTERNAL[$1]="$TEMPO_HTTP_LISTEN_PORT $TEMPO_OTLP_HTTP_PORT $TEMPO_OTLP_GRPC_PORT"
  fi
  use_member "$1"
  rm -rf "$APP" "$RECORD"
  mkdir -p "${APP%/app}" "$BATS_TEST_TMPDIR/tmp"
  cp -a "$BATS_FILE_TMPDIR/app-$2" "$APP"
}

member_launch() {
  local i="$1"
  shift
  use_member "$i"
  # gRPC and memberlist at their default ports, on the member's address.
  launch "CONTAINER=web-$i" "TEMPO_CLUSTER_ADDRESS=${MEMBER_ADDR[i]}" "TEMPO_CLUSTER_JOIN=$CLUSTER_JOIN_LIST" \
    TEMPO_CLUSTER_SIZE=3 "TEMPO_CLUSTER_SECRET=$CLUSTER_SECRET" TEMPO_MEMBERLIST_PORT= TEMPO_GRPC_LISTEN_PORT= "$@"
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

# The TLS material member I's Tempo reads (its private run dir).
member_tls() {
  use_member "$1"
  dirname "$(stub_config server.grpc_tls_config.cert_file)"
}

# door HOST PORT [--from ADDR] [--tls] [--cert DIR] [--send HEX]
# Connects (from ADDR), over TLS if asked (with DIR's member.crt/member.key as
# client certificate and its ca.crt to check the server as a member does),
# sends HEX, and prints what came back within a second as hex, or "refused"
# (nothing listens), or "nothing" (closed or silent).
door() {
  node -e '
    const [host, port, ...rest] = process.argv.slice(1)
    const opt = {}
    for (let i = 0; i < rest.length; i += 1) {
      if (rest[i] === "--tls") opt.tls = true
      else opt[rest[i].slice(2)] = rest[++i]
    }
    const fs = require("fs")
    const print = (text) => { process.stdout.write(text); process.exit(0) }
    const base = {host, port: Number(port), localAddress: opt.from}
    const socket = opt.tls
      ? require("tls").connect({
          ...base,
          servername: "members.tempo-cluster.internal",
          rejectUnauthorized: Boolean(opt.cert),
          ...(opt.cert
            ? {cert: fs.readFileSync(opt.cert + "/member.crt"), key: fs.readFileSync(opt.cert + "/member.key"), ca: fs.readFileSync(opt.cert + "/ca.crt")}
            : {}),
        })
      : require("net").connect(base)
    let got = Buffer.alloc(0)
    socket.on(opt.tls ? "secureConnect" : "connect", () => { if (opt.send) socket.write(Buffer.from(opt.send, "hex")) })
    socket.on("data", (chunk) => { got = Buffer.concat([got, chunk]) })
    socket.on("error", (err) => { if (err.code === "ECONNREFUSED") print("refused") })
    socket.on("close", () => print(got.length ? got.toString("hex") : "nothing"))
    setTimeout(() => print(got.length ? got.toString("hex") : "nothing"), 1000)
  ' "$@"
}

# The header that opens a memberlist stream of a cluster labelled LABEL, as hex.
label_header() {
  printf '%02x%02x%s' 244 "${#1}" "$(printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n')"
}

# An HTTP/2 client preface, what a gRPC client sends first (hex).
GRPC_PREFACE=505249202a20485454502f322e300d0a0d0a534d0d0a0d0a
# The empty SETTINGS frame a gRPC server answers with (hex).
GRPC_SETTINGS=000000040000000000
