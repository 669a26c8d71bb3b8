# shellcheck shell=bash
# Settings of the Flux controllers run as local processes by up.sh. Source it:
# `source tests/integration/flux/env.sh`. All ports are fixed on 127.0.0.1
# (17100-17129 belong to Flux).
export FLUX_DIR="${FLUX_DIR:-/tmp/flux-gitops-flux}"
export FLUX_NAMESPACE=flux-system
FLUX_BIN_DIR="$(
  here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
  # shellcheck source=../../toolchain/versions.env
  source "$here/../../toolchain/versions.env"
  echo "${TOOLCHAIN_CACHE:-$HOME/.cache/flux-gitops-toolchain}/flux-$FLUX_VERSION"
)"
export FLUX_CRD_DIR="$FLUX_BIN_DIR/crds"
export FLUX_BIN_DIR="$FLUX_BIN_DIR/bin"
# source-controller serves artifacts here; the other two fetch from it.
export FLUX_STORAGE_ADDR=127.0.0.1:17100
export FLUX_SOURCE_METRICS_ADDR=127.0.0.1:17101
export FLUX_SOURCE_HEALTH_ADDR=127.0.0.1:17102
export FLUX_KUSTOMIZE_METRICS_ADDR=127.0.0.1:17111
export FLUX_KUSTOMIZE_HEALTH_ADDR=127.0.0.1:17112
export FLUX_HELM_METRICS_ADDR=127.0.0.1:17121
export FLUX_HELM_HEALTH_ADDR=127.0.0.1:17122
