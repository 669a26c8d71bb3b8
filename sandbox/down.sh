#!/usr/bin/env bash
# npm run sandbox:down: stops everything `npm run sandbox` started (Flux's controllers, the Git
# server, the control plane, the process keeping the cluster lock), removes its state (the
# sandbox stack file, backend, keys) and checks with `ss -ltnp` that nothing listens on the
# sandbox's ports any more. Safe to run when no sandbox runs; it never stops a cluster that a
# test run started. SANDBOX_KEEP_LOGS=1 keeps $SANDBOX_DIR/logs (used after a failed start).
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
it="$root/tests/integration"
# shellcheck source=env.sh
source "$here/env.sh"
say() { echo "sandbox-down: $*"; }

if [[ ! -e "$SANDBOX_MARKER" ]]; then
  say "no sandbox is running (no $SANDBOX_MARKER)"
  exit 0
fi

t0=$(date +%s%N)
bash "$it/flux/down.sh" 2>&1 | sed 's/^/  /'
bash "$it/git/down.sh" 2>&1 | sed 's/^/  /'
bash "$it/cluster/down.sh" 2>&1 | sed 's/^/  /'
if pid="$(holder_pid)"; then
  kill "$pid" && say "released $SANDBOX_LOCK (lock holder pid $pid)"
fi
rm -f "$root/Pulumi.$SANDBOX_STACK.yaml"
if [[ "${SANDBOX_KEEP_LOGS:-}" == 1 ]]; then
  find "$SANDBOX_DIR" -mindepth 1 -maxdepth 1 ! -name logs -exec rm -rf {} +
  say "logs kept in $SANDBOX_DIR/logs"
else
  rm -rf "$SANDBOX_DIR"
fi

# Listening sockets close with their process, but give a slow exit a moment.
for _ in $(seq 1 50); do
  [[ -z "$(listeners)" ]] && break
  sleep 0.1
done
left="$(listeners)"
if [[ -n "$left" ]]; then
  say "still listening on the sandbox's ports (ss -ltnp):"
  echo "$left"
  exit 1
fi
say "stopped in $((($(date +%s%N) - t0) / 1000000)) ms; ss -ltnp: nothing listens on ${SANDBOX_PORTS[*]}"
