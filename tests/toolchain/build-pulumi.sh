#!/usr/bin/env bash
# Builds the Pulumi CLI, its language hosts and the providers the program uses from Go
# modules (Go module proxy only), caching each binary under a version-keyed directory:
#
#   $TOOLCHAIN_CACHE/pulumi-$PULUMI_VERSION/bin/                pulumi (+ a link to the Node.js host)
#   $TOOLCHAIN_CACHE/pulumi-language-nodejs-$PULUMI_LANGUAGE_NODEJS_VERSION/bin/  pulumi-language-nodejs
#   $TOOLCHAIN_CACHE/pulumi-kubernetes-$PULUMI_KUBERNETES_VERSION/bin/  pulumi-resource-kubernetes
#   $TOOLCHAIN_CACHE/pulumi-yaml-$PULUMI_YAML_VERSION/bin/              pulumi-language-yaml
#
# A binary already present is not rebuilt. Progress goes to stderr; stdout gets exactly one
# line, the PATH fragment to prepend, so callers can do
#   PATH="$(tests/toolchain/build-pulumi.sh):$PATH"
# Pulumi picks up plugins found on PATH ("ambient" plugins); run it with
# PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true so nothing tries to download.
#
# Modules the proxy does not serve are reported (with the go command's error) and skipped;
# set PULUMI_REQUIRE_ALL=1 to make that an error instead.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"

cache="${TOOLCHAIN_CACHE:-$HOME/.cache/flux-gitops-toolchain}"
cli_bin="$cache/pulumi-$PULUMI_VERSION/bin"
nodejs_bin="$cache/pulumi-language-nodejs-$PULUMI_LANGUAGE_NODEJS_VERSION/bin"
k8s_bin="$cache/pulumi-kubernetes-$PULUMI_KUBERNETES_VERSION/bin"
yaml_bin="$cache/pulumi-yaml-$PULUMI_YAML_VERSION/bin"

export GOFLAGS=-buildvcs=false
export CGO_ENABLED=0
# Same niceness as the other toolchain builds: they share two cores.
nice_cmd=(nice -n "${BUILD_NICE:-10}")

log() { echo "build-pulumi: $*" >&2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/build-pulumi.XXXXXX")"
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT

missing=()

# download MODULE@VERSION: sets $moddir to the module's directory in the module cache, or
# logs the go command's error, records the module as missing and returns 2 (= not obtainable).
download() {
  local out err
  moddir=""
  out="$(go mod download -json "$1" 2>&1 || true)"
  moddir="$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' <<<"$out")"
  if [[ -n "$moddir" && -d "$moddir" ]]; then
    return 0
  fi
  err="$(sed -n 's/^[[:space:]]*"Error": "\(.*\)",\{0,1\}$/\1/p' <<<"$out")"
  err="${err//\\n\\t/ }"
  log "cannot download $1: ${err:-$out}"
  missing+=("$1")
  return 2
}

# copy_module DIR DEST: a writable copy of a module out of the (read-only) module cache.
copy_module() {
  mkdir -p "$(dirname "$2")"
  cp -r "$1" "$2"
  chmod -R u+w "$2"
}

# timed NAME CMD...: runs CMD and reports its wall time. CMD returns 2 when its module is
# not obtainable (reported, not fatal). Note: errexit does not apply inside CMD (it runs
# in an || list), so the builders check each step themselves.
timed() {
  local name="$1" start rc=0
  shift
  start=$(date +%s)
  "$@" || rc=$?
  case "$rc" in
    0) log "$name built in $(($(date +%s) - start))s" ;;
    2) log "$name NOT BUILT (module not obtainable)" ;;
    *) log "$name FAILED after $(($(date +%s) - start))s"; return "$rc" ;;
  esac
}

# install_bin TMPFILE DEST: atomic move, so an interrupted build never leaves a binary behind.
install_bin() {
  mkdir -p "$(dirname "$2")"
  mv -f "$1" "$2.tmp.$$"
  mv -f "$2.tmp.$$" "$2"
}

have() {
  if [[ -x "$1" ]]; then
    log "$(basename "$1") present: $1"
    return 0
  fi
  return 1
}

