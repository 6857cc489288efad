#!/usr/bin/env bash
# How Tempo reads its config file: ${VAR} references expanded in the text, then
# the YAML parsed. Tempo's HTTP API, gRPC, receivers and memberlist are
# unauthenticated: config.jq checks that they stay on loopback, the proxy
# being the only way in (Tempo has no flag for the listen addresses).
# Needs GOJQ_BIN (the gojq the build installed: use_gojq in config.sh).

# map_env_refs TEXT FUNCTION: sets MAPPED to TEXT with each ${VAR} and
# ${VAR:-default} replaced by what FUNCTION REF NAME HAS_DEFAULT DEFAULT leaves
# in REPLY; a lone $ stays as it is, as in Tempo. Fails, naming it on stderr,
# on any other ${...} form (Tempo expands more of them: they could hide a key
# from the checks).
map_env_refs() {
  local text="$1" fn="$2" out="" rest
  while [[ "$text" == *'$'* ]]; do
    out+="${text%%\$*}"
    text="\$${text#*\$}"
    if [[ "$text" =~ ^\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}$]*))?\}(.*)$ ]]; then
      rest="${BASH_REMATCH[4]}"
      "$fn" "${text:0:${#text}-${#rest}}" "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]:+yes}" "${BASH_REMATCH[3]}"
      out+="$REPLY"
      text="$rest"
    elif [[ "$text" == "\${"* || "$text" == "\$\${"* ]]; then
      rest="${text%%$'\n'*}"
      echo "it uses a \${...} form other than \${VAR} and \${VAR:-default}: ${rest:0:60}" >&2
      return 1
    else
      out+='$'
      text="${text:1}"
    fi
  done
  MAPPED="$out$text"
}

# Expands ${VAR} and ${VAR:-default} in TEXT as Tempo's -config.expand-env
# does, looking values up with the function LOOKUP NAME (prints the value).
expand_env_refs() {
  ENV_LOOKUP="$2"
  map_env_refs "$1" expand_env_ref || return 1
  printf '%s' "$MAPPED"
}

expand_env_ref() {
  REPLY="$("$ENV_LOOKUP" "$2")"
  [[ -n "$REPLY" || -z "$3" ]] || REPLY="$4"
}

# config_documents FILE LOOKUP: prints the YAML documents of FILE, its ${VAR}
# references expanded, as one JSON array. Fails with the reason on stderr;
# the YAML parser's excerpt of the text is left out (it may show a secret).
config_documents() {
  local file="$1" lookup="$2" text err
  text="$(expand_env_refs "$(<"$file")" "$lookup")" || return 1
  err="$(mktemp)"
  if printf '%s\n' "$text" | "$GOJQ_BIN" --yaml-input --slurp --compact-output . 2>"$err"; then
    rm -f "$err"
    return 0
  fi
  # gojq: invalid yaml: <stdin>:LINE / excerpt / ^  MESSAGE
  sed -nE '1s/^.*<stdin>:([0-9]+).*$/line \1:/p; s/^[[:space:]]*\^[[:space:]]+//p' "$err" | paste -sd' ' >&2
  rm -f "$err"
  return 1
}
