#!/usr/bin/env bash
# A throw-away Kubernetes cluster on 127.0.0.1 built by build.sh: etcd + kube-apiserver +
# kube-controller-manager + kube-scheduler + kwok. There is no kubelet and no container runtime:
# kwok simulates the nodes and moves the pods scheduled on them through its stages, so pods get
# an IP and become Running and Ready, Deployments become Available and EndpointSlices list ready
# endpoints, but no container ever runs.
#
#   scripts/engines/cluster.sh start <statedir>   # prints the kubeconfig path (only that, on stdout)
#   scripts/engines/cluster.sh stop  <statedir>
#
# start: picks free loopback ports, makes a CA + serving cert + service-account key pair with
#   openssl and a static token file, starts the processes (logs: <statedir>/*.log, pids:
#   <statedir>/pids), writes <statedir>/kubeconfig (admin token, CA embedded) and
#   <statedir>/cluster.env (KUBECONFIG, API server URL, token), waits for /readyz, creates the
#   simulated nodes, server-side applies every CRD under $ENGINES_CRDS/<project>/ and waits until
#   all are Established, the "default" ServiceAccount exists (proof that the controller manager
#   works) and every node is Ready without taints.
#   Nodes: kwok-node-a, -b, -c, ... (CLUSTER_NODES=N, default 3), annotated kwok.x-k8s.io/node=fake,
#   labelled kubernetes.io/hostname and topology.kubernetes.io/zone (zone-a, zone-b, zone-c in
#   turn), each with cpu 128, memory 512Gi, ephemeral-storage 1Ti, pods 1000 (library pods request
#   100m / 128Mi / 128Mi by default) and its own pod CIDR 10.244.<4i>.0/22.
#   Pod stages: kwok's fast pod-ready / pod-complete / pod-delete stages, plus
#   scripts/engines/kwok/pod-fault-stages.yaml: a pod labelled immutable-infra.dev/simulate=unready
#   runs but never becomes Ready; =crashloop runs with its containers waiting in
#   CrashLoopBackOff (restartCount 3). pod-ready is given a `NotIn [unready, crashloop]` on that
#   label (in <statedir>/kwok-stages.yaml; the shipped file is not changed).
#   CLUSTER_PODS=0 starts the control plane only (no scheduler, kwok or nodes: pods stay Pending).
#   CLUSTER_CRDS="istio keda" limits the CRD projects ("none" for no CRDs);
#   CLUSTER_EXTRA_CRDS="dir ..." applies more CRD directories (e.g. crds-optional/...).
#   Every process listens on 127.0.0.1 only; kube-scheduler and kwok serve no port at all.
#   The controller manager and the scheduler may send 200 requests/s (burst 400) instead of
#   20/50: with the defaults, 1,000 one-replica Deployments took 246 s to become Available
#   instead of 38 s.
# stop: kills the recorded pids in reverse start order (TERM, then KILL after 15 s) and removes
#   the state except logs (CLUSTER_KEEP_STATE=1 keeps everything).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=env.sh
source "$HERE/env.sh"

