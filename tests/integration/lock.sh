# shellcheck shell=bash
# The lock every run of the local control plane takes (tests, e2e, the sandbox, the preview
# benchmark): they all use the same fixed ports and state folders, so only one may run. Source it.
export CLUSTER_LOCK="${CLUSTER_LOCK:-/tmp/flux-gitops-cluster.lock}"

# lock_holders: pids that hold a lock on $CLUSTER_LOCK (from /proc/locks).
lock_holders() {
  local inode
  inode="$(stat -c %i "$CLUSTER_LOCK" 2>/dev/null)" || return 0
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

# caller_holds_lock: this process runs under `flock $CLUSTER_LOCK ...` (one of its parents holds it).
caller_holds_lock() {
  local pid
  for pid in $(lock_holders); do is_ancestor "$pid" && return 0; done
  return 1
}
