#!/usr/bin/env bash
# Several web containers of one app as one Tempo 2.x cluster
# (target scalable-single-binary, memberlist ring) over a Scalingo Private
# Network, and the refusal to run a second, independent Tempo where they cannot
# form one. Needs contract.sh, log.sh, settings.sh, listen.sh (the config as
# Tempo reads it) and gojq (use_gojq).
#
# A Private Network holds other apps: strangers. A member's HTTP API and OTLP
# receivers stay on loopback behind the proxy, as for a single container; only
# gRPC and memberlist listen on its private address, both over TLS with
# certificates of a CA derived from TEMPO_CLUSTER_SECRET: gRPC asks every
# client for one, memberlist (whose listener asks none) drops what does not
# carry a cluster label derived from the same secret.
#
# Reads: CONTAINER (web-1, web-2...), SCALINGO_PRIVATE_HOSTNAME (set in a
# Private Network: <n>.<type>.<app-id>.<pn-id>.private-network.internal),
# TEMPO_CLUSTER (auto, on, off), TEMPO_CLUSTER_SIZE (how many web containers
# run), TEMPO_CLUSTER_SECRET, TEMPO_CLUSTER_ADDRESS (this member's address),
# TEMPO_CLUSTER_JOIN (comma-separated host:port or dns+name:port),
# TEMPO_CLUSTER_FORGET_AFTER, the internal ports (contract.sh), APP.

CLUSTER_MODE=off CLUSTER_ADDRESS="" CLUSTER_ID="" CLUSTER_JOIN="" CLUSTER_RF=1 CLUSTER_TICKS=0 CLUSTER_FORGET_AFTER="${RUNTIME_DEFAULTS[TEMPO_CLUSTER_FORGET_AFTER]}"
CLUSTER_TLS_DIR="" CLUSTER_LABEL=""

# The name every member's certificate holds and every client checks.
readonly CLUSTER_SERVER_NAME=members.tempo-cluster.internal

readonly IPV4_RE='^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$'
readonly JOIN_RE='^((dns|dnssrv|dnssrvnoa)\+)?[A-Za-z0-9._-]+:[0-9]{1,5}$'
readonly PRIVATE_HOSTNAME_RE='^[0-9]+\.[a-z0-9-]+\.([a-z0-9-]+\.[a-z0-9-]+\.private-network\.internal)\.?$'

memberlist_port() { port_setting TEMPO_MEMBERLIST_PORT; }

