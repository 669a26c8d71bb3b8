#!/usr/bin/env bash
# Runs Flux (source-controller, kustomize-controller, helm-controller and
# notification-controller, of the version pinned in tests/toolchain/versions.env) as local processes against
# the API server of $KUBECONFIG (default: the control plane of
# tests/integration/cluster/up.sh):
#   1. builds the controllers if they are not cached (tests/toolchain/build-flux.sh),
#   2. applies their CRDs and creates the namespace flux-system,
#   3. starts the four controllers (watching all namespaces, no leader
#      election) with fixed loopback ports (env.sh), logs under
#      $FLUX_DIR/logs/ and pid files under $FLUX_DIR/pids/,
#   4. waits until each one answers /readyz.
# FLUX_REQUEUE_DEPENDENCY (default 5s; upstream's default is 30s) is how often
# a Kustomization or HelmRelease waiting on a dependsOn is looked at again:
# shorter makes the layered rollout of the tests quicker, nothing else.
# FLUX_CRDS_FROM_CLUSTER=1 skips step 2 and waits instead until the CRDs and the
# namespace exist (the e2e suite, where pulumi up installs them as install.yaml would).
# Idempotent: controllers already running are kept. If anything fails, what
# was started is stopped again (down.sh), with the logs kept.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
# shellcheck source=env.sh
source "$here/env.sh"
# KUBECONFIG and the cached kubectl of the control plane, unless given.
if [[ -f "$root/tests/integration/cluster/env.sh" ]]; then
  kc="${KUBECONFIG:-}"
  # shellcheck source=../cluster/env.sh
  source "$root/tests/integration/cluster/env.sh"
  [[ -z "$kc" ]] || export KUBECONFIG="$kc"
fi
: "${KUBECONFIG:?KUBECONFIG is not set}"
[[ -f "$KUBECONFIG" ]] || { echo "error: no kubeconfig at $KUBECONFIG (is the cluster up?)" >&2; exit 1; }
command -v kubectl >/dev/null || { echo "error: kubectl not on PATH" >&2; exit 1; }
timeout_s="${FLUX_START_TIMEOUT:-90}"

ms() { echo $(( $(date +%s%N) / 1000000 )); }
t0=$(ms)

"$root/tests/toolchain/build-flux.sh" | sed 's/^/  /'
t_built=$(ms)

