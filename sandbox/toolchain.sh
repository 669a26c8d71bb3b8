#!/usr/bin/env bash
# sandbox/toolchain.sh LOG_DIR: makes sure every binary the sandbox runs is in the toolchain
# cache (tests/toolchain/build-*.sh; a part already cached takes a second), showing while it
# builds which part, the time elapsed and what remains. Prints on stdout exactly one line: the
# PATH fragment of the Pulumi CLI, its Node.js language host and the kubernetes provider.
# A cold build compiles Kubernetes, Flux, sops and Pulumi from Go modules (about half an hour
# on two cores); each part's output goes to LOG_DIR/build-<part>.log.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Where the build-<part>.sh scripts are (a test points this at stand-ins).
toolchain="${SANDBOX_TOOLCHAIN_SCRIPTS:-$(cd "$here/../tests/toolchain" && pwd)}"
logs="${1:?usage: toolchain.sh LOG_DIR}"
mkdir -p "$logs"
# Seconds between progress lines while a part builds.
tick="${SANDBOX_PROGRESS_EVERY:-20}"

parts=(kubernetes flux sops pulumi)
declare -A what=(
  [kubernetes]="Kubernetes control plane (etcd, kube-apiserver, kube-controller-manager, kubectl)"
  [flux]="Flux controllers (source, kustomize, helm)"
  [sops]="sops (encrypts the fixture repository's Secrets)"
  [pulumi]="Pulumi CLI, Node.js language host, kubernetes provider"
)
say() { echo "sandbox: $*" >&2; }
mmss() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

start_all=$SECONDS
for i in "${!parts[@]}"; do
  part="${parts[$i]}"
  log="$logs/build-$part.log"
  rest="${parts[*]:$((i + 1))}"
  begin=$SECONDS
  # stdout of build-pulumi.sh is its PATH fragment; everything else is progress.
  bash "$toolchain/build-$part.sh" >"$logs/build-$part.out" 2>"$log" &
  pid=$!
  announced=false
  next=0
  while kill -0 "$pid" 2>/dev/null; do
    sleep 0.2
    elapsed=$((SECONDS - begin))
    # A cached part is done within a few seconds; only a real build gets announced.
    if [[ $announced == false && $elapsed -ge 3 ]]; then
      say "building ${what[$part]} [$((i + 1))/${#parts[@]}] (first run only; log: $log)"
      announced=true
      next=$((SECONDS + tick))
    elif [[ $announced == true && $SECONDS -ge $next ]]; then
      say "  $part: $(mmss "$elapsed") elapsed (all parts $(mmss $((SECONDS - start_all)))); still to check: ${rest:-nothing}; last: $(tail -n 1 "$log" | cut -c1-80)"
      next=$((SECONDS + tick))
    fi
  done
  if ! wait "$pid"; then
    say "building $part FAILED after $(mmss $((SECONDS - begin))); last lines of $log:"
    tail -n 30 "$log" >&2
    exit 1
  fi
  if [[ $announced == true ]]; then
    say "  $part built in $(mmss $((SECONDS - begin)))"
  fi
done
cat "$logs/build-pulumi.out" >>"$logs/build-pulumi.log"
toolpath="$(tail -n 1 "$logs/build-pulumi.out")"
for bin in pulumi pulumi-language-nodejs pulumi-resource-kubernetes; do
  PATH="$toolpath:$PATH" command -v "$bin" >/dev/null || {
    say "error: $bin is not in the toolchain after the build (see $logs/build-pulumi.log)"
    exit 1
  }
done
say "toolchain ready in $(mmss $((SECONDS - start_all)))"
echo "$toolpath"
