# shellcheck shell=bash
# App configs for the config check that the build and the start share: the
# same config gets the same answer from both.
#
#   HIDDEN_LISTENER_CASES       names of configs whose listener or second
#                               document only a YAML parser sees
#   hidden_listener_config NAME the config (a Tempo 2.x app config)
#   hidden_listener_reason NAME  what the refusal must say
#   quoted_loopback_config      a valid config with a quoted key
#   styled_config MAJOR         a valid config in flow style, with quoted keys,
#                               anchors and aliases, lists at their key's indentation

# shellcheck disable=SC2034 # read by the suites
HIDDEN_LISTENER_CASES=(quoted-key flow-mapping escaped-receiver complex-key internal-server second-document)

# A loopback-only config, written as most are.
loopback_config() {
  cat <<YAML
server:
  http_listen_address: 127.0.0.1
  grpc_listen_address: 127.0.0.1
distributor:
  receivers:
    otlp:
      protocols:
        http:
          endpoint: 127.0.0.1:\${TEMPO_OTLP_HTTP_PORT:-4318}
memberlist:
  bind_addr: [127.0.0.1]
ingester:
  flush_all_on_shutdown: true
storage:
  trace:
    backend: local
YAML
}

hidden_listener_config() {
  case "$1" in
    quoted-key)
      loopback_config | sed 's/^  http_listen_address: 127.0.0.1$/  "http_listen_address": 0.0.0.0/'
      ;;
    flow-mapping)
      loopback_config | sed '/^  .*_listen_address:/d; s/^server:$/server: {http_listen_address: 0.0.0.0, grpc_listen_address: 127.0.0.1}/'
      ;;
    escaped-receiver | complex-key | internal-server) loopback_config ;;
    second-document)
      loopback_config | sed 's/^  http_listen_address: 127.0.0.1$/  http_listen_address: 0.0.0.0/'
      echo '---'
      loopback_config
      ;;
  esac |
    case "$1" in
      # A receiver key with a YAML escape: "zipki\x6e" is zipkin.
      escaped-receiver) sed 's/^    otlp:$/    "zipki\\x6e": {}\n    otlp:/' ;;
      complex-key) sed 's/^    otlp:$/    ? zipkin\n    :\n      endpoint: 0.0.0.0:9411\n    otlp:/' ;;
      internal-server) sed 's/^memberlist:$/internal_server: {enable: true}\nmemberlist:/' ;;
      *) cat ;;
    esac
}

hidden_listener_reason() {
  case "$1" in
    quoted-key | flow-mapping) echo 'server.http_listen_address is "0.0.0.0", not loopback' ;;
    escaped-receiver) echo 'distributor.receivers.zipkin has no endpoint: it would listen on every interface' ;;
    complex-key) echo 'distributor.receivers.zipkin.endpoint is "0.0.0.0:9411", not loopback' ;;
    internal-server) echo 'internal_server.http_listen_address is not set: Tempo would listen on every interface' ;;
    second-document) echo 'holds 2 YAML documents (separated by ---): Tempo reads the first only' ;;
  esac
}

quoted_loopback_config() {
  loopback_config | sed 's/^  http_listen_address: 127.0.0.1$/  "http_listen_address": 127.0.0.1/'
}

styled_config() {
  cat <<'YAML'
"server": {http_listen_address: 127.0.0.1, grpc_listen_address: 127.0.0.1, grpc_listen_port: ${TEMPO_GRPC_LISTEN_PORT:-9095}}
distributor:
  receivers: {otlp: {protocols: {http: {endpoint: "127.0.0.1:${TEMPO_OTLP_HTTP_PORT:-4318}"}}}}
memberlist:
  bind_addr:
  - 127.0.0.1
storage:
  trace: {backend: s3, s3: {bucket: "${TEMPO_STORAGE_S3_BUCKET}", endpoint: "${TEMPO_STORAGE_S3_ENDPOINT}"}, wal: {path: /tmp/tempo/wal}}
YAML
  if (($1 == 2)); then
    cat <<'YAML'
ingester:
  "lifecycler":
    ring:
      kvstore: &kv
        store: memberlist
  flush_all_on_shutdown: true
compactor:
  ring:
    kvstore: *kv
metrics_generator:
  ring: {kvstore: *kv}
YAML
  else
    cat <<'YAML'
live_store:
  "max_block_duration": 5s
  wal: &wal {path: /tmp/tempo/wal/live-store}
block_builder:
  wal: *wal
YAML
  fi
}
