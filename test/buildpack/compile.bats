#!/usr/bin/env bats
# bin/detect, bin/compile and bin/release of the buildpack, against real
# tar.gz releases served by a local mirror (never the internet).

# Each test runs in a subshell of its own (SC2030/SC2031); single-quoted scripts run in a child bash.
# shellcheck disable=SC2016,SC2030,SC2031
load mirror
load assertions
load config_cases

TEMPO_ARCHIVE=/tempo/v2.10.8/tempo_2.10.8_linux_amd64.tar.gz

setup_file() {
  RELEASES="$BATS_FILE_TMPDIR/releases"
  build_release_fixtures "$RELEASES"
  # 2.99.0: SHA256SUMS lists a wrong digest.
  make_tempo_release "$RELEASES" 2.99.0
  echo "$(printf 'tampered' | sha256sum | cut -d' ' -f1)  tempo_2.99.0_linux_amd64.tar.gz" \
    >"$RELEASES/tempo/v2.99.0/SHA256SUMS"
  # 2.98.0: only the goreleaser-named checksums file.
  make_tempo_release "$RELEASES" 2.98.0
  mv "$RELEASES/tempo/v2.98.0/SHA256SUMS" "$RELEASES/tempo/v2.98.0/tempo_2.98.0_checksums.txt"
  # 2.97.0: no checksums file at all.
  make_tempo_release "$RELEASES" 2.97.0
  rm "$RELEASES/tempo/v2.97.0/SHA256SUMS"
  start_mirror "$RELEASES"
  export RELEASES
}

teardown_file() {
  stop_mirror
}

setup() {
  mirror_reset
  BUILD="$BATS_TEST_TMPDIR/build"
  CACHE="$BATS_TEST_TMPDIR/cache"
  ENV_DIR="$BATS_TEST_TMPDIR/env"
  mkdir -p "$BUILD" "$CACHE" "$ENV_DIR"
  # The build must not depend on the machine's environment...
  unset TEMPO_VERSION TEMPO_CHECKSUM TEMPO_DOWNLOAD_URL TEMPO_CONFIG_YAML \
    CADDY_VERSION CADDY_CHECKSUM CADDY_DOWNLOAD_URL GOJQ_VERSION GOJQ_CHECKSUM GOJQ_DOWNLOAD_URL
  # ...nor reach the internet: anything but the mirror goes to a dead proxy.
  export http_proxy=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9 \
    HTTPS_PROXY=http://127.0.0.1:9 no_proxy=127.0.0.1 NO_PROXY=127.0.0.1
  set_env TEMPO_DOWNLOAD_URL "$MIRROR_URL/tempo"
  set_env CADDY_DOWNLOAD_URL "$MIRROR_URL/caddy"
  mirror_gojq_env "$ENV_DIR"
}

set_env() {
  printf '%s' "$2" >"$ENV_DIR/$1"
}

set_s3_env() {
  set_env TEMPO_STORAGE_S3_BUCKET traces
  set_env TEMPO_STORAGE_S3_ENDPOINT s3.fr-par.scw.cloud
  set_env TEMPO_STORAGE_S3_ACCESS_KEY_ID SCWACCESSKEY1234
  set_env TEMPO_STORAGE_S3_SECRET_ACCESS_KEY s3-secret-value-9f8e7d
}

compile() {
  run "$REPO_ROOT/bin/compile" "$BUILD" "$CACHE" "$ENV_DIR"
}

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }
sha512_of() { sha512sum "$1" | cut -d' ' -f1; }

valid_config() {
  cat <<'YAML'
server:
  http_listen_address: 127.0.0.1
  grpc_listen_address: 127.0.0.1
memberlist:
  bind_addr: [127.0.0.1]
storage:
  trace:
    backend: local
    local:
      path: /tmp/tempo/blocks
    wal:
      path: /tmp/tempo/wal
YAML
}

@test "detect accepts any app and names the buildpack" {
  run "$REPO_ROOT/bin/detect" "$BUILD"
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  [ "$output" = "Grafana Tempo" ]
}

