#!/usr/bin/env bash
# A real one-node cluster on this machine for test/k8s: kube-apiserver + etcd (kube-apiserver.sh),
# kube-scheduler, kubelet, containerd v2 + runc, CNI bridge 10.88.0.0/16, and two locally built
# images (no registry): a k6 image (busybox + k6) and a pause image. Needs root, cgroups, overlayfs.
# Usage: kube-node.sh build | images | start | stop
#   start prints the kubeconfig's path on stdout once the node is Ready.
# OC_NODE_HOME holds binaries, images and all state; kube-apiserver and etcd come from
# OC_K8S_APISERVER_BIN (default: kube-apiserver.sh's bin folder).
set -euo pipefail
SCRIPTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
NODE_HOME="${OC_NODE_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/odoo-capacity/node}"
BIN="$NODE_HOME/bin"
RUN="$NODE_HOME/run"
KV="${OC_K8S_VERSION:-v1.34.4}"
SV="v0.${KV#v1.}"
CTRD_V="${OC_CONTAINERD_VERSION:-v2.2.9}"
RUNC_V="${OC_RUNC_VERSION:-v1.4.4}"
CNI_V="${OC_CNI_VERSION:-v1.9.1}"
API_PORT="${OC_K8S_API_PORT:-17443}"
ETCD_PORT="${OC_K8S_ETCD_PORT:-17379}"
PEER_PORT="${OC_K8S_ETCD_PEER_PORT:-17380}"
K6_IMAGE="${OC_NODE_K6_IMAGE:-docker.io/grafana/k6:odoo-capacity-test}"
PAUSE_IMAGE="${OC_NODE_PAUSE_IMAGE:-registry.k8s.io/pause:odoo-capacity-test}"
log() { echo "kube-node.sh: $*" >&2; }

