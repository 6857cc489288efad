#!/usr/bin/env bats
# Several web containers as one Tempo 2.x cluster, and the refusal to run a
# second, independent Tempo where they cannot form one. Every member is a whole
# web process (launcher, stub tempo, real Caddy) on its own loopback address.

# Single-quoted scripts run in a child bash; STATUS is set by query() in launch_helpers.
# shellcheck disable=SC2016,SC2153
load cluster_helpers
load config_cases

setup_file() {
  # Read by build_apps.
  # shellcheck disable=SC2034
  LAUNCH_VERSIONS=("${TEMPO_KNOWN_VERSIONS[@]}")
  build_apps
}

setup() {
  cluster_net
}

teardown() {
  cleanup_members
}

# What the launcher renders for a member, without starting anything: a
# cluster of 2 with the secret, unless the arguments say otherwise.
render_member() {
  local config="$1"
  shift
  env -i PATH="$PATH" TEMPO_CLUSTER_SIZE=2 "TEMPO_CLUSTER_SECRET=$CLUSTER_SECRET" "$@" bash -c '
    set -euo pipefail
    BP_DIR="$1"
    for lib in contract log settings listen config cluster; do source "$BP_DIR/lib/$lib.sh"; done
    use_gojq "$(command -v gojq)"
    cluster_setup 2
    TEMPO_CONFIG_FILE="$2"
    cluster_render_config "$3" "$4" >/dev/null
    cat "$TEMPO_CONFIG_FILE"
  ' render "$REPO_ROOT/buildpack" "$config" "$BATS_TEST_TMPDIR" "$BATS_FILE_TMPDIR/app-2.10.8/.tempo/bin/tempo"
}

# A key of a YAML document on stdin (dotted path; JSON for lists and maps).
yaml_key() {
  node -e '
    const YAML = require(process.argv[1])
    const doc = YAML.parse(require("fs").readFileSync(0, "utf8"))
    const v = process.argv[2].split(".").reduce((o, k) => o?.[k], doc)
    process.stdout.write(typeof v === "object" ? JSON.stringify(v) : String(v))
  ' "$REPO_ROOT/node_modules/yaml" "$1"
}

# Every address the member's Tempo listens on or announces for the other
# members, one per line.
member_addresses() {
  node -e '
    const c = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))
    const at = (p) => p.split(".").reduce((o, k) => o?.[k], c)
    const host = (v) => String(v).replace(/:\d+$/, "")
    const out = [
      at("server.grpc_listen_address"),
      at("distributor.ring.instance_addr"), at("ingester.lifecycler.address"),
      at("compactor.ring.instance_addr"), at("metrics_generator.ring.instance_addr"),
      ...at("memberlist.bind_addr"), at("memberlist.advertise_addr"),
      host(at("querier.frontend_worker.frontend_address")),
    ]
    process.stdout.write(out.join("\n"))
  ' "$RECORD/config.json"
}

member_ids() {
  node -e '
    const c = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))
    process.stdout.write([c.ingester.lifecycler.id, c.distributor.ring.instance_id,
      c.compactor.ring.instance_id, c.metrics_generator.ring.instance_id].join(" "))
  ' "$RECORD/config.json"
}

wait_member() {
  use_member "$1"
  wait_listening
}

# --- three members ----------------------------------------------------------

