#!/usr/bin/env bash
# Credentials and environment of the front proxy (Caddy). Needs contract.sh, log.sh.

# The proxy's upstreams: Tempo's HTTP API (forced with -server.http-listen-port)
# and the OTLP/HTTP receiver every config must put on loopback.
readonly TEMPO_HTTP_PORT="${PORT_DEFAULTS[TEMPO_HTTP_LISTEN_PORT]}"
readonly TEMPO_OTLP_HTTP_PORT="${PORT_DEFAULTS[TEMPO_OTLP_HTTP_PORT]}"
# The hashes only serve a constant-time comparison inside Caddy's memory; a
# low cost keeps a flood of wrong passwords from eating the CPU.
readonly PROXY_BCRYPT_COST=10

# Sets TEMPO_PROXY_AUTH to "on" or "off". Fails with one message naming every
# missing or malformed credential.
check_auth() {
  local mode="${TEMPO_AUTH:-on}" name missing=() problems=()
  case "${mode,,}" in
    off | false | 0 | no)
      TEMPO_PROXY_AUTH=off
      return 0
      ;;
    on | true | 1 | yes) TEMPO_PROXY_AUTH=on ;;
    *) die "TEMPO_AUTH must be \"on\" (the default) or \"off\", not \"$mode\"" ;;
  esac

  for name in "${AUTH_VARS[@]}"; do
    [[ -n "${!name:-}" ]] || missing+=("$name")
  done
  if ((${#missing[@]} > 0)); then
    warn "Refusing to start without credentials: missing ${missing[*]}."
    warn "Set TEMPO_INGEST_TOKEN (what OTLP exporters send as 'Authorization: Bearer <token>')"
    warn "and TEMPO_QUERY_USER / TEMPO_QUERY_PASSWORD (basic auth of the Grafana datasource),"
    die "or set TEMPO_AUTH=off to run an open Tempo (anyone could push and read traces)."
  fi

  # RFC 6750 token syntax; it also keeps "*" (a wildcard for Caddy's header
  # matcher) out of the token.
  [[ "$TEMPO_INGEST_TOKEN" =~ $INGEST_TOKEN_PATTERN ]] || problems+=("TEMPO_INGEST_TOKEN: $INGEST_TOKEN_RULE")
  # A basic-auth user name cannot contain ":" and must stay one Caddyfile token.
  [[ "$TEMPO_QUERY_USER" =~ $QUERY_USER_PATTERN ]] || problems+=("TEMPO_QUERY_USER: $QUERY_USER_RULE")
  [[ "$TEMPO_QUERY_PASSWORD" =~ $PASSWORD_PATTERN ]] || problems+=("TEMPO_QUERY_PASSWORD: $PASSWORD_RULE")
  if ((${#problems[@]} > 0)); then
    local problem
    for problem in "${problems[@]}"; do warn "$problem"; done
    die "Fix the credentials above and restart."
  fi
  ((${#TEMPO_INGEST_TOKEN} >= 16)) || warn "TEMPO_INGEST_TOKEN is shorter than 16 characters: use a long random token"
  ((${#TEMPO_QUERY_PASSWORD} >= 16)) || warn "TEMPO_QUERY_PASSWORD is shorter than 16 characters: use a long random password"
}

# Prints the major.minor of CADDY as a number such as 210 (2.10), 206 (2.6).
caddy_release() {
  local version
  version="$("$1" version 2>/dev/null)" || return 1
  [[ "$version" =~ ([0-9]+)\.([0-9]+) ]] || return 1
  echo $((BASH_REMATCH[1] * 100 + BASH_REMATCH[2]))
}

# Prints the bcrypt hash of the secret read on stdin (never argv: ps shows it).
hash_secret() {
  local caddy="$1" cost_flag=()
  # Not a pipe into grep -q: with pipefail, SIGPIPE would hide the match.
  if [[ "$("$caddy" hash-password --help 2>&1)" == *--bcrypt-cost* ]]; then
    cost_flag=(--bcrypt-cost "$PROXY_BCRYPT_COST")
  fi
  "$caddy" hash-password "${cost_flag[@]}"
}

# Exports what the Caddyfile reads. The hashes are computed in the background
# (about a second each on older Caddy); wait_proxy_env collects them.
prepare_proxy_env() {
  local caddy="$1" run_dir="$2" release
  export TEMPO_PROXY_AUTH
  export TEMPO_PROXY_RUN_DIR="$run_dir"
  export TEMPO_PROXY_API_UPSTREAM="$TEMPO_LISTEN_HOST:$TEMPO_HTTP_PORT"
  export TEMPO_PROXY_OTLP_UPSTREAM="$TEMPO_LISTEN_HOST:$TEMPO_OTLP_HTTP_PORT"
  release="$(caddy_release "$caddy")" || die "Could not run $caddy version"
  if ((release >= 208)); then
    export TEMPO_PROXY_BASIC_AUTH=basic_auth
  else
    export TEMPO_PROXY_BASIC_AUTH=basicauth
  fi
  HASH_PIDS=()
  [[ "$TEMPO_PROXY_AUTH" == on ]] || return 0
  printf '%s\n' "$TEMPO_INGEST_TOKEN" | hash_secret "$caddy" >"$run_dir/ingest.hash" &
  HASH_PIDS+=($!)
  printf '%s\n' "$TEMPO_QUERY_PASSWORD" | hash_secret "$caddy" >"$run_dir/query.hash" &
  HASH_PIDS+=($!)
}

wait_proxy_env() {
  local run_dir="$1" pid
  for pid in "${HASH_PIDS[@]}"; do
    wait "$pid" || die "caddy hash-password failed"
  done
  [[ "$TEMPO_PROXY_AUTH" == on ]] || return 0
  TEMPO_PROXY_INGEST_HASH="$(<"$run_dir/ingest.hash")"
  TEMPO_PROXY_QUERY_HASH="$(<"$run_dir/query.hash")"
  rm -f "$run_dir/ingest.hash" "$run_dir/query.hash"
  # bcrypt, raw ($2a$...) or base64 depending on Caddy's version: one token.
  [[ "$TEMPO_PROXY_INGEST_HASH" =~ ^[A-Za-z0-9./\$+=]+$ && "$TEMPO_PROXY_QUERY_HASH" =~ ^[A-Za-z0-9./\$+=]+$ ]] ||
    die "caddy hash-password did not print a bcrypt hash"
  export TEMPO_PROXY_INGEST_HASH TEMPO_PROXY_QUERY_HASH
}
