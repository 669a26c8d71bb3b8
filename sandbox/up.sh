#!/usr/bin/env bash
# npm run sandbox: the program's main job on this machine, no cluster needed.
#   1. builds the offline toolchain if it is not cached yet (sandbox/toolchain.sh, with progress);
#   2. starts a local control plane, the loopback Git server with the fixture GitOps repository
#      (its Secrets SOPS-encrypted for an age key generated here) and Flux's controllers
#      (tests/integration/{cluster,git,flux}), all on 127.0.0.1;
#   3. runs `pulumi up` of the stack `sandbox` (Pulumi.prod.yaml's settings pointed at that
#      repository) through the real CLI in the project directory, with a local file backend and a
#      passphrase under $SANDBOX_DIR and the secrets set with `pulumi config set --secret`;
#   4. prints each layer's time to Ready, where to look and how to stop (npm run sandbox:down).
# It keeps the cluster lock ($SANDBOX_LOCK) until sandbox:down, so test runs taken under the
# same lock wait for it; a second sandbox, or one while a test run holds the cluster, is refused.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
it="$root/tests/integration"
# shellcheck source=env.sh
source "$here/env.sh"
say() { echo "sandbox: $*"; }
die() { echo "sandbox: $*" >&2; exit 1; }
t0=$SECONDS

# --- one at a time -------------------------------------------------------------------------
if [[ -e "$SANDBOX_MARKER" ]]; then
  if pid="$(holder_pid)" || [[ -n "$(listeners)" ]]; then
    die "a sandbox is already running (started $(cat "$SANDBOX_DIR/started" 2>/dev/null || echo '?')).
  Use it:   source $SANDBOX_DIR/env.sh && kubectl get kustomizations -n flux-system
  Stop it:  npm run sandbox:down"
  fi
  say "cleaning up after a sandbox that is no longer running"
  bash "$here/down.sh" >/dev/null
fi
[[ -d "$root/node_modules" ]] || die "node_modules is missing: run npm ci first"

exec 9>>"$SANDBOX_LOCK"
own_lock=true
if ! flock -n 9; then
  own_lock=false
  caller=""
  for pid in $(lock_holders); do is_ancestor "$pid" && caller="$pid"; done
  if [[ -z "$caller" ]]; then
    who=""
    for pid in $(lock_holders); do
      who+="$(printf '\n    pid %s: %s' "$pid" "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-120)")"
    done
    die "the local control plane is in use by another run (it holds $SANDBOX_LOCK):${who:- (holder not found)}
  Wait for it to finish, then run npm run sandbox again."
  fi
  # Run as `flock $SANDBOX_LOCK ...`: the caller's lock covers the sandbox until it is released.
  say "running under the caller's hold of $SANDBOX_LOCK (pid $caller); run npm run sandbox:down before releasing it"
fi
busy="$(listeners)"
[[ -z "$busy" ]] || die "ports the sandbox needs are in use (another local cluster, not started by the sandbox?):
$busy
  Stop what holds them (npm run cluster:down, if it is a cluster started by hand), then retry."

# --- toolchain -----------------------------------------------------------------------------
rm -rf "$SANDBOX_DIR"
mkdir -p "$SANDBOX_DIR/logs"
chmod 700 "$SANDBOX_DIR"
touch "$SANDBOX_MARKER"
date -u +%Y-%m-%dT%H:%M:%SZ >"$SANDBOX_DIR/started"
if [[ $own_lock == true ]]; then
  # The holder inherits fd 9 and with it the lock; sandbox:down ends it. Nothing else keeps fd 9.
  setsid bash -c "exec -a $SANDBOX_HOLDER_NAME sleep infinity" </dev/null >/dev/null 2>&1 &
  echo $! >"$SANDBOX_DIR/lock-holder.pid"
fi
exec 9>&-

