#!/usr/bin/env bash
# Builds the Kubernetes control plane used by the integration tests from Go
# modules only (no Docker, no release downloads):
#   etcd                       -> $CACHE/etcd-$ETCD_VERSION/bin/etcd
#   kube-apiserver             -> $CACHE/kubernetes-$KUBERNETES_VERSION/bin/
#   kube-controller-manager       (same folder)
#   kubectl                       (same folder)
# CACHE is ${TOOLCHAIN_CACHE:-$HOME/.cache/flux-gitops-toolchain}. A binary that
# is already in the cache is not rebuilt, so a second run takes seconds.
#
# Versions come from versions.env; the wrapper modules in kubernetes/ must pin the
# same versions (checked below). To move to new versions, edit versions.env and
# run:  tests/toolchain/build-kubernetes.sh --sync   (rewrites the wrapper go.mod
# files with `go mod edit` + `go mod tidy`; commit the result).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/versions.env
source "$here/versions.env"
: "${KUBERNETES_VERSION:?KUBERNETES_VERSION missing in versions.env}"
: "${ETCD_VERSION:?ETCD_VERSION missing in versions.env}"

export GOFLAGS=-buildvcs=false
export CGO_ENABLED=0

cache="${TOOLCHAIN_CACHE:-$HOME/.cache/flux-gitops-toolchain}"
k8s_bin="$cache/kubernetes-$KUBERNETES_VERSION/bin"
etcd_bin="$cache/etcd-$ETCD_VERSION/bin"
k8s_mod="$here/kubernetes/k8s"
etcd_mod="$here/kubernetes/etcd"
# Staging modules (k8s.io/api, k8s.io/client-go, ...) are tagged v0.<minor>.<patch>
# for Kubernetes v1.<minor>.<patch>.
staging_version="v0.${KUBERNETES_VERSION#v1.}"

command -v go >/dev/null || { echo "build-kubernetes: go is not on PATH" >&2; exit 1; }

log() { printf 'build-kubernetes: %s\n' "$*"; }

sync_modules() {
  log "syncing wrapper modules to kubernetes $KUBERNETES_VERSION, etcd $ETCD_VERSION"
  (
    cd "$etcd_mod"
    go mod edit -require="go.etcd.io/etcd/server/v3@$ETCD_VERSION"
    go mod tidy
  )
  (
    cd "$k8s_mod"
    go mod edit -require="k8s.io/kubernetes@$KUBERNETES_VERSION"
    local staging
    # Every module that k8s.io/kubernetes replaces with a local staging path.
    local upstream_mod
    upstream_mod="$(go mod download -json "k8s.io/kubernetes@$KUBERNETES_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')"
    staging="$(sed -n 's#^[[:space:]]*\(k8s\.io/[a-z0-9-]*\) => \./staging/.*#\1#p' "$upstream_mod")"
    local args=()
    for m in $staging; do args+=("-replace=$m=$m@$staging_version"); done
    go mod edit "${args[@]}"
    go mod tidy
  )
  log "done; review and commit tests/toolchain/kubernetes/*/go.{mod,sum}"
}

check_pins() {
  local bad=0
  grep -Eq "^(require |[[:space:]]+)go\.etcd\.io/etcd/server/v3 ${ETCD_VERSION//./\\.}( |\$)" "$etcd_mod/go.mod" || {
    echo "build-kubernetes: $etcd_mod/go.mod does not require etcd $ETCD_VERSION" >&2; bad=1; }
  grep -Eq "^(require |[[:space:]]+)k8s\.io/kubernetes ${KUBERNETES_VERSION//./\\.}( |\$)" "$k8s_mod/go.mod" || {
    echo "build-kubernetes: $k8s_mod/go.mod does not require k8s.io/kubernetes $KUBERNETES_VERSION" >&2; bad=1; }
  if grep -E '=> k8s\.io/[a-z0-9-]+ v' "$k8s_mod/go.mod" | grep -vq " ${staging_version}\$"; then
    echo "build-kubernetes: $k8s_mod/go.mod has staging replaces other than $staging_version" >&2; bad=1
  fi
  if [ "$bad" != 0 ]; then
    echo "build-kubernetes: run '$0 --sync' after changing versions.env" >&2
    exit 1
  fi
}

# build MODULE_DIR OUT PACKAGE LDFLAGS: go build into the cache unless present.
build() {
  local dir="$1" out="$2" pkg="$3" ldflags="$4"
  local name
  name="$(basename "$out")"
  if [ -x "$out" ]; then
    log "$name: cached ($out)"
    return
  fi
  mkdir -p "$(dirname "$out")"
  log "$name: building $pkg ..."
  local start=$SECONDS tmp="$out.tmp.$$"
  trap 'rm -f "'"$tmp"'"' EXIT
  (cd "$dir" && go build -trimpath -ldflags "$ldflags" -o "$tmp" "$pkg")
  mv -f "$tmp" "$out"
  trap - EXIT
  log "$name: built in $((SECONDS - start)) s -> $out"
}

case "${1:-}" in
  --sync) sync_modules; exit 0 ;;
  "") ;;
  *) echo "usage: $0 [--sync]" >&2; exit 2 ;;
esac

check_pins
total_start=$SECONDS

# Version stamps, as the Kubernetes release build sets them (hack/lib/version.sh):
# /version and `kubectl version` report the pinned release. The build date is the
# module's publication time, so the binaries do not depend on when they were built.
k8s_ver="${KUBERNETES_VERSION#v}"
major="${k8s_ver%%.*}"
minor="${k8s_ver#*.}"; minor="${minor%%.*}"
if [ ! -x "$k8s_bin/kube-apiserver" ] || [ ! -x "$k8s_bin/kube-controller-manager" ] || [ ! -x "$k8s_bin/kubectl" ]; then
  build_date="$(cd "$k8s_mod" && go list -m -f '{{if .Time}}{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}{{end}}' k8s.io/kubernetes)"
  build_date="${build_date:-1970-01-01T00:00:00Z}"
fi
ldflags="-s -w"
for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $p.gitMajor=$major -X $p.gitMinor=$minor -X $p.gitVersion=$KUBERNETES_VERSION"
  ldflags+=" -X $p.gitCommit= -X $p.gitTreeState=clean -X $p.buildDate=${build_date:-}"
done

build "$etcd_mod" "$etcd_bin/etcd" . "-s -w"
for cmd in kube-apiserver kube-controller-manager kubectl; do
  build "$k8s_mod" "$k8s_bin/$cmd" "k8s.io/kubernetes/cmd/$cmd" "$ldflags"
done

log "all binaries ready in $((SECONDS - total_start)) s"
log "  etcd:       $etcd_bin"
log "  kubernetes: $k8s_bin"
