# shellcheck shell=bash
# Settings shared by sandbox/up.sh and sandbox/down.sh. Source it.
export SANDBOX_DIR="${SANDBOX_DIR:-/tmp/flux-gitops-sandbox}"
# shellcheck source=../tests/integration/lock.sh
source "$(dirname "${BASH_SOURCE[0]}")/../tests/integration/lock.sh"
SANDBOX_LOCK="$CLUSTER_LOCK"
SANDBOX_MARKER="$SANDBOX_DIR/.flux-gitops-sandbox"
SANDBOX_HOLDER_NAME=flux-gitops-sandbox-lock
SANDBOX_STACK=sandbox
# Every fixed loopback port of the control plane (16xxx), Flux (171xx) and the Git server.
SANDBOX_PORTS=(16379 16380 16443 16257 17022 17080 17100 17101 17102 17111 17112 17121 17122 17131 17132 17133 17134)

# listeners: `ss -ltnp` lines of anything listening on one of the sandbox's ports.
listeners() {
  local filter="" p
  for p in "${SANDBOX_PORTS[@]}"; do filter+="${filter:+ or }sport = :$p"; done
  ss -Hltnp "( $filter )" 2>/dev/null || true
}

# holder_pid: pid of the process that keeps the sandbox's lock, if it still runs.
holder_pid() {
  local pid
  pid="$(cat "$SANDBOX_DIR/lock-holder.pid" 2>/dev/null)" || return 1
  [[ -n "$pid" ]] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "^$SANDBOX_HOLDER_NAME" &&
    echo "$pid"
}
