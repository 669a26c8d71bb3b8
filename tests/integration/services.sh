# shellcheck shell=bash
# Shared by tests/integration/run.sh and tests/e2e/run.sh. Source it.

integration_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# Builds (or finds cached) the control plane, Flux and sops binaries.
build_cluster_toolchain() {
  local part
  for part in kubernetes flux sops; do
    bash "$integration_dir/../toolchain/build-$part.sh"
  done
}

# Stops Flux, the Git server and the control plane; with a non-zero status first prints the
# end of each controller log, which is where a failed test's cause usually is.
stop_services() {
  local status="$1" log
  if [[ "$status" -ne 0 ]]; then
    for log in "${FLUX_DIR:-/tmp/flux-gitops-flux}"/logs/*-controller.log; do
      [[ -f "$log" ]] || continue
      echo "--- last lines of $log" >&2
      tail -n 30 "$log" >&2 || true
    done
  fi
  bash "$integration_dir/flux/down.sh" >/dev/null 2>&1 || true
  bash "$integration_dir/git/down.sh" >/dev/null 2>&1 || true
  bash "$integration_dir/cluster/down.sh" >/dev/null 2>&1 || true
}
