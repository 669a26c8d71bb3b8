#!/usr/bin/env bash
# Starts a real Kubernetes control plane as local processes on 127.0.0.1:
#   etcd                     client 127.0.0.1:16379, peer 127.0.0.1:16380
#   kube-apiserver           https://127.0.0.1:16443
#   kube-controller-manager  https://127.0.0.1:16257 (namespace deletion, garbage
#                            collection, service accounts and their tokens, resource
#                            quota status, ...)
# No kubelet, scheduler or container runtime: objects are stored and reconciled
# by controllers, but no pod ever runs.
#
# Certificates, the service-account key pair and the kubeconfigs are generated on
# every start under the state folder ${CLUSTER_DIR:-/tmp/flux-gitops-cluster}
# (pki/, logs/<process>.log, pids/<process>.pid, kubeconfig). Binaries come from
# the toolchain cache; they are built first if missing (tests/toolchain/).
#
# On success, prints the kubeconfig path; `source tests/integration/cluster/env.sh`
# then sets KUBECONFIG and puts the cached kubectl on PATH. Stop with down.sh.
# If starting fails, every process started so far is stopped again and the logs
# are kept under the state folder (down.sh removes it).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
toolchain="$(cd "$here/../../toolchain" && pwd)"
# shellcheck source=SCRIPTDIR/../../toolchain/versions.env
source "$toolchain/versions.env"

cache="${TOOLCHAIN_CACHE:-$HOME/.cache/flux-gitops-toolchain}"
k8s_bin="$cache/kubernetes-$KUBERNETES_VERSION/bin"
etcd_bin="$cache/etcd-$ETCD_VERSION/bin"
state="${CLUSTER_DIR:-/tmp/flux-gitops-cluster}"
marker="$state/.flux-gitops-cluster"

# Fixed loopback ports (16000-16999 belong to this control plane), all moved by
# FLUX_GITOPS_PORT_OFFSET (default 0) so that a second cluster can run beside this one.
off="${FLUX_GITOPS_PORT_OFFSET:-0}"
etcd_client_port=$((16379 + off))
etcd_peer_port=$((16380 + off))
apiserver_port=$((16443 + off))
kcm_port=$((16257 + off))
service_cidr=10.0.0.0/24
service_ip=10.0.0.1 # first address of service_cidr: the `kubernetes` Service
start_timeout="${CLUSTER_START_TIMEOUT:-120}"

started_ns=$(date +%s%N)
log() { printf 'cluster-up: [%5.1fs] %s\n' "$(elapsed)" "$*"; }
elapsed() { awk -v a="$started_ns" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }'; }
die() { echo "cluster-up: error: $*" >&2; exit 1; }

# --- preconditions -----------------------------------------------------------

for name in etcd kube-apiserver kube-controller-manager kubectl; do
  dir="$k8s_bin"; [ "$name" = etcd ] && dir="$etcd_bin"
  if [ ! -x "$dir/$name" ]; then
    log "$dir/$name missing: building the toolchain"
    "$toolchain/build-kubernetes.sh"
    break
  fi
done

if ! command -v openssl >/dev/null; then
  log "installing openssl (Debian)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssl >/dev/null
fi