build() {
  export GOFLAGS=-mod=mod
  mkdir -p "$NODE_HOME/build/k8s" "$BIN/cni"
  local t0=$SECONDS
  # kubelet + kube-scheduler: same module set-up as kube-apiserver.sh (staging modules replaced by
  # their published versions).
  (
    cd "$NODE_HOME/build/k8s"
    if [ ! -f .mod-done ]; then
      rm -f go.mod go.sum
      go mod init local/odoo-capacity-node >/dev/null 2>&1
      go mod edit -go=1.24.0
      go mod download "k8s.io/kubernetes@$KV"
      modf="$(go env GOMODCACHE)/cache/download/k8s.io/kubernetes/@v/$KV.mod"
      for m in $(grep -E '^\s+k8s.io/[a-z-]+ v0.0.0$' "$modf" | awk '{print $1}'); do
        go mod edit -replace "$m=$m@$SV"
      done
      go get -tool "k8s.io/kubernetes/cmd/kubelet@$KV"
      go get -tool "k8s.io/kubernetes/cmd/kube-scheduler@$KV"
      go mod tidy
      touch .mod-done
    fi
    MAJ=${KV#v}; MAJ=${MAJ%%.*}; MIN=${KV#v*.}; MIN=${MIN%%.*}
    LD="-s -w"
    for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
      LD="$LD -X $p.gitVersion=$KV -X $p.gitMajor=$MAJ -X $p.gitMinor=$MIN -X $p.gitTreeState=clean"
    done
    log "building kubelet and kube-scheduler $KV"
    nice -n 19 go build -trimpath -ldflags "$LD" -o "$BIN"/kubelet k8s.io/kubernetes/cmd/kubelet
    nice -n 19 go build -trimpath -ldflags "$LD" -o "$BIN"/kube-scheduler k8s.io/kubernetes/cmd/kube-scheduler
  )
  log "kubelet + kube-scheduler: $((SECONDS - t0)) s"; t0=$SECONDS
  # containerd, its shim and ctr: no replace directives, so plain `go install pkg@version`.
  log "building containerd $CTRD_V"
  GOFLAGS= GOBIN="$BIN" nice -n 19 go install -trimpath -ldflags "-s -w" -tags "no_btrfs no_devmapper no_zfs" \
    "github.com/containerd/containerd/v2/cmd/containerd@$CTRD_V" \
    "github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2@$CTRD_V" \
    "github.com/containerd/containerd/v2/cmd/ctr@$CTRD_V"
  log "containerd: $((SECONDS - t0)) s"; t0=$SECONDS
  # runc: with seccomp when libseccomp's headers are there, else without (pods run Unconfined).
  local tags=""
  if pkg-config --exists libseccomp 2>/dev/null; then tags="seccomp"; fi
  log "building runc $RUNC_V (tags: ${tags:-none})"
  GOFLAGS= GOBIN="$BIN" CGO_ENABLED=1 nice -n 19 go install -trimpath -ldflags "-s -w" -tags "$tags" \
    "github.com/opencontainers/runc@$RUNC_V"
  log "runc: $((SECONDS - t0)) s"; t0=$SECONDS
  log "building CNI plugins $CNI_V"
  GOFLAGS= GOBIN="$BIN/cni" CGO_ENABLED=0 nice -n 19 go install -trimpath -ldflags "-s -w" \
    "github.com/containernetworking/plugins/plugins/main/bridge@$CNI_V" \
    "github.com/containernetworking/plugins/plugins/main/loopback@$CNI_V" \
    "github.com/containernetworking/plugins/plugins/ipam/host-local@$CNI_V"
  log "CNI: $((SECONDS - t0)) s"
  ls -la "$BIN" "$BIN/cni" >&2
}

# One image as a docker-archive tarball (docker save format), built by hand from a root directory:
# mkimage <rootfs dir> <name:tag> <entrypoint JSON array> <out.tar>
mkimage() {
  local root="$1" ref="$2" entry="$3" out="$4" w layer_sha cfg cfg_sha
  w="$(mktemp -d)"
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$root" -cf "$w/layer.tar" .
  layer_sha="$(sha256sum "$w/layer.tar" | cut -d' ' -f1)"
  cfg='{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/usr/local/bin:/usr/bin:/bin"],"Entrypoint":'"$entry"',"WorkingDir":"/home/k6"},"rootfs":{"type":"layers","diff_ids":["sha256:'"$layer_sha"'"]}}'
  printf '%s' "$cfg" >"$w/config.json"
  cfg_sha="$(sha256sum "$w/config.json" | cut -d' ' -f1)"
  mv "$w/config.json" "$w/$cfg_sha.json"
  mkdir "$w/$layer_sha" && mv "$w/layer.tar" "$w/$layer_sha/layer.tar"
  printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["%s/layer.tar"]}]' "$cfg_sha" "$ref" "$layer_sha" >"$w/manifest.json"
  tar -C "$w" -cf "$out" manifest.json "$cfg_sha.json" "$layer_sha"
  rm -rf "$w"
}

# The k6 image (busybox: sh, tar, sleep; k6 and the libraries it links) and the pause image (a
# static C pause), as docker-archive tarballs in $NODE_HOME/images.
images() {
  local k6="${K6_BIN:-$(command -v k6 || echo /root/go/bin/k6)}" bb r lib
  bb="$(command -v busybox)" || { log "no busybox (apt-get install busybox-static)"; return 1; }
  file -L "$bb" | grep -q 'statically linked' || { log "$bb is not static (apt-get install busybox-static)"; return 1; }
  [ -x "$k6" ] || { log "no k6 at $k6 (set K6_BIN)"; return 1; }
  mkdir -p "$NODE_HOME/images"
  r="$(mktemp -d)"
  mkdir -p "$r/bin" "$r/usr/bin" "$r/tmp" "$r/etc" "$r/home/k6" "$r/proc" "$r/sys" "$r/dev"
  chmod 1777 "$r/tmp"
  cp "$bb" "$r/bin/busybox"
  for a in $("$bb" --list); do [ "$a" = busybox ] || ln -s busybox "$r/bin/$a"; done
  cp "$k6" "$r/usr/bin/k6"
  for lib in $(ldd "$k6" 2>/dev/null | grep -oE '/[^ ]+'); do
    mkdir -p "$r$(dirname "$lib")" && cp -L "$lib" "$r$lib"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nk6:x:12345:12345::/home/k6:/bin/sh\n' >"$r/etc/passwd"
  printf 'root:x:0:\nk6:x:12345:\n' >"$r/etc/group"
  mkimage "$r" "$K6_IMAGE" '["k6"]' "$NODE_HOME/images/k6.tar"
  rm -rf "$r"
  r="$(mktemp -d)"
  printf '%s\n' '#include <signal.h>' '#include <unistd.h>' '#include <stdlib.h>' \
    'static void bye(int s) { (void)s; exit(0); }' \
    'int main(void) { signal(SIGTERM, bye); signal(SIGINT, bye); for (;;) pause(); }' >"$r/pause.c"
  mkdir "$r/root"
  gcc -static -O2 -o "$r/root/pause" "$r/pause.c"
  mkimage "$r/root" "$PAUSE_IMAGE" '["/pause"]' "$NODE_HOME/images/pause.tar"
  rm -rf "$r"
  log "images: $K6_IMAGE, $PAUSE_IMAGE in $NODE_HOME/images"
}