# Decides whether this container runs as a cluster member (CLUSTER_MODE=on,
# with CLUSTER_ADDRESS, CLUSTER_ID, CLUSTER_JOIN and CLUSTER_RF set), alone,
# or not at all: any container but the first refuses to start where the
# containers cannot form one cluster. A cluster needs more than one container:
# TEMPO_CLUSTER_SIZE of 2 or more, or TEMPO_CLUSTER=on.
cluster_setup() {
  local major="$1" mode="${TEMPO_CLUSTER:-auto}" explicit="" size
  [[ -z "${TEMPO_CLUSTER_ADDRESS:-}${TEMPO_CLUSTER_JOIN:-}" ]] || explicit=yes
  case "${mode,,}" in
    auto | "") mode=auto ;;
    on | true | 1 | yes) mode=on ;;
    off | false | 0 | no) mode=off ;;
    *) die "TEMPO_CLUSTER must be auto (the default), on or off, not \"$mode\"" ;;
  esac
  size="$(cluster_size)"

  if [[ "$mode" == off ]]; then
    refuse_second_container "TEMPO_CLUSTER=off" "or remove TEMPO_CLUSTER to let the containers form one cluster"
    return 0
  fi
  if ((major >= 3)); then
    local why="Tempo $major.x runs as several processes only with a Kafka-compatible queue between them, which this buildpack does not provide"
    [[ "$mode" != on && -z "$explicit" ]] ||
      die "Cannot run a Tempo cluster: $why. Unset TEMPO_CLUSTER, TEMPO_CLUSTER_ADDRESS and TEMPO_CLUSTER_JOIN, or use Tempo 2.x (TEMPO_VERSION=$DEFAULT_TEMPO_VERSION) and deploy again."
    refuse_second_container "$why" "or use Tempo 2.x (TEMPO_VERSION=$DEFAULT_TEMPO_VERSION, then deploy again) to run several containers as one cluster"
    return 0
  fi
  if [[ -z "$explicit" && -z "${SCALINGO_PRIVATE_HOSTNAME:-}" ]]; then
    [[ "$mode" != on ]] ||
      die "TEMPO_CLUSTER=on, but this container is not in a Private Network (SCALINGO_PRIVATE_HOSTNAME is not set): move the app into a project with a Private Network, or set TEMPO_CLUSTER_ADDRESS and TEMPO_CLUSTER_JOIN."
    refuse_second_container "this container is not in a Scalingo Private Network (SCALINGO_PRIVATE_HOSTNAME is not set), so it cannot reach the others" \
      "or move the app into a project with a Private Network, where the web containers form one cluster"
    return 0
  fi

  if [[ "$mode" == auto ]] && ((size < 2)); then
    [[ -z "$explicit" ]] ||
      die "TEMPO_CLUSTER_ADDRESS or TEMPO_CLUSTER_JOIN is set, but a cluster needs more than one member: set TEMPO_CLUSTER_SIZE to the number of web containers (or TEMPO_CLUSTER=on)."
    refuse_second_container "TEMPO_CLUSTER_SIZE is ${TEMPO_CLUSTER_SIZE:-not set}, so the containers do not form a cluster" \
      "or set TEMPO_CLUSTER_SIZE to the number of web containers and TEMPO_CLUSTER_SECRET (\`create-tempo-scalingo update --containers N\`, then \`create-tempo-scalingo env-set\`)"
    return 0
  fi
  check_cluster_secret
  command -v openssl >/dev/null ||
    die "openssl is required to run as a cluster member (it makes the members' certificates) and is missing from this image"
  CLUSTER_ADDRESS="$(cluster_address)"
  CLUSTER_JOIN="$(cluster_join)"
  CLUSTER_ID="tempo-${CLUSTER_ADDRESS//./-}"
  CLUSTER_RF="$(cluster_replication_factor "$size")"
  CLUSTER_FORGET_AFTER="${TEMPO_CLUSTER_FORGET_AFTER:-${RUNTIME_DEFAULTS[TEMPO_CLUSTER_FORGET_AFTER]}}"
  [[ "$CLUSTER_FORGET_AFTER" =~ ^[1-9][0-9]*$ ]] ||
    die "TEMPO_CLUSTER_FORGET_AFTER must be a whole number of seconds, not \"$CLUSTER_FORGET_AFTER\""
  CLUSTER_MODE=on
}

# TEMPO_CLUSTER_SIZE as a number (0 when unset).
cluster_size() {
  local size="${TEMPO_CLUSTER_SIZE:-}" index="${CONTAINER:-}"
  [[ -n "$size" ]] || { echo 0; return 0; }
  [[ "$size" =~ ^[1-9][0-9]{0,3}$ ]] ||
    die "TEMPO_CLUSTER_SIZE must be the number of web containers (e.g. 3), not \"$size\""
  index="${index#web-}"
  if [[ "$index" =~ ^[0-9]+$ ]] && ((index > size)); then
    warn "This is $CONTAINER but TEMPO_CLUSTER_SIZE=$size: set it to the number of web containers"
  fi
  echo "$size"
}

