#!/usr/bin/env bash
# Stops the loopback Git server started by up.sh (sshd, and the smart HTTP
# server if it runs) and removes its state dir (keys, repositories).
# KEEP_GIT_STATE=1 keeps the state dir.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=env.sh
source "$here/env.sh"

d="$GIT_SERVER_DIR"
pidfile="$d/sshd.pid"
if [[ -f "$pidfile" ]]; then
  pid="$(cat "$pidfile")"
  # Only a pid that is still our sshd (guards against a recycled pid).
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null &&
     tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$d/server/sshd_config"; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    echo "git server: stopped sshd (pid $pid)"
  fi
  rm -f "$pidfile"
fi
hpidfile="$d/httpd.pid"
if [[ -f "$hpidfile" ]]; then
  pid="$(cat "$hpidfile")"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null &&
     tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$d/bin/git-httpd"; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    echo "git server: stopped smart HTTP server (pid $pid)"
  fi
  rm -f "$hpidfile"
fi
if [[ "${KEEP_GIT_STATE:-}" != 1 && -d "$d" ]]; then
  rm -rf "$d"
fi
exit 0