log() { printf '[cluster] %s\n' "$*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}
usage() { die "usage: $0 start|stop <statedir>"; }

[[ $# -eq 2 ]] || usage
CMD="$1"
mkdir -p "$2"
S="$(cd "$2" && pwd)"

# Running (a zombie waiting for its parent to reap it counts as gone).
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  local stat
  stat="$(ps -o stat= -p "$1" 2>/dev/null)" || return 1
  [[ "$stat" != Z* ]]
}

free_port() {
  if command -v python3 >/dev/null; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
  else
    node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
  fi
}

stop_cluster() {
  local name pid n
  if [[ -f "$S/pids" ]]; then
    # Reverse start order (kwok, scheduler, controller manager, API server, etcd), each one gone
    # before the next is stopped, so the API server can still reach etcd while it shuts down.
    while read -r name pid; do
      alive "$pid" || continue
      log "stopping $name (pid $pid)"
      kill -TERM "$pid" 2>/dev/null || true
      for ((n = 0; n < 150; n++)); do
        alive "$pid" || break
        sleep 0.1
      done
      if alive "$pid"; then
        log "$name (pid $pid) ignored TERM for 15s, sending KILL"
        kill -KILL "$pid" 2>/dev/null || true
      fi
    done < <(tac "$S/pids")
    rm -f "$S/pids"
  fi
  if [[ "${CLUSTER_KEEP_STATE:-0}" != 1 ]]; then
    rm -rf "$S/etcd-data" "$S/pki" "$S/kcm-certs" "$S/kubeconfig" "$S/kcm.kubeconfig" "$S/cluster.env" \
      "$S/scheduler.kubeconfig" "$S/kube-scheduler.yaml" "$S/kwok.kubeconfig" "$S/kwok-stages.yaml" \
      "$S/kwok-workdir" "$S/nodes.yaml"
  fi
}

# Starts <name> in the background with its output in <statedir>/<name>.log; records the pid.
launch() { # name binary args...
  local name="$1" bin="$2"
  shift 2
  "$bin" "$@" </dev/null >"$S/$name.log" 2>&1 &
  local pid=$!
  printf '%s %s\n' "$name" "$pid" >>"$S/pids"
  log "started $name (pid $pid)"
}

# Polls <cmd> every 0.2 s until it succeeds; dies after <timeout> s or if <pid> exits.
wait_for() { # what timeout pid cmd...
  local what="$1" timeout="$2" pid="$3" t0=$SECONDS
  shift 3
  until "$@" >/dev/null 2>&1; do
    if [[ -n "$pid" ]] && ! alive "$pid"; then
      die "$what: process $pid exited; see logs in $S"
    fi
    ((SECONDS - t0 < timeout)) || die "$what: not ready after ${timeout}s; see logs in $S"
    sleep 0.2
  done
}

# Succeeds when <n> nodes report Ready=True.
nodes_ready() { # n
  local ready
  ready="$("$ENGINES_BIN/kubectl" --kubeconfig="$S/kubeconfig" get nodes \
    -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}')" || return 1
  [[ "$(grep -c '^True$' <<<"$ready")" -eq "$1" ]]
}
# Succeeds when no node has a taint.
nodes_untainted() {
  local taints
  taints="$("$ENGINES_BIN/kubectl" --kubeconfig="$S/kubeconfig" get nodes -o jsonpath='{.items[*].spec.taints}')" || return 1
  [[ -z "$taints" ]]
}

start_cluster() {
  local b pods="${CLUSTER_PODS:-1}" nodes="${CLUSTER_NODES:-3}"
  local bins=(etcd kube-apiserver kube-controller-manager kubectl)
  [[ "$pods" == 0 ]] || bins+=(kube-scheduler kwok)
  for b in "${bins[@]}"; do
    [[ -x "$ENGINES_BIN/$b" ]] || die "$ENGINES_BIN/$b missing: run scripts/engines/build.sh first"
  done
  local stages="$ENGINES_HOME/kwok-stages" faults="$HERE/kwok/pod-fault-stages.yaml"
  if [[ "$pods" != 0 ]]; then
    [[ "$nodes" =~ ^[1-9][0-9]?$ && "$nodes" -le 64 ]] || die "CLUSTER_NODES must be 1..64, got '$nodes'"
    for b in node-initialize pod-ready pod-complete pod-delete; do
      [[ -f "$stages/$b.yaml" ]] || die "$stages/$b.yaml missing: run scripts/engines/build.sh kwok"
    done
    [[ -f "$faults" ]] || die "$faults missing"
  fi
  command -v openssl >/dev/null || die "openssl is required"
  if [[ -f "$S/pids" ]]; then
    while read -r _ pid; do
      alive "$pid" && die "a cluster is already running in $S (pid $pid); stop it first"
    done <"$S/pids"
    rm -f "$S/pids"
  fi
  trap 'rc=$?; if ((rc != 0)); then log "start failed, cleaning up"; CLUSTER_KEEP_STATE=1 stop_cluster; fi' EXIT

  local t0=$SECONDS
  local etcd_port etcd_peer api_port kcm_port
  etcd_port="$(free_port)"
  etcd_peer="$(free_port)"
  api_port="$(free_port)"
  kcm_port="$(free_port)"

  # ---- PKI: CA, API server serving cert, service-account key pair, static tokens
  local pki="$S/pki"
  rm -rf "$pki" "$S/etcd-data" "$S/kcm-certs"
  mkdir -p "$pki" "$S/kcm-certs"
  (
    cd "$pki"
    umask 077
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -keyout ca.key -out ca.crt \
      -subj "/CN=immutable-infra-test-ca" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
    openssl req -newkey rsa:2048 -nodes -sha256 -keyout apiserver.key -out apiserver.csr \
      -subj "/CN=kube-apiserver"
    printf '%s\n' \
      "subjectAltName=IP:127.0.0.1,IP:10.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local" \
      "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
      "extendedKeyUsage=serverAuth" >apiserver.ext
    openssl x509 -req -sha256 -days 365 -in apiserver.csr -CA ca.crt -CAkey ca.key \
      -CAcreateserial -extfile apiserver.ext -out apiserver.crt
    openssl genrsa -out sa.key 2048
    openssl rsa -in sa.key -pubout -out sa.pub
    chmod 0644 ca.crt
  ) >"$S/openssl.log" 2>&1 || die "openssl failed; see $S/openssl.log"
  local admin_token kcm_token sched_token kwok_token
  admin_token="$(openssl rand -hex 24)"
  kcm_token="$(openssl rand -hex 24)"
  sched_token="$(openssl rand -hex 24)"
  kwok_token="$(openssl rand -hex 24)"
  # token,user,uid,"groups". The controller manager runs all controllers with its own identity
  # (no per-controller service accounts), so it gets system:masters too, as do the scheduler and
  # kwok (which writes node and pod status, node leases, and deletes pods).
  {
    printf '%s,admin,admin,"system:masters"\n' "$admin_token"
    printf '%s,system:kube-controller-manager,kcm,"system:masters"\n' "$kcm_token"
    printf '%s,system:kube-scheduler,kube-scheduler,"system:masters"\n' "$sched_token"
    printf '%s,system:kwok,kwok,"system:masters"\n' "$kwok_token"
  } >"$pki/tokens.csv"
  chmod 0600 "$pki/tokens.csv"

  local server="https://127.0.0.1:$api_port" ca_data
  ca_data="$(base64 -w0 <"$pki/ca.crt")"
  write_kubeconfig() { # file token user
    umask 077
    cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: immutable-infra-test
  cluster:
    server: $server
    certificate-authority-data: $ca_data
users:
- name: $3
  user:
    token: $2
contexts:
- name: immutable-infra-test
  context:
    cluster: immutable-infra-test
    user: $3
current-context: immutable-infra-test
EOF
  }
  write_kubeconfig "$S/kubeconfig" "$admin_token" admin
  write_kubeconfig "$S/kcm.kubeconfig" "$kcm_token" kube-controller-manager
  write_kubeconfig "$S/scheduler.kubeconfig" "$sched_token" kube-scheduler
  write_kubeconfig "$S/kwok.kubeconfig" "$kwok_token" kwok

  # ---- etcd
  launch etcd "$ENGINES_BIN/etcd" \
    --name=test --data-dir="$S/etcd-data" \
    --listen-client-urls="http://127.0.0.1:$etcd_port" \
    --advertise-client-urls="http://127.0.0.1:$etcd_port" \
    --listen-peer-urls="http://127.0.0.1:$etcd_peer" \
    --initial-advertise-peer-urls="http://127.0.0.1:$etcd_peer" \
    --initial-cluster="test=http://127.0.0.1:$etcd_peer" \
    --unsafe-no-fsync --log-level=warn
  local etcd_pid=$!

  # ---- kube-apiserver
  launch kube-apiserver "$ENGINES_BIN/kube-apiserver" \
    --etcd-servers="http://127.0.0.1:$etcd_port" \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$api_port" \
    --tls-cert-file="$pki/apiserver.crt" --tls-private-key-file="$pki/apiserver.key" \
    --client-ca-file="$pki/ca.crt" \
    --token-auth-file="$pki/tokens.csv" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$pki/sa.pub" \
    --service-account-signing-key-file="$pki/sa.key" \
    --service-cluster-ip-range=10.0.0.0/24 \
    --authorization-mode=RBAC \
    --endpoint-reconciler-type=none \
    --profiling=false
  local api_pid=$!

  wait_for "etcd" 60 "$etcd_pid" \
    bash -c "exec 3<>/dev/tcp/127.0.0.1/$etcd_port"
  local kc=("$ENGINES_BIN/kubectl" --kubeconfig="$S/kubeconfig")
  wait_for "kube-apiserver /readyz" 180 "$api_pid" "${kc[@]}" get --raw=/readyz
  local t_ready=$((SECONDS - t0))
  log "kube-apiserver ready on $server after ${t_ready}s"

  # ---- kube-controller-manager
  launch kube-controller-manager "$ENGINES_BIN/kube-controller-manager" \
    --kubeconfig="$S/kcm.kubeconfig" \
    --authentication-kubeconfig="$S/kcm.kubeconfig" \
    --authorization-kubeconfig="$S/kcm.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port="$kcm_port" --cert-dir="$S/kcm-certs" \
    --leader-elect=false \
    --service-account-private-key-file="$pki/sa.key" \
    --root-ca-file="$pki/ca.crt" \
    --cluster-signing-cert-file="$pki/ca.crt" --cluster-signing-key-file="$pki/ca.key" \
    --use-service-account-credentials=false \
    --kube-api-qps=200 --kube-api-burst=400 \
    --profiling=false
  local kcm_pid=$!

  local sched_pid="" kwok_pid=""
  if [[ "$pods" != 0 ]]; then
    # ---- kube-scheduler (no serving port)
    cat >"$S/kube-scheduler.yaml" <<EOF
apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
clientConnection:
  kubeconfig: $S/scheduler.kubeconfig
  qps: 200
  burst: 400
leaderElection:
  leaderElect: false
enableProfiling: false
EOF
    launch kube-scheduler "$ENGINES_BIN/kube-scheduler" --config="$S/kube-scheduler.yaml" --secure-port=0
    sched_pid=$!

    # ---- kwok: kwok's own node and pod stages, pod-ready minus our fault labels, our fault stages
    {
      cat "$stages/node-initialize.yaml"
      printf -- '\n---\n'
      awk '{ print }
        !done && /^    matchExpressions:$/ {
          print "    - key: '"'"'.metadata.labels[\"immutable-infra.dev/simulate\"]'"'"'"
          print "      operator: '"'"'NotIn'"'"'"
          print "      values:"
          print "      - '"'"'unready'"'"'"
          print "      - '"'"'crashloop'"'"'"
          done = 1
        }' "$stages/pod-ready.yaml"
      printf -- '\n---\n'
      cat "$stages/pod-complete.yaml"
      printf -- '\n---\n'
      cat "$stages/pod-delete.yaml"
      printf -- '\n---\n'
      cat "$faults"
    } >"$S/kwok-stages.yaml"
    grep -q 'immutable-infra.dev/simulate' <(awk '/name: pod-ready$/,/^---$/' "$S/kwok-stages.yaml") ||
      die "could not add the simulate-label exclusion to kwok's pod-ready stage ($stages/pod-ready.yaml changed?)"
    # kwok serves nothing unless --server-address or --node-port is set (neither is). It keeps a
    # Lease per node (as a kubelet does), so the node lifecycle controller keeps the nodes Ready.
    # KWOK_WORKDIR keeps it from reading ~/.kwok/kwok.yaml.
    mkdir -p "$S/kwok-workdir"
    launch kwok env KWOK_WORKDIR="$S/kwok-workdir" "$ENGINES_BIN/kwok" \
      --kubeconfig="$S/kwok.kubeconfig" \
      --manage-all-nodes=false \
      --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
      --node-lease-duration-seconds=40 \
      --cidr=10.244.0.1/16 --node-ip=172.30.0.1 \
      --enable-crds= \
      --config="$S/kwok-stages.yaml"
    kwok_pid=$!

    # ---- the simulated nodes (status is kept on create; kwok's node-initialize stage adds the
    # conditions and node info and keeps capacity, allocatable and addresses)
    local i name letters=abcdefghijklmnopqrstuvwxyz zones=(zone-a zone-b zone-c)
    for ((i = 0; i < nodes; i++)); do
      if ((i < 26)); then name="kwok-node-${letters:i:1}"; else name="kwok-node-$i"; fi
      cat <<EOF
---
apiVersion: v1
kind: Node
metadata:
  name: $name
  annotations:
    kwok.x-k8s.io/node: fake
  labels:
    kubernetes.io/arch: amd64
    kubernetes.io/hostname: $name
    kubernetes.io/os: linux
    node.kubernetes.io/instance-type: kwok
    topology.kubernetes.io/region: local
    topology.kubernetes.io/zone: ${zones[i % 3]}
    type: kwok
spec:
  podCIDR: 10.244.$((i * 4)).0/22
  podCIDRs:
  - 10.244.$((i * 4)).0/22
status:
  addresses:
  - address: 172.30.0.$((i + 10))
    type: InternalIP
  - address: $name
    type: Hostname
  capacity: {cpu: "128", ephemeral-storage: 1Ti, memory: 512Gi, pods: "1000"}
  allocatable: {cpu: "128", ephemeral-storage: 1Ti, memory: 512Gi, pods: "1000"}
EOF
    done >"$S/nodes.yaml"
    "${kc[@]}" create -f "$S/nodes.yaml" >"$S/nodes-create.log" 2>&1 ||
      die "creating the nodes failed; see $S/nodes-create.log"
    log "created $nodes simulated node(s) after $((SECONDS - t0))s"
  fi

  cat >"$S/cluster.env" <<EOF
KUBECONFIG=$S/kubeconfig
KUBE_API_SERVER=$server
KUBE_TOKEN=$admin_token
KUBE_CA_FILE=$pki/ca.crt
EOF

  # ---- CRDs (server-side apply), then wait for Established
  local projects=() p dirs=()
  if [[ -n "${CLUSTER_CRDS:-}" ]]; then
    [[ "$CLUSTER_CRDS" == none ]] || read -r -a projects <<<"$CLUSTER_CRDS"
  elif [[ -d "$ENGINES_CRDS" ]]; then
    for p in "$ENGINES_CRDS"/*/; do projects+=("$(basename "$p")"); done
  fi
  for p in "${projects[@]}"; do dirs+=("$ENGINES_CRDS/$p"); done
  if [[ -n "${CLUSTER_EXTRA_CRDS:-}" ]]; then
    read -r -a p <<<"$CLUSTER_EXTRA_CRDS"
    dirs+=("${p[@]}")
  fi
  if ((${#dirs[@]})); then
    local d args=()
    for d in "${dirs[@]}"; do
      [[ -d "$d" ]] || die "no CRD directory $d (did build.sh fetch it?)"
      args+=(-f "$d")
    done
    "${kc[@]}" apply --server-side --force-conflicts --field-manager=immutable-infra-cluster \
      "${args[@]}" >"$S/crds-apply.log" 2>&1 || die "applying CRDs failed; see $S/crds-apply.log"
    "${kc[@]}" wait --for=condition=Established crd --all --timeout=180s >>"$S/crds-apply.log" 2>&1 ||
      die "CRDs not Established; see $S/crds-apply.log"
    log "$("${kc[@]}" get crd --no-headers | wc -l) CRDs established ($(
      IFS=,
      echo "${projects[*]}"
    )) after $((SECONDS - t0))s"
  fi

  # The controller manager is working once it created the "default" ServiceAccount (pods, and
  # thus ReplicaSet scale-ups, are refused by admission until it exists).
  wait_for "kube-controller-manager (default ServiceAccount)" 120 "$kcm_pid" \
    "${kc[@]}" get serviceaccount default -n default
  if [[ "$pods" != 0 ]]; then
    # Ready is set by kwok; the node.kubernetes.io/not-ready taint the API server puts on a new
    # node is removed by the controller manager once the node is Ready.
    wait_for "simulated nodes Ready (kwok)" 120 "$kwok_pid" nodes_ready "$nodes"
    wait_for "node taints removed (kube-controller-manager)" 120 "$kcm_pid" nodes_untainted
    alive "$sched_pid" || die "kube-scheduler exited; see $S/kube-scheduler.log"
    log "$nodes node(s) Ready without taints after $((SECONDS - t0))s"
  fi
  log "cluster up after $((SECONDS - t0))s (readyz ${t_ready}s); logs and pids in $S"
  trap - EXIT
  printf '%s\n' "$S/kubeconfig"
}

case "$CMD" in
start) start_cluster ;;
stop) stop_cluster ;;
*) usage ;;
esac