@test "release declares the launcher as the web process in valid YAML" {
  run "$REPO_ROOT/bin/release" "$BUILD"
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  RELEASE_YAML="$output" run node --input-type=module -e "
    import { createRequire } from 'node:module';
    const YAML = createRequire('$REPO_ROOT/package.json')('yaml');
    const doc = YAML.parse(process.env.RELEASE_YAML);
    if (doc.default_process_types.web !== '.tempo/buildpack/bin/launch') process.exit(1);
    console.log(Object.keys(doc).join(','));
  "
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  [ "$output" = "default_process_types" ]
}

@test "fresh install: tempo, caddy, run-time files and profile" {
  set_s3_env
  echo "user file" >"$BUILD/README.md"
  compile
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  contains "$output" "-----> Installing Grafana Tempo 2.10.8"
  contains "$output" "Checksum verified (sha256, from SHA256SUMS)"
  contains "$output" "-----> Installing Caddy"
  contains "$output" "Checksum verified (sha512, from caddy_"
  contains "$output" "-----> Installing gojq $FIXTURE_GOJQ_VERSION (YAML parser)"
  contains "$output" "Checksum verified (sha256, from GOJQ_CHECKSUM)"
  contains "$output" "Installed: gojq "
  contains "$output" "Config: default template for Tempo 2.x"
  [[ "$output" =~ -----\>\ Grafana\ Tempo\ 2\.10\.8\ ready\ in\ [0-9]+\.[0-9]s ]]
  [ "$(mirror_hits "$TEMPO_ARCHIVE")" -eq 1 ]

  [ -x "$BUILD/.tempo/bin/tempo" ]
  run "$BUILD/.tempo/bin/tempo" -version
  [[ "$output" == "tempo, version 2.10.8 "* ]]
  run "$BUILD/.tempo/bin/caddy" version
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  [ "$("$BUILD/.tempo/bin/gojq" --yaml-input -c .a <<<'a: {b: 1}')" = '{"b":1}' ]
  [ -x "$BUILD/.tempo/buildpack/bin/compile" ]
  [ -f "$BUILD/.tempo/buildpack/lib/config.sh" ]
  [ -f "$BUILD/.tempo/buildpack/lib/log.sh" ]
  [ -f "$BUILD/.tempo/buildpack/config/tempo-2.yaml" ]
  [ -f "$BUILD/.tempo/buildpack/config/tempo-3.yaml" ]
  [ ! -f "$REPO_ROOT/buildpack/Caddyfile" ] || [ -f "$BUILD/.tempo/buildpack/Caddyfile" ]
  [ ! -f "$REPO_ROOT/buildpack/bin/launch" ] || [ -x "$BUILD/.tempo/buildpack/bin/launch" ]
  [ "$(cat "$BUILD/README.md")" = "user file" ]

  run env -i HOME="$BUILD" PATH=/usr/bin:/bin bash -c \
    'source "$HOME/.profile.d/tempo.sh" && echo "$PATH|$TEMPO_VERSION|$TEMPO_BUILDPACK_DIR|$(command -v tempo)"'
  [ "$output" = "$BUILD/.tempo/bin:/usr/bin:/bin|2.10.8|$BUILD/.tempo/buildpack|$BUILD/.tempo/bin/tempo" ]
  run env -i HOME="$BUILD" TEMPO_VERSION=2.4.0 bash -c 'source "$HOME/.profile.d/tempo.sh" && echo "$TEMPO_VERSION"'
  [ "$output" = "2.4.0" ]
}

@test "cache hit: verified again, nothing downloaded" {
  set_s3_env
  compile
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  [ "$(mirror_hits "$TEMPO_ARCHIVE")" -eq 1 ]
  mirror_reset
  BUILD="$BATS_TEST_TMPDIR/build2"
  mkdir -p "$BUILD"
  compile
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  contains "$output" "Using the cached tempo_2.10.8_linux_amd64.tar.gz (sha256 verified)"
  contains "$output" "(sha512 verified)"
  [ ! -s "$MIRROR_LOG" ]
  [ -x "$BUILD/.tempo/bin/tempo" ]
  [ -x "$BUILD/.tempo/bin/caddy" ]
}

