# What the buildpack checks in a Tempo config, read as Tempo reads it: the
# input is the array of the YAML documents of the config, ${VAR} references
# already expanded (gojq --yaml-input --slurp). Prints tab-separated lines:
#   documents<TAB>N          more than one document (Tempo reads the first only)
#   not-a-mapping<TAB>TYPE   the document is not a mapping
#   listener<TAB>TEXT        a listener beyond loopback, and what to write instead
#   warning<TAB>TEXT         a setting that loses traces on this platform
#   backend<TAB>NAME         the storage backend
#   s3-prefix<TAB>PREFIX     the S3 prefix of its objects
# Arguments: $port (the OTLP/HTTP port the proxy sends to), $drain (seconds of
# TEMPO_DRAIN_WAIT), $major (Tempo's major version), $cluster (on at the start
# of a cluster member, whose memberlist address the launcher sets).

def show: if type == "string" then . else tojson end;

# The value at PATH, or null (also where a parent is not a mapping).
def get($path): try getpath($path) catch null;

# The host of "host", "host:port", "[v6]:port" or a bare IPv6 address.
def host:
  if test("^\\[") then capture("^\\[(?<h>[^\\]]*)\\]").h
  elif test(":.*:") then .
  else sub(":[^:]*$"; "") end;

def loopback:
  type == "string" and (host | test("^127\\.[0-9]+\\.[0-9]+\\.[0-9]+$") or . == "localhost" or . == "::1");

# Tempo reads its config with YAML 1.1 booleans.
def truthy: . == true or (type == "string" and test("^(y|Y|yes|Yes|YES|on|On|ON|true|True|TRUE)$"));

# A Go duration ("5s", "1m30s", "500ms") in seconds; null if it is not one.
def seconds:
  if type == "number" then . / 1e9
  elif type != "string" then null
  else
    [scan("([0-9]+(?:\\.[0-9]+)?)(ns|us|µs|ms|s|m|h)")] as $parts
    | if ($parts | length) > 0 and ($parts | map(add) | add) == .
      then $parts | map((.[0] | tonumber) * {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}[.[1]]) | add
      else null end
  end;

def listener($path; $value; $fix):
  if $value == null then "listener\t\($path) is not set: Tempo would listen on every interface. \($fix)"
  elif ($value | loopback) then empty
  else "listener\t\($path) is \"\($value | show)\", not loopback. \($fix)" end;

def server_listeners:
  ("http_listen_address", "grpc_listen_address") as $key
  | listener("server.\($key)"; get(["server", $key]); "Add under server:  \($key): 127.0.0.1");

# Every receiver listens, on every interface by default, except Kafka's (a
# consumer). otlp and jaeger listen once per protocol.
def receiver_listeners:
  get(["distributor", "receivers"]) | objects | to_entries[]
  | .key as $name | (.value // {}) as $receiver | "distributor.receivers.\($name)" as $path
  | if $name == "kafka" then empty
    elif ($receiver | type) != "object" then "listener\t\($path) is not a mapping of receiver settings"
    elif $receiver | has("protocols") then
      $receiver.protocols | objects | to_entries[]
      | "\($path).protocols.\(.key)" as $protocol | (.value // {}) as $settings
      | if ($settings | type) != "object" or ($settings | has("endpoint") | not) or $settings.endpoint == null then
          "listener\t\($protocol) has no endpoint: it would listen on every interface. Add under it:  endpoint: 127.0.0.1:<port>"
        else listener("\($protocol).endpoint"; $settings.endpoint; "Use 127.0.0.1:<port>") end
    elif $name == "otlp" or $name == "jaeger" then
      "listener\t\($path) names no protocols: list them under protocols:, each with endpoint: 127.0.0.1:<port>"
    elif ($receiver | has("endpoint") | not) or $receiver.endpoint == null then
      "listener\t\($path) has no endpoint: it would listen on every interface. Add under it:  endpoint: 127.0.0.1:<port>"
    else listener("\($path).endpoint"; $receiver.endpoint; "Use 127.0.0.1:<port>") end;

# Tempo's second server (health checks), when enabled: HTTP, and gRPC on a
# random port.
def internal_server_listeners:
  if (get(["internal_server", "enable"]) | truthy | not) then empty
  else ("http_listen_address", "grpc_listen_address") as $key
    | listener("internal_server.\($key)"; get(["internal_server", $key]);
      "Add under internal_server:  \($key): 127.0.0.1 (or remove internal_server)")
  end;

# Memberlist listens on every interface unless bound, and any Tempo that
# reaches it joins the ring. A cluster member's bind address is the launcher's.
def memberlist_listeners:
  get(["memberlist", "bind_addr"]) as $bind
  | "Add under memberlist:  bind_addr: [127.0.0.1]" as $fix
  | if $cluster == "on" then empty
    elif ($bind | type) != "array" or ($bind | length) == 0 then
      "listener\tmemberlist.bind_addr is not set: memberlist would listen on every interface. \($fix)"
    else $bind[] | listener("memberlist.bind_addr"; .; $fix) end;

def warnings:
  (get(["distributor", "receivers", "otlp", "protocols", "http", "endpoint"]) as $endpoint
   | if ($endpoint | type) == "string" and ($endpoint | endswith(":\($port)")) then empty
     else "warning\tThe config does not put the OTLP/HTTP receiver on 127.0.0.1:\($port) (TEMPO_OTLP_HTTP_PORT), where the proxy sends traces: use endpoint: 127.0.0.1:${TEMPO_OTLP_HTTP_PORT}" end),
  (if $major == 2 then
     if (get(["ingester", "flush_all_on_shutdown"]) | truthy) then empty
     else "warning\tThe config does not set ingester.flush_all_on_shutdown: true: traces not yet", "warning\tflushed are lost at every restart and deploy." end
   else
     get(["live_store", "max_block_duration"]) as $duration
     | (($duration | seconds) // 30) as $seconds
     | if $drain >= $seconds + 2 then empty
       else "warning\tlive_store.max_block_duration is \(if $duration == null then "30s (the default)" else $duration | show end), longer than TEMPO_DRAIN_WAIT (\($drain) s)",
         "warning\tallows: traces of the last blocks are lost at every restart. Use a few seconds." end
   end);

if length > 1 then "documents\t\(length)"
else
  (.[0] // {}) as $config
  | if ($config | type) != "object" then "not-a-mapping\t\($config | type)"
    else $config
      | server_listeners, receiver_listeners, internal_server_listeners, memberlist_listeners, warnings,
        "backend\t\(get(["storage", "trace", "backend"]) // "" | show)",
        "s3-prefix\t\(get(["storage", "trace", "s3", "prefix"]) // "" | show)"
    end
end