if [ -d "$state/pids" ]; then
  for f in "$state"/pids/*.pid; do
    [ -e "$f" ] || continue
    pid="$(cat "$f")"
    if kill -0 "$pid" 2>/dev/null; then
      die "a cluster is already running from $state (pid $pid, $(basename "$f" .pid)); run $here/down.sh first"
    fi
  done
fi

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in $etcd_client_port $etcd_peer_port $apiserver_port $kcm_port; do
  if port_in_use "$port"; then
    die "127.0.0.1:$port is already in use (another cluster? run $here/down.sh)"
  fi
done

if [ -e "$state" ]; then
  [ -e "$marker" ] || die "$state exists and was not made by this script; remove it or set CLUSTER_DIR"
  rm -rf "$state"
fi
mkdir -p "$state"/{pki,logs,pids,etcd,apiserver,controller-manager}
chmod 700 "$state/etcd"
touch "$marker"

# From here on, a failure stops whatever was started and keeps the logs.
on_exit() {
  local rc=$?
  if [ "$rc" != 0 ]; then
    echo "cluster-up: FAILED after $(elapsed) s; last log lines:" >&2
    for f in "$state"/logs/*.log; do
      [ -s "$f" ] || continue
      echo "----- $f" >&2
      tail -n 25 "$f" >&2
    done
    "$here/down.sh" --keep-state >&2 || true
    echo "cluster-up: logs kept in $state/logs (remove with $here/down.sh)" >&2
  fi
}
trap on_exit EXIT

# --- PKI ---------------------------------------------------------------------

pki="$state/pki"
# new_cert NAME SUBJECT EXTENSIONS: an EC P-256 key and a certificate signed by the CA.
new_cert() {
  local name="$1" subj="$2" ext="$3"
  openssl ecparam -name prime256v1 -genkey -noout -out "$pki/$name.key" 2>/dev/null
  openssl req -new -key "$pki/$name.key" -subj "$subj" -out "$pki/$name.csr" 2>/dev/null
  printf '%s\n' "$ext" >"$pki/$name.ext"
  openssl x509 -req -in "$pki/$name.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
    -days 30 -sha256 -extfile "$pki/$name.ext" -out "$pki/$name.crt" 2>/dev/null
  rm -f "$pki/$name.csr"
}

openssl ecparam -name prime256v1 -genkey -noout -out "$pki/ca.key" 2>/dev/null
openssl req -x509 -new -key "$pki/ca.key" -sha256 -days 30 -subj "/CN=flux-gitops-test-ca" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
  -out "$pki/ca.crt" 2>/dev/null
new_cert apiserver "/CN=kube-apiserver" "$(printf '%s\n' \
  "basicConstraints=critical,CA:FALSE" \
  "keyUsage=critical,digitalSignature,keyEncipherment" \
  "extendedKeyUsage=serverAuth" \
  "subjectAltName=IP:127.0.0.1,IP:$service_ip,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local")"
client_ext="$(printf '%s\n' "basicConstraints=critical,CA:FALSE" \
  "keyUsage=critical,digitalSignature,keyEncipherment" "extendedKeyUsage=clientAuth")"
new_cert admin "/O=system:masters/CN=flux-gitops-admin" "$client_ext"
new_cert controller-manager "/CN=system:kube-controller-manager" "$client_ext"
# Service-account token signing key pair (RSA: RS256 tokens, as in a default cluster).
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$pki/sa.key" 2>/dev/null
openssl pkey -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null
chmod 600 "$pki"/*.key

# write_kubeconfig FILE CERT_NAME: credentials embedded, so the file can be copied.
write_kubeconfig() {
  local file="$1" cert="$2"
  cat >"$file" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: flux-gitops-test
  cluster:
    server: https://127.0.0.1:$apiserver_port
    certificate-authority-data: $(base64 -w0 <"$pki/ca.crt")
users:
- name: $cert
  user:
    client-certificate-data: $(base64 -w0 <"$pki/$cert.crt")
    client-key-data: $(base64 -w0 <"$pki/$cert.key")
contexts:
- name: flux-gitops-test
  context:
    cluster: flux-gitops-test
    user: $cert
current-context: flux-gitops-test
EOF
  chmod 600 "$file"
}
write_kubeconfig "$state/kubeconfig" admin
write_kubeconfig "$state/controller-manager.kubeconfig" controller-manager
log "certificates, service-account keys and kubeconfigs written to $state"

# --- processes ---------------------------------------------------------------

# start NAME BINARY ARGS...: runs in the background, output to logs/NAME.log.
start() {
  local name="$1"; shift
  "$@" </dev/null >"$state/logs/$name.log" 2>&1 &
  echo $! >"$state/pids/$name.pid"
  log "$name started (pid $!)"
}
# alive NAME: fails (and so stops up.sh) if the process has exited.
alive() {
  local pid; pid="$(cat "$state/pids/$1.pid")"
  kill -0 "$pid" 2>/dev/null || die "$1 (pid $pid) exited; see $state/logs/$1.log"
}
# wait_for WHAT PROCESS COMMAND...: polls COMMAND until it succeeds.
wait_for() {
  local what="$1" proc="$2"; shift 2
  local deadline=$((SECONDS + start_timeout))
  until "$@" >/dev/null 2>&1; do
    alive "$proc"
    [ $SECONDS -lt $deadline ] || die "timed out after ${start_timeout}s waiting for $what"
    sleep 0.5
  done
  log "$what"
}
# http_ok PORT PATH: plain-HTTP GET on loopback answered with status 200.
http_ok() (
  exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
  printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$2" >&3
  read -r -t 2 reply <&3 || exit 1
  [[ "$reply" == *" 200 "* ]]
)
kubectl_() { "$k8s_bin/kubectl" --kubeconfig "$state/kubeconfig" --request-timeout=5s "$@"; }

start etcd "$etcd_bin/etcd" \
  --name=flux-gitops-test \
  --data-dir="$state/etcd" \
  --listen-client-urls="http://127.0.0.1:$etcd_client_port" \
  --advertise-client-urls="http://127.0.0.1:$etcd_client_port" \
  --listen-peer-urls="http://127.0.0.1:$etcd_peer_port" \
  --initial-advertise-peer-urls="http://127.0.0.1:$etcd_peer_port" \
  --initial-cluster="flux-gitops-test=http://127.0.0.1:$etcd_peer_port" \
  --initial-cluster-state=new \
  --unsafe-no-fsync \
  --log-level=warn
wait_for "etcd healthy" etcd http_ok "$etcd_client_port" /health

start kube-apiserver "$k8s_bin/kube-apiserver" \
  --etcd-servers="http://127.0.0.1:$etcd_client_port" \
  --bind-address=127.0.0.1 \
  --advertise-address=127.0.0.1 \
  --secure-port="$apiserver_port" \
  --cert-dir="$state/apiserver" \
  --tls-cert-file="$pki/apiserver.crt" \
  --tls-private-key-file="$pki/apiserver.key" \
  --client-ca-file="$pki/ca.crt" \
  --service-cluster-ip-range="$service_cidr" \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --service-account-key-file="$pki/sa.pub" \
  --service-account-signing-key-file="$pki/sa.key" \
  --authorization-mode=Node,RBAC \
  --endpoint-reconciler-type=none \
  --allow-privileged=true \
  --profiling=false \
  --v=1
wait_for "kube-apiserver ready (/readyz)" kube-apiserver kubectl_ get --raw=/readyz

# resourcequota-controller: @pulumi/kubernetes waits until a ResourceQuota has a status (the
# release's critical-pods-flux-system). What the install's other awaits need (a Deployment's
# ready pods, the endpoints of a Service that selects pods) takes a kubelet: not here.
start kube-controller-manager "$k8s_bin/kube-controller-manager" \
  --kubeconfig="$state/controller-manager.kubeconfig" \
  --authentication-kubeconfig="$state/controller-manager.kubeconfig" \
  --authorization-kubeconfig="$state/controller-manager.kubeconfig" \
  --authentication-skip-lookup \
  --client-ca-file="$pki/ca.crt" \
  --bind-address=127.0.0.1 \
  --secure-port="$kcm_port" \
  --cert-dir="$state/controller-manager" \
  --leader-elect=false \
  --use-service-account-credentials=true \
  --service-account-private-key-file="$pki/sa.key" \
  --root-ca-file="$pki/ca.crt" \
  --service-cluster-ip-range="$service_cidr" \
  --controllers=namespace-controller,garbage-collector-controller,serviceaccount-controller,serviceaccount-token-controller,clusterrole-aggregation-controller,root-ca-certificate-publisher-controller,resourcequota-controller \
  --profiling=false \
  --v=1
wait_for "namespace default exists" kube-controller-manager kubectl_ get namespace default
wait_for "service account default/default exists" kube-controller-manager kubectl_ -n default get serviceaccount default
alive etcd
alive kube-apiserver

trap - EXIT
log "control plane up in $(elapsed) s (Kubernetes $KUBERNETES_VERSION, etcd $ETCD_VERSION)"
echo "KUBECONFIG=$state/kubeconfig"
