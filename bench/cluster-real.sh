#!/usr/bin/env bash
# A cluster of whole web processes (launcher, REAL Tempo 2.x, Caddy) on
# 127.0.0.2/.3/.4, their bucket on a local S3 API (bench/s3-bucket.mjs: s3rver
# from node_modules behind a front that decodes chunk-signed uploads and lists
# common prefixes at any depth, which s3rver alone gets wrong for Tempo):
#   1. members' ready times, and which port listens on which address (ss);
#   2. a trace pushed through each member, found through every member;
#   3. strangers on 127.0.0.9: what each member port answers, and two stranger
#      Tempos joining memberlist (in the clear; over TLS with a certificate of
#      their own, no verification): are they in the ring, do they read a trace;
#      and, as a control, one holding a member's certificate and the label;
#   4. a rolling restart (SIGTERM to each launcher, its disk wiped, started
#      again) under PUSH_RATE pushes/s through random members, and lookups of
#      acknowledged traces through the members not being restarted: stop and
#      ready times, refused pushes, missed lookups, and acknowledged traces
#      missing at the end through any member (most of them by then only in
#      flushed blocks). ROTATE_SECRET=1: each member comes back with a new
#      TEMPO_CLUSTER_SECRET, as after `update --rotate-secrets` and `env-set`;
#      ROTATE_SECRET=together: all members stopped at once, then all started
#      with the new secret; ROTATE_SECRET=scalingo: as Scalingo restarts an
#      app (what `update --rotate-secrets` advises), new members with the new
#      secret start on new addresses beside the old ones, traffic moves to them
#      once all are ready, then the old ones get SIGTERM.
#
#   TEMPO_VERSION_UNDER_TEST=x.y.z TEMPO_BIN=path/to/tempo bench/cluster-real.sh
#
# (defaults: the contract's Tempo version, ~/.cache/tempo-bin/tempo-v<version>).
#
# Skips (exit 0) without a Tempo binary. MEMBERS (3), PUSH_RATE (5 per s),
# ROTATE_SECRET (unset; 1, together or scalingo), KEEP_LOGS (a directory for the members' logs),
# TEST_CADDY (/usr/bin/caddy). As root it runs in private network and mount
# namespaces (its own loopback ports, its own /tmp/tempo).
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=/dev/null
source "$REPO_ROOT/test/buildpack/mirror.bash"

VERSION="${TEMPO_VERSION_UNDER_TEST:-$DEFAULT_TEMPO_VERSION}"
TEMPO_REAL="${TEMPO_BIN:-$HOME/.cache/tempo-bin/tempo-v$VERSION}"
MEMBERS="${MEMBERS:-3}"
PUSH_RATE="${PUSH_RATE:-5}"
TOKEN=Kq9vW2xZ7pL4mN8rT6yB1cD5fG0hJ3sA
QUERY_AUTH=grafana:Zr4tY8uI2oP6aS0dF3gH7jK1lQ5wE9xV
SECRET=Mn3bV7cX1zA5sD9fG2hJ6kL0qW4eR8tYu2
STRANGER=127.0.0.9
# gRPC and memberlist at their defaults, on each member's address.
GRPC_PORT="${PORT_DEFAULTS[TEMPO_GRPC_LISTEN_PORT]}" ML_PORT="${PORT_DEFAULTS[TEMPO_MEMBERLIST_PORT]}"

[[ -x "$TEMPO_REAL" ]] || {
  note "no Tempo binary at $TEMPO_REAL: skipped"
  exit 0
}
if [[ "${BENCH_IN_NETNS:-}" != 1 && "$(id -u)" == 0 ]] && unshare -n -m true 2>/dev/null; then
  BENCH_IN_NETNS=1 exec unshare -n -m bash "${BASH_SOURCE[0]}" "$@"
fi
if [[ "${BENCH_IN_NETNS:-}" == 1 ]]; then
  ip link set lo up
  # The default paths under /tmp/tempo, of this run only.
  mkdir -p /tmp/tempo
  mount -t tmpfs tmpfs /tmp/tempo
fi

machine_line
note "Tempo $VERSION ($TEMPO_REAL), $MEMBERS members"

