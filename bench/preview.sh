#!/usr/bin/env bash
# bench/preview.sh: how long `pulumi preview` of the prod stack takes, whole process (the real
# CLI, the Node.js language host, ts-node, the kubernetes provider), median of N runs (default 5),
# against a floor: bench/floor/index.ts, which declares the same kinds of objects as constants,
# run from an identical project (same Pulumi.yaml, tsconfig files, node_modules and stack config).
#
#   bench/preview.sh                 # program and floor as configured (ts-node + swc, no type
#                                    # check); the program type-checked by ts-node, as every
#                                    # preview was before tsconfig.json turned swc on; and the
#                                    # program transpiled by TypeScript without checks (no swc)
#   BENCH_RUNS=9 bench/preview.sh
#
# Needs the Pulumi toolchain (tests/toolchain/build-pulumi.sh; built if missing) and Flux's CRDs
# (tests/toolchain/build-flux.sh) for a local install manifest, so nothing is downloaded.
# A preview needs a reachable cluster (the provider reads the API server's schema for the install
# manifest's ConfigFile; against an unreachable one it fails). With $KUBECONFIG set (for example
# `source /tmp/flux-gitops-sandbox/env.sh` while the sandbox runs) that cluster is used;
# otherwise the script starts the local control plane itself (tests/integration/cluster/up.sh),
# under the cluster lock /tmp/flux-gitops-cluster.lock (waiting for it), and stops it at the end.
# A figure, not a test: it exits 0 whatever the ratio (it fails only if a preview fails).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
runs="${BENCH_RUNS:-5}"

if ! command -v pulumi >/dev/null || ! command -v pulumi-language-nodejs >/dev/null; then
  PATH="$(bash "$root/tests/toolchain/build-pulumi.sh"):$PATH"
fi
bash "$root/tests/toolchain/build-flux.sh" >/dev/null
# shellcheck source=../tests/integration/flux/env.sh
source "$root/tests/integration/flux/env.sh"
[[ -d "$root/node_modules" ]] || { echo "bench: run npm ci first" >&2; exit 1; }

# shellcheck source=../tests/integration/lock.sh
source "$root/tests/integration/lock.sh"
own_cluster=false
if [[ -z "${KUBECONFIG:-}" ]]; then
  if ! caller_holds_lock; then
    echo "bench: no KUBECONFIG; starting the local control plane (waiting for $CLUSTER_LOCK)" >&2
    exec flock "$CLUSTER_LOCK" bash "$0" "$@"
  fi
  own_cluster=true
