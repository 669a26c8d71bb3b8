# shellcheck shell=bash
# Source this file (bash) to use the control plane started by up.sh:
#   source tests/integration/cluster/env.sh
# Exports KUBECONFIG and CLUSTER_DIR, puts the cached kubectl (and the other
# Kubernetes and etcd binaries) first on PATH, and exports KUBERNETES_BIN_DIR and
# ETCD_BIN_DIR. Changes nothing else in the calling shell.

CLUSTER_DIR="${CLUSTER_DIR:-/tmp/flux-gitops-cluster}"
export CLUSTER_DIR
export KUBECONFIG="$CLUSTER_DIR/kubeconfig"

KUBERNETES_BIN_DIR="$(
  dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
  # shellcheck source=SCRIPTDIR/../../toolchain/versions.env
  source "$dir/../../toolchain/versions.env"
  cache="${TOOLCHAIN_CACHE:-$HOME/.cache/flux-gitops-toolchain}"
  echo "$cache/kubernetes-$KUBERNETES_VERSION/bin:$cache/etcd-$ETCD_VERSION/bin"
)"
ETCD_BIN_DIR="${KUBERNETES_BIN_DIR#*:}"
KUBERNETES_BIN_DIR="${KUBERNETES_BIN_DIR%%:*}"
export KUBERNETES_BIN_DIR ETCD_BIN_DIR
case ":$PATH:" in
  *":$KUBERNETES_BIN_DIR:"*) ;;
  *) export PATH="$KUBERNETES_BIN_DIR:$ETCD_BIN_DIR:$PATH" ;;
esac
