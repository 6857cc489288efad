#!/usr/bin/env bash
# Generated from data/contract.json by `npm run build`: edit the contract, not this file.
# shellcheck disable=SC2034 # read by the scripts that source this file

readonly DEFAULT_TEMPO_VERSION=2.10.8
readonly TEMPO_KNOWN_VERSIONS=(2.10.8 2.4.0 3.0.3)
declare -grA TEMPO_VERSION_MAJOR=([2.10.8]=2 [2.4.0]=2 [3.0.3]=3)
declare -grA TEMPO_MAJOR_TEMPLATE=([2]=tempo-2.yaml [3]=tempo-3.yaml)
# Versions of a major older than TEMPO_METRICS_SINCE run this default template (no metrics-generator).
readonly TEMPO_METRICS_SINCE=2.6.0
declare -grA TEMPO_MAJOR_TEMPLATE_BEFORE_METRICS=([2]=tempo-2-no-metrics.yaml)

# Internal ports: variable name → default.
declare -grA PORT_DEFAULTS=([TEMPO_HTTP_LISTEN_PORT]=3200 [TEMPO_OTLP_HTTP_PORT]=4318 [TEMPO_OTLP_GRPC_PORT]=4317 [TEMPO_MEMBERLIST_PORT]=7946 [TEMPO_GRPC_LISTEN_PORT]=9095)

# Variables the buildpack reads, with their defaults.
declare -grA RUNTIME_DEFAULTS=([TEMPO_AUTH]=on [TEMPO_CONFIG_YAML]='' [TEMPO_STORAGE_S3_PREFIX]='' [GOMEMLIMIT]='' [TEMPO_READY_TIMEOUT]=50 [TEMPO_SHUTDOWN_TIMEOUT]=25 [TEMPO_DRAIN_WAIT]=10 [TEMPO_STOP_GRACE]=2 [TEMPO_PROXY_GRACE_PERIOD]=2s [TEMPO_PROXY_READ_HEADER_TIMEOUT]=5s [TEMPO_PROXY_READ_BODY_TIMEOUT]=30s [TEMPO_PROXY_IDLE_TIMEOUT]=60s [TEMPO_INGESTION_RATE_LIMIT_BYTES]=4096000 [TEMPO_INGESTION_BURST_SIZE_BYTES]=4096000 [TEMPO_GENERATOR_MAX_LIVE_TRACES_BYTES]=16777216 [TEMPO_PROXY_MAX_INGEST_REQUESTS]=2 [TEMPO_CLUSTER]=auto [TEMPO_CLUSTER_SIZE]='' [TEMPO_CLUSTER_SECRET]='' [TEMPO_CLUSTER_ADDRESS]='' [TEMPO_CLUSTER_JOIN]='' [TEMPO_CLUSTER_FORGET_AFTER]=600)
declare -grA BUILD_DEFAULTS=([TEMPO_VERSION]=2.10.8 [TEMPO_CHECKSUM]='' [TEMPO_DOWNLOAD_URL]=https://github.com/grafana/tempo/releases/download [CADDY_VERSION]=2.11.4 [CADDY_CHECKSUM]='' [CADDY_DOWNLOAD_URL]=https://github.com/caddyserver/caddy/releases/download [GOJQ_VERSION]=0.12.14 [GOJQ_CHECKSUM]=bba46db596b5bcb3b21a0ea4aa8b10c1813f76be1f4525fe04f9f4a9141cdc1b [GOJQ_DOWNLOAD_URL]=https://github.com/itchyny/gojq/releases/download)
readonly PORT_VARS=(TEMPO_HTTP_LISTEN_PORT TEMPO_OTLP_HTTP_PORT TEMPO_OTLP_GRPC_PORT TEMPO_MEMBERLIST_PORT TEMPO_GRPC_LISTEN_PORT)

# Ingest limits from the container memory (MiB): bytes/s per MiB, MiB per request in flight.
readonly INGEST_RATE_BYTES_PER_MIB=8000
readonly INGEST_MIB_PER_REQUEST=256
readonly MIN_INGEST_REQUESTS=2
readonly GENERATOR_LIVE_BYTES_PER_MIB=32768
readonly UNKNOWN_MEMORY_MIB=512
readonly MAX_INGEST_BODY_BYTES=20971520
readonly S3_REQUIRED_VARS=(TEMPO_STORAGE_S3_BUCKET TEMPO_STORAGE_S3_ENDPOINT TEMPO_STORAGE_S3_ACCESS_KEY_ID TEMPO_STORAGE_S3_SECRET_ACCESS_KEY)
readonly AUTH_VARS=(TEMPO_INGEST_TOKEN TEMPO_QUERY_USER TEMPO_QUERY_PASSWORD)

# Credential rules (POSIX ERE, shared with the CLI).
readonly CREDENTIAL_MIN_LENGTH=16
readonly CREDENTIAL_MIN_DISTINCT=5
readonly INGEST_BASIC_USER=otlp
readonly INGEST_TOKEN_PATTERN=$'^[A-Za-z0-9._~+/-]+=*$'
readonly INGEST_TOKEN_RULE=$'tokens use letters, digits and . _ ~ + / - only, optionally ending with = (RFC 6750)'
readonly QUERY_USER_PATTERN=$'^[A-Za-z0-9._@+-]{1,64}$'
readonly QUERY_USER_RULE=$'user names are 1 to 64 letters, digits, ".", "_", "@", "+" or "-"'
readonly PASSWORD_PATTERN=$'^[^\x01-\x1f\x7f]+$'
readonly PASSWORD_RULE=$'credentials are a single line without control characters'

# Set by the app manifest in review apps only.
readonly REVIEW_APP_MARKER=IS_REVIEW_APP
readonly REVIEW_APP_MARKER_VALUE=true

# Old-style Tempo keys → their current place.
declare -grA LEGACY_PATHS=([storage.trace_by_id]=storage.trace.backend [storage.wal]=storage.trace.wal [storage.s3]=storage.trace.s3)
declare -grA LEGACY_KEYS=([access_key_id]=access_key [secret_access_key]=secret_key)

readonly WARNING_LOCAL_STORAGE=$'Storage backend is \'local\': traces live on the container\'s disk, which is wiped at every restart and deploy. EVERY TRACE WILL BE LOST. Use the s3 backend to keep them; local is for a trial only.'
readonly WARNING_AUTH_OFF=$'TEMPO_AUTH=off: authentication is DISABLED. Anyone who can reach this app can push traces and read every stored trace.'
