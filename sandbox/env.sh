# shellcheck shell=bash
# Settings shared by sandbox/up.sh and sandbox/down.sh. Source it.
export SANDBOX_DIR="${SANDBOX_DIR:-/tmp/flux-gitops-sandbox}"
# The same lock every run of a local control plane takes (tests, e2e, the sandbox): only one
# can run at a time, since they all use the same fixed ports and state folders.
export SANDBOX_LOCK="${SANDBOX_LOCK:-/tmp/flux-gitops-cluster.lock}"
SANDBOX_MARKER="$SANDBOX_DIR/.flux-gitops-sandbox"
SANDBOX_HOLDER_NAME=flux-gitops-sandbox-lock
SANDBOX_STACK=sandbox
# Every fixed loopback port of the control plane (16xxx), Flux (171xx) and the Git server.
SANDBOX_PORTS=(16379 16380 16443 16257 17022 17080 17100 17101 17102 17111 17112 17121 17122)

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

# lock_holders: pids that hold a lock on $SANDBOX_LOCK (from /proc/locks).
lock_holders() {
  local inode
  inode="$(stat -c %i "$SANDBOX_LOCK" 2>/dev/null)" || return 0
  awk -v i=":$inode" '$2 == "FLOCK" && substr($6, length($6) - length(i) + 1) == i { print $5 }' /proc/locks
}

# is_ancestor PID: PID is this shell or one of its parents.
is_ancestor() {
  local p=$$
  while [[ -n "$p" && "$p" != 0 ]]; do
    [[ "$p" == "$1" ]] && return 0
    p="$(awk '/^PPid:/ { print $2 }' "/proc/$p/status" 2>/dev/null)"
  done
  return 1
}