failed=true
on_exit() {
  if [[ $failed == true ]]; then
    echo "sandbox: FAILED after $((SECONDS - t0)) s; stopping what was started (logs kept in $SANDBOX_DIR/logs)" >&2
    for f in "${FLUX_DIR:-/tmp/flux-gitops-flux}"/logs/*-controller.log; do
      [[ -f "$f" ]] && { echo "--- last lines of $f" >&2; tail -n 15 "$f" >&2; }
    done
    [[ -z "${flux_up:-}" ]] || kill "$flux_up" 2>/dev/null || true
    SANDBOX_KEEP_LOGS=1 bash "$here/down.sh" >&2 || true
  fi
}
trap on_exit EXIT

toolpath="$(bash "$here/toolchain.sh" "$SANDBOX_DIR/logs")"
t_tools=$SECONDS

# --- cluster, Git server, fixture repository -----------------------------------------------
say "starting the control plane and the Git server"
setsid -w bash "$it/cluster/up.sh" >"$SANDBOX_DIR/logs/cluster-up.log" 2>&1 ||
  { cat "$SANDBOX_DIR/logs/cluster-up.log" >&2; exit 1; }
setsid -w bash "$it/git/up.sh" >"$SANDBOX_DIR/logs/git-up.log" 2>&1 ||
  { cat "$SANDBOX_DIR/logs/git-up.log" >&2; exit 1; }
# shellcheck source=../tests/integration/cluster/env.sh
source "$it/cluster/env.sh"
# shellcheck source=../tests/integration/flux/env.sh
source "$it/flux/env.sh"
# shellcheck source=../tests/integration/git/env.sh
source "$it/git/env.sh"

node -e 'import("age-encryption").then(async (a) => process.stdout.write(await a.generateX25519Identity() + "\n"))' \
  >"$SANDBOX_DIR/age.agekey"
chmod 600 "$SANDBOX_DIR/age.agekey"
recipient="$(node -e 'import("age-encryption").then(async (a) => console.log(await a.identityToRecipient(require("fs").readFileSync(process.argv[1], "utf8").trim())))' "$SANDBOX_DIR/age.agekey")"
bash "$it/fixtures/make-repo.sh" "$recipient" "$SANDBOX_DIR/repo" >"$SANDBOX_DIR/logs/repo.log" 2>&1 ||
  { cat "$SANDBOX_DIR/logs/repo.log" >&2; exit 1; }
repo_url="$(bash "$it/git/publish.sh" "$SANDBOX_DIR/repo" gitops main | tail -n 1)"
# Flux's namespace and CRDs: the install manifest the stack applies. The controllers run as local
# processes (no Deployments); like a Deployment they start once pulumi up has installed the CRDs.
{
  printf 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: %s\n' "$FLUX_NAMESPACE"
  for f in "$FLUX_CRD_DIR"/*.yaml; do printf -- '---\n'; cat "$f"; done
} >"$SANDBOX_DIR/flux-install.yaml"
FLUX_CRDS_FROM_CLUSTER=1 setsid -w bash "$it/flux/up.sh" >"$SANDBOX_DIR/logs/flux-up.log" 2>&1 &
flux_up=$!
say "control plane, Git server ($repo_url) up in $((SECONDS - t_tools)) s"

# --- pulumi up, as a user runs it ----------------------------------------------------------
head -c 32 /dev/urandom | base64 >"$SANDBOX_DIR/passphrase"
chmod 600 "$SANDBOX_DIR/passphrase"
mkdir -p "$SANDBOX_DIR/state" "$SANDBOX_DIR/pulumi-home"
cat >"$SANDBOX_DIR/env.sh" <<EOF
# source $SANDBOX_DIR/env.sh: kubectl, pulumi and the sandbox's stack, backend and cluster.
export KUBECONFIG="$KUBECONFIG"
export PATH="$toolpath:$KUBERNETES_BIN_DIR:\$PATH"
export PULUMI_BACKEND_URL="file://$SANDBOX_DIR/state"
export PULUMI_CONFIG_PASSPHRASE_FILE="$SANDBOX_DIR/passphrase"
export PULUMI_HOME="$SANDBOX_DIR/pulumi-home"
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
cd "$root"
EOF
# shellcheck source=/dev/null
source "$SANDBOX_DIR/env.sh"
# The prod stack's settings; the stack file is git-ignored and removed by sandbox:down.
{
  echo "# Written by npm run sandbox from Pulumi.prod.yaml (below); npm run sandbox:down removes it."
  cat Pulumi.prod.yaml
} >"Pulumi.$SANDBOX_STACK.yaml"
{
  pulumi stack init "$SANDBOX_STACK" --secrets-provider passphrase
  pulumi config set --path flux.manifest "$SANDBOX_DIR/flux-install.yaml"
  pulumi config set --path git.url "$repo_url"
  pulumi config set --secret flux-gitops:ageKey <"$SANDBOX_DIR/age.agekey"
  pulumi config set --secret flux-gitops:gitSshIdentity <"$GIT_SSH_IDENTITY"
  pulumi config set flux-gitops:gitKnownHosts "$(cat "$GIT_SSH_KNOWN_HOSTS")"
  # A layer whose first attempt races the controllers' start retries in seconds, not after its
  # 10m interval (prod's retryInterval default).
  for layer in infrastructure databases apps; do
    pulumi config set --path "layers.$layer.retryInterval" 10s
  done
} >"$SANDBOX_DIR/logs/pulumi-config.log" 2>&1 || { cat "$SANDBOX_DIR/logs/pulumi-config.log" >&2; exit 1; }

say "pulumi up --stack $SANDBOX_STACK (output also in $SANDBOX_DIR/logs/pulumi-up.log)"
up_start="$(date -u +%s)"
pulumi up --yes --stack "$SANDBOX_STACK" --non-interactive 2>&1 | tee "$SANDBOX_DIR/logs/pulumi-up.log"
up_secs=$(($(date -u +%s) - up_start))
wait "$flux_up" || { cat "$SANDBOX_DIR/logs/flux-up.log" >&2; exit 1; }

# --- what happened -------------------------------------------------------------------------
# since KIND NAME: seconds from the start of pulumi up until the object's Ready=True transition.
since() {
  local t
  t="$(kubectl get "$1" "$2" -n "$FLUX_NAMESPACE" \
    -o jsonpath='{.status.conditions[?(@.type=="Ready")].lastTransitionTime}')"
  if [[ -n "$t" ]]; then echo $(($(date -u -d "$t" +%s) - up_start)); else echo -; fi
}
failed=false
echo
say "up in $((SECONDS - t0)) s (toolchain check $((t_tools - t0)) s, pulumi up ${up_secs} s)"
echo "  Ready after (from the start of pulumi up):"
{
  echo "$(since gitrepository flux-system) GitRepository/flux-system"
  for layer in $(kubectl get kustomizations -n "$FLUX_NAMESPACE" -o jsonpath='{.items[*].metadata.name}'); do
    echo "$(since kustomization "$layer") Kustomization/$layer"
  done
} | sort -n | awk '{ printf "    %-32s %s\n", $2, ($1 == "-" ? "not Ready" : $1 " s") }'
cat <<EOF

  Where to look:
    kubeconfig   $KUBECONFIG
    stack        Pulumi.$SANDBOX_STACK.yaml (backend file://$SANDBOX_DIR/state)
    GitOps repo  $repo_url (worktree $SANDBOX_DIR/repo)
    logs         $SANDBOX_DIR/logs, $FLUX_DIR/logs
  Try:
    source $SANDBOX_DIR/env.sh        # kubectl and pulumi on PATH, the sandbox stack selected
    kubectl get kustomizations -n flux-system
    kubectl get helmreleases -A
    pulumi stack output
    pulumi preview --expect-no-changes
  Stop (leaves nothing running or listening):
    npm run sandbox:down
EOF
