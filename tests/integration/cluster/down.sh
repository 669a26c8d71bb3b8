#!/usr/bin/env bash
# Stops every process that up.sh started (by the pid files under the state
# folder, also after a start that failed halfway) and removes the state folder.
#   --keep-state   stop the processes but keep the folder (logs, certificates)
# Safe to run when nothing is running.
set -euo pipefail

keep_state=false
case "${1:-}" in
  --keep-state) keep_state=true ;;
  "") ;;
  *) echo "usage: $0 [--keep-state]" >&2; exit 2 ;;
esac

state="${CLUSTER_DIR:-/tmp/flux-gitops-cluster}"
marker="$state/.flux-gitops-cluster"
log() { printf 'cluster-down: %s\n' "$*"; }

if [ ! -e "$state" ]; then
  log "nothing to stop ($state does not exist)"
  exit 0
fi
[ -e "$marker" ] || { echo "cluster-down: $state was not made by up.sh; leaving it alone" >&2; exit 1; }

# stop NAME: TERM, then KILL after 15 s, only if the pid still runs that binary.
stop() {
  local name="$1" file="$state/pids/$1.pid" pid exe
  [ -f "$file" ] || return 0
  pid="$(cat "$file")"
  exe="$(readlink "/proc/$pid/exe" 2>/dev/null || true)"
  if [ -z "$exe" ] || [ "$(basename "${exe% (deleted)}")" != "$name" ]; then
    rm -f "$file"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 150); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "$name (pid $pid) did not stop on TERM; killing it"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.2
  fi
  rm -f "$file"
  log "stopped $name (pid $pid)"
}

# Reverse start order: clients first, etcd last.
stop kube-controller-manager
stop kube-apiserver
stop etcd

if [ "$keep_state" = true ]; then
  log "state kept in $state"
else
  rm -rf "$state"
  log "removed $state"
fi