@test "three members: each its own id and address everywhere, one join list, replication factor 3" {
  local i ids=() address id
  for i in 1 2 3; do member_start "$i" 2.10.8 TEMPO_CLUSTER_SIZE=3; done
  for i in 1 2 3; do
    wait_member "$i"
    contains "$(<"$OUT")" "Cluster member tempo-${MEMBER_ADDR[i]//./-}: gRPC and memberlist on ${MEMBER_ADDR[i]} (TLS, cluster certificates only)"
    [ "$(stub_config target)" = scalable-single-binary ]
    while read -r address; do
      [ "$address" = "${MEMBER_ADDR[i]}" ] || { echo "member $i announces $address"; false; }
    done < <(member_addresses)
    [ "$(member_addresses | grep -c '')" -eq 8 ]
    # What answers strangers stays on loopback, behind the proxy.
    [ "$(stub_config server.http_listen_address)" = 127.0.0.1 ]
    [ "$(stub_config distributor.receivers.otlp.protocols.http.endpoint)" = "127.0.0.1:$TEMPO_OTLP_HTTP_PORT" ]
    [ "$(stub_config distributor.receivers.otlp.protocols.grpc.endpoint)" = "127.0.0.1:$TEMPO_OTLP_GRPC_PORT" ]
    # gRPC and memberlist: TLS with the cluster's certificates, both ways.
    local tls client
    tls="$(member_tls "$i")"
    [ "$(stub_config server.grpc_tls_config.cert_file)" = "$tls/member.crt" ]
    [ "$(stub_config server.grpc_tls_config.key_file)" = "$tls/member.key" ]
    [ "$(stub_config server.grpc_tls_config.client_ca_file)" = "$tls/ca.crt" ]
    [ "$(stub_config server.grpc_tls_config.client_auth_type)" = RequireAndVerifyClientCert ]
    for client in ingester_client.grpc_client_config metrics_generator_client.grpc_client_config \
      querier.frontend_worker.grpc_client_config memberlist; do
      [ "$(stub_config "$client.tls_enabled")" = true ]
      [ "$(stub_config "$client.tls_cert_path")" = "$tls/member.crt" ]
      [ "$(stub_config "$client.tls_key_path")" = "$tls/member.key" ]
      [ "$(stub_config "$client.tls_ca_path")" = "$tls/ca.crt" ]
      [ "$(stub_config "$client.tls_server_name")" = members.tempo-cluster.internal ]
      [ "$(stub_config "$client.tls_insecure_skip_verify")" = false ]
    done
    [[ "$(stub_config memberlist.cluster_label)" =~ ^[A-Za-z0-9]{32}$ ]]
    [ "$(stub_config memberlist.cluster_label_verification_disabled)" = false ]
    [ "$(stub_config querier.frontend_worker.frontend_address)" = "${MEMBER_ADDR[i]}:9095" ]
    # One id on every ring, derived from the address.
    id="tempo-${MEMBER_ADDR[i]//./-}"
    [ "$(member_ids)" = "$id $id $id $id" ]
    ids+=("$(stub_config ingester.lifecycler.id)")
    [ "$(stub_config memberlist.join_members)" = "${CLUSTER_JOIN_LIST}" ]
    [ "$(stub_config ingester.lifecycler.ring.replication_factor)" = 3 ]
    [ "$(stub_config storage.trace.blocklist_poll)" = 5s ]
    [ "$(stub_config compactor.ring.wait_stability_min_duration)" = 0s ]
    [ "$(stub_config ingester.lifecycler.min_ready_duration)" = 0s ]
    [ "$(stub_config ingester.lifecycler.readiness_check_ring_health)" = false ]
    [ "$(stub_config ingester.lifecycler.heartbeat_period)" = 1s ]
    [ "$(stub_config ingester.flush_all_on_shutdown)" = true ]
    # The app's settings are still there.
    [ "$(stub_config storage.trace.s3.bucket)" = traces-bucket ]
    contains "$(events)" "http=127.0.0.1:$TEMPO_HTTP_LISTEN_PORT"
  done
  [ "$(printf '%s\n' "${ids[@]}" | sort -u | wc -l)" -eq 3 ]
  stop_members
  assert_no_leftovers
}

@test "the proxy works the same on every member: ingest, queries, credentials, /ready" {
  local i
  for i in 1 2 3; do member_start "$i" 2.10.8; done
  for i in 1 2 3; do
    wait_member "$i"
    INGEST_TRACE="0000000000000000000000000000000$i" ingest -H "Authorization: Bearer $INGEST_TOKEN"
    [ "$STATUS" = 200 ]
    contains "$(events)" "received traces=0000000000000000000000000000000$i"
    contains "$(events)" "authorization=absent"
    ingest
    [ "$STATUS" = 401 ]
    query "/api/v2/traces/0000000000000000000000000000000$i"
    [ "$STATUS" = 401 ]
    query "/api/v2/traces/0000000000000000000000000000000$i" -u "$QUERY_USER:$QUERY_PASSWORD"
    [ "$STATUS" = 200 ]
    contains "$BODY" "0000000000000000000000000000000$i"
    query /ready
    [ "$STATUS" = 200 ]
  done
  stop_members
}

@test "the ring's JSON, read-only, behind the query credential" {
  member_start 1 2.10.8 STUB_TEMPO_RING_PEERS=tempo-a,tempo-b
  wait_member 1
  query /ingester/ring
  [ "$STATUS" = 401 ]
  query /ingester/ring -u "$QUERY_USER:$QUERY_PASSWORD" -H 'Accept: text/html'
  [ "$STATUS" = 200 ]
  [ "$(printf '%s' "$BODY" | node -e 'const r = JSON.parse(require("fs").readFileSync(0, "utf8")); process.stdout.write(r.shards.map((s) => s.id).join(","))')" = "tempo-${MEMBER_ADDR[1]//./-},tempo-a,tempo-b" ]
  contains "$(events)" "ring method=GET accept=application/json authorization=absent"
  # The page's "forget" action never reaches Tempo.
  query /ingester/ring -u "$QUERY_USER:$QUERY_PASSWORD" -X POST -d forget=tempo-a
  [ "$STATUS" = 404 ]
  lacks "$(events)" "ring method=POST"
  stop_members
}

@test "check, run against a member, reports how many members the ring holds" {
  member_start 1 2.10.8 STUB_TEMPO_RING_PEERS=tempo-10-240-0-6,tempo-10-240-0-7
  wait_member 1
  run env -i PATH="$PATH" HOME="$BATS_TEST_TMPDIR" NO_COLOR=1 TEMPO_INGEST_TOKEN="$INGEST_TOKEN" \
    TEMPO_QUERY_USER="$QUERY_USER" TEMPO_QUERY_PASSWORD="$QUERY_PASSWORD" \
    node "$REPO_ROOT/bin/run.js" check "http://127.0.0.1:$PORT" --timeout 10
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  contains "$output" "Tempo ring: 3 members (3 ACTIVE)"
  stop_members
}

