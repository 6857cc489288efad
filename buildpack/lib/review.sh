#!/usr/bin/env bash
# Review apps. Scalingo starts them with a copy of the parent app's
# environment, S3 keys included; the app's scalingo.json marks them
# (REVIEW_APP_MARKER, contract.sh) and APP names each. On the parent's bucket
# and prefix, a review app's compactor would compact and delete the parent's
# blocks: its blocks go under a prefix that names it. Needs contract.sh and
# log.sh; review_app_config reads CONFIG_BACKEND and CONFIG_S3_PREFIX
# (check_config).

is_review_app() {
  [[ "${!REVIEW_APP_MARKER:-}" == "$REVIEW_APP_MARKER_VALUE" ]]
}

# Before the config is read: a review app whose TEMPO_STORAGE_S3_PREFIX does
# not name it gets review/<app>/ (below the parent's prefix, if any).
review_app_prefix() {
  is_review_app || return 0
  [[ -n "${APP:-}" ]] ||
    die "$REVIEW_APP_MARKER=$REVIEW_APP_MARKER_VALUE but APP is not set: cannot give this review app a storage prefix of its own."
  local prefix="${TEMPO_STORAGE_S3_PREFIX:-}"
  if [[ "$prefix" != *"$APP"* ]]; then
    [[ -z "$prefix" || "$prefix" == */ ]] || prefix+=/
    export TEMPO_STORAGE_S3_PREFIX="${prefix}review/$APP/"
  fi
}

# After the config is read: it must put the review app's S3 blocks under a
# prefix that names it (a tempo.yaml that does not read
# TEMPO_STORAGE_S3_PREFIX would share the parent's).
review_app_config() {
  is_review_app && [[ "$CONFIG_BACKEND" == s3 ]] || return 0
  [[ "$CONFIG_S3_PREFIX" == *"$APP"* ]] ||
    die "Refusing to start review app $APP ($REVIEW_APP_MARKER=$REVIEW_APP_MARKER_VALUE): its Tempo config ($TEMPO_CONFIG_LEVEL) has storage.trace.s3.prefix \"$CONFIG_S3_PREFIX\". On the parent's bucket and prefix its compactor would compact and delete the parent's blocks. Write the prefix as prefix: \"\${TEMPO_STORAGE_S3_PREFIX:-}\" (as the generated tempo.yaml does): a review app then gets review/$APP/."
  info "Review app $APP: its blocks live under the prefix $CONFIG_S3_PREFIX, apart from the parent app's"
}
