#!/usr/bin/env bash
# Builds actionlint (github.com/rhysd/actionlint/cmd/actionlint at
# ACTIONLINT_VERSION from versions.env) into
#   ${TOOLCHAIN_CACHE:-$HOME/.cache/flux-gitops-toolchain}/actionlint-${ACTIONLINT_VERSION}/bin/actionlint
# (skipped when already there) and prints the binary's path on the last line.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"

: "${ACTIONLINT_VERSION:?ACTIONLINT_VERSION is not set in versions.env}"
cache_root="${TOOLCHAIN_CACHE:-$HOME/.cache/flux-gitops-toolchain}"
bin_dir="$cache_root/actionlint-${ACTIONLINT_VERSION}/bin"
mkdir -p "$bin_dir"

export CGO_ENABLED=0
export GOFLAGS="-buildvcs=false -mod=readonly"
export GOWORK=off
export GOTOOLCHAIN=local

if [[ -x "$bin_dir/actionlint" ]]; then
  echo "actionlint ${ACTIONLINT_VERSION}: cached" >&2
else
  echo "actionlint ${ACTIONLINT_VERSION}: building... ($(go version))" >&2
  start=$(date +%s)
  # A temporary GOBIN, so a half-built binary is never taken for a cached one.
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  GOBIN="$tmp" go install -trimpath -ldflags "-s -w" \
    "github.com/rhysd/actionlint/cmd/actionlint@${ACTIONLINT_VERSION}" >&2
  mv -f "$tmp/actionlint" "$bin_dir/actionlint"
  echo "actionlint ${ACTIONLINT_VERSION}: built in $(( $(date +%s) - start ))s" >&2
fi
echo "$bin_dir/actionlint"