@test "2.4.0 members: the rendered keys are 2.4.0's" {
  local i
  for i in 1 2; do member_start "$i" 2.4.0 TEMPO_CLUSTER_SIZE=2; done
  for i in 1 2; do
    wait_member "$i"
    [ "$(stub_config ingester.lifecycler.id)" = "tempo-${MEMBER_ADDR[i]//./-}" ]
    [ "$(stub_config ingester.lifecycler.ring.replication_factor)" = 1 ]
    query "/api/traces/$TRACE_ID" -u "$QUERY_USER:$QUERY_PASSWORD"
    [ "$STATUS" = 404 ]
  done
  stop_members
}

@test "the app's own tempo.yaml becomes the member's config, its settings kept" {
  member_app 1 2.10.8
  cat >"$APP/tempo.yaml" <<'YAML'
# app file
server:
  http_listen_address: 127.0.0.1
  grpc_listen_address: 127.0.0.1
  log_level: warn
distributor:
  receivers:
    otlp:
      protocols:
        http:
          endpoint: 127.0.0.1:${TEMPO_OTLP_HTTP_PORT}
ingester:
  flush_all_on_shutdown: true
memberlist: {}
storage:
  trace:
    backend: s3
    s3:
      bucket: from-app-file
YAML
  member_launch 1
  wait_listening
  contains "$(<"$OUT")" "Config: tempo.yaml at the app root"
  [ "$(stub_config storage.trace.s3.bucket)" = from-app-file ]
  [ "$(stub_config server.log_level)" = warn ]
  [ "$(stub_config server.http_listen_address)" = 127.0.0.1 ]
  [ "$(stub_config server.grpc_listen_address)" = "${MEMBER_ADDR[1]}" ]
  [ "$(stub_config memberlist.advertise_addr)" = "${MEMBER_ADDR[1]}" ]
  [ "$(stub_config distributor.receivers.otlp.protocols.http.endpoint)" = "127.0.0.1:$TEMPO_OTLP_HTTP_PORT" ]
  lacks "$(<"$OUT")" "does not put the OTLP/HTTP receiver"
  # The app's file itself is untouched.
  contains "$(<"$APP/tempo.yaml")" "grpc_listen_address: 127.0.0.1"
  ingest -H "Authorization: Bearer $INGEST_TOKEN"
  [ "$STATUS" = 200 ]
  stop_members
}

# --- a rolling restart ------------------------------------------------------

@test "SIGTERM to one member: its ingest turns 503 and Tempo flushes before it is killed; the others serve on; it comes back under the same id" {
  local i id
  for i in 1 2 3; do member_start "$i" 2.10.8 TEMPO_CLUSTER_SIZE=3 STUB_TEMPO_FLUSH_DELAY=2; done
  for i in 1 2 3; do wait_member "$i"; done
  use_member 2
  id="$(stub_config ingester.lifecycler.id)"
  ingest -H "Authorization: Bearer $INGEST_TOKEN"
  [ "$STATUS" = 200 ]
  kill -TERM "$LAUNCH_PID"
  # While it flushes: this member turns ingest away, the others take it.
  local n
  for ((n = 0; n < 100; n++)); do
    ingest -H "Authorization: Bearer $INGEST_TOKEN"
    [ "$STATUS" != 503 ] || break
    sleep 0.05
  done
  [ "$STATUS" = 503 ]
  for i in 1 3; do
    use_member "$i"
    ingest -H "Authorization: Bearer $INGEST_TOKEN"
    [ "$STATUS" = 200 ]
  done
  use_member 2
  wait_exit 25
  [ "$EXIT_STATUS" -eq 0 ]
  contains "$(events)" "signal SIGTERM"
  contains "$(events)" "flushed trace=$TRACE_ID"
  local flushed_line killed_line
  flushed_line="$(grep -n 'Tempo flushed in' "$OUT" | cut -d: -f1)"
  killed_line="$(grep -n 'Tempo is still running after its drain: killing it' "$OUT" | cut -d: -f1)"
  ((flushed_line < killed_line))
  # Its disk wiped, a new process at the same address takes its ring entry back.
  member_start 2 2.10.8 TEMPO_CLUSTER_SIZE=3
  wait_member 2
  [ "$(stub_config ingester.lifecycler.id)" = "$id" ]
  query /ready
  [ "$STATUS" = 200 ]
  stop_members
  assert_no_leftovers
}

@test "a member that crashed and came back under another id: its old ring entry is forgotten, live ones are not" {
  member_start 1 2.10.8 STUB_TEMPO_RING_PEERS=tempo-dead@900,tempo-alive@0 TEMPO_CLUSTER_FORGET_AFTER=60
  wait_member 1
  local n
  for ((n = 0; n < 100; n++)); do
    [[ "$(events)" != *"ring forget id=tempo-dead"* ]] || break
    sleep 0.05
  done
  contains "$(events)" "ring forget id=tempo-dead"
  # Its heartbeat was 900 s old when the stub started; a second may pass before the check.
  local age
  age="$(sed -n 's/.*Forgot ring member tempo-dead: no heartbeat for \([0-9]*\) s.*/\1/p' "$OUT")"
  ((age >= 900 && age <= 910)) || { echo "forgotten with a heartbeat ${age:-never} s old"; false; }
  query /ingester/ring -u "$QUERY_USER:$QUERY_PASSWORD"
  [ "$(printf '%s' "$BODY" | node -e 'const r = JSON.parse(require("fs").readFileSync(0, "utf8")); process.stdout.write(r.shards.map((s) => s.id).join(","))')" = "tempo-${MEMBER_ADDR[1]//./-},tempo-alive" ]
  lacks "$(events)" "ring forget id=tempo-alive"
  lacks "$(events)" "ring forget id=tempo-${MEMBER_ADDR[1]//./-}"
  stop_members
}

