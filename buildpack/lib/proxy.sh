#!/usr/bin/env bash
# Credentials and environment of the front proxy (Caddy). Needs contract.sh,
# log.sh and settings.sh.

# Sets TEMPO_PROXY_AUTH to "on" or "off". Fails with one message naming every
# missing, malformed or weak credential.
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
  # A basic-auth user name cannot contain ":".
  [[ "$TEMPO_QUERY_USER" =~ $QUERY_USER_PATTERN ]] || problems+=("TEMPO_QUERY_USER: $QUERY_USER_RULE")
  [[ "$TEMPO_QUERY_PASSWORD" =~ $PASSWORD_PATTERN ]] || problems+=("TEMPO_QUERY_PASSWORD: $PASSWORD_RULE")
  local weakness
  weakness="$(credential_weakness "$TEMPO_INGEST_TOKEN")" ||
    problems+=("TEMPO_INGEST_TOKEN $weakness: use a long random token (e.g. openssl rand -hex 32)")
  weakness="$(credential_weakness "$TEMPO_QUERY_PASSWORD")" ||
    problems+=("TEMPO_QUERY_PASSWORD $weakness: use a long random password (e.g. openssl rand -hex 32)")
  [[ "$TEMPO_QUERY_PASSWORD" != "$TEMPO_INGEST_TOKEN" ]] ||
    problems+=("TEMPO_QUERY_PASSWORD is the same as TEMPO_INGEST_TOKEN: every exporter could read all traces. Use two different secrets")
  if ((${#problems[@]} > 0)); then
    local problem
    for problem in "${problems[@]}"; do warn "$problem"; done
    die "Fix the credentials above and restart."
  fi
}

# Prints what makes VALUE too weak and fails, or succeeds silently. Counts
# characters (UTF-8 code points) as the CLI does, whatever the locale: a byte
# that continues a character (0x80-0xBF) joins the one before.
credential_weakness() {
  local LC_ALL=C value="$1" i byte char="" count=0
  local -A seen=()
  for ((i = 0; i < ${#value}; i++)); do
    byte="${value:i:1}"
    if [[ "$byte" == [$'\x80'-$'\xbf'] ]]; then
      char+="$byte"
      continue
    fi
    [[ -z "$char" ]] || seen["$char"]=1
    char="$byte"
    count=$((count + 1))
  done
  [[ -z "$char" ]] || seen["$char"]=1
  if ((count < CREDENTIAL_MIN_LENGTH)); then
    echo "is shorter than $CREDENTIAL_MIN_LENGTH characters"
    return 1
  fi
  if ((${#seen[@]} < CREDENTIAL_MIN_DISTINCT)); then
    echo "uses fewer than $CREDENTIAL_MIN_DISTINCT different characters"
    return 1
  fi
}

# Exports what the Caddyfile reads: every {$...} value is validated here,
# since Caddy substitutes them before parsing.
prepare_proxy_env() {
  export TEMPO_PROXY_AUTH TEMPO_PROXY_MAX_INGEST_REQUESTS
  export TEMPO_PROXY_RUN_DIR="$RUN_DIR"
  export TEMPO_PROXY_API_UPSTREAM="$TEMPO_LISTEN_HOST:$TEMPO_HTTP_LISTEN_PORT"
  export TEMPO_PROXY_OTLP_UPSTREAM="$TEMPO_LISTEN_HOST:$TEMPO_OTLP_HTTP_PORT"
  # One byte more is read than a body may hold: a chunked body that long is too large.
  export TEMPO_PROXY_MAX_BODY_BYTES="$MAX_INGEST_BODY_BYTES" TEMPO_PROXY_BODY_READ_LIMIT=$((MAX_INGEST_BODY_BYTES + 1))
  TEMPO_PROXY_GRACE_PERIOD="$(duration_setting TEMPO_PROXY_GRACE_PERIOD)"
  TEMPO_PROXY_READ_HEADER_TIMEOUT="$(duration_setting TEMPO_PROXY_READ_HEADER_TIMEOUT)"
  TEMPO_PROXY_READ_BODY_TIMEOUT="$(duration_setting TEMPO_PROXY_READ_BODY_TIMEOUT)"
  TEMPO_PROXY_IDLE_TIMEOUT="$(duration_setting TEMPO_PROXY_IDLE_TIMEOUT)"
  export TEMPO_PROXY_GRACE_PERIOD TEMPO_PROXY_READ_HEADER_TIMEOUT TEMPO_PROXY_READ_BODY_TIMEOUT TEMPO_PROXY_IDLE_TIMEOUT
  # read_body bounds the whole request from its first byte, headers included
  # (at most read_header): a chunked body cut by it has been read for at least
  # the difference when Caddy sees its end.
  local body_ms header_ms
  body_ms="$(duration_ms "$TEMPO_PROXY_READ_BODY_TIMEOUT")"
  header_ms="$(duration_ms "$TEMPO_PROXY_READ_HEADER_TIMEOUT")"
  ((body_ms > header_ms)) ||
    die "TEMPO_PROXY_READ_BODY_TIMEOUT ($TEMPO_PROXY_READ_BODY_TIMEOUT) must be longer than TEMPO_PROXY_READ_HEADER_TIMEOUT ($TEMPO_PROXY_READ_HEADER_TIMEOUT): it bounds the whole request, headers included"
  export TEMPO_PROXY_CUT_BODY_MS=$((body_ms - header_ms))
  [[ "$TEMPO_PROXY_AUTH" == on ]] || return 0
  # The exact Authorization headers to expect (printf and base64 read no argv
  # secret: printf is a builtin).
  TEMPO_PROXY_INGEST_BASIC="$(printf '%s:%s' "$INGEST_BASIC_USER" "$TEMPO_INGEST_TOKEN" | base64 -w0)"
  TEMPO_PROXY_QUERY_BASIC="$(printf '%s:%s' "$TEMPO_QUERY_USER" "$TEMPO_QUERY_PASSWORD" | base64 -w0)"
  export TEMPO_PROXY_INGEST_BASIC TEMPO_PROXY_QUERY_BASIC
}

# Turns the Caddyfile into RUN_DIR/caddy.json with config persistence off
# (Caddy would save its running config to disk; Caddy 2.6's Caddyfile cannot
# say otherwise).
adapt_proxy_config() {
  local caddy="$1" json
  json="$("$caddy" adapt --config "$BP_DIR/Caddyfile" --adapter caddyfile 2>"$RUN_DIR/adapt.log")" ||
    die "Caddy rejects the proxy config: $(<"$RUN_DIR/adapt.log")"
  [[ "$json" == '{"admin":{"disabled":true}'* ]] ||
    die "Unexpected output of caddy adapt: ${json:0:80}"
  printf '%s\n' '{"admin":{"disabled":true,"config":{"persist":false}}'"${json#'{"admin":{"disabled":true}'}" \
    >"$RUN_DIR/caddy.json"
}

# check_auth, then says which credentials guard what, or loudly that none do.
check_credentials() {
  check_auth
  if [[ "$TEMPO_PROXY_AUTH" == off ]]; then
    loud_warning "$WARNING_AUTH_OFF"
  else
    info "Auth: ingest with TEMPO_INGEST_TOKEN, queries with TEMPO_QUERY_USER/TEMPO_QUERY_PASSWORD"
  fi
}
