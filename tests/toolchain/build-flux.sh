#!/usr/bin/env bash
# Builds the Flux controllers (source-controller, kustomize-controller,
# helm-controller, notification-controller) from their Go modules, through the wrapper modules in
# tests/toolchain/flux/<controller>/, and extracts their CRDs from the module
# zips. Output, cached outside the repo and keyed by the Flux version:
#
#   ${TOOLCHAIN_CACHE:-$HOME/.cache/flux-gitops-toolchain}/flux-${FLUX_VERSION}/bin/<controller>
#   ${TOOLCHAIN_CACHE:-$HOME/.cache/flux-gitops-toolchain}/flux-${FLUX_VERSION}/crds/*.yaml
#
# A binary that is already there is not rebuilt (delete it, or the whole
# flux-<version> folder, to force a rebuild). Needs Go >= 1.26 and the Go
# module proxy; nothing else.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"

: "${FLUX_VERSION:?FLUX_VERSION is not set in versions.env}"
cache_root="${TOOLCHAIN_CACHE:-$HOME/.cache/flux-gitops-toolchain}"
out="$cache_root/flux-${FLUX_VERSION}"
bin_dir="$out/bin"
crd_dir="$out/crds"
mkdir -p "$bin_dir" "$crd_dir"

# Pure-Go static builds (upstream builds its images with CGO_ENABLED=0 too);
# no VCS stamping (the wrapper modules sit inside this repo), never a go.work
# of the surroundings, never a toolchain download, and never a silent go.mod
# or go.sum update.
export CGO_ENABLED=0
export GOFLAGS="-buildvcs=false -mod=readonly"
export GOWORK=off
export GOTOOLCHAIN=local

controllers=(source-controller kustomize-controller helm-controller notification-controller)

want_version() {
  case "$1" in
    source-controller) echo "${SOURCE_CONTROLLER_VERSION:?}" ;;
    kustomize-controller) echo "${KUSTOMIZE_CONTROLLER_VERSION:?}" ;;
    helm-controller) echo "${HELM_CONTROLLER_VERSION:?}" ;;
    notification-controller) echo "${NOTIFICATION_CONTROLLER_VERSION:?}" ;;
  esac
}

now() { date +%s; }

echo "flux ${FLUX_VERSION}: building into $out ($(go version))"
total_start=$(now)
for c in "${controllers[@]}"; do
  mod="github.com/fluxcd/$c"
  wrapper="$here/flux/$c"
  want="$(want_version "$c")"

  # The wrapper's go.mod is the source of truth for what is built; refuse to
  # build something other than what versions.env pins.
  got="$(cd "$wrapper" && go list -m -f '{{.Version}}' "$mod")"
  api="$(cd "$wrapper" && go list -m -f '{{.Version}}' "$mod/api")"
  if [[ "$got" != "$want" || "$api" != "$want" ]]; then
    echo "error: $wrapper/go.mod builds $mod@$got (api $api) but versions.env pins $want" >&2
    exit 1
  fi

  # CRDs, from the controller's own module (config/crd/bases/).
  (cd "$wrapper" && go mod download "$mod")
  dir="$(cd "$wrapper" && go list -m -f '{{.Dir}}' "$mod")"
  if ! compgen -G "$dir/config/crd/bases/*.yaml" >/dev/null; then
    echo "error: no CRDs under $dir/config/crd/bases" >&2
    exit 1
  fi
  for f in "$dir"/config/crd/bases/*.yaml; do
    # Only when changed: a suite running beside this build reads these files.
    cmp -s "$f" "$crd_dir/$(basename "$f")" || install -m 0644 "$f" "$crd_dir/$(basename "$f")"
  done

  bin="$bin_dir/$c"
  if [[ -x "$bin" ]]; then
    echo "  $c $want: cached ($bin)"
    continue
  fi
  echo "  $c $want: building..."
  start=$(now)
  (cd "$wrapper" && go build -trimpath -ldflags "-s -w" -o "$bin.tmp.$$" "$mod")
  mv -f "$bin.tmp.$$" "$bin"
  echo "  $c $want: built in $(( $(now) - start ))s"
done

echo "flux ${FLUX_VERSION}: binaries in $bin_dir, $(ls "$crd_dir" | wc -l) CRDs in $crd_dir (total $(( $(now) - total_start ))s)"
