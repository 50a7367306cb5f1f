#!/usr/bin/env bash
# A local kube-apiserver + etcd on 127.0.0.1 for test/k8s (no kubelet: pods never run).
# Usage: kube-apiserver.sh build | start | stop | prepare
#   start prints the kubeconfig's path on stdout; prepare is build then start, for CI in the
#   background (its log and outcome in $RUN, which test/k8s waits for: helpers/apiserver.ts).
# OC_K8S_HOME holds the binaries, OC_K8S_RUN (default $OC_K8S_HOME/run) one server's state.
set -euo pipefail
SELF="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"
HOME_DIR="${OC_K8S_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/odoo-capacity/k8s}"
BIN="$HOME_DIR/bin"
RUN="${OC_K8S_RUN:-$HOME_DIR/run}"
KV="${OC_K8S_VERSION:-v1.34.4}"
SV="v0.${KV#v1.}"
EV="${OC_ETCD_VERSION:-v3.6.4}"
# Below 20000 and the ephemeral range: the real-Odoo tests take ports in 20000-40000, others 0.
API_PORT="${OC_K8S_API_PORT:-16443}"
ETCD_PORT="${OC_K8S_ETCD_PORT:-16379}"
PEER_PORT="${OC_K8S_ETCD_PEER_PORT:-16380}"
APISERVER="$BIN/kube-apiserver"
ETCD="$BIN/etcd"
log() { echo "kube-apiserver.sh: $*" >&2; }