# --- where no cluster can form ----------------------------------------------

@test "no Private Network: web-2 refuses to start, saying why and what to do; web-1 runs alone" {
  new_app 2.10.8
  launch CONTAINER=web-2
  wait_exit 10
  [ "$EXIT_STATUS" -eq 1 ]
  contains "$(<"$OUT")" "Refusing to start web-2: this container is not in a Scalingo Private Network (SCALINGO_PRIVATE_HOSTNAME is not set)"
  contains "$(<"$OUT")" "Scale back to one container (scalingo --app <app> scale web:1), or move the app into a project with a Private Network"
  [ ! -e "$RECORD/pid" ]
  assert_no_leftovers
  launch CONTAINER=web-1 APP=my-tempo
  wait_listening
  lacks "$(<"$OUT")" "Cluster member"
  contains "$(events)" "http=127.0.0.1:$TEMPO_HTTP_LISTEN_PORT"
  stop_launcher
}

@test "Tempo 3.x in a Private Network: web-2 refuses (3.x needs a queue to cluster), web-1 runs alone" {
  new_app 3.0.3
  launch CONTAINER=web-2 APP=my-tempo SCALINGO_PRIVATE_HOSTNAME=2.web.ap-1.pn-1.private-network.internal
  wait_exit 10
  [ "$EXIT_STATUS" -eq 1 ]
  contains "$(<"$OUT")" "Refusing to start web-2: Tempo 3.x runs as several processes only with a Kafka-compatible queue between them"
  contains "$(<"$OUT")" "scalingo --app my-tempo scale web:1), or use Tempo 2.x (TEMPO_VERSION=2.10.8, then deploy again)"
  [ ! -e "$RECORD/pid" ]
  launch CONTAINER=web-1 SCALINGO_PRIVATE_HOSTNAME=1.web.ap-1.pn-1.private-network.internal
  wait_listening
  lacks "$(<"$OUT")" "Cluster member"
  [ "$(<"$RECORD/config.yaml")" == "$(<"$APP/.tempo/buildpack/config/tempo-3.yaml")" ]
  stop_launcher
}

@test "Tempo 3.x with TEMPO_CLUSTER_ADDRESS: every member refuses, web-1 too" {
  new_app 3.0.3
  launch CONTAINER=web-1 TEMPO_CLUSTER_ADDRESS=127.0.0.1 TEMPO_CLUSTER_JOIN=127.0.0.1:7946
  wait_exit 10
  [ "$EXIT_STATUS" -eq 1 ]
  contains "$(<"$OUT")" "Cannot run a Tempo cluster: Tempo 3.x runs as several processes only with a Kafka-compatible queue"
}

@test "TEMPO_CLUSTER=off: web-2 refuses even in a Private Network" {
  new_app 2.10.8
  launch CONTAINER=web-2 TEMPO_CLUSTER=off SCALINGO_PRIVATE_HOSTNAME=2.web.ap-1.pn-1.private-network.internal
  wait_exit 10
  [ "$EXIT_STATUS" -eq 1 ]
  contains "$(<"$OUT")" "Refusing to start web-2: TEMPO_CLUSTER=off."
}

@test "a single container: the config Tempo gets is exactly today's" {
  new_app 2.10.8
  launch
  wait_listening
  [ "$(<"$RECORD/config.yaml")" == "$(<"$APP/.tempo/buildpack/config/tempo-2.yaml")" ]
  lacks "$(<"$RECORD/argv.json")" "target"
  contains "$(events)" "http=127.0.0.1:$TEMPO_HTTP_LISTEN_PORT"
  lacks "$(<"$OUT")" "Cluster member"
  stop_launcher
}

@test "an app config in flow style, with quoted keys and aliases, starts as a member with every value kept" {
  member_app 1 2.10.8
  styled_config 2 >"$APP/tempo.yaml"
  member_launch 1
  wait_listening
  # The app's HTTP API stays on loopback; gRPC moves to the member's address.
  [ "$(stub_config server.http_listen_address)" = 127.0.0.1 ]
  [ "$(stub_config server.grpc_listen_address)" = "${MEMBER_ADDR[1]}" ]
  [ "$(stub_config storage.trace.backend)" = s3 ]
  [ "$(stub_config storage.trace.s3.bucket)" = traces-bucket ]
  [ "$(stub_config compactor.ring.kvstore.store)" = memberlist ]
  [ "$(stub_config metrics_generator.ring.instance_id)" = "tempo-${MEMBER_ADDR[1]//./-}" ]
  [ "$(stub_config ingester.lifecycler.ring.kvstore.store)" = memberlist ]
  [ "$(stub_config memberlist.bind_addr)" = "${MEMBER_ADDR[1]}" ]
  ingest -H "Authorization: Bearer $INGEST_TOKEN"
  [ "$STATUS" = 200 ]
  stop_members
}

# --- what the launcher derives ----------------------------------------------