@test "a corrupted cache entry is downloaded again" {
  set_s3_env
  compile
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  cached="$(find "$CACHE" -name 'tempo_2.10.8_linux_amd64.tar.gz')"
  echo garbage >>"$cached"
  mirror_reset
  compile
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  contains "$output" "does not match its checksum: downloading it again"
  [ "$(mirror_hits "$TEMPO_ARCHIVE")" -eq 1 ]
}

@test "checksum mismatch with the checksums file fails, showing both hashes" {
  set_env TEMPO_VERSION 2.99.0
  compile
  [ "$status" -ne 0 ]
  contains "$output" "Checksum mismatch for tempo_2.99.0_linux_amd64.tar.gz (sha256, from SHA256SUMS)"
  contains "$output" "expected: $(printf 'tampered' | sha256sum | cut -d' ' -f1)"
  contains "$output" "actual:   $(sha256_of "$RELEASES/tempo/v2.99.0/tempo_2.99.0_linux_amd64.tar.gz")"
  [ ! -e "$BUILD/.tempo/bin/tempo" ]
  [ -z "$(find "$CACHE" -name '*.tar.gz')" ]
}

@test "TEMPO_CHECKSUM overrides the checksums file" {
  zeros="$(printf '0%.0s' {1..64})"
  set_env TEMPO_CHECKSUM "$zeros"
  compile
  [ "$status" -ne 0 ]
  contains "$output" "from TEMPO_CHECKSUM"
  contains "$output" "expected: $zeros"
  contains "$output" "actual:   $(sha256_of "$RELEASES$TEMPO_ARCHIVE")"
  [ "$(mirror_hits /tempo/v2.10.8/SHA256SUMS)" -eq 0 ]

  # Right digest, release without any checksums file: installs.
  set_s3_env
  set_env TEMPO_VERSION 2.97.0
  set_env TEMPO_CHECKSUM "$(sha256_of "$RELEASES/tempo/v2.97.0/tempo_2.97.0_linux_amd64.tar.gz" | tr a-f A-F)"
  compile
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  contains "$output" "Checksum verified (sha256, from TEMPO_CHECKSUM)"
  [ -x "$BUILD/.tempo/bin/tempo" ]
}

