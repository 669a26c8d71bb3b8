# shellcheck shell=bash
# What bench/preview.sh and bench/profile.sh share: the toolchain, a reachable cluster, and copies
# of the project with a configured prod stack. Source it; it sets $root and $work and removes
# $work (and stops a control plane it started) on exit.
#
# With $KUBECONFIG set that cluster is used; otherwise the local control plane is started
# (tests/integration/cluster/up.sh, which honours CLUSTER_DIR and FLUX_GITOPS_PORT_OFFSET) under
# $CLUSTER_LOCK, waiting for it, and stopped at the end. The caller re-runs itself under the lock:
#   bench_need_lock "$0" "$@"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if ! command -v pulumi >/dev/null || ! command -v pulumi-language-nodejs >/dev/null; then
  PATH="$(bash "$root/tests/toolchain/build-pulumi.sh"):$PATH"
fi
bash "$root/tests/toolchain/build-flux.sh" >/dev/null
# shellcheck source=../tests/integration/flux/env.sh
source "$root/tests/integration/flux/env.sh"
[[ -d "$root/node_modules" ]] || { echo "bench: run npm ci first" >&2; exit 1; }
# shellcheck source=../tests/integration/lock.sh
source "$root/tests/integration/lock.sh"

# bench_need_lock SCRIPT ARGS...: without a cluster, runs SCRIPT again under the cluster lock.
bench_need_lock() {
  if [[ -z "${KUBECONFIG:-}" ]] && ! caller_holds_lock; then
    echo "bench: no KUBECONFIG; starting the local control plane (waiting for $CLUSTER_LOCK)" >&2
    exec flock "$CLUSTER_LOCK" bash "$@"
  fi
}

# bench_start: the work folder, the cluster, the keys and the install manifest both projects read.
bench_start() {
  own_cluster=false
  [[ -n "${KUBECONFIG:-}" ]] || own_cluster=true
  work="$(mktemp -d "${TMPDIR:-/tmp}/flux-gitops-bench.XXXXXX")"
  trap bench_cleanup EXIT
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
  # Flux's namespace and CRDs, as the release labels them: the install manifest every project reads.
  {
    printf 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: flux-system\n'
    for f in "$FLUX_CRD_DIR"/*.yaml; do printf -- '---\n'; cat "$f"; done
  } >"$work/flux-install.yaml"
}

bench_cleanup() {
  [[ ${own_cluster:-false} == false ]] || bash "$root/tests/integration/cluster/down.sh" >/dev/null 2>&1
  [[ -n "${BENCH_KEEP:-}" ]] || rm -rf "$work"
}

# The program's files; a copy of the project holds these, whatever its index.ts is.
PROGRAM_FILES=(index.ts components flux prepare stacks cli package.json tsconfig.json Pulumi.yaml Pulumi.prod.yaml)

# bench_project NAME SOURCE [MAIN]: $work/NAME, a copy of the program's files from SOURCE (a folder,
# or a git commit of this repository), its index.ts replaced by MAIN when given, with a prod stack
# configured as README says.
bench_project() {
  local dir="$work/$1" src="$2" main="${3:-}"
  mkdir -p "$dir/state"
  if [[ -d "$src" ]]; then
    local f
    for f in "${PROGRAM_FILES[@]}"; do [[ ! -e "$src/$f" ]] || cp -R "$src/$f" "$dir/"; done
  else
    git -C "$root" archive "$src" -- "${PROGRAM_FILES[@]}" | tar -x -C "$dir"
  fi
  # The former default: ts-node with TypeScript, type-checking every file (swc implies transpile-only).
  printf '{ "extends": "./tsconfig.json", "ts-node": { "swc": false } }\n' >"$dir/tsconfig.typecheck.json"
  cp "$work/flux-install.yaml" "$dir/"
  [[ -z "$main" ]] || cp "$main" "$dir/index.ts"
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

# bench_floor NAME: $work/NAME, the floor (bench/floor/index.ts) in a copy of the project, with the
# install objects the program builds for this stack written to install-objects.json beforehand.
bench_floor() {
  bench_project "$1" "$root" "$root/bench/floor/index.ts"
  mkdir -p "$work/$1/bench/floor"
  cp "$root/bench/floor/install-objects.ts" "$work/$1/bench/floor/"
  (cd "$work/$1" && node -r ts-node/register/transpile-only bench/floor/install-objects.ts prod >install-objects.json)
}