@test "in a Private Network: address from the container's private name, join list from the web containers' name" {
  local bin="$BATS_TEST_TMPDIR/bin"
  mkdir -p "$bin"
  # getent as the platform's resolver answers for this container's name.
  cat >"$bin/getent" <<EOF
#!/usr/bin/env bash
[[ "\$1 \$2" == "ahostsv4 3.web.ap-1a2b.pn-3c4d.private-network.internal" ]] || exit 2
echo "${MEMBER_ADDR[3]}   STREAM 3.web.ap-1a2b.pn-3c4d.private-network.internal"
echo "${MEMBER_ADDR[3]}   DGRAM"
EOF
  chmod +x "$bin/getent"
  run render_member "$REPO_ROOT/buildpack/config/tempo-2.yaml" PATH="$bin:$PATH" CONTAINER=web-3 \
    SCALINGO_PRIVATE_HOSTNAME=3.web.ap-1a2b.pn-3c4d.private-network.internal TEMPO_CLUSTER_SIZE=5 TEMPO_MEMBERLIST_PORT=7950
  [ "$status" -eq 0 ]
  [ "$(yaml_key memberlist.join_members <<<"$output")" = '["dns+web.ap-1a2b.pn-3c4d.private-network.internal:7950"]' ]
  [ "$(yaml_key memberlist.bind_port <<<"$output")" = 7950 ]
  [ "$(yaml_key ingester.lifecycler.address <<<"$output")" = "${MEMBER_ADDR[3]}" ]
  [ "$(yaml_key ingester.lifecycler.id <<<"$output")" = "tempo-${MEMBER_ADDR[3]//./-}" ]
  [ "$(yaml_key ingester.lifecycler.ring.replication_factor <<<"$output")" = 3 ]
}

@test "replication factor: 3 from 3 members on, 1 below or when the size is unknown (TEMPO_CLUSTER=on)" {
  local size expected
  for size in 1:1 2:1 3:3 7:3 :1; do
    expected="${size#*:}" size="${size%%:*}"
    run render_member "$REPO_ROOT/buildpack/config/tempo-2.yaml" TEMPO_CLUSTER=on TEMPO_CLUSTER_ADDRESS=10.240.0.5 \
      TEMPO_CLUSTER_JOIN=10.240.0.6:7946 "TEMPO_CLUSTER_SIZE=$size"
    [ "$status" -eq 0 ]
    [ "$(yaml_key ingester.lifecycler.ring.replication_factor <<<"$output")" = "$expected" ]
  done
}

@test "bad cluster settings stop the start with a message naming the variable" {
  local tpl="$REPO_ROOT/buildpack/config/tempo-2.yaml"
  run render_member "$tpl" TEMPO_CLUSTER_ADDRESS=10.240.0.300 TEMPO_CLUSTER_JOIN=10.240.0.6:7946
  [ "$status" -eq 1 ]
  contains "$output" 'TEMPO_CLUSTER_ADDRESS must be this container'"'"'s IPv4 address (e.g. 10.240.0.5), not "10.240.0.300"'
  run render_member "$tpl" TEMPO_CLUSTER_ADDRESS=10.240.0.5 TEMPO_CLUSTER_JOIN='10.240.0.6:7946,http://x'
  [ "$status" -eq 1 ]
  contains "$output" 'TEMPO_CLUSTER_JOIN: "http://x" is not host:port or dns+name:port'
  run render_member "$tpl" TEMPO_CLUSTER_ADDRESS=10.240.0.5
  [ "$status" -eq 1 ]
  contains "$output" "TEMPO_CLUSTER_ADDRESS is set but nothing says where the other members are: set TEMPO_CLUSTER_JOIN"
  run render_member "$tpl" TEMPO_CLUSTER_JOIN=10.240.0.6:7946
  [ "$status" -eq 1 ]
  contains "$output" "TEMPO_CLUSTER_JOIN is set but this member's address is not: set TEMPO_CLUSTER_ADDRESS too"
  run render_member "$tpl" TEMPO_CLUSTER=on
  [ "$status" -eq 1 ]
  contains "$output" "TEMPO_CLUSTER=on, but this container is not in a Private Network"
  run render_member "$tpl" TEMPO_CLUSTER=maybe
  [ "$status" -eq 1 ]
  contains "$output" 'TEMPO_CLUSTER must be auto (the default), on or off, not "maybe"'
  run render_member "$tpl" TEMPO_CLUSTER_ADDRESS=10.240.0.5 TEMPO_CLUSTER_JOIN=10.240.0.6:7946 TEMPO_CLUSTER_SIZE=three
  [ "$status" -eq 1 ]
  contains "$output" 'TEMPO_CLUSTER_SIZE must be the number of web containers (e.g. 3), not "three"'
  run render_member "$tpl" TEMPO_CLUSTER_ADDRESS=10.240.0.5 TEMPO_CLUSTER_JOIN=10.240.0.6:7946 TEMPO_CLUSTER_FORGET_AFTER=10m
  [ "$status" -eq 1 ]
  contains "$output" 'TEMPO_CLUSTER_FORGET_AFTER must be a whole number of seconds, not "10m"'
  run render_member "$tpl" TEMPO_CLUSTER_ADDRESS=10.240.0.5 TEMPO_CLUSTER_JOIN=10.240.0.6:7946 TEMPO_CLUSTER_SIZE=
  [ "$status" -eq 1 ]
  contains "$output" "TEMPO_CLUSTER_ADDRESS or TEMPO_CLUSTER_JOIN is set, but a cluster needs more than one member: set TEMPO_CLUSTER_SIZE to the number of web containers (or TEMPO_CLUSTER=on)."
  run render_member "$tpl" TEMPO_CLUSTER_ADDRESS=10.240.0.5 TEMPO_CLUSTER_JOIN=10.240.0.6:7946 TEMPO_CLUSTER_SECRET=
  [ "$status" -eq 1 ]
  contains "$output" "A cluster member needs TEMPO_CLUSTER_SECRET, the secret its members share (\`create-tempo-scalingo env-set\` sets a generated one"
  run render_member "$tpl" TEMPO_CLUSTER_ADDRESS=10.240.0.5 TEMPO_CLUSTER_JOIN=10.240.0.6:7946 TEMPO_CLUSTER_SECRET=short-secret
  [ "$status" -eq 1 ]
  contains "$output" "TEMPO_CLUSTER_SECRET is shorter than 16 characters: use a long random value (e.g. openssl rand -hex 32)."
  lacks "$output" short-secret
  run render_member "$tpl" SCALINGO_PRIVATE_HOSTNAME=web.example.org TEMPO_CLUSTER_ADDRESS=10.240.0.5
  [ "$status" -eq 1 ]
  contains "$output" "SCALINGO_PRIVATE_HOSTNAME=web.example.org is not <n>.<type>.<app-id>.<network-id>.private-network.internal: set TEMPO_CLUSTER_JOIN"
}