# One compiled app (stub fixtures), its tempo replaced by the real binary.
# shellcheck disable=SC2034 # read by build_release_fixtures
FIXTURE_TEMPO_VERSIONS=("$VERSION")
compile_fixture_app "$REPO_ROOT" "TEMPO_VERSION=$VERSION"
rm -f "$app/.tempo/bin/tempo"
ln -s "$TEMPO_REAL" "$app/.tempo/bin/tempo"
web="$(sed -n 's/^  web: //p' < <("$REPO_ROOT/buildpack/bin/release" "$app"))"

# The members' bucket: Tempo verifies a member config on the local backend as
# an error (its disk is no member's but its own).
S3_PORT=$((20000 + RANDOM % 1000))
mkdir -p "$BENCH_TMP/s3"
(cd "$REPO_ROOT" && exec node bench/s3-bucket.mjs "$S3_PORT" "$BENCH_TMP/s3" traces) &
BENCH_PIDS+=($!)
for ((n = 0; n < 100; n++)); do curl -s -o /dev/null "http://127.0.0.1:$S3_PORT/" && break; sleep 0.1; done

join=""
for ((i = 1; i <= MEMBERS; i++)); do join+="${join:+,}127.0.0.$((i + 1)):$ML_PORT"; done
declare -a PORTS HTTP OTLP OTLPG LAUNCHER JOIN
base=$((21000 + RANDOM % 5000))
# Twice as many: ROTATE_SECRET=scalingo starts a new member beside each.
for ((i = 1; i <= 2 * MEMBERS; i++)); do
  PORTS[i]=$((base + i * 10)) HTTP[i]=$((base + i * 10 + 1)) OTLP[i]=$((base + i * 10 + 2)) OTLPG[i]=$((base + i * 10 + 3))
done

