#!/usr/bin/env bash
# Stops the Flux controllers started by up.sh (SIGTERM, then SIGKILL after
# 15 s) and removes the state dir, unless KEEP_FLUX_STATE=1. Safe to run when
# nothing runs and after a failed up.sh. Leaves the cluster objects alone:
# delete Flux objects with finalizers before this, or they stay pending.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=env.sh
source "$here/env.sh"

pids=()
for name in notification-controller helm-controller kustomize-controller source-controller; do
  pidfile="$FLUX_DIR/pids/$name.pid"
  [[ -f "$pidfile" ]] || continue
  pid="$(cat "$pidfile")"
  # Only a pid that is still our controller (guards against a recycled pid).
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null &&
     tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$FLUX_BIN_DIR/$name"; then
    kill -TERM "$pid" 2>/dev/null && pids+=("$pid") && echo "flux: stopping $name (pid $pid)"
  fi
  rm -f "$pidfile"
done
for _ in $(seq 1 150); do
  alive=0
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
  [[ $alive -eq 1 ]] || break
  sleep 0.1
done
for pid in "${pids[@]}"; do
  if kill -0 "$pid" 2>/dev/null; then
    echo "flux: pid $pid did not stop in 15 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
done
if [[ "${KEEP_FLUX_STATE:-}" != 1 && -d "$FLUX_DIR" ]]; then
  rm -rf "$FLUX_DIR"
fi
exit 0