@test "the overlay sets keys in any block layout: existing values replaced, the others kept, missing parents created" {
  local config="$BATS_TEST_TMPDIR/in.yaml"
  cat >"$config" <<'YAML'
target: all
server:
    http_listen_address: 0.0.0.0   # four-space indentation
ingester:
  lifecycler:
    ring:
      replication_factor: 1
      kvstore:
        store: memberlist
memberlist:
  join_members:
    - old-a:7946
    - old-b:7946
  # kept
  abort_if_cluster_join_fails: false
YAML
  run render_member "$config" TEMPO_CLUSTER_ADDRESS=10.240.0.5 TEMPO_CLUSTER_JOIN=10.240.0.6:7946 TEMPO_CLUSTER_SIZE=3
  [ "$status" -eq 0 ]
  local rendered="$output"
  [ "$(yaml_key target <<<"$rendered")" = scalable-single-binary ]
  # The app's own value stays (check_config refuses it before the overlay).
  [ "$(yaml_key server.http_listen_address <<<"$rendered")" = 0.0.0.0 ]
  [ "$(yaml_key server.grpc_listen_address <<<"$rendered")" = 10.240.0.5 ]
  [ "$(yaml_key ingester.lifecycler.ring <<<"$rendered")" = '{"kvstore":{"store":"memberlist"},"replication_factor":3}' ]
  [ "$(yaml_key memberlist.join_members <<<"$rendered")" = '["10.240.0.6:7946"]' ]
  [ "$(yaml_key memberlist.abort_if_cluster_join_fails <<<"$rendered")" = false ]
  [ "$(yaml_key metrics_generator.ring.instance_id <<<"$rendered")" = tempo-10-240-0-5 ]
  [ "$(yaml_key storage.trace.blocklist_poll <<<"$rendered")" = 5s ]
}

@test "the overlay reads any YAML style: flow mappings, quoted keys, anchors and aliases, lists at their key's indentation" {
  local config="$BATS_TEST_TMPDIR/in.yaml" rendered
  cat >"$config" <<'YAML'
"server": {http_listen_address: 127.0.0.1, grpc_listen_address: 127.0.0.1, grpc_listen_port: ${GRPC_PORT:-9096}}
distributor:
  receivers: {otlp: {protocols: {http: {endpoint: "127.0.0.1:${TEMPO_OTLP_HTTP_PORT:-4318}"}}}}
ingester:
  lifecycler:
    ring:
      kvstore: &kv
        store: memberlist
  flush_all_on_shutdown: true
compactor:
  ring:
    kvstore: *kv
memberlist:
  bind_addr:
  - 127.0.0.1
  join_members:
  - old-a:7946
storage:
  trace: {backend: s3, s3: {bucket: "${TEMPO_STORAGE_S3_BUCKET}", insecure: ${S3_INSECURE:-false}}}
YAML
  run render_member "$config" TEMPO_CLUSTER_ADDRESS=10.240.0.5 TEMPO_CLUSTER_JOIN=10.240.0.6:7946
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  rendered="$output"
  # One key each: the quoted "server" and the overlay's server are one mapping.
  [ "$(grep -c '^server:' <<<"$rendered")" -eq 1 ]
  lacks "$rendered" '"server"'
  # The app's own listeners stay; gRPC moves to the member's address.
  [ "$(yaml_key server.http_listen_address <<<"$rendered")" = 127.0.0.1 ]
  [ "$(yaml_key server.grpc_listen_address <<<"$rendered")" = 10.240.0.5 ]
  # ${VAR} references stay for Tempo to expand, flow mappings' included.
  [ "$(yaml_key server.grpc_listen_port <<<"$rendered")" = '${GRPC_PORT:-9096}' ]
  [ "$(yaml_key storage.trace <<<"$rendered")" = '{"backend":"s3","blocklist_poll":"5s","s3":{"bucket":"${TEMPO_STORAGE_S3_BUCKET}","insecure":"${S3_INSECURE:-false}"}}' ]
  [ "$(yaml_key distributor.receivers.otlp.protocols.http.endpoint <<<"$rendered")" = '127.0.0.1:${TEMPO_OTLP_HTTP_PORT:-4318}' ]
  # The alias's value, with the member's keys beside it.
  [ "$(yaml_key compactor.ring <<<"$rendered")" = '{"instance_addr":"10.240.0.5","instance_id":"tempo-10-240-0-5","kvstore":{"store":"memberlist"},"wait_stability_min_duration":"0s"}' ]
  [ "$(yaml_key ingester.flush_all_on_shutdown <<<"$rendered")" = true ]
  [ "$(yaml_key memberlist.bind_addr <<<"$rendered")" = '["10.240.0.5"]' ]
  [ "$(yaml_key memberlist.join_members <<<"$rendered")" = '["10.240.0.6:7946"]' ]
  # The frontend address takes the config's gRPC port as Tempo reads it.
  [ "$(yaml_key querier.frontend_worker.frontend_address <<<"$rendered")" = 10.240.0.5:9096 ]
}