failed=1
cleanup() {
  if [[ $failed -eq 1 ]]; then
    echo "flux: start failed; stopping what was started (logs kept in $FLUX_DIR/logs)" >&2
    for f in "$FLUX_DIR"/logs/*.log; do
      [[ -f "$f" ]] || continue
      echo "--- tail of $f" >&2
      tail -n 15 "$f" >&2 || true
    done
    KEEP_FLUX_STATE=1 "$here/down.sh" >&2 || true
  fi
}
trap cleanup EXIT

mkdir -p "$FLUX_DIR"/{logs,pids,storage,tmp,home}

# The CRDs the three core controllers need; notification-controller's apart, since an install
# may leave it out (flux.components). FLUX_NOTIFICATION: 1 runs it (waiting for its CRDs too),
# 0 never, auto (the default) when its CRDs are Established once the others are.
notification="${FLUX_NOTIFICATION:-auto}"
core_crds=()
notification_crds=()
for f in "$FLUX_CRD_DIR"/*.yaml; do
  case "$(basename "$f")" in
    notification.toolkit.fluxcd.io_*) notification_crds+=("$f") ;;
    *) core_crds+=("$f") ;;
  esac
done
[[ "$notification" != 1 ]] || core_crds+=("${notification_crds[@]}")
established() { # files...
  local args=() f
  for f in "$@"; do args+=(-f "$f"); done
  kubectl wait --for=condition=Established --timeout=20s "${args[@]}"
}
if [[ "${FLUX_CRDS_FROM_CLUSTER:-0}" == 1 ]]; then
  # Someone else (pulumi up, in the e2e suite) installs the CRDs and the namespace, as
  # install.yaml would: wait for them, like the controllers' Deployments would.
  for _ in $(seq 1 "${FLUX_CRD_WAIT:-300}"); do
    kubectl get namespace "$FLUX_NAMESPACE" >/dev/null 2>&1 &&
      established "${core_crds[@]}" >"$FLUX_DIR/logs/crds.log" 2>&1 &&
      break
    sleep 1
  done
  established "${core_crds[@]}" >>"$FLUX_DIR/logs/crds.log"
else
  # CRDs (server-side apply: some are too large for the last-applied annotation).
  kubectl apply --server-side --force-conflicts -f "$FLUX_CRD_DIR" >"$FLUX_DIR/logs/crds.log"
  kubectl wait --for=condition=Established --timeout=60s -f "$FLUX_CRD_DIR" >>"$FLUX_DIR/logs/crds.log"
  kubectl create namespace "$FLUX_NAMESPACE" --dry-run=client -o yaml |
    kubectl apply --server-side -f - >>"$FLUX_DIR/logs/crds.log"
fi
with_notification=0
if [[ "$notification" != 0 && ${#notification_crds[@]} -gt 0 ]] &&
   established "${notification_crds[@]}" >>"$FLUX_DIR/logs/crds.log" 2>&1; then
  with_notification=1
fi
t_crds=$(ms)

running() { # name
  local pidfile="$FLUX_DIR/pids/$1.pid" pid
  [[ -f "$pidfile" ]] || return 1
  pid="$(cat "$pidfile")"
  kill -0 "$pid" 2>/dev/null &&
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$FLUX_BIN_DIR/$1"
}

start() { # name args...
  local name="$1"; shift
  if running "$name"; then
    echo "  $name: already running (pid $(cat "$FLUX_DIR/pids/$name.pid"))"
    return
  fi
  # Controllers read KUBECONFIG; RUNTIME_NAMESPACE as in the real Deployment;
  # HOME, TMPDIR and Helm's folders inside the state dir so nothing is
  # written elsewhere.
  env KUBECONFIG="$KUBECONFIG" RUNTIME_NAMESPACE="$FLUX_NAMESPACE" \
    HOME="$FLUX_DIR/home" TMPDIR="$FLUX_DIR/tmp" \
    HELM_CACHE_HOME="$FLUX_DIR/home/helm/cache" HELM_CONFIG_HOME="$FLUX_DIR/home/helm/config" \
    HELM_DATA_HOME="$FLUX_DIR/home/helm/data" \
    SOURCE_CONTROLLER_LOCALHOST="$FLUX_STORAGE_ADDR" \
    setsid "$FLUX_BIN_DIR/$name" \
      --watch-all-namespaces=true \
      --enable-leader-election=false \
      --log-level="${FLUX_LOG_LEVEL:-info}" \
      "$@" >>"$FLUX_DIR/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$FLUX_DIR/pids/$name.pid"
}

# Every controller sends its events to notification-controller, as the release's
# --events-addr=http://notification-controller.flux-system.svc.cluster.local./ does.
controllers=(source-controller kustomize-controller helm-controller)
events=""
if [[ $with_notification == 1 ]]; then
  controllers+=(notification-controller)
  events="--events-addr=http://$FLUX_EVENTS_ADDR/"
  start notification-controller \
    --metrics-addr="$FLUX_NOTIFICATION_METRICS_ADDR" --health-addr="$FLUX_NOTIFICATION_HEALTH_ADDR" \
    --events-addr="$FLUX_EVENTS_ADDR" --receiverAddr="$FLUX_RECEIVER_ADDR"
fi
start source-controller \
  --metrics-addr="$FLUX_SOURCE_METRICS_ADDR" --health-addr="$FLUX_SOURCE_HEALTH_ADDR" \
  --storage-path="$FLUX_DIR/storage" \
  --storage-addr="$FLUX_STORAGE_ADDR" --storage-adv-addr="$FLUX_STORAGE_ADDR" \
  ${events:+"$events"}
start kustomize-controller \
  --metrics-addr="$FLUX_KUSTOMIZE_METRICS_ADDR" --health-addr="$FLUX_KUSTOMIZE_HEALTH_ADDR" \
  --no-remote-bases=true \
  --requeue-dependency="${FLUX_REQUEUE_DEPENDENCY:-5s}" \
  ${events:+"$events"}
start helm-controller \
  --metrics-addr="$FLUX_HELM_METRICS_ADDR" --health-addr="$FLUX_HELM_HEALTH_ADDR" \
  --graceful-shutdown-timeout=10s \
  --requeue-dependency="${FLUX_REQUEUE_DEPENDENCY:-5s}" \
  ${events:+"$events"}

declare -A health=(
  [source-controller]="$FLUX_SOURCE_HEALTH_ADDR"
  [kustomize-controller]="$FLUX_KUSTOMIZE_HEALTH_ADDR"
  [helm-controller]="$FLUX_HELM_HEALTH_ADDR"
  [notification-controller]="$FLUX_NOTIFICATION_HEALTH_ADDR"
)
deadline=$(( $(date +%s) + timeout_s ))
for name in "${controllers[@]}"; do
  until curl -fsS -m 2 -o /dev/null "http://${health[$name]}/readyz" 2>/dev/null; do
    if ! running "$name"; then
      echo "error: $name exited" >&2
      exit 1
    fi
    if (( $(date +%s) > deadline )); then
      echo "error: $name not ready on ${health[$name]} after ${timeout_s}s" >&2
      exit 1
    fi
    sleep 0.2
  done
  echo "  $name: ready (pid $(cat "$FLUX_DIR/pids/$name.pid"), health ${health[$name]})"
done
# source-controller's artifact server too.
until curl -s -m 2 -o /dev/null "http://$FLUX_STORAGE_ADDR/"; do
  (( $(date +%s) <= deadline )) || { echo "error: artifact server not up on $FLUX_STORAGE_ADDR" >&2; exit 1; }
  sleep 0.2
done
t_ready=$(ms)
failed=0
echo "flux: up (build check $(( t_built - t0 )) ms, CRDs+namespace $(( t_crds - t_built )) ms, controllers ready $(( t_ready - t_crds )) ms; logs in $FLUX_DIR/logs)"