@test "the digest's length picks sha256 or sha512" {
  set_s3_env
  set_env TEMPO_CHECKSUM "$(sha512_of "$RELEASES$TEMPO_ARCHIVE")"
  compile
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  contains "$output" "Checksum verified (sha512, from TEMPO_CHECKSUM)"

  set_env TEMPO_CHECKSUM abc123
  rm -rf "${CACHE:?}"/*
  compile
  [ "$status" -ne 0 ]
  contains "$output" "TEMPO_CHECKSUM must be a sha256 (64 hex digits) or sha512 (128 hex digits) digest"
}

@test "CADDY_CHECKSUM mismatch fails, showing both sha512 hashes" {
  set_s3_env
  zeros="$(printf '0%.0s' {1..128})"
  set_env CADDY_CHECKSUM "$zeros"
  compile
  [ "$status" -ne 0 ]
  contains "$output" "Checksum mismatch for caddy_${FIXTURE_CADDY_VERSION}_linux_amd64.tar.gz (sha512, from CADDY_CHECKSUM)"
  contains "$output" "expected: $zeros"
  contains "$output" "actual:   $(sha512_of "$RELEASES/caddy/v$FIXTURE_CADDY_VERSION/caddy_${FIXTURE_CADDY_VERSION}_linux_amd64.tar.gz")"
}

@test "gojq publishes no checksums: the contract pins the default version's, another needs GOJQ_CHECKSUM" {
  set_s3_env
  # The fixture is not the published archive: the pinned digest refuses it.
  rm "$ENV_DIR/GOJQ_CHECKSUM"
  compile
  [ "$status" -ne 0 ]
  contains "$output" "Checksum mismatch for gojq_v${FIXTURE_GOJQ_VERSION}_linux_amd64.tar.gz (sha256, from GOJQ_CHECKSUM)"
  contains "$output" "expected: ${BUILD_DEFAULTS[GOJQ_CHECKSUM]}"
  [ ! -e "$BUILD/.tempo/bin/gojq" ]

  set_env GOJQ_VERSION 0.12.99
  compile
  [ "$status" -ne 0 ]
  contains "$output" "gojq publishes no checksums: set GOJQ_CHECKSUM to the SHA-256 of gojq_v0.12.99_linux_amd64.tar.gz"
  [ "$(mirror_hits /gojq/v0.12.99/gojq_v0.12.99_linux_amd64.tar.gz)" -eq 0 ]
}

@test "the goreleaser checksums file is the fallback; no checksum at all fails" {
  set_s3_env
  set_env TEMPO_VERSION 2.98.0
  compile
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  contains "$output" "Checksum verified (sha256, from tempo_2.98.0_checksums.txt)"

  set_env TEMPO_VERSION 2.97.0
  compile
  [ "$status" -ne 0 ]
  contains "$output" "No checksum found for tempo_2.97.0_linux_amd64.tar.gz"
  contains "$output" "expected: (none)"
  contains "$output" "actual:   $(sha256_of "$RELEASES/tempo/v2.97.0/tempo_2.97.0_linux_amd64.tar.gz")"
  contains "$output" "TEMPO_CHECKSUM"
}

@test "a download failing twice with 500 is retried" {
  set_s3_env
  mirror_fail "$TEMPO_ARCHIVE" 2 500
  compile
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  [ "$(grep -c "^GET $TEMPO_ARCHIVE 500$" "$MIRROR_LOG")" -eq 2 ]
  [ "$(grep -c "^GET $TEMPO_ARCHIVE 200$" "$MIRROR_LOG")" -eq 1 ]
  [ -x "$BUILD/.tempo/bin/tempo" ]
}

@test "an unknown version fails with a clear error" {
  set_env TEMPO_VERSION 9.9.9
  compile
  [ "$status" -ne 0 ]
  contains "$output" "Could not download tempo 9.9.9"
  contains "$output" "TEMPO_VERSION"
  contains "$output" "404"
  [ ! -e "$BUILD/.tempo/bin/tempo" ]

  set_env TEMPO_VERSION latest
  compile
  [ "$status" -ne 0 ]
  contains "$output" "TEMPO_VERSION must look like 2.10.8"
}

@test "a leading v is accepted and selects the major's default config" {
  set_s3_env
  set_env TEMPO_VERSION v3.0.3
  compile
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  contains "$output" "-----> Installing Grafana Tempo 3.0.3"
  contains "$output" "Config: default template for Tempo 3.x"
  [ "$(mirror_hits /tempo/v3.0.3/tempo_3.0.3_linux_amd64.tar.gz)" -eq 1 ]
  run "$BUILD/.tempo/bin/tempo" -version
  [[ "$output" == "tempo, version 3.0.3 "* ]]
  grep -qx 'export TEMPO_VERSION="${TEMPO_VERSION:-3.0.3}"' "$BUILD/.profile.d/tempo.sh"
}

@test "Tempo before 2.6 gets the 2.x default config without the metrics-generator, which it could not verify" {
  set_s3_env
  set_env TEMPO_VERSION 2.4.0
  compile
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  contains "$output" "Config: default template for Tempo 2.x before 2.6.0 (no TraceQL metrics)"
  contains "$output" "Tempo accepts the config"
  set_env TEMPO_VERSION 2.10.8
  compile
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  contains "$output" "Config: default template for Tempo 2.x"
  lacks "$output" "no TraceQL metrics"
}

@test "ENV_DIR values are data: shell metacharacters are not executed" {
  set_s3_env
  pwned="$BATS_TEST_TMPDIR/pwned"
  set_env TEMPO_STORAGE_S3_BUCKET "\$(touch $pwned-1)"
  set_env APP_NOTE "\`touch $pwned-2\`"
  set_env TEMPO_STORAGE_S3_REGION "fr-par; touch $pwned-3 #"
  set_env OTHER "\$(touch $pwned-5)
\$(touch $pwned-6)"
  set_env 'BAD;NAME' "x"
  printf 'x' >"$ENV_DIR/\$(touch pwned-4)"
  cd "$BATS_TEST_TMPDIR"
  compile
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  [ -z "$(find "$BATS_TEST_TMPDIR" -maxdepth 1 -name 'pwned*')" ]
}

@test "ENV_DIR variables reach Tempo's config verification" {
  set_env STORAGE_KEY backend
  printf 'server: {http_listen_address: 127.0.0.1, grpc_listen_address: 127.0.0.1}\nmemberlist: {bind_addr: [127.0.0.1]}\nstorage:\n  trace:\n    ${STORAGE_KEY}: local\n' >"$BUILD/tempo.yaml"
  compile
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  contains "$output" "Tempo accepts the config"
  rm "$ENV_DIR/STORAGE_KEY"
  compile
  [ "$status" -ne 0 ]
}

@test "the legacy-keys config fails the build with fixes" {
  cp "$REPO_ROOT/test/fixtures/sample-legacy-keys.yaml" "$BUILD/tempo.yaml"
  compile
  [ "$status" -ne 0 ]
  contains "$output" "Config: tempo.yaml at the app root"
  contains "$output" "Tempo 2.10.8 rejects the config"
  contains "$output" "failed to parse configFile tempo.yaml"
  contains "$output" "line 10: field trace_by_id not found in type storage.Config"
  contains "$output" "storage.trace.backend"
  contains "$output" "use storage.trace.wal"
  contains "$output" "use storage.trace.s3"
  contains "$output" "access_key_id is an old key: use access_key"
  contains "$output" "secret_access_key is an old key: use secret_key"
  lacks "$output" "ready in"
}

@test "a bad TEMPO_CONFIG_YAML fails under its own name, never a temp path" {
  set_env TEMPO_CONFIG_YAML "$(cat "$REPO_ROOT/test/fixtures/sample-legacy-keys.yaml")"
  compile
  [ "$status" -ne 0 ]
  contains "$output" "Config: TEMPO_CONFIG_YAML"
  contains "$output" "failed to parse configFile TEMPO_CONFIG_YAML"
  contains "$output" "storage.trace.backend"
  lacks "$output" "config/tempo.yaml"
}

@test "tempo.yaml at the app root wins over TEMPO_CONFIG_YAML" {
  valid_config >"$BUILD/tempo.yaml"
  set_env TEMPO_CONFIG_YAML "$(cat "$REPO_ROOT/test/fixtures/sample-legacy-keys.yaml")"
  compile
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  contains "$output" "Config: tempo.yaml at the app root"

  cp "$REPO_ROOT/test/fixtures/sample-legacy-keys.yaml" "$BUILD/tempo.yaml"
  set_env TEMPO_CONFIG_YAML "$(valid_config)"
  compile
  [ "$status" -ne 0 ]
  contains "$output" "Config: tempo.yaml at the app root"

  rm "$BUILD/tempo.yaml"
  compile
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  contains "$output" "Config: TEMPO_CONFIG_YAML"
}

@test "a Tempo 2 config on Tempo 3 gets a hint" {
  set_env TEMPO_VERSION 3.0.3
  printf 'ingester:\n  flush_all_on_shutdown: true\n' >"$BUILD/tempo.yaml"
  compile
  [ "$status" -ne 0 ]
  contains "$output" "field ingester not found in type app.Config"
  contains "$output" "live_store"
}

@test "missing S3 settings are a warning at build time" {
  compile
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  contains "$output" "TEMPO_STORAGE_S3_BUCKET TEMPO_STORAGE_S3_ENDPOINT TEMPO_STORAGE_S3_ACCESS_KEY_ID TEMPO_STORAGE_S3_SECRET_ACCESS_KEY"
  contains "$output" "Tempo accepts the config"

  set_s3_env
  compile
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  lacks "$output" "TEMPO_STORAGE_S3_BUCKET"

  set_env TEMPO_STORAGE_TRACE_BY_ID_BACKEND local
  compile
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  contains "$output" "Storage backend is 'local'"
}

@test "secrets from ENV_DIR never appear in the output" {
  set_s3_env
  set_env TEMPO_INGEST_TOKEN ingest-token-4f3e2d1c
  set_env TEMPO_QUERY_PASSWORD query-password-8a7b6c
  compile
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  for secret in SCWACCESSKEY1234 s3-secret-value-9f8e7d ingest-token-4f3e2d1c query-password-8a7b6c; do
    lacks "$output" "$secret"
  done

  # Even when Tempo's error quotes a value.
  printf 'storage:\n  trace:\n    s3: ${TEMPO_STORAGE_S3_SECRET_ACCESS_KEY}\n' >"$BUILD/tempo.yaml"
  compile
  [ "$status" -ne 0 ]
  contains "$output" "cannot unmarshal"
  contains "$output" "***"
  lacks "$output" "s3-secret-value-9f8e7d"
}

@test "download URLs with credentials are not printed" {
  set_s3_env
  set_env TEMPO_DOWNLOAD_URL "http://mirror-user:mirror-pass@${MIRROR_URL#http://}/tempo"
  compile
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  contains "$output" "Downloading http://***@127.0.0.1"
  lacks "$output" "mirror-pass"
}

@test "downloads come from the GitHub releases by default" {
  rm "$ENV_DIR/TEMPO_DOWNLOAD_URL"
  compile
  [ "$status" -ne 0 ]
  contains "$output" "Downloading https://github.com/grafana/tempo/releases/download/v2.10.8/tempo_2.10.8_linux_amd64.tar.gz"

  set_env TEMPO_DOWNLOAD_URL "$MIRROR_URL/tempo"
  rm "$ENV_DIR/CADDY_DOWNLOAD_URL"
  compile
  [ "$status" -ne 0 ]
  contains "$output" "Downloading https://github.com/caddyserver/caddy/releases/download/v$FIXTURE_CADDY_VERSION/caddy_${FIXTURE_CADDY_VERSION}_linux_amd64.tar.gz"

  set_env CADDY_DOWNLOAD_URL "$MIRROR_URL/caddy"
  rm "$ENV_DIR/GOJQ_DOWNLOAD_URL"
  compile
  [ "$status" -ne 0 ]
  contains "$output" "Downloading https://github.com/itchyny/gojq/releases/download/v$FIXTURE_GOJQ_VERSION/gojq_v${FIXTURE_GOJQ_VERSION}_linux_amd64.tar.gz"
}

# --- hardening: what an app's variables and config can do to the build -------

@test "download credentials never reach curl's argv" {
  set_s3_env
  set_env TEMPO_DOWNLOAD_URL "http://mirror-user:mirror-pass@${MIRROR_URL#http://}/tempo"
  # A curl first on PATH that records its argv, then runs the real one.
  mkdir -p "$BATS_TEST_TMPDIR/bin"
  printf '#!/bin/sh\nprintf "%%s\\n" "$*" >>"%s"\nexec %s "$@"\n' "$BATS_TEST_TMPDIR/curl-argv" "$(command -v curl)" \
    >"$BATS_TEST_TMPDIR/bin/curl"
  chmod +x "$BATS_TEST_TMPDIR/bin/curl"
  PATH="$BATS_TEST_TMPDIR/bin:$PATH" compile
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  [ -s "$BATS_TEST_TMPDIR/curl-argv" ]
  lacks "$(<"$BATS_TEST_TMPDIR/curl-argv")" "mirror-pass"
  lacks "$(<"$BATS_TEST_TMPDIR/curl-argv")" "mirror-user"
  # The mirror got the archive: the URL did reach curl, through stdin.
  [ "$(mirror_hits "$TEMPO_ARCHIVE")" = 1 ]
}

@test "ENV_DIR files named like the build's own variables change nothing" {
  set_s3_env
  # A "tempo" that would pass any config, and a config that does.
  printf '#!/bin/sh\ntouch "%s"\nexit 0\n' "$BATS_TEST_TMPDIR/impostor-ran" >"$BATS_TEST_TMPDIR/impostor"
  chmod +x "$BATS_TEST_TMPDIR/impostor"
  valid_config >"$BATS_TEST_TMPDIR/valid.yaml"
  local name
  for name in tempo_bin build_dir private_dir name out rc placeholders TEMPO_CONFIG_FILE TEMPO_CONFIG_LEVEL \
    BP_DIR WORK_DIR BUILD_ENV S3_REQUIRED_VARS VERIFY_TIMEOUT TMPDIR; do
    set_env "$name" "$BATS_TEST_TMPDIR/impostor"
  done
  set_env TEMPO_CONFIG_FILE "$BATS_TEST_TMPDIR/valid.yaml"
  # The config the app will run with is broken: the build must say so.
  set_env TEMPO_CONFIG_YAML "$(printf 'storage:\n  trace_by_id:\n    backend: local\n')"
  compile
  [ "$status" -ne 0 ]
  contains "$output" "Tempo 2.10.8 rejects the config (TEMPO_CONFIG_YAML)"
  contains "$output" "field trace_by_id not found"
  [ ! -e "$BATS_TEST_TMPDIR/impostor-ran" ]
}

@test "a fragment of a secret that Tempo echoes is masked" {
  set_s3_env
  set_env TEMPO_STORAGE_S3_SECRET_ACCESS_KEY Sup3rS3cretValue99
  set_env TEMPO_CONFIG_YAML "$(printf 'server:\n  http_listen_port: ${TEMPO_STORAGE_S3_SECRET_ACCESS_KEY}\n')"
  compile
  [ "$status" -ne 0 ]
  contains "$output" "cannot unmarshal !!str"
  lacks "$output" "Sup3rS3"
  lacks "$output" "Sup3"
}

@test "a config that would listen beyond loopback fails the build, with the lines to add" {
  set_s3_env
  printf 'storage:\n  trace:\n    backend: local\n' >"$BUILD/tempo.yaml"
  compile
  [ "$status" -ne 0 ]
  contains "$output" "server.http_listen_address is not set"
  contains "$output" "server.grpc_listen_address is not set"
  contains "$output" "http_listen_address: 127.0.0.1"
  contains "$output" "grpc_listen_address: 127.0.0.1"

  rm "$BUILD/tempo.yaml"
  set_env TEMPO_OTLP_ADDR 0.0.0.0
  set_env TEMPO_CONFIG_YAML "$(printf 'server:\n  http_listen_address: 127.0.0.1\n  grpc_listen_address: ::1\ndistributor:\n  receivers:\n    otlp:\n      protocols:\n        http:\n          endpoint: ${TEMPO_OTLP_ADDR}:4318\n        grpc:\n')"
  compile
  [ "$status" -ne 0 ]
  contains "$output" 'distributor.receivers.otlp.protocols.http.endpoint is "0.0.0.0:4318", not loopback'
  contains "$output" "distributor.receivers.otlp.protocols.grpc has no endpoint"
  lacks "$output" "grpc_listen_address is"
}

@test "no YAML spelling hides a listener or a second document from the build" {
  local name
  for name in "${HIDDEN_LISTENER_CASES[@]}"; do
    hidden_listener_config "$name" >"$BUILD/tempo.yaml"
    compile
    [ "$status" -ne 0 ] || { echo "$name accepted: $output"; false; }
    contains "$output" "$(hidden_listener_reason "$name")"
  done
}

@test "a valid config with a quoted key is accepted at build" {
  quoted_loopback_config >"$BUILD/tempo.yaml"
  compile
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  lacks "$output" "beyond the proxy"
}

@test "the build warns about what loses traces, as the start does" {
  printf 'server: {http_listen_address: 127.0.0.1, grpc_listen_address: 127.0.0.1}\nmemberlist: {bind_addr: [127.0.0.1]}\nstorage: {trace: {backend: local}}\n' >"$BUILD/tempo.yaml"
  compile
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  contains "$output" "does not put the OTLP/HTTP receiver on 127.0.0.1:${PORT_DEFAULTS[TEMPO_OTLP_HTTP_PORT]}"
  contains "$output" "does not set ingester.flush_all_on_shutdown: true"
  contains "$output" "EVERY TRACE WILL BE LOST"
}
