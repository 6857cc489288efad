#!/usr/bin/env bash
# Review apps. Scalingo starts them with a copy of the parent app's environment,
# S3 keys included, and marks them with IS_REVIEW_APP=true (PARENT_APP_NAME
# names the parent, APP the review app). On the parent's bucket and prefix, a
# review app's compactor would compact and delete the parent's blocks: it
# starts only with a TEMPO_STORAGE_S3_PREFIX of its own, one that names it.
# Sourced by bin/launch, which it stops with the reason. Needs log.sh.

check_review_app() {
  [[ "${IS_REVIEW_APP:-}" == true ]] || return 0
  # Without S3 keys it cannot reach the parent's bucket (local storage).
  [[ -n "${TEMPO_STORAGE_S3_ACCESS_KEY_ID:-}" ]] || return 0
  local app="${APP:-}" prefix="${TEMPO_STORAGE_S3_PREFIX:-}"
  if [[ -n "$app" && "$prefix" == *"$app"* ]]; then
    info "Review app $app: its blocks live under the prefix $prefix, apart from ${PARENT_APP_NAME:-the parent app}'s"
    return 0
  fi
  die "Refusing to start review app ${app:-(APP unset)} of ${PARENT_APP_NAME:-its parent app} (IS_REVIEW_APP=true): it has the parent's S3 keys, and with TEMPO_STORAGE_S3_PREFIX=\"$prefix\" it would share the parent's bucket and prefix, where its compactor compacts and deletes the parent's blocks. Give it a prefix of its own that names it: scalingo --app ${app:-<review-app>} env-set TEMPO_STORAGE_S3_PREFIX=review/${app:-<review-app>}/ (the generated tempo.yaml and the default configs read it; set TEMPO_STORAGE_S3_BUCKET too for a bucket of its own)."
}

check_review_app
