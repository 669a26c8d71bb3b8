# shellcheck shell=bash
# Settings of the Flux controllers run as local processes by up.sh. Source it:
# `source tests/integration/flux/env.sh`. All ports are fixed on 127.0.0.1
# (17100-17139 belong to Flux), moved by FLUX_GITOPS_PORT_OFFSET (default 0).
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
export FLUX_STORAGE_ADDR=127.0.0.1:$((17100 + ${FLUX_GITOPS_PORT_OFFSET:-0}))
export FLUX_SOURCE_METRICS_ADDR=127.0.0.1:$((17101 + ${FLUX_GITOPS_PORT_OFFSET:-0}))
export FLUX_SOURCE_HEALTH_ADDR=127.0.0.1:$((17102 + ${FLUX_GITOPS_PORT_OFFSET:-0}))
export FLUX_KUSTOMIZE_METRICS_ADDR=127.0.0.1:$((17111 + ${FLUX_GITOPS_PORT_OFFSET:-0}))
export FLUX_KUSTOMIZE_HEALTH_ADDR=127.0.0.1:$((17112 + ${FLUX_GITOPS_PORT_OFFSET:-0}))
export FLUX_HELM_METRICS_ADDR=127.0.0.1:$((17121 + ${FLUX_GITOPS_PORT_OFFSET:-0}))
export FLUX_HELM_HEALTH_ADDR=127.0.0.1:$((17122 + ${FLUX_GITOPS_PORT_OFFSET:-0}))
export FLUX_NOTIFICATION_METRICS_ADDR=127.0.0.1:$((17131 + ${FLUX_GITOPS_PORT_OFFSET:-0}))
export FLUX_NOTIFICATION_HEALTH_ADDR=127.0.0.1:$((17132 + ${FLUX_GITOPS_PORT_OFFSET:-0}))
# notification-controller takes the other controllers' events here (the release's
# notification-controller Service, port 80)...
export FLUX_EVENTS_ADDR=127.0.0.1:$((17133 + ${FLUX_GITOPS_PORT_OFFSET:-0}))
# ...and serves the Receivers' /hook/<path> here (the release's webhook-receiver Service).
export FLUX_RECEIVER_ADDR=127.0.0.1:$((17134 + ${FLUX_GITOPS_PORT_OFFSET:-0}))
