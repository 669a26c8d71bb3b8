#!/usr/bin/env bash
# Smoke test of the control plane started by up.sh (run up.sh first):
#   1. kubectl and the server report the pinned Kubernetes version;
#   2. a new namespace gets its `default` ServiceAccount (serviceaccount controller);
#   3. deleting a namespace that holds a ConfigMap completes (namespace controller);
#   4. a ConfigMap owned by another is deleted with its owner (garbage collector);
#   5. a CustomResourceDefinition can be applied and a custom resource created.
# Prints each check and a closing 'N passed, N failed' line; exits non-zero if any
# check failed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/env.sh
source "$here/env.sh"
# shellcheck source=SCRIPTDIR/../../toolchain/versions.env
source "$here/../../toolchain/versions.env"
[ -s "$KUBECONFIG" ] || { echo "smoke: $KUBECONFIG not found: run $here/up.sh first" >&2; exit 1; }

timeout_s="${SMOKE_TIMEOUT:-60}"
suffix="$$-$RANDOM"
ns="smoke-$suffix"
gc_ns="smoke-gc-$suffix"
crd_group="smoke.flux-gitops.test"
passed=0
failed=0

k() { kubectl --request-timeout=10s "$@"; }
cleanup() {
  k delete namespace "$ns" "$gc_ns" --ignore-not-found --wait=false >/dev/null 2>&1 || true
  k delete crd "widgets.$crd_group" --ignore-not-found --wait=false >/dev/null 2>&1 || true
}
trap cleanup EXIT

# check DESCRIPTION FUNCTION: runs FUNCTION, prints ok/FAIL with its output.
check() {
  local what="$1" out rc start=$SECONDS
  shift
  # Not in an `if`: errexit must stay in force inside FUNCTION, so that any
  # failing step fails the check.
  set +e
  out="$(set -e; "$@" 2>&1)"
  rc=$?
  set -e
  if [ "$rc" = 0 ]; then
    passed=$((passed + 1))
    echo "ok   - $what ($((SECONDS - start)) s)${out:+: $out}"
  else
    failed=$((failed + 1))
    echo "FAIL - $what ($((SECONDS - start)) s)"
    printf '%s\n' "$out" | sed 's/^/       /'
  fi
}
# eventually COMMAND...: retries COMMAND every 0.5 s until it succeeds or times out.
eventually() {
  local deadline=$((SECONDS + timeout_s))
  until "$@" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then
      echo "timed out after ${timeout_s}s waiting for: $*"
      return 1
    fi
    sleep 0.5
  done
}
# gone ARGS...: `kubectl ARGS` fails with NotFound.
gone() {
  local out
  if out="$(k "$@" 2>&1)"; then return 1; fi
  [[ "$out" == *NotFound* ]]
}

check_version() {
  local json server client
  json="$(k version -o json)"
  server="$(printf '%s' "$json" | sed -n '/"serverVersion"/,/}/s/.*"gitVersion": "\([^"]*\)".*/\1/p')"
  client="$(printf '%s' "$json" | sed -n '/"clientVersion"/,/}/s/.*"gitVersion": "\([^"]*\)".*/\1/p')"
  [ "$server" = "$KUBERNETES_VERSION" ] || { echo "server reports '$server', want $KUBERNETES_VERSION"; return 1; }
  [ "$client" = "$KUBERNETES_VERSION" ] || { echo "kubectl reports '$client', want $KUBERNETES_VERSION"; return 1; }
  echo "server $server, kubectl $client"
}

check_default_service_account() {
  k create namespace "$ns" >/dev/null
  eventually k -n "$ns" get serviceaccount default
  echo "namespace $ns has ServiceAccount default"
}

check_namespace_deletion() {
  k -n "$ns" create configmap payload --from-literal=key=value >/dev/null
  k delete namespace "$ns" --wait=false >/dev/null
  eventually gone get namespace "$ns"
  echo "namespace $ns with ConfigMap payload deleted"
}

check_garbage_collection() {
  local uid
  k create namespace "$gc_ns" >/dev/null
  k -n "$gc_ns" create configmap owner --from-literal=role=owner >/dev/null
  uid="$(k -n "$gc_ns" get configmap owner -o jsonpath='{.metadata.uid}')"
  k -n "$gc_ns" apply -f - >/dev/null <<EOF
apiVersion: v1
kind: ConfigMap
metadata:
  name: dependent
  ownerReferences:
  - apiVersion: v1
    kind: ConfigMap
    name: owner
    uid: $uid
data:
  role: dependent
EOF
  k -n "$gc_ns" get configmap dependent >/dev/null
  k -n "$gc_ns" delete configmap owner --cascade=background >/dev/null
  eventually gone -n "$gc_ns" get configmap dependent
  echo "dependent ConfigMap collected after its owner (uid $uid) was deleted"
}

check_crd() {
  k apply -f - >/dev/null <<EOF
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.$crd_group
spec:
  group: $crd_group
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, listKind: WidgetList}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: integer, minimum: 1}
EOF
  k wait --for=condition=Established --timeout="${timeout_s}s" "crd/widgets.$crd_group" >/dev/null
  k -n default apply -f - >/dev/null <<EOF
apiVersion: $crd_group/v1
kind: Widget
metadata:
  name: smoke-$suffix
spec:
  size: 3
EOF
  local size
  size="$(k -n default get "widgets.$crd_group" "smoke-$suffix" -o jsonpath='{.spec.size}')"
  [ "$size" = 3 ] || { echo "custom resource has spec.size '$size', want 3"; return 1; }
  # The schema is enforced: an invalid object is rejected.
  if k -n default create -f - >/dev/null 2>&1 <<EOF
apiVersion: $crd_group/v1
kind: Widget
metadata:
  name: invalid-$suffix
spec:
  size: 0
EOF
  then
    echo "a Widget violating the schema (size 0) was accepted"
    return 1
  fi
  k -n default delete "widgets.$crd_group" "smoke-$suffix" >/dev/null
  echo "CRD widgets.$crd_group established, Widget created and read back, invalid one rejected"
}

echo "smoke: control plane at $(kubectl config view --minify -o jsonpath='{.clusters[0].cluster.server}')"
check "kubectl version reports the pinned release" check_version
check "new namespace gets a default ServiceAccount" check_default_service_account
check "namespace deletion completes" check_namespace_deletion
check "garbage collection deletes dependents" check_garbage_collection
check "CRD can be applied and a custom resource created" check_crd
echo "smoke: $passed passed, $failed failed"
[ "$failed" = 0 ]
