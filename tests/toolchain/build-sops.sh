#!/usr/bin/env bash
# Builds sops (github.com/getsops/sops/v3/cmd/sops at SOPS_VERSION from
# versions.env) into
#   ${TOOLCHAIN_CACHE:-$HOME/.cache/flux-gitops-toolchain}/sops-${SOPS_VERSION}/bin/sops
# (skipped when already there), and makes sure `age` and `age-keygen` are on
# PATH (Debian's package `age`, installed only when missing).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"

: "${SOPS_VERSION:?SOPS_VERSION is not set in versions.env}"
cache_root="${TOOLCHAIN_CACHE:-$HOME/.cache/flux-gitops-toolchain}"
bin_dir="$cache_root/sops-${SOPS_VERSION}/bin"
mkdir -p "$bin_dir"

export CGO_ENABLED=0
export GOFLAGS="-buildvcs=false -mod=readonly"
export GOWORK=off
export GOTOOLCHAIN=local

if [[ -x "$bin_dir/sops" ]]; then
  echo "sops ${SOPS_VERSION}: cached ($bin_dir/sops)"
else
  echo "sops ${SOPS_VERSION}: building... ($(go version))"
  start=$(date +%s)
  # sops' go.mod has no replace directives, so `go install mod@version`
  # builds exactly the upstream module graph (checked against the checksum
  # database). Build into a temporary GOBIN so a half-built binary is never
  # taken for a cached one.
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  GOBIN="$tmp" go install -trimpath -ldflags "-s -w" \
    "github.com/getsops/sops/v3/cmd/sops@${SOPS_VERSION}"
  mv -f "$tmp/sops" "$bin_dir/sops"
  echo "sops ${SOPS_VERSION}: built in $(( $(date +%s) - start ))s"
fi
"$bin_dir/sops" --version --disable-version-check 2>/dev/null | head -n 1 || true

if ! command -v age >/dev/null 2>&1 || ! command -v age-keygen >/dev/null 2>&1; then
  echo "age: installing Debian package 'age'"
  if [[ "$(id -u)" -ne 0 ]]; then
    echo "error: age is missing and this is not root; run: apt-get install -y age" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq age >/dev/null
fi
echo "age: $(command -v age) ($(age --version 2>/dev/null || echo '?'))"