# start_member I: a fresh disk (app copy, WAL), then the web process.
start_member() {
  local i="$1" dir="$BENCH_TMP/member-$1"
  rm -rf "$dir"
  mkdir -p "$dir/tmp"
  cp -a "$app" "$dir/app"
  (
    cd "$dir/app"
    export HOME="$dir/app" PORT="${PORTS[i]}" TMPDIR="$dir/tmp" CONTAINER="web-$(((i - 1) % MEMBERS + 1))" \
      TEMPO_HTTP_LISTEN_PORT="${HTTP[i]}" TEMPO_OTLP_HTTP_PORT="${OTLP[i]}" TEMPO_OTLP_GRPC_PORT="${OTLPG[i]}" \
      TEMPO_CLUSTER_ADDRESS="127.0.0.$((i + 1))" TEMPO_CLUSTER_JOIN="${JOIN[i]:-$join}" TEMPO_CLUSTER_SIZE="$MEMBERS" \
      TEMPO_CLUSTER_SECRET="$SECRET" TEMPO_STORAGE_WAL_PATH="$dir/wal" TEMPO_STORAGE_TRACE_BY_ID_BACKEND=s3 \
      TEMPO_STORAGE_S3_BUCKET=traces TEMPO_STORAGE_S3_ENDPOINT="127.0.0.1:$S3_PORT" TEMPO_STORAGE_S3_INSECURE=true \
      TEMPO_STORAGE_S3_FORCEPATHSTYLE=true TEMPO_STORAGE_S3_ACCESS_KEY_ID=S3RVER TEMPO_STORAGE_S3_SECRET_ACCESS_KEY=S3RVER \
      TEMPO_INGEST_TOKEN="$TOKEN" TEMPO_QUERY_USER="${QUERY_AUTH%%:*}" TEMPO_QUERY_PASSWORD="${QUERY_AUTH#*:}"
    for f in .profile.d/*.sh; do
      # shellcheck source=/dev/null
      source "$f"
    done
    exec "$web"
  ) >>"$BENCH_TMP/member-$i.log" 2>&1 &
  LAUNCHER[i]=$!
  BENCH_PIDS+=("${LAUNCHER[i]}")
}

wait_member() {
  local i="$1" n
  for ((n = 0; n < 600; n++)); do
    curl -fsS -o /dev/null "http://127.0.0.1:${PORTS[i]}/ready" 2>/dev/null && return 0
    kill -0 "${LAUNCHER[i]}" 2>/dev/null || break
    sleep 0.1
  done
  tail -n 40 "$BENCH_TMP/member-$i.log" >&2
  die "member $i did not start"
}

trace_id() { od -An -tx1 -N16 /dev/urandom | tr -d ' \n'; }

# push I ID [ANSWER_FILE]: one span through member I's proxy; prints the status.
push() {
  local now
  now="$(date +%s%N)"
  curl -s -o "${3:-/dev/null}" -w '%{http_code}' --max-time 5 -X POST -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' "http://127.0.0.1:${PORTS[$1]}/v1/traces" --data-binary \
    "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"bench\"}}]},\"scopeSpans\":[{\"spans\":[{\"traceId\":\"$2\",\"spanId\":\"0102030405060708\",\"name\":\"probe\",\"kind\":1,\"startTimeUnixNano\":\"$now\",\"endTimeUnixNano\":\"$((now + 1000000))\"}]}]}]}" ||
    true
}

# found I ID [HOST:PORT]: the trace has spans, through member I's proxy (or a bare Tempo).
found() {
  local url="http://127.0.0.1:${PORTS[$1]}" auth=(-u "$QUERY_AUTH")
  [[ -z "${3:-}" ]] || { url="http://$3" auth=(); }
  local body
  body="$(curl -s --max-time 5 "${auth[@]}" -H 'Accept: application/json' -w '\n%{http_code} in %{time_total} s' "$url/api/traces/$2" 2>/dev/null)" || true
  grep -q '"spanId"' <<<"$body" && return 0
  MISS_ANSWER="$(tail -c 300 <<<"$body" | tr '\n' ' ')"
  # The first miss of a run, as it was answered.
  [[ -n "${MISS_SHOWN:-}" ]] || { MISS_SHOWN=1 && note "first miss ($url): $MISS_ANSWER"; }
  return 1
}

# ---------------------------------------------------------------- 1. start
for ((i = 1; i <= MEMBERS; i++)); do start_member "$i"; done
for ((i = 1; i <= MEMBERS; i++)); do wait_member "$i"; done
for ((i = 1; i <= MEMBERS; i++)); do
  printf 'member %d: %s\n' "$i" "$(grep -o 'Tempo ready in [0-9.]* s' "$BENCH_TMP/member-$i.log" | tail -n1)"
done
echo "--- listening sockets (ss -ltnp / -lunp)"
ss -Hltnp | awk '{print $4, $6}' | sed -E 's/users:\(\("([^"]+)".*/\1/' | sort -u
ss -Hlunp | awk '{print "udp", $4, $6}' | sed -E 's/users:\(\("([^"]+)".*/\1/' | sort -u

# ---------------------------------------------------------------- 2. traces
sleep 3
declare -a IDS
ok=0 total=0
for ((i = 1; i <= MEMBERS; i++)); do
  IDS[i]="$(trace_id)"
  [[ "$(push "$i" "${IDS[i]}")" == 200 ]] || note "push through member $i failed"
done
sleep 2
for ((i = 1; i <= MEMBERS; i++)); do
  for ((j = 1; j <= MEMBERS; j++)); do
    total=$((total + 1))
    if found "$j" "${IDS[i]}"; then ok=$((ok + 1)); fi
  done
done
echo "traces pushed through one member found through each: $ok/$total"

# ---------------------------------------------------------------- 3. strangers
echo "--- a stranger on $STRANGER, at member 1 (127.0.0.2)"
# This member's HTTP and OTLP ports, and their defaults.
doors=("${HTTP[1]}" "${OTLP[1]}" "${OTLPG[1]}")
for name in TEMPO_HTTP_LISTEN_PORT TEMPO_OTLP_HTTP_PORT TEMPO_OTLP_GRPC_PORT; do doors+=("${PORT_DEFAULTS[$name]}"); done
for port in "${doors[@]}"; do
  printf 'tcp %s: %s\n' "$port" "$(curl -s -o /dev/null -w '%{http_code}' --interface "$STRANGER" --max-time 2 "http://127.0.0.2:$port/ready" || true)"
done
printf 'gRPC %s, TLS without a certificate: %s\n' "$GRPC_PORT" \
  "$(printf 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n' | timeout 5 openssl s_client -connect "127.0.0.2:$GRPC_PORT" -servername members.tempo-cluster.internal -quiet 2>&1 | grep -oE 'alert[^:]*|certificate required|handshake failure' | head -n1 || true)"
printf 'gRPC %s, in the clear: %s\n' "$GRPC_PORT" \
  "$(printf 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n' | timeout 3 curl -s --max-time 2 --http2-prior-knowledge -o /dev/null -w '%{http_code}' "http://127.0.0.2:$GRPC_PORT/" || true)"
printf 'memberlist %s, TLS without a certificate: %s\n' "$ML_PORT" \
  "$(timeout 5 openssl s_client -connect "127.0.0.2:$ML_PORT" -servername x </dev/null 2>&1 | grep -E '^Verification|^New,|Cipher is' | head -n2 | tr '\n' ' ')"

stranger_tempo() {
  local name="$1" tls="$2" dir="$BENCH_TMP/$1"
  mkdir -p "$dir"
  if [[ "$tls" == tls ]]; then
    openssl req -x509 -newkey ed25519 -nodes -subj /CN=stranger -days 1 -keyout "$dir/key" -out "$dir/crt" 2>/dev/null
  fi
  local member_tls label
  member_tls="$(ls -d "$BENCH_TMP"/member-1/tmp/tempo-launch.*/cluster-tls)"
  # The member config is gone once Tempo has read it: its effective config tells the label.
  label="$(curl -fsS "http://127.0.0.1:${HTTP[1]}/status/config" | sed -n 's/^ *cluster_label: //p')"
  {
    # A member-like Tempo of its own (target all would announce 127.0.0.1).
    echo "target: scalable-single-binary"
    local server="http_listen_address: $STRANGER, http_listen_port: 3299, grpc_listen_address: $STRANGER, grpc_listen_port: 9099"
    [[ "$tls" != tls ]] || server+=", grpc_tls_config: {cert_file: $dir/crt, key_file: $dir/key}"
    [[ "$tls" != holder ]] || server+=", grpc_tls_config: {cert_file: $member_tls/member.crt, key_file: $member_tls/member.key, client_auth_type: RequireAndVerifyClientCert, client_ca_file: $member_tls/ca.crt}"
    echo "server: {$server}"
    echo "distributor: {ring: {instance_addr: $STRANGER}, receivers: {otlp: {protocols: {http: {endpoint: '$STRANGER:4399'}}}}}"
    echo "ingester: {lifecycler: {id: $name, address: $STRANGER, min_ready_duration: 0s, join_after: 0s, final_sleep: 0s}}"
    echo "compactor: {ring: {instance_addr: $STRANGER, wait_stability_min_duration: 0s}}"
    echo "metrics_generator: {ring: {instance_addr: $STRANGER}}"
    echo "storage: {trace: {backend: local, local: {path: $dir/blocks}, wal: {path: $dir/wal}}}"
    echo "memberlist:"
    echo "  bind_addr: [$STRANGER]"
    echo "  join_members: ['127.0.0.2:$ML_PORT']"
    if [[ "$tls" == tls ]]; then
      echo "  tls_enabled: true"
      echo "  tls_cert_path: $dir/crt"
      echo "  tls_key_path: $dir/key"
      echo "  tls_insecure_skip_verify: true"
      echo "ingester_client: {grpc_client_config: {tls_enabled: true, tls_cert_path: $dir/crt, tls_key_path: $dir/key, tls_insecure_skip_verify: true}}"
      echo "querier: {frontend_worker: {frontend_address: '$STRANGER:9099', grpc_client_config: {tls_enabled: true, tls_insecure_skip_verify: true}}}"
    elif [[ "$tls" == holder ]]; then
      local client="tls_enabled: true, tls_cert_path: $member_tls/member.crt, tls_key_path: $member_tls/member.key, tls_ca_path: $member_tls/ca.crt, tls_server_name: members.tempo-cluster.internal"
      echo "  tls_enabled: true"
      echo "  tls_cert_path: $member_tls/member.crt"
      echo "  tls_key_path: $member_tls/member.key"
      echo "  tls_ca_path: $member_tls/ca.crt"
      echo "  tls_server_name: members.tempo-cluster.internal"
      echo "  cluster_label: $label"
      echo "ingester_client: {grpc_client_config: {$client}}"
      echo "metrics_generator_client: {grpc_client_config: {$client}}"
      echo "querier: {frontend_worker: {frontend_address: '$STRANGER:9099', grpc_client_config: {$client}}}"
    else
      echo "querier: {frontend_worker: {frontend_address: '$STRANGER:9099'}}"
    fi
  } >"$dir/tempo.yaml"
  "$TEMPO_REAL" -config.file="$dir/tempo.yaml" >"$dir/log" 2>&1 &
  STRANGER_PID=$!
  BENCH_PIDS+=("$STRANGER_PID")
}

ring_ids() { curl -s --max-time 2 -H 'Accept: application/json' "http://$1/ingester/ring" | grep -oE '"id":"[^"]*"' | tr '\n' ' '; }

# try_stranger KIND: starts it, says whether it got into the ring and what it reads.
try_stranger() {
  local kind="$1" n id fresh=()
  # Fresh traces, held by the members' ingesters (read over their gRPC).
  for ((i = 1; i <= MEMBERS; i++)); do
    fresh[i]="$(trace_id)"
    push "$i" "${fresh[i]}" >/dev/null
  done
  stranger_tempo "stranger-$kind" "$kind"
  sleep 12
  printf 'stranger (%s): members ring: %s| its own ring: %s\n' "$kind" "$(ring_ids "127.0.0.1:${HTTP[1]}")" "$(ring_ids "$STRANGER:3299")"
  n=0
  for ((i = 1; i <= MEMBERS; i++)); do if found 1 "${fresh[i]}" "$STRANGER:3299"; then n=$((n + 1)); fi; done
  echo "stranger ($kind) reads $n/$MEMBERS of the members' traces"
  # Its own trace, read through its own API: its query path works.
  id="$(trace_id)"
  curl -s -o /dev/null --max-time 5 -X POST -H 'Content-Type: application/json' "http://$STRANGER:4399/v1/traces" --data-binary \
    "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"$id\",\"spanId\":\"0102030405060708\",\"name\":\"s\",\"startTimeUnixNano\":\"$(date +%s%N)\",\"endTimeUnixNano\":\"$(date +%s%N)\"}]}]}]}" || true
  sleep 1
  if found 1 "$id" "$STRANGER:3299"; then echo "stranger ($kind) reads its own trace"; else echo "stranger ($kind) does not read even its own trace"; fi
  kill -KILL "$STRANGER_PID" 2>/dev/null || true
  wait "$STRANGER_PID" 2>/dev/null || true
}
try_stranger clear
try_stranger tls

# ---------------------------------------------------------------- 4. rolling restart
# Each member in turn: SIGTERM to its launcher, its disk wiped, started again;
# with ROTATE_SECRET=1 it comes back with a new TEMPO_CLUSTER_SECRET, as after
# `update --rotate-secrets`, `env-set` and a restart; ROTATE_SECRET=together:
# all members stopped at once, then all started with the new secret.
if [[ "${ROTATE_SECRET:-}" == scalingo ]]; then
  echo "--- as Scalingo restarts an app: new members with a NEW cluster secret beside the old, then the old stopped"
elif [[ "${ROTATE_SECRET:-}" == together ]]; then
  echo "--- all members restarted together with a NEW cluster secret"
elif [[ "${ROTATE_SECRET:-}" == 1 ]]; then
  echo "--- rolling restart, each member back with a NEW cluster secret"
else
  echo "--- rolling restart, same cluster secret"
fi
acked="$BENCH_TMP/acked" errors="$BENCH_TMP/errors" queries="$BENCH_TMP/queries"
: >"$acked"
: >"$errors"
: >"$queries"
: >"$BENCH_TMP/stopping"
# The members that take traffic are LIVE+1..LIVE+MEMBERS (LIVE: this file's number).
echo 0 >"$BENCH_TMP/live"
roll0="$(now_ms)"
# Acknowledged pushes are written "ID MEMBER MS"; each refusal "STATUS
# STOPPING/TARGET ANSWER": the member being stopped (if any), the one pushed to.
(
  while :; do
    i=$(($(<"$BENCH_TMP/live") + RANDOM % MEMBERS + 1)) id="$(trace_id)"
    rm -f "$BENCH_TMP/answer"
    status="$(push "$i" "$id" "$BENCH_TMP/answer")"
    if [[ "$status" == 200 ]]; then
      echo "$id $i $(now_ms)" >>"$acked"
    else
      echo "$status $(cat "$BENCH_TMP/stopping")/$i $(head -c 160 "$BENCH_TMP/answer" 2>/dev/null | tr '\n' ' ')" >>"$errors"
    fi
    sleep "$(awk -v r="$PUSH_RATE" 'BEGIN { print 1 / r }')"
  done
) &
pusher=$!
BENCH_PIDS+=("$pusher")
# Twice a second, an acknowledged trace at least 2 s old, looked up through a
# member that is not being restarted: "ok|miss STOPPING/MEMBER", and for a miss
# "ID PUSHED_THROUGH PUSHED_MS MISSED_MS AGAIN ANSWER" (AGAIN: the same lookup
# 1 s later, found or missed).
(
  while :; do
    stopping="$(cat "$BENCH_TMP/stopping")" j=$(($(<"$BENCH_TMP/live") + RANDOM % MEMBERS + 1))
    line="$(awk -v c="$(($(now_ms) - 2000))" '$3 <= c' "$acked" | shuf -n1)"
    if [[ -n "$line" && "$j" != "$stopping" && "$stopping" != all ]]; then
      if found "$j" "${line%% *}"; then
        echo "ok $stopping/$j"
      else
        missed="$(now_ms)" answer="$MISS_ANSWER" again=missed
        # A member stopped while the lookup ran counts as the one restarting.
        [[ -n "$stopping" ]] || stopping="$(cat "$BENCH_TMP/stopping")"
        sleep 1
        if found "$j" "${line%% *}"; then again=found; fi
        echo "miss $stopping/$j $line $missed $again $answer"
      fi >>"$queries"
    fi
    sleep 0.5
  done
) &
querier=$!
BENCH_PIDS+=("$querier")
sleep 3
[[ -z "${ROTATE_SECRET:-}" ]] || SECRET=Qw8eR2tY6uI0oP4aS7dF1gH5jK9lZ3xCv
if [[ "${ROTATE_SECRET:-}" == together ]]; then
  t0="$(now_ms)"
  printf all >"$BENCH_TMP/stopping"
  for ((i = 1; i <= MEMBERS; i++)); do kill -TERM "${LAUNCHER[i]}"; done
  for ((i = 1; i <= MEMBERS; i++)); do wait "${LAUNCHER[i]}" 2>/dev/null || true; done
  t1="$(now_ms)"
  for ((i = 1; i <= MEMBERS; i++)); do start_member "$i"; done
  for ((i = 1; i <= MEMBERS; i++)); do wait_member "$i"; done
  t2="$(now_ms)"
  : >"$BENCH_TMP/stopping"
  echo "all members: SIGTERM at +$((t0 - roll0)) ms; all exited $((t1 - t0)) ms after, all ready again $((t2 - t1)) ms after their start (at +$((t2 - roll0)) ms)"
  sleep 3
fi
if [[ "${ROTATE_SECRET:-}" == scalingo ]]; then
  # The new members join one another; the old addresses are in their list
  # too (a private name can still resolve to an old container): the label
  # and the CA keep the two rings apart.
  newjoin=""
  for ((i = MEMBERS + 1; i <= 2 * MEMBERS; i++)); do newjoin+="${newjoin:+,}127.0.0.$((i + 1)):$ML_PORT"; done
  t0="$(now_ms)"
  for ((i = MEMBERS + 1; i <= 2 * MEMBERS; i++)); do
    JOIN[i]="$newjoin,$join"
    start_member "$i"
  done
  for ((i = MEMBERS + 1; i <= 2 * MEMBERS; i++)); do wait_member "$i"; done
  t1="$(now_ms)"
  echo "$MEMBERS" >"$BENCH_TMP/live"
  # Lookups go on through the new members while the old ones stop.
  printf old >"$BENCH_TMP/stopping"
  for ((i = 1; i <= MEMBERS; i++)); do kill -TERM "${LAUNCHER[i]}"; done
  for ((i = 1; i <= MEMBERS; i++)); do wait "${LAUNCHER[i]}" 2>/dev/null || true; done
  t2="$(now_ms)"
  : >"$BENCH_TMP/stopping"
  echo "new members: started at +$((t0 - roll0)) ms, all ready $((t1 - t0)) ms later, traffic moved to them then; old members: SIGTERM then, all exited $((t2 - t1)) ms after"
  sleep 3
fi
for ((i = 1; i <= MEMBERS; i++)); do
  [[ -z "${ROTATE_SECRET:-}" || "$ROTATE_SECRET" == 1 ]] || break
  t0="$(now_ms)"
  printf '%s' "$i" >"$BENCH_TMP/stopping"
  kill -TERM "${LAUNCHER[i]}"
  wait "${LAUNCHER[i]}" 2>/dev/null || true
  t1="$(now_ms)"
  start_member "$i"
  wait_member "$i"
  t2="$(now_ms)"
  : >"$BENCH_TMP/stopping"
  echo "member $i: SIGTERM at +$((t0 - roll0)) ms; exit $((t1 - t0)) ms after SIGTERM, ready again $((t2 - t1)) ms after its start (at +$((t2 - roll0)) ms)"
  sleep 3
done
kill "$pusher" "$querier"
wait "$pusher" "$querier" 2>/dev/null || true
sleep 8 # a block-list poll (5 s) after the last flush
# missing IDS_FILE: "ID MEMBER MS where" for each trace not found through some member.
missing() {
  local id via at where j
  while read -r id via at _; do
    where=""
    for ((j = live + 1; j <= live + MEMBERS; j++)); do found "$j" "$id" || where+=" $j"; done
    [[ -z "$where" ]] || echo "$id $via $at missing through member(s)$where"
  done <"$1"
}
live="$(<"$BENCH_TMP/live")"
missing "$acked" >"$BENCH_TMP/lost"
lost="$(wc -l <"$BENCH_TMP/lost")"
echo "rolling restart: $(wc -l <"$acked") pushes acknowledged, $(wc -l <"$errors") refused ($(cut -d' ' -f1,2 "$errors" | sort | uniq -c | tr '\n' ' ')), $lost acknowledged traces missing through some member"
cut -d' ' -f1,3- "$errors" | sort | uniq -c | sed 's/^/  refused: /'
echo "lookups during the roll (acknowledged traces >= 2 s old, through members not being restarted): $(grep -c '^ok' "$queries" || true) found, $(grep -c '^miss' "$queries" || true) missed ($(grep '^miss' "$queries" | cut -d' ' -f1,2 | sort | uniq -c | tr '\n' ' '))"
{ grep '^miss' "$queries" || true; } | while read -r _ where id via at missed again answer; do
  restarting="${where%/*}"
  echo "  missed at +$((missed - roll0)) ms through member ${where#*/} (restarting: ${restarting:-none}): $id, pushed through member $via at +$((at - roll0)) ms; answer: $answer; 1 s later: $again"
done
if ((lost > 0)); then
  while read -r id via at rest; do echo "  missing: $id, pushed through member $via at +$((at - roll0)) ms, $rest"; done <"$BENCH_TMP/lost"
  sleep 20
  echo "missing again 20 s later: $(missing "$BENCH_TMP/lost" | wc -l) of $lost"
fi
# The control, last (it leaves a ring entry behind): a Tempo holding a member's
# certificate and the cluster's label joins the ring and reads the traces.
# It borrows member 1's certificate, gone after ROTATE_SECRET=scalingo.
if [[ "${ROTATE_SECRET:-}" == scalingo ]]; then
  echo "stranger (holder): not tried (member 1 is stopped)"
else
  try_stranger holder
fi
for ((i = live + 1; i <= live + MEMBERS; i++)); do stop_app "${LAUNCHER[i]}"; done
[[ -z "${KEEP_LOGS:-}" ]] || { mkdir -p "$KEEP_LOGS" && cp "$BENCH_TMP"/member-*.log "$KEEP_LOGS/"; }