# build_wrapped DIR REQUIRED_MODULE VERSION PACKAGE DEST: builds PACKAGE from the wrapper module
# in pulumi/DIR, which must require REQUIRED_MODULE at VERSION (the pin in versions.env).
build_wrapped() {
  local mod="$here/pulumi/$1" out
  out="$work/$(basename "$5")"
  if ! grep -q "$2 $3" "$mod/go.mod"; then
    log "ERROR: $mod/go.mod does not require $2 $3 (versions.env); update it with go get"
    exit 1
  fi
  (cd "$mod" && "${nice_cmd[@]}" go build -trimpath \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$3" \
    -o "$out" "$4") || return 1
  install_bin "$out" "$5" || return 1
}

# 1. The CLI (upstream's pkg/go.mod replaces sdk/v3 with a relative path, so pkg/v3 cannot be
#    built with `go install module@version`).
build_cli() {
  build_wrapped cli github.com/pulumi/pulumi/pkg/v3 "$PULUMI_VERSION" \
    github.com/pulumi/pulumi/pkg/v3/cmd/pulumi "$cli_bin/pulumi"
}

# 2. The Node.js language host of the last release that kept it inside sdk/v3: the proxy
#    does not serve the module of its own it moved to (see pulumi/README.md).
build_language_nodejs() {
  build_wrapped language-nodejs github.com/pulumi/pulumi/sdk/v3 "$PULUMI_LANGUAGE_NODEJS_VERSION" \
    github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs "$nodejs_bin/pulumi-language-nodejs"
}

# 3. The kubernetes provider. Its main embeds schema-embed.json and
#    terraform-mapping-embed.json, made by `go generate` (VERSION=<generic version>) as the
#    upstream Makefile does; its go.mod replaces sdk/v4 with ../sdk, so the sdk module of the
#    same release is laid next to it.
build_kubernetes() {
  local provdir sdkdir root="$work/pulumi-kubernetes" version="${PULUMI_KUBERNETES_VERSION#v}"
  download "github.com/pulumi/pulumi-kubernetes/provider/v4@$PULUMI_KUBERNETES_PROVIDER_MODULE_VERSION" || return
  provdir="$moddir"
  download "github.com/pulumi/pulumi-kubernetes/sdk/v4@$PULUMI_KUBERNETES_VERSION" || return
  sdkdir="$moddir"
  copy_module "$provdir" "$root/provider" || return 1
  copy_module "$sdkdir" "$root/sdk" || return 1
  (cd "$root/provider" && VERSION="$version" "${nice_cmd[@]}" go generate ./cmd/pulumi-resource-kubernetes) || return 1
  (cd "$root/provider" && "${nice_cmd[@]}" go build -trimpath \
    -ldflags "-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$version" \
    -o "$work/pulumi-resource-kubernetes" ./cmd/pulumi-resource-kubernetes) || return 1
  install_bin "$work/pulumi-resource-kubernetes" "$k8s_bin/pulumi-resource-kubernetes" || return 1
}

# 4. The YAML language host (no replace directives).
build_language_yaml() {
  local dir root="$work/pulumi-yaml"
  download "github.com/pulumi/pulumi-yaml@$PULUMI_YAML_VERSION" || return
  dir="$moddir"
  copy_module "$dir" "$root" || return 1
  (cd "$root" && "${nice_cmd[@]}" go build -trimpath \
    -ldflags "-s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=$PULUMI_YAML_VERSION" \
    -o "$work/pulumi-language-yaml" ./cmd/pulumi-language-yaml) || return 1
  install_bin "$work/pulumi-language-yaml" "$yaml_bin/pulumi-language-yaml" || return 1
}

total_start=$(date +%s)
have "$cli_bin/pulumi" || timed "pulumi $PULUMI_VERSION" build_cli
have "$nodejs_bin/pulumi-language-nodejs" || timed "pulumi-language-nodejs $PULUMI_LANGUAGE_NODEJS_VERSION" build_language_nodejs
have "$k8s_bin/pulumi-resource-kubernetes" || timed "pulumi-resource-kubernetes $PULUMI_KUBERNETES_VERSION" build_kubernetes
# Official releases ship the language hosts next to `pulumi`; the CLI looks there first and
# warns ("using pulumi-language-nodejs from $PATH") in every command's output otherwise.
if [[ -x "$nodejs_bin/pulumi-language-nodejs" && -d "$cli_bin" && ! -e "$cli_bin/pulumi-language-nodejs" ]]; then
  ln -s "$nodejs_bin/pulumi-language-nodejs" "$cli_bin/pulumi-language-nodejs"
fi
# The YAML host only serves pulumi-smoke.sh; CI's e2e suite does not need its 2 minutes.
if [[ "${PULUMI_WITH_YAML:-0}" == 1 ]]; then
  have "$yaml_bin/pulumi-language-yaml" || timed "pulumi-language-yaml $PULUMI_YAML_VERSION" build_language_yaml
fi
log "done in $(($(date +%s) - total_start))s"

if ((${#missing[@]})); then
  log "NOT BUILT, module not obtainable from the Go module proxy: ${missing[*]}"
  if [[ "${PULUMI_REQUIRE_ALL:-0}" == 1 ]]; then
    exit 1
  fi
fi

echo "$cli_bin:$nodejs_bin:$k8s_bin:$yaml_bin"