# The members trust one another through TEMPO_CLUSTER_SECRET alone.
check_cluster_secret() {
  local secret="${TEMPO_CLUSTER_SECRET:-}"
  [[ -n "$secret" ]] ||
    die "A cluster member needs TEMPO_CLUSTER_SECRET, the secret its members share (\`create-tempo-scalingo env-set\` sets a generated one; or set a long random value, e.g. openssl rand -hex 32, on the app)."
  ((${#secret} >= CREDENTIAL_MIN_LENGTH)) ||
    die "TEMPO_CLUSTER_SECRET is shorter than $CREDENTIAL_MIN_LENGTH characters: use a long random value (e.g. openssl rand -hex 32)."
  [[ "$secret" =~ $PASSWORD_PATTERN ]] || die "TEMPO_CLUSTER_SECRET: $PASSWORD_RULE"
}

# Stops every container but the first with the reason and what to do.
refuse_second_container() {
  local why="$1" alternative="$2" container="${CONTAINER:-}"
  [[ -n "$container" && "$container" != web-1 ]] || return 0
  warn "Refusing to start $container: $why."
  warn "Only web-1 may run here: a second container would be a second, independent Tempo on the same"
  warn "bucket (queries miss the traces the other one holds, both compact the same blocks)."
  die "Scale back to one container (scalingo --app ${APP:-<app>} scale web:1), $alternative."
}

# This member's address: TEMPO_CLUSTER_ADDRESS, else what the container's
# private name resolves to.
cluster_address() {
  local address="${TEMPO_CLUSTER_ADDRESS:-}" name="${SCALINGO_PRIVATE_HOSTNAME:-}"
  if [[ -n "$address" ]]; then
    [[ "$address" =~ $IPV4_RE ]] ||
      die "TEMPO_CLUSTER_ADDRESS must be this container's IPv4 address (e.g. 10.240.0.5), not \"$address\""
    echo "$address"
    return 0
  fi
  [[ -n "$name" ]] || die "TEMPO_CLUSTER_JOIN is set but this member's address is not: set TEMPO_CLUSTER_ADDRESS too"
  address="$(getent ahostsv4 "$name" 2>/dev/null | awk 'NR == 1 { print $1 }')" || true
  [[ "$address" =~ $IPV4_RE ]] ||
    die "Could not resolve this container's private name $name to an IPv4 address: set TEMPO_CLUSTER_ADDRESS"
  echo "$address"
}

# The memberlist join list as a YAML flow sequence: TEMPO_CLUSTER_JOIN, else
# the DNS name of every web container of the app, resolved by Tempo.
cluster_join() {
  local entries=() entry out=() name="${SCALINGO_PRIVATE_HOSTNAME:-}"
  if [[ -n "${TEMPO_CLUSTER_JOIN:-}" ]]; then
    IFS=, read -ra entries <<<"$TEMPO_CLUSTER_JOIN"
    for entry in "${entries[@]}"; do
      entry="${entry//[[:space:]]/}"
      [[ -n "$entry" ]] || continue
      [[ "$entry" =~ $JOIN_RE ]] ||
        die "TEMPO_CLUSTER_JOIN: \"$entry\" is not host:port or dns+name:port (entries are separated by commas)"
      out+=("\"$entry\"")
    done
    ((${#out[@]} > 0)) || die "TEMPO_CLUSTER_JOIN is empty: list the members as host:port or dns+name:port"
  else
    [[ -n "$name" ]] ||
      die "TEMPO_CLUSTER_ADDRESS is set but nothing says where the other members are: set TEMPO_CLUSTER_JOIN"
    [[ "$name" =~ $PRIVATE_HOSTNAME_RE ]] ||
      die "SCALINGO_PRIVATE_HOSTNAME=$name is not <n>.<type>.<app-id>.<network-id>.private-network.internal: set TEMPO_CLUSTER_JOIN"
    out=("\"dns+web.${BASH_REMATCH[1]}:$(memberlist_port)\"")
  fi
  local IFS=,
  echo "[${out[*]}]"
}

# 3 copies of every trace from 3 members on: a rolling restart loses no write
# and no read. Fewer members (or an unknown number) keep 1: with 2, RF 3 would
# need both alive.
cluster_replication_factor() {
  if (($1 >= 3)); then echo 3; else echo 1; fi
}

# The keys that make the config a member's (path, tab, value: a YAML scalar or
# flow sequence; see member_config), as measured on Tempo 2.x: an id of its
# own and its own address on every ring, fast readiness, a 5 s block-list poll
# so that blocks flushed by one member are found by all. gRPC and memberlist
# listen on the member's address, over TLS with the cluster's certificates;
# the HTTP API and the receivers stay where the app's config puts them
# (loopback, see check_config).
# The querier's worker is given its own query-frontend's address: Tempo's
# default, 127.0.0.1, is not where gRPC listens in a cluster (and older 2.x do
# not start scalable-single-binary without one).
cluster_overlay() {
  local config="$1" a="$CLUSTER_ADDRESS" id="$CLUSTER_ID" tls="$CLUSTER_TLS_DIR" port grpc client
  port="$(memberlist_port)"
  grpc="$(config_grpc_port "$config")"
  cat <<EOF
target	scalable-single-binary
server.grpc_listen_address	$a
server.grpc_tls_config.cert_file	$tls/member.crt
server.grpc_tls_config.key_file	$tls/member.key
server.grpc_tls_config.client_auth_type	RequireAndVerifyClientCert
server.grpc_tls_config.client_ca_file	$tls/ca.crt
distributor.ring.instance_id	$id
distributor.ring.instance_addr	$a
ingester.lifecycler.id	$id
ingester.lifecycler.address	$a
ingester.lifecycler.ring.replication_factor	$CLUSTER_RF
ingester.lifecycler.heartbeat_period	1s
ingester.lifecycler.join_after	0s
ingester.lifecycler.observe_period	0s
ingester.lifecycler.final_sleep	0s
ingester.lifecycler.min_ready_duration	0s
ingester.lifecycler.readiness_check_ring_health	false
ingester.flush_all_on_shutdown	true
compactor.ring.instance_id	$id
compactor.ring.instance_addr	$a
compactor.ring.wait_stability_min_duration	0s
metrics_generator.ring.instance_id	$id
metrics_generator.ring.instance_addr	$a
memberlist.bind_addr	[$a]
memberlist.bind_port	$port
memberlist.advertise_addr	$a
memberlist.advertise_port	$port
memberlist.join_members	$CLUSTER_JOIN
memberlist.gossip_interval	200ms
memberlist.pull_push_interval	5s
memberlist.rejoin_interval	10s
memberlist.left_ingesters_timeout	30s
memberlist.cluster_label	$CLUSTER_LABEL
memberlist.cluster_label_verification_disabled	false
storage.trace.blocklist_poll	5s
querier.frontend_worker.frontend_address	$a:$grpc
EOF
  # Every gRPC client of scalable-single-binary, and memberlist's transport
  # (both ends), show this member's certificate and check the other's.
  for client in ingester_client.grpc_client_config metrics_generator_client.grpc_client_config \
    querier.frontend_worker.grpc_client_config memberlist; do
    cat <<EOF
$client.tls_enabled	true
$client.tls_cert_path	$tls/member.crt
$client.tls_key_path	$tls/member.key
$client.tls_ca_path	$tls/ca.crt
$client.tls_server_name	$CLUSTER_SERVER_NAME
$client.tls_insecure_skip_verify	false
EOF
  done
}

# server.grpc_listen_port of the config as Tempo reads it, else Tempo's default.
config_grpc_port() {
  local documents port
  documents="$(config_documents "$1" env_value)" || return 1
  port="$("$GOJQ_BIN" --raw-output 'try .[0].server.grpc_listen_port // empty' <<<"$documents")"
  echo "${port:-${PORT_DEFAULTS[TEMPO_GRPC_LISTEN_PORT]}}"
}

# While gojq reads and writes the config, each ${VAR} reference is a token
# that any YAML context takes as it is (a flow mapping does not take "{"): the
# member's config keeps the references for Tempo to expand.
readonly ENV_REF_TOKEN=TEMPO_ENV_REF_
ENV_REFS=()
env_ref_token() {
  ENV_REFS+=("$1")
  REPLY="$ENV_REF_TOKEN$((${#ENV_REFS[@]} - 1))_"
}

# member_config FILE OVERLAY: prints the config of FILE with the keys of
# OVERLAY (cluster_overlay's lines) set, as YAML. Each overlay line becomes a
# YAML value in block context, as in a config file; gojq deep-merges them over
# the app's config, whatever its style (flow mappings, quoted keys, anchors).
member_config() {
  local file="$1" overlay="$2" text path value pairs="" keys out i
  text="$(<"$file")"
  [[ "$text" != *"$ENV_REF_TOKEN"* ]] || {
    echo "the config contains $ENV_REF_TOKEN, which the launcher uses for its own" >&2
    return 1
  }
  ENV_REFS=()
  map_env_refs "$text" env_ref_token || return 1
  while IFS=$'\t' read -r path value; do
    [[ -n "$path" ]] || continue
    pairs+="- path: $path"$'\n'"  value: $value"$'\n'
  done <<<"$overlay"
  # shellcheck disable=SC2016 # $e and $keys are gojq's
  keys="$("$GOJQ_BIN" --yaml-input --slurp --compact-output \
    'reduce (.[0] // [])[] as $e ({}; setpath($e.path | split("."); $e.value))' <<<"$pairs")" &&
    out="$("$GOJQ_BIN" --yaml-input --slurp --yaml-output --argjson keys "$keys" '(.[0] // {}) * $keys' <<<"$MAPPED")" ||
    return 1
  for i in "${!ENV_REFS[@]}"; do
    out="${out//"$ENV_REF_TOKEN${i}_"/"${ENV_REFS[i]}"}"
  done
  printf '%s\n' "$out"
}

# Raw SHA-256 of a purpose and TEMPO_CLUSTER_SECRET (printf is a builtin: the
# secret reaches openssl on its stdin only, never in an argv).
cluster_derive() {
  printf 'create-tempo-scalingo cluster %s\n%s' "$1" "$TEMPO_CLUSTER_SECRET" | openssl dgst -sha256 -binary
}

# Sets CLUSTER_LABEL, memberlist's gate, from TEMPO_CLUSTER_SECRET: letters and
# digits without a word in them, since the masking of its fragments must not
# hide ordinary words (nor the hex of ids) in the log. As secret as the secret
# it derives from, and Tempo logs it at start: exported under a secret-looking
# name before the output is masked (mask_output reads its secrets then).
# Nothing without the secret or openssl (cluster_setup says what is missing).
export_cluster_label() {
  local label
  [[ -n "${TEMPO_CLUSTER_SECRET:-}" ]] && command -v openssl >/dev/null || return 0
  label="$(cluster_derive label | base64 -w0 | tr -dc 'A-Za-z0-9')"
  CLUSTER_LABEL="${label:0:32}"
  export TEMPO_CLUSTER_LABEL_SECRET="$CLUSTER_LABEL"
}

# Makes the member's TLS material in DIR (0700): the cluster's CA, the same
# on every member (an Ed25519 key whose seed derives from the secret, in a
# self-signed certificate with a fixed subject, serial and dates), and a fresh
# key and certificate of this member signed by it, for both ends of every
# connection. Sets CLUSTER_TLS_DIR and CLUSTER_LABEL (memberlist's gate).
cluster_make_tls() {
  local dir="$1" status=0
  # In the background: errexit holds inside (a subshell tested by || ignores it).
  (
    umask 077
    mkdir -p "$dir"
    cd "$dir" || exit 1
    # PKCS#8 DER of an Ed25519 private key: a fixed prefix, then the 32-byte seed.
    { printf '\x30\x2e\x02\x01\x00\x30\x05\x06\x03\x2b\x65\x70\x04\x22\x04\x20' && cluster_derive ca; } |
      openssl pkey -inform DER -out ca.key
    cat >openssl.cnf <<EOF
[ca]
default_ca = cluster
[cluster]
database = index.txt
new_certs_dir = .
serial = serial
default_md = default
policy = names
unique_subject = no
copy_extensions = none
[names]
commonName = supplied
[req]
distinguished_name = dn
[dn]
[ca_cert]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign
subjectKeyIdentifier = hash
[member_cert]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth,clientAuth
subjectAltName = DNS:$CLUSTER_SERVER_NAME
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
    : >index.txt
    echo 01 >serial
    openssl req -new -config openssl.cnf -key ca.key -subj "/CN=Tempo cluster CA" -out ca.csr
    openssl ca -batch -config openssl.cnf -selfsign -keyfile ca.key -in ca.csr -extensions ca_cert \
      -startdate 20000101000000Z -enddate 99991231235959Z -notext -out ca.crt
    openssl genpkey -algorithm ed25519 -out member.key
    openssl req -new -config openssl.cnf -key member.key -subj "/CN=$CLUSTER_SERVER_NAME" -out member.csr
    # A random serial; valid from an hour ago, for members whose clocks differ a little.
    openssl rand -hex 16 >serial
    openssl ca -batch -config openssl.cnf -keyfile ca.key -cert ca.crt -in member.csr -extensions member_cert \
      -startdate "$(date -u -d '1 hour ago' +%Y%m%d%H%M%SZ)" -enddate 99991231235959Z -notext -out member.crt
    # Only what Tempo reads stays: no member needs the CA's key once signed.
    rm -f ca.key ./*.csr ./*.pem index.txt* serial* openssl.cnf
  ) >"$dir.log" 2>&1 &
  wait $! || status=$?
  ((status == 0)) || die "Could not make the cluster member's certificates: $(<"$dir.log")"
  rm -f "$dir.log"
  CLUSTER_TLS_DIR="$dir"
  [[ -n "$CLUSTER_LABEL" ]] || export_cluster_label
}

# cluster_render_config PRIVATE_DIR TEMPO_BIN
# Writes the member's config (the app's config with the overlay) and its TLS
# material into PRIVATE_DIR, has Tempo verify the config, and points
# TEMPO_CONFIG_FILE at it. Nothing for a single container.
# shellcheck disable=SC2034 # TEMPO_CONFIG_FILE is read by the launcher
cluster_render_config() {
  local private_dir="$1" tempo_bin="$2" member="$1/member.yaml" overlay out
  [[ "$CLUSTER_MODE" == on ]] || return 0
  cluster_make_tls "$private_dir/cluster-tls"
  if ! overlay="$(cluster_overlay "$TEMPO_CONFIG_FILE")" ||
    ! (umask 077 && member_config "$TEMPO_CONFIG_FILE" "$overlay" >"$member"); then
    die "Could not write the cluster member's config"
  fi
  TEMPO_CONFIG_FILE="$member"
  out="$(timeout 60 "$tempo_bin" -config.verify=true -config.expand-env=true "-config.file=$member" 2>&1)" || {
    warn "Tempo rejects the cluster member's config (the app's config with the member's keys):"
    indent <<<"$out" >&2
    die "Fix what Tempo names above in the app's Tempo config."
  }
  info "Cluster member $CLUSTER_ID: gRPC and memberlist on $CLUSTER_ADDRESS (TLS, cluster certificates only), joining $CLUSTER_JOIN, replication factor $CLUSTER_RF"
}

# A member that crashed and came back under another address (another id)
# leaves its old ring entry behind for good (Tempo 2.x never forgets an
# ingester), and the ranges it held refuse writes. Once a second from the
# launcher's supervision loop: every min(30, TEMPO_CLUSTER_FORGET_AFTER) s,
# entries without a heartbeat for TEMPO_CLUSTER_FORGET_AFTER seconds are
# forgotten through Tempo's own ring page. Live members heartbeat every second.
cluster_tick() {
  [[ "$CLUSTER_MODE" == on ]] || return 0
  local period=$((CLUSTER_FORGET_AFTER < 30 ? CLUSTER_FORGET_AFTER : 30))
  ((CLUSTER_TICKS++ % period == 0)) || return 0
  cluster_forget_dead "$CLUSTER_FORGET_AFTER"
}

cluster_forget_dead() {
  local after="$1" url="http://$TEMPO_LISTEN_HOST:$TEMPO_HTTP_LISTEN_PORT/ingester/ring" ring now id stamp beat
  ring="$(curl -s --max-time 1 -H 'Accept: application/json' "$url" 2>/dev/null)" || return 0
  now="$(date +%s)"
  # Go's encoder writes id, state, address, timestamp in this order.
  while IFS=$'\t' read -r id stamp; do
    [[ -n "$id" && "$id" != "$CLUSTER_ID" ]] || continue
    beat="$(date -d "$stamp" +%s 2>/dev/null)" || continue
    ((now - beat >= after)) || continue
    if curl -s --max-time 1 -o /dev/null -X POST --data-urlencode "forget=$id" "$url" 2>/dev/null; then
      warn "Forgot ring member $id: no heartbeat for $((now - beat)) s (a container that stopped without leaving)"
    fi
  done < <(grep -oE '"id":"[^"]*","state":"[^"]*","address":"[^"]*","timestamp":"[^"]*"' <<<"$ring" |
    sed -E 's/^"id":"([^"]*)".*"timestamp":"([^"]*)"$/\1\t\2/')
}
