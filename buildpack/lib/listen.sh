#!/usr/bin/env bash
# Where a Tempo config makes Tempo listen. Tempo's HTTP API, gRPC and receivers
# are unauthenticated: they must stay on loopback, the proxy being the only way
# in. Tempo has no flag for the listen addresses, so the config must say so.
# Needs BP_DIR (for yaml-paths.awk).

# Expands ${VAR} and ${VAR:-default} in TEXT as Tempo's -config.expand-env
# does, looking values up with the function LOOKUP NAME (prints the value).
expand_env_refs() {
  local text="$1" lookup="$2" out="" name value
  while [[ "$text" =~ ^([^$]*)\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\}(.*)$ ]]; do
    name="${BASH_REMATCH[2]}"
    out+="${BASH_REMATCH[1]}"
    value="$("$lookup" "$name")"
    [[ -n "$value" || -z "${BASH_REMATCH[3]}" ]] || value="${BASH_REMATCH[4]}"
    out+="$value"
    text="${BASH_REMATCH[5]}"
  done
  printf '%s' "$out$text"
}

# Succeeds when HOST (or HOST:PORT) is a loopback address.
is_loopback() {
  local host="$1"
  if [[ "$host" == \[*\]* ]]; then
    host="${host#[}"
    host="${host%%]*}"
  elif [[ "$host" == *:*:* ]]; then
    : # a bare IPv6 address
  else
    host="${host%:*}"
  fi
  [[ "$host" =~ ^127\.[0-9]+\.[0-9]+\.[0-9]+$ || "$host" == localhost || "$host" == ::1 ]]
}

# Prints one line per listener of CONFIG_FILE that is not on loopback, each
# saying what to add. LOOKUP resolves ${VAR} references (see expand_env_refs).
exposed_listeners() {
  local file="$1" lookup="$2" path value receiver
  local -A paths=()
  while IFS=$'\t' read -r path value; do
    paths["$path"]="$value"
  done < <(awk -f "$BP_DIR/lib/yaml-paths.awk" "$file")

  for path in server.http_listen_address server.grpc_listen_address; do
    if [[ ! -v "paths[$path]" ]]; then
      echo "$path is not set: Tempo would listen on every interface. Add under server:  ${path#server.}: 127.0.0.1"
      continue
    fi
    value="$(expand_env_refs "${paths[$path]}" "$lookup")"
    is_loopback "$value" ||
      echo "$path is \"$value\", not loopback. Set it to 127.0.0.1"
  done

  # Receivers: every protocol block must name a loopback endpoint (their
  # defaults listen on every interface).
  for path in "${!paths[@]}"; do
    [[ "$path" =~ ^distributor\.receivers\.([^.]+)(\.protocols\.([^.]+))?$ ]] || continue
    receiver="${BASH_REMATCH[1]}"
    [[ -n "${BASH_REMATCH[2]}" || "$receiver" == zipkin ]] || continue
    if [[ ! -v "paths[$path.endpoint]" ]]; then
      echo "$path has no endpoint: it would listen on every interface. Add under it:  endpoint: 127.0.0.1:<port>"
      continue
    fi
    value="$(expand_env_refs "${paths[$path.endpoint]}" "$lookup")"
    is_loopback "$value" ||
      echo "$path.endpoint is \"$value\", not loopback. Use 127.0.0.1:<port>"
  done
}