alive() { [ -f "$RUN/$1.pid" ] && kill -0 "$(cat "$RUN/$1.pid")" 2>/dev/null; }

# daemon <name> <command...>: started in the background, its pid in $RUN/<name>.pid.
daemon() {
  local name="$1"; shift
  alive "$name" && return 0
  nohup "$@" >"$RUN/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN/$name.pid"
}

# wait_for <seconds> <what> <name whose death fails it> <command...>
wait_for() {
  local secs="$1" what="$2" name="$3" i; shift 3
  for i in $(seq 1 $((secs * 2))); do
    "$@" >/dev/null 2>&1 && return 0
    alive "$name" || { log "$name died; see $RUN/$name.log"; tail -15 "$RUN/$name.log" >&2; return 1; }
    sleep 0.5
  done
  log "$what: not after $secs s; see $RUN/$name.log"; tail -15 "$RUN/$name.log" >&2; return 1
}

start() {
  [ "$(id -u)" = 0 ] || { log "needs root (containerd, runc, mounts)"; return 1; }
  for b in kubelet kube-scheduler containerd containerd-shim-runc-v2 ctr runc cni/bridge cni/host-local cni/loopback; do
    [ -x "$BIN/$b" ] || { log "no $b in $BIN (run: scripts/kube-node.sh build)"; return 1; }
  done
  [ -f "$NODE_HOME/images/k6.tar" ] || images
  mkdir -p "$RUN" "$NODE_HOME/k8s/bin" "$NODE_HOME/cni/net.d" "$NODE_HOME/kubelet"
  export PATH="$BIN:$PATH"

  # --- kube-apiserver + etcd, on their own ports ---
  # kube-apiserver and etcd: copied from OC_K8S_APISERVER_BIN, else kube-apiserver.sh's own bin.
  local apibin="${OC_K8S_APISERVER_BIN:-${OC_K8S_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/odoo-capacity/k8s}/bin}"
  for b in kube-apiserver etcd; do
    [ -x "$NODE_HOME/k8s/bin/$b" ] && continue
    [ -x "$apibin/$b" ] || { log "no $b in $apibin (run: scripts/kube-apiserver.sh build, or set OC_K8S_APISERVER_BIN)"; return 1; }
    cp "$apibin/$b" "$NODE_HOME/k8s/bin/$b"
  done
  local KC
  KC="$(OC_K8S_HOME="$NODE_HOME/k8s" OC_K8S_API_PORT="$API_PORT" OC_K8S_ETCD_PORT="$ETCD_PORT" \
    OC_K8S_ETCD_PEER_PORT="$PEER_PORT" bash "$SCRIPTS/kube-apiserver.sh" start)"

  # --- containerd (CRI), cgroupfs, its own root and state ---
  local C="$NODE_HOME/containerd" SOCK="$RUN/containerd.sock"
  mkdir -p "$C/root" "$C/state"
  cat >"$C/config.toml" <<TOML
version = 3
root = "$C/root"
state = "$C/state"
[grpc]
  address = "$SOCK"
[ttrpc]
  address = "$RUN/containerd.sock.ttrpc"
[plugins."io.containerd.cri.v1.images"]
  snapshotter = "overlayfs"
  [plugins."io.containerd.cri.v1.images".pinned_images]
    sandbox = "$PAUSE_IMAGE"
[plugins."io.containerd.cri.v1.runtime"]
  # Root here may lack CAP_SYS_RESOURCE (a VM's or container's root): no oom_score_adj below ours.
  restrict_oom_score_adj = true
  [plugins."io.containerd.cri.v1.runtime".containerd]
    default_runtime_name = "runc"
    [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc.options]
        BinaryName = "$BIN/runc"
        SystemdCgroup = false
  [plugins."io.containerd.cri.v1.runtime".cni]
    bin_dirs = ["$BIN/cni"]
    conf_dir = "$NODE_HOME/cni/net.d"
[plugins."io.containerd.grpc.v1.cri"]
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
TOML
  # The pods' network: a bridge with the host at 10.88.0.1, where a load target on the host listens.
  cat >"$NODE_HOME/cni/net.d/10-odoo-capacity.conflist" <<JSON
{"cniVersion": "1.0.0", "name": "odoo-capacity", "plugins": [
  {"type": "bridge", "bridge": "ocnode0", "isGateway": true, "ipMasq": false, "hairpinMode": true,
   "ipam": {"type": "host-local", "dataDir": "$NODE_HOME/cni/ipam",
            "ranges": [[{"subnet": "10.88.0.0/16", "gateway": "10.88.0.1"}]],
            "routes": [{"dst": "0.0.0.0/0"}]}}]}
JSON
  # The bridge plugin turns on IPv4 forwarding: stop puts back what was there.
  [ -f "$RUN/ip_forward.before" ] || cat /proc/sys/net/ipv4/ip_forward >"$RUN/ip_forward.before"
  # The bridge made now, not at the first pod: a load target can listen on 10.88.0.1 at once.
  if ! ip link show ocnode0 >/dev/null 2>&1; then
    # A fixed address: else the bridge takes its ports' lowest, which changes as pods come and
    # go, and pods that cached the gateway's old one lose their connections to the host.
    ip link add ocnode0 address 02:00:0a:58:00:01 type bridge &&
      ip addr add 10.88.0.1/16 dev ocnode0 && ip link set ocnode0 up
  fi
  if ! alive containerd; then
    log "starting containerd ($("$BIN/containerd" --version | awk '{print $3}'))"
    daemon containerd "$BIN/containerd" --config "$C/config.toml"
  fi
  wait_for 60 "containerd" containerd "$BIN/ctr" -a "$SOCK" version
  local img
  for img in k6 pause; do
    log "importing the $img image"
    "$BIN/ctr" -a "$SOCK" -n k8s.io images import --no-unpack=false "$NODE_HOME/images/$img.tar" >&2
  done

  # --- kube-scheduler ---
  daemon kube-scheduler "$BIN/kube-scheduler" --kubeconfig="$KC" \
    --authentication-kubeconfig="$KC" --authorization-kubeconfig="$KC" \
    --bind-address=127.0.0.1 --secure-port="${OC_NODE_SCHEDULER_PORT:-17259}" --leader-elect=false

  # --- kubelet: cgroupfs, anonymous + AlwaysAllow so the apiserver reaches exec, logs and cp ---
  # It listens on 127.0.0.1 only; the node is called localhost, its Hostname address, which the
  # apiserver tries first (a loopback --node-ip is refused).
  local K="$NODE_HOME/kubelet"
  cat >"$K/config.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: 127.0.0.1
port: ${OC_NODE_KUBELET_PORT:-17250}
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: ${OC_NODE_KUBELET_HEALTHZ_PORT:-17248}
cgroupDriver: cgroupfs
failSwapOn: false
containerRuntimeEndpoint: unix://$SOCK
authentication:
  anonymous: {enabled: true}
  webhook: {enabled: false}
authorization: {mode: AlwaysAllow}
evictionHard: {memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%"}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
serializeImagePulls: false
resolvConf: /etc/resolv.conf
podPidsLimit: 4096
YAML
  if ! alive kubelet; then
    log "starting kubelet $KV (node localhost)"
    daemon kubelet "$BIN/kubelet" --config="$K/config.yaml" --kubeconfig="$KC" \
      --root-dir="$K/root" --cert-dir="$K/pki" --hostname-override=localhost
  fi
  wait_for 120 "node Ready" kubelet kubectl --kubeconfig="$KC" wait --for=condition=Ready node/localhost --timeout=2s
  # Without kube-controller-manager nobody lifts the taint the apiserver puts on a new node.
  kubectl --kubeconfig="$KC" taint node localhost node.kubernetes.io/not-ready:NoSchedule- >/dev/null 2>&1 || true
  log "ready: node localhost, kubeconfig $KC"
  echo "$KC"
}

stop() {
  local n pid i
  # Pods first, while the kubelet and containerd can still tear them down.
  if alive containerd; then
    for n in $("$BIN/ctr" -a "$RUN/containerd.sock" -n k8s.io tasks ls -q 2>/dev/null); do
      "$BIN/ctr" -a "$RUN/containerd.sock" -n k8s.io tasks kill -s KILL "$n" >/dev/null 2>&1 || true
    done
  fi
  for n in kubelet kube-scheduler containerd; do
    [ -f "$RUN/$n.pid" ] || continue
    pid="$(cat "$RUN/$n.pid")"
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      for i in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
      log "stopped $n (pid $pid)"
    fi
    rm -f "$RUN/$n.pid"
  done
  # Shims left by containerd (each its own process group), by the pid files they wrote.
  for f in "$NODE_HOME"/containerd/state/io.containerd.runtime.v2.task/k8s.io/*/shim.pid; do
    [ -f "$f" ] || continue
    pid="$(cat "$f")"; kill -9 "$pid" 2>/dev/null || true
  done
  OC_K8S_HOME="$NODE_HOME/k8s" OC_K8S_API_PORT="$API_PORT" OC_K8S_ETCD_PORT="$ETCD_PORT" \
    OC_K8S_ETCD_PEER_PORT="$PEER_PORT" bash "$SCRIPTS/kube-apiserver.sh" stop || true
  # Mounts under the node's home (pod volumes, overlay snapshots, sandbox shm), deepest first.
  awk -v h="$NODE_HOME/" 'index($2, h) == 1 {print $2}' /proc/self/mounts | sort -r | while read -r m; do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || log "could not unmount $m"
  done
  ip link del ocnode0 2>/dev/null || true
  # The kubelet's own iptables chains (firewall of 127.0.0.0/8, canaries), when it made any.
  local ipt t c
  for ipt in iptables ip6tables; do
    command -v "$ipt" >/dev/null || continue
    for c in INPUT OUTPUT; do
      while "$ipt" -D "$c" -j KUBE-FIREWALL 2>/dev/null; do :; done
    done
    for t in filter nat mangle; do
      for c in KUBE-FIREWALL KUBE-KUBELET-CANARY KUBE-IPTABLES-HINT; do
        "$ipt" -t "$t" -F "$c" 2>/dev/null && "$ipt" -t "$t" -X "$c" 2>/dev/null || true
      done
    done
  done
  # The kubelet's QoS cgroups (cgroupfs driver), once empty.
  for d in /sys/fs/cgroup/*/kubepods; do
    [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  done
  if [ -f "$RUN/ip_forward.before" ]; then
    cat "$RUN/ip_forward.before" >/proc/sys/net/ipv4/ip_forward
    rm -f "$RUN/ip_forward.before"
  fi
  rm -rf "$NODE_HOME/cni/ipam"
}

case "${1:-}" in
  build) build ;;
  images) images ;;
  start) start ;;
  stop) stop ;;
  *) echo "usage: scripts/kube-node.sh build | images | start | stop" >&2; exit 2 ;;
esac