@test "a member config that Tempo rejects stops the start with Tempo's reason" {
  local config="$BATS_TEST_TMPDIR/in.yaml"
  printf 'server: {http_listen_address: 127.0.0.1, grpc_listen_address: 127.0.0.1, no_such_key: 1}\n' >"$config"
  run render_member "$config" TEMPO_CLUSTER_ADDRESS=10.240.0.5 TEMPO_CLUSTER_JOIN=10.240.0.6:7946
  [ "$status" -eq 1 ]
  contains "$output" "Tempo rejects the cluster member's config"
  contains "$output" "field no_such_key not found in type server.Config"
}

@test "without openssl, a member refuses to start, saying so" {
  local bin="$BATS_TEST_TMPDIR/bin" tool
  mkdir -p "$bin"
  # Every tool of this machine but openssl.
  for tool in /usr/local/bin/* /usr/bin/* /bin/*; do
    [[ "${tool##*/}" == openssl || -e "$bin/${tool##*/}" ]] || ln -s "$tool" "$bin/${tool##*/}"
  done
  run render_member "$REPO_ROOT/buildpack/config/tempo-2.yaml" PATH="$bin" TEMPO_CLUSTER_ADDRESS=10.240.0.5 TEMPO_CLUSTER_JOIN=10.240.0.6:7946
  [ "$status" -eq 1 ]
  contains "$output" "openssl is required to run as a cluster member (it makes the members' certificates) and is missing from this image"
}

# --- closed to the neighbours -----------------------------------------------

@test "a member's doors: from another address nothing answers on HTTP or OTLP; gRPC and memberlist answer only the cluster's certificate and label" {
  local i other port tls label stranger="$BATS_TEST_TMPDIR/stranger"
  for i in 1 2; do member_start "$i" 2.10.8 TEMPO_CLUSTER_SIZE=2; done
  for i in 1 2; do wait_member "$i"; done
  # A stranger's own CA and certificate, for the same server name.
  mkdir -p "$stranger"
  openssl req -x509 -newkey ed25519 -nodes -subj /CN=members.tempo-cluster.internal -days 1 \
    -keyout "$stranger/member.key" -out "$stranger/member.crt" 2>/dev/null
  cp "$stranger/member.crt" "$stranger/ca.crt"
  for i in 1 2; do
    other=$((3 - i))
    use_member "$i"
    # The HTTP API and the receivers: nothing on the member's address, at any of their ports.
    for port in "$TEMPO_HTTP_LISTEN_PORT" "$TEMPO_OTLP_HTTP_PORT" "$TEMPO_OTLP_GRPC_PORT" 3200 4318 4317; do
      [ "$(door "${MEMBER_ADDR[i]}" "$port" --from "$STRANGER_ADDR")" = refused ]
    done
    # gRPC: no service in the clear, nor over TLS without a certificate or with one of its own.
    [ "$(door "${MEMBER_ADDR[i]}" 9095 --from "$STRANGER_ADDR" --send "$GRPC_PREFACE")" = nothing ]
    [ "$(door "${MEMBER_ADDR[i]}" 9095 --from "$STRANGER_ADDR" --tls --send "$GRPC_PREFACE")" = nothing ]
    [ "$(door "${MEMBER_ADDR[i]}" 9095 --from "$STRANGER_ADDR" --tls --cert "$stranger" --send "$GRPC_PREFACE")" = nothing ]
    contains "$(events)" "grpc refused"
    # The other member's certificate (its CA derived from the same secret) opens it.
    tls="$(member_tls "$other")"
    use_member "$i"
    [ "$(door "${MEMBER_ADDR[i]}" 9095 --from "$STRANGER_ADDR" --tls --cert "$tls" --send "$GRPC_PREFACE")" = "$GRPC_SETTINGS" ]
    # memberlist: TLS that asks no certificate, so the label is the gate.
    label="$(stub_config memberlist.cluster_label)"
    [ "$(door "${MEMBER_ADDR[i]}" 7946 --from "$STRANGER_ADDR" --send "$(label_header "$label")")" = nothing ]
    [ "$(door "${MEMBER_ADDR[i]}" 7946 --from "$STRANGER_ADDR" --tls --send "$(label_header 00000000000000000000000000000000)")" = nothing ]
    [ "$(door "${MEMBER_ADDR[i]}" 7946 --from "$STRANGER_ADDR" --tls --send 00)" = nothing ]
    contains "$(events)" "memberlist dropped unexpected cluster label"
    [ "$(door "${MEMBER_ADDR[i]}" 7946 --from "$STRANGER_ADDR" --tls --cert "$tls" --send "$(label_header "$label")")" = "$(printf memberlist | od -An -tx1 | tr -d ' \n')" ]
  done
  # Both members derived the same label.
  [ "$(member_config 1 memberlist.cluster_label)" = "$(member_config 2 memberlist.cluster_label)" ]
  stop_members
}