# kube-apiserver $KV and etcd $EV from the Go module proxy (cold: about 6 min on 2 cores, 7 CPU-min).
build() {
  export GOFLAGS=-mod=mod
  mkdir -p "$HOME_DIR/build" "$BIN"
  cd "$HOME_DIR/build"
  # go.mod counts once it is complete (.mod-done): a module set up halfway is set up again.
  if [ ! -f .mod-done ]; then
    rm -f go.mod go.sum
    go mod init local/odoo-capacity-k8s >/dev/null 2>&1
    go mod edit -go=1.24.0
    # k8s.io/kubernetes replaces its staging modules with ./staging paths, which only hold inside
    # its own module: map each to its published version instead.
    go mod download "k8s.io/kubernetes@$KV"
    local modf
    modf="$(go env GOMODCACHE)/cache/download/k8s.io/kubernetes/@v/$KV.mod"
    for m in $(grep -E '^\s+k8s.io/[a-z-]+ v0.0.0$' "$modf" | awk '{print $1}'); do
      go mod edit -replace "$m=$m@$SV"
    done
    go get -tool "k8s.io/kubernetes/cmd/kube-apiserver@$KV"
    go get -tool "go.etcd.io/etcd/server/v3@$EV"
    go mod tidy
    touch .mod-done
  fi
  log "building kube-apiserver $KV and etcd $EV into $BIN"
  local MAJ MIN LD
  MAJ=${KV#v}; MAJ=${MAJ%%.*}; MIN=${KV#v*.}; MIN=${MIN%%.*}
  LD="-s -w"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    LD="$LD -X $p.gitVersion=$KV -X $p.gitMajor=$MAJ -X $p.gitMinor=$MIN -X $p.gitTreeState=clean"
  done
  nice -n 19 go build -trimpath -ldflags "$LD" -o "$BIN"/kube-apiserver k8s.io/kubernetes/cmd/kube-apiserver
  nice -n 19 go build -trimpath -ldflags "-s -w" -o "$BIN"/etcd go.etcd.io/etcd/server/v3
  log "built: $("$APISERVER" --version), etcd $EV"
}

start() {
  [ -x "$APISERVER" ] && [ -x "$ETCD" ] || { log "no kube-apiserver in $BIN (run: scripts/kube-apiserver.sh build)"; return 1; }
  mkdir -p "$RUN/pki"
  local P="$RUN/pki" KC="$RUN/kubeconfig"
  alive() { [ -f "$RUN/$1.pid" ] && kill -0 "$(cat "$RUN/$1.pid")" 2>/dev/null; }
  readyz() { curl -sf --max-time 3 --cacert "$P/ca.crt" --cert "$P/admin.crt" --key "$P/admin.key" "https://127.0.0.1:$API_PORT/readyz" >/dev/null 2>&1; }

  if alive etcd && alive kube-apiserver && readyz; then
    log "already running (apiserver https://127.0.0.1:$API_PORT)"; echo "$KC"; return 0
  fi

  # --- certificates (made once; self-signed CA, 127.0.0.1 only) ---
  if [ ! -f "$P/admin.crt" ]; then
    log "making certificates in $P"
    (
      cd "$P"
      openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 3650 -subj "/CN=local-k8s-ca" 2>/dev/null
      printf '%s\n' 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default.svc' 'extendedKeyUsage=serverAuth' > apiserver.ext
      openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr -subj "/CN=kube-apiserver" 2>/dev/null
      openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out apiserver.crt -days 3650 -extfile apiserver.ext 2>/dev/null
      printf 'extendedKeyUsage=clientAuth\n' > client.ext
      openssl req -newkey rsa:2048 -nodes -keyout admin.key -out admin.csr -subj "/CN=admin/O=system:masters" 2>/dev/null
      openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out admin.crt -days 3650 -extfile client.ext 2>/dev/null
      openssl genrsa -out sa.key 2048 2>/dev/null
      openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
      TOKEN="$(openssl rand -hex 24)"
      echo "$TOKEN,admin,admin,system:masters" > tokens.csv
      echo "$TOKEN" > admin.token
      chmod 600 *.key tokens.csv admin.token
    )
  fi

  # --- etcd ---
  if [ "${OC_K8S_FRESH:-0}" = 1 ]; then rm -rf "$RUN/etcd-data"; fi
  if ! alive etcd; then
    log "starting etcd ($("$ETCD" --version | head -1)) on 127.0.0.1:$ETCD_PORT"
    nohup "$ETCD" --name local --data-dir "$RUN/etcd-data" \
      --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
      --listen-peer-urls "http://127.0.0.1:$PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$PEER_PORT" \
      --initial-cluster "local=http://127.0.0.1:$PEER_PORT" \
      --quota-backend-bytes $((2*1024*1024*1024)) \
      >"$RUN/etcd.log" 2>&1 </dev/null &
    echo $! > "$RUN/etcd.pid"
    for i in $(seq 1 60); do
      curl -sf --max-time 2 "http://127.0.0.1:$ETCD_PORT/health" 2>/dev/null | grep -q '"health":"true"' && break
      alive etcd || { log "etcd died; see $RUN/etcd.log"; tail -5 "$RUN/etcd.log" >&2; return 1; }
      sleep 0.5
    done
  fi

  # --- kube-apiserver ---
  if ! alive kube-apiserver; then
    log "starting kube-apiserver ($("$APISERVER" --version)) on https://127.0.0.1:$API_PORT"
    nohup "$APISERVER" \
      --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$API_PORT" \
      --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
      --tls-cert-file="$P/apiserver.crt" --tls-private-key-file="$P/apiserver.key" \
      --client-ca-file="$P/ca.crt" --token-auth-file="$P/tokens.csv" \
      --service-account-issuer=https://kubernetes.default.svc.cluster.local \
      --service-account-key-file="$P/sa.pub" --service-account-signing-key-file="$P/sa.key" \
      --api-audiences=https://kubernetes.default.svc.cluster.local \
      --service-cluster-ip-range=10.96.0.0/16 \
      --authorization-mode=AlwaysAllow \
      --disable-admission-plugins=ServiceAccount \
      --cert-dir="$RUN/apiserver-certs" \
      --profiling=false --endpoint-reconciler-type=none \
      >"$RUN/kube-apiserver.log" 2>&1 </dev/null &
    echo $! > "$RUN/kube-apiserver.pid"
  fi
  for i in $(seq 1 240); do
    readyz && break
    alive kube-apiserver || { log "kube-apiserver died; see $RUN/kube-apiserver.log"; tail -20 "$RUN/kube-apiserver.log" >&2; return 1; }
    sleep 0.5
  done
  readyz || { log "kube-apiserver not ready after 120 s; see $RUN/kube-apiserver.log"; return 1; }

  # --- kubeconfig ---
  kubectl config --kubeconfig="$KC" set-cluster local --server="https://127.0.0.1:$API_PORT" \
    --certificate-authority="$P/ca.crt" --embed-certs=true >/dev/null
  kubectl config --kubeconfig="$KC" set-credentials admin \
    --client-certificate="$P/admin.crt" --client-key="$P/admin.key" --embed-certs=true >/dev/null
  kubectl config --kubeconfig="$KC" set-context local --cluster=local --user=admin --namespace=default >/dev/null
  kubectl config --kubeconfig="$KC" use-context local >/dev/null
  chmod 600 "$KC"
  log "ready: https://127.0.0.1:$API_PORT"
  echo "$KC"
}

# build, then start, each in its own shell (so set -e holds), output in $RUN/prepare.log; then
# writes $RUN/prepare.status: "ready <seconds>" or "failed <seconds>".
prepare() {
  mkdir -p "$RUN"
  rm -f "$RUN/prepare.status"
  local t0=$SECONDS outcome=failed
  if bash "$SELF" build >"$RUN/prepare.log" 2>&1 && bash "$SELF" start >>"$RUN/prepare.log" 2>&1; then
    outcome=ready
  fi
  echo "$outcome $((SECONDS - t0))" >"$RUN/prepare.status.tmp"
  mv "$RUN/prepare.status.tmp" "$RUN/prepare.status"
}

stop() {
  for n in kube-apiserver etcd; do
    f="$RUN/$n.pid"
    [ -f "$f" ] || continue
    pid="$(cat "$f")"
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      for i in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
      echo "kube-apiserver.sh: stopped $n (pid $pid)" >&2
    fi
    rm -f "$f"
  done
  [ "${OC_K8S_WIPE:-0}" = 1 ] && rm -rf "$RUN/etcd-data" && echo "kube-apiserver.sh: wiped etcd data" >&2
}

case "${1:-}" in
  build) build ;;
  start) start ;;
  stop) stop ;;
  prepare) prepare ;;
  *) echo "usage: scripts/kube-apiserver.sh build | start | stop | prepare" >&2; exit 2 ;;
esac