fi
work="$(mktemp -d "${TMPDIR:-/tmp}/flux-gitops-bench.XXXXXX")"
cleanup() {
  [[ $own_cluster == false ]] || bash "$root/tests/integration/cluster/down.sh" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
if [[ $own_cluster == true ]]; then
  bash "$root/tests/integration/cluster/up.sh" >"$work/cluster-up.log" 2>&1 ||
    { cat "$work/cluster-up.log" >&2; exit 1; }
  # shellcheck source=../tests/integration/cluster/env.sh
  source "$root/tests/integration/cluster/env.sh"
fi
export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_CONFIG_PASSPHRASE=bench PULUMI_HOME="$work/pulumi-home"

# Keys of the kinds the stack needs, generated here and set with --secret as README says.
node -e 'import("age-encryption").then(async (a) => process.stdout.write(await a.generateX25519Identity() + "\n"))' \
  >"$work/age.agekey"
ssh-keygen -q -t ed25519 -N '' -C bench -f "$work/deploy-key"
known_hosts="github.com $(cut -d' ' -f1,2 "$work/deploy-key.pub")"
# Flux's namespace and CRDs: the install manifest both projects read from disk.
{
  printf 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: flux-system\n'
  for f in "$FLUX_CRD_DIR"/*.yaml; do printf -- '---\n'; cat "$f"; done
} >"$work/flux-install.yaml"

# project NAME MAIN: a copy of the project whose index.ts is MAIN, with a configured prod stack.
project() {
  local dir="$work/$1"
  mkdir -p "$dir/state"
  cp -R "$root"/{index.ts,components,stacks,package.json,tsconfig.json} "$dir/"
  # The former default: ts-node with TypeScript, type-checking every file (swc implies transpile-only).
  printf '{ "extends": "./tsconfig.json", "ts-node": { "swc": false } }\n' >"$dir/tsconfig.typecheck.json"
  cp "$root/Pulumi.yaml" "$root/Pulumi.prod.yaml" "$work/flux-install.yaml" "$dir/"
  cp "$2" "$dir/index.ts"
  ln -s "$root/node_modules" "$dir/node_modules"
  (
    cd "$dir"
    export PULUMI_BACKEND_URL="file://$dir/state"
    pulumi stack init prod --secrets-provider passphrase >/dev/null
    pulumi config set --path flux.manifest flux-install.yaml
    pulumi config set --secret flux-gitops:ageKey <"$work/age.agekey"
    pulumi config set --secret flux-gitops:gitSshIdentity <"$work/deploy-key"
    pulumi config set flux-gitops:gitKnownHosts "$known_hosts"
  )
}
project program "$root/index.ts"
project floor "$here/floor/index.ts"

# preview NAME [ENV...]: one whole-process `pulumi preview`, prints its wall time in ms.
preview() {
  local dir="$work/$1" t0 t1
  shift
  t0=$(date +%s%N)
  if ! (cd "$dir" && env PULUMI_BACKEND_URL="file://$dir/state" "$@" \
    pulumi preview --stack prod --non-interactive >"$work/last.log" 2>&1); then
    echo "bench: pulumi preview failed in $dir:" >&2
    cat "$work/last.log" >&2
    return 1
  fi
  t1=$(date +%s%N)
  echo $(((t1 - t0) / 1000000))
}
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
secs() { awk -v ms="$1" 'BEGIN { printf "%.2f s", ms / 1000 }'; }

declare -A samples=()
variants=(program floor program-typecheck program-ts-transpile)
# One unmeasured run of each warms the file cache.
preview program >/dev/null
preview floor >/dev/null
preview program PULUMI_NODEJS_TSCONFIG_PATH=tsconfig.typecheck.json >/dev/null
preview program PULUMI_NODEJS_TSCONFIG_PATH=tsconfig.typecheck.json PULUMI_NODEJS_TRANSPILE_ONLY=true >/dev/null
for i in $(seq 1 "$runs"); do
  # Interleaved, so a slow moment of the machine hits every variant alike.
  samples[program]+="$(preview program) "
  samples[floor]+="$(preview floor) "
  samples[program-typecheck]+="$(preview program PULUMI_NODEJS_TSCONFIG_PATH=tsconfig.typecheck.json) "
  # TypeScript's own transpile-only mode, without swc: what PULUMI_NODEJS_TRANSPILE_ONLY=true gives.
  samples[program-ts-transpile]+="$(preview program PULUMI_NODEJS_TSCONFIG_PATH=tsconfig.typecheck.json PULUMI_NODEJS_TRANSPILE_ONLY=true) "
  echo "bench: round $i/$runs done" >&2
done

declare -A med=()
echo "pulumi preview --stack prod, whole process, median of $runs (KUBECONFIG=$KUBECONFIG)"
for v in "${variants[@]}"; do
  med[$v]="$(tr ' ' '\n' <<<"${samples[$v]}" | grep . | median)"
  printf '  %-40s %8s   (runs ms: %s)\n' "$v" "$(secs "${med[$v]}")" "${samples[$v]% }"
done
awk -v p="${med[program]}" -v f="${med[floor]}" -v t="${med[program-typecheck]}" \
  -v x="${med[program-ts-transpile]}" 'BEGIN {
  printf "  program / floor               %.2fx (goal <= 1.15x)\n", p / f
  printf "  program-typecheck / floor     %.2fx\n", t / f
  printf "  program-ts-transpile / floor  %.2fx\n", x / f
}'