@test "the cluster's secret reaches no argv, no log line, neither Tempo nor Caddy; its keys live in the run dir only, gone after kill -9" {
  local bin="$BATS_TEST_TMPDIR/bin" pid tls label
  mkdir -p "$bin"
  # An openssl first on PATH that records its argv and environment, then runs the real one.
  printf '#!/bin/sh\nprintf "%%s\\n" "$*" >>"%s"\nenv >>"%s"\nexec %s "$@"\n' \
    "$BATS_TEST_TMPDIR/openssl-argv" "$BATS_TEST_TMPDIR/openssl-env" "$(command -v openssl)" >"$bin/openssl"
  chmod +x "$bin/openssl"
  PATH="$bin:$PATH" member_start 1 2.10.8
  wait_member 1
  [ -s "$BATS_TEST_TMPDIR/openssl-argv" ]
  contains "$(<"$BATS_TEST_TMPDIR/openssl-argv")" "dgst -sha256 -binary"
  lacks "$(<"$BATS_TEST_TMPDIR/openssl-argv")" "$CLUSTER_SECRET"
  for pid in $(leftovers); do
    lacks "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)" "$CLUSTER_SECRET"
  done
  [ "$(stub_env TEMPO_CLUSTER_SECRET)" = "<unset>" ]
  lacks "$(tr '\0' '\n' <"/proc/$(caddy_pid)/environ")" "$CLUSTER_SECRET"
  # The member's key and certificates, 0600 in a 0700 dir of the run dir; no CA key.
  tls="$(member_tls 1)"
  [[ "$tls" == "$BATS_TEST_TMPDIR/tmp/tempo-launch."*/cluster-tls ]]
  [ "$(stat -c %a "$tls")" = 700 ]
  [ "$(cd "$tls" && ls)" = "$(printf 'ca.crt\nmember.crt\nmember.key')" ]
  [ "$(stat -c %a "$tls/member.key")" = 600 ]
  openssl verify -CAfile "$tls/ca.crt" "$tls/member.crt"
  label="$(stub_config memberlist.cluster_label)"
  kill -KILL "$LAUNCH_PID"
  assert_no_leftovers
  [ ! -e "$tls" ]
  lacks "$(<"$OUT")" "$CLUSTER_SECRET"
  # The label derived from it, which Tempo logs at start, is masked too.
  [ -n "$label" ]
  contains "$(<"$OUT")" "cluster_label=***"
  lacks "$(<"$OUT")" "$label"
}

@test "a single container in a Private Network runs alone and listens beyond loopback only on \$PORT; web-2 refuses without TEMPO_CLUSTER_SIZE" {
  local pn=2.web.ap-1.pn-1.private-network.internal pids listeners
  new_app 2.10.8
  launch CONTAINER=web-1 SCALINGO_PRIVATE_HOSTNAME="$pn"
  wait_listening
  lacks "$(<"$OUT")" "Cluster member"
  [ "$(stub_config target)" = undefined ]
  # Every listening socket of this web process, as address:port.
  pids="$(leftovers | paste -sd '|')"
  listeners="$(ss -Hltnp | grep -E "pid=($pids)," | awk '{print $4}' | sort -u)"
  [ -n "$listeners" ]
  while read -r listener; do
    [[ "$listener" == 127.* || "$listener" == "*:$PORT" || "$listener" == "0.0.0.0:$PORT" || "$listener" == "[::]:$PORT" ]] ||
      { echo "listens on $listener"; false; }
  done <<<"$listeners"
  contains "$listeners" ":$PORT"
  stop_launcher
  APP_DIR_NAME=app2 new_app 2.10.8
  launch CONTAINER=web-2 SCALINGO_PRIVATE_HOSTNAME="$pn" "TEMPO_CLUSTER_SECRET=$CLUSTER_SECRET"
  wait_exit 10
  [ "$EXIT_STATUS" -eq 1 ]
  contains "$(<"$OUT")" "Refusing to start web-2: TEMPO_CLUSTER_SIZE is not set, so the containers do not form a cluster."
  contains "$(<"$OUT")" "or set TEMPO_CLUSTER_SIZE to the number of web containers and TEMPO_CLUSTER_SECRET"
  launch CONTAINER=web-2 SCALINGO_PRIVATE_HOSTNAME="$pn" TEMPO_CLUSTER_SIZE=1
  wait_exit 10
  [ "$EXIT_STATUS" -eq 1 ]
  contains "$(<"$OUT")" "Refusing to start web-2: TEMPO_CLUSTER_SIZE is 1, so the containers do not form a cluster."
}
