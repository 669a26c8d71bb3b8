#!/usr/bin/env bash
# npm run test:sandbox: `npm run sandbox` and `npm run sandbox:down` as a user runs them.
#   1. with one of its ports taken, the sandbox refuses before starting anything, naming the port;
#   2. it comes up: every layer Ready, the time to Ready of each printed, the kubeconfig and the
#      stop command shown; the printed env.sh gives a working kubectl and pulumi (a preview of the
#      sandbox stack reports no changes);
#   3. a second sandbox while it runs is refused as "already running", and the first keeps running;
#   4. sandbox:down leaves nothing listening (ss -ltnp), no state, no stack file, the lock free;
#      a second sandbox:down is a no-op.
# Needs the toolchain (the sandbox builds it on first use) and the cluster's ports free.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
# shellcheck source=../../sandbox/env.sh
source "$root/sandbox/env.sh"

passed=0
failed=0
out="$(mktemp -d "${TMPDIR:-/tmp}/flux-gitops-sandbox-test.XXXXXX")"
cleanup() {
  [[ -z "${squatter:-}" ]] || kill "$squatter" 2>/dev/null
  bash sandbox/down.sh >/dev/null 2>&1
  rm -rf "$out"
}
trap cleanup EXIT
ok() { passed=$((passed + 1)); echo "ok   - $*"; }
fail() { failed=$((failed + 1)); echo "FAIL - $*"; }
# expect DESCRIPTION COMMAND...: the command succeeds.
expect() {
  local what="$1"
  shift
  if "$@"; then ok "$what"; else fail "$what"; fi
}
has() { grep -qE -- "$2" "$1" || { echo "       no line matching /$2/ in $1:"; sed 's/^/       | /' "$1" | tail -n 40; return 1; }; }
hasnt() { ! grep -qE -- "$2" "$1" || { echo "       unexpected /$2/ in $1"; return 1; }; }

# 1. A taken port: refused up front, nothing started.
python3 -c 'import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 17022)); s.listen(); time.sleep(120)' &
squatter=$!
for _ in $(seq 1 50); do [[ -n "$(listeners)" ]] && break; sleep 0.1; done
bash sandbox/up.sh >"$out/busy.log" 2>&1
rc=$?
kill "$squatter" 2>/dev/null
wait "$squatter" 2>/dev/null
squatter=""
expect "a taken port is refused (exit $rc)" [ "$rc" -ne 0 ]
expect "the refusal names the port" has "$out/busy.log" "ports the sandbox needs are in use"
expect "the refusal shows who holds it" has "$out/busy.log" ":17022"
expect "nothing was started" [ ! -e "$SANDBOX_MARKER" ]

# 2. Up.
start=$(date +%s)
bash sandbox/up.sh >"$out/up.log" 2>&1
rc=$?
up_secs=$(($(date +%s) - start))
expect "npm run sandbox succeeds (exit $rc, ${up_secs} s)" [ "$rc" -eq 0 ]
for layer in infrastructure databases apps; do
  expect "prints the time to Ready of $layer" has "$out/up.log" "Kustomization/$layer +[0-9]+ s$"
done
expect "prints the GitRepository's time to Ready" has "$out/up.log" "GitRepository/flux-system +[0-9]+ s$"
expect "prints the kubeconfig path" has "$out/up.log" "kubeconfig +/tmp/flux-gitops-cluster/kubeconfig"
expect "prints how to look" has "$out/up.log" "kubectl get kustomizations -n flux-system"
expect "prints how to stop" has "$out/up.log" "npm run sandbox:down"
expect "ran pulumi up through the CLI" has "$out/up.log" "Resources:"
# What the user saw after pulumi up's own output.
sed -n '/^sandbox: up in/,$p' "$out/up.log" | sed 's/^/       | /'
expect "no secret in the output" hasnt "$out/up.log" "AGE-SECRET-KEY-1|PRIVATE KEY"
(
  # shellcheck source=/dev/null
  source "$SANDBOX_DIR/env.sh" &&
    kubectl wait --for=condition=Ready --timeout=5s -n flux-system \
      kustomization/infrastructure kustomization/databases kustomization/apps >"$out/wait.log" 2>&1 &&
    pulumi preview --expect-no-changes --non-interactive >"$out/preview.log" 2>&1
)
rc=$?
expect "env.sh works: layers Ready per kubectl, pulumi preview --expect-no-changes passes (exit $rc)" [ "$rc" -eq 0 ]
[[ $rc -eq 0 ]] || tail -n 30 "$out/wait.log" "$out/preview.log"

# 3. A second sandbox.
start=$(date +%s%N)
bash sandbox/up.sh >"$out/second.log" 2>&1
rc=$?
second_ms=$((($(date +%s%N) - start) / 1000000))
expect "a second sandbox is refused (exit $rc, ${second_ms} ms)" [ "$rc" -ne 0 ]
expect "it says a sandbox is already running" has "$out/second.log" "a sandbox is already running"
expect "it is not a port error" hasnt "$out/second.log" "in use"
expect "the first sandbox still runs" bash -c "source '$SANDBOX_DIR/env.sh' && kubectl get kustomization apps -n flux-system >/dev/null"

# 4. Down.
start=$(date +%s%N)
bash sandbox/down.sh >"$out/down.log" 2>&1
rc=$?
down_ms=$((($(date +%s%N) - start) / 1000000))
expect "npm run sandbox:down succeeds (exit $rc, ${down_ms} ms)" [ "$rc" -eq 0 ]
expect "nothing listens on the sandbox's ports (ss -ltnp)" [ -z "$(listeners)" ]
expect "no state is left" test ! -e "$SANDBOX_DIR" -a ! -e /tmp/flux-gitops-cluster
expect "the sandbox stack file is gone" [ ! -e "Pulumi.$SANDBOX_STACK.yaml" ]
holders=""
for pid in $(lock_holders); do is_ancestor "$pid" || holders+=" $pid"; done
expect "the cluster lock is released (holders:${holders:- none})" [ -z "$holders" ]
bash sandbox/down.sh >"$out/down2.log" 2>&1
rc=$?
expect "a second sandbox:down is a no-op (exit $rc)" has "$out/down2.log" "no sandbox is running"

echo "sandbox: $passed passed, $failed failed (up ${up_secs} s, refusal ${second_ms} ms, down ${down_ms} ms)"
[[ $failed -eq 0 ]]
