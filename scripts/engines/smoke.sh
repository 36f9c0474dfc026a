#!/usr/bin/env bash
# Proves the cached engines work: starts a throw-away control plane (cluster.sh), server-side
# applies an immutable ConfigMap + a Deployment, checks that the controller manager creates the
# ReplicaSet, that changing the immutable ConfigMap is rejected and that foreground deletion
# finishes; checks the Pulumi CLI (+ provider / language host when built); stops the cluster and
# verifies that none of its processes is left. Exit 0 only if every check passed.
#   scripts/engines/smoke.sh [statedir]      (default: a fresh mktemp dir, removed afterwards)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=env.sh
source "$HERE/env.sh"
# shellcheck source=versions.env
source "$ENGINES_VERSIONS_FILE"

S="${1:-$(mktemp -d "${TMPDIR:-/tmp}/engines-smoke.XXXXXX")}"
FAIL=0
ok() { printf '[smoke] ok   %s\n' "$*"; }
bad() {
  printf '[smoke] FAIL %s\n' "$*"
  FAIL=1
}
check() { # description command...
  local d="$1"
  shift
  if "$@"; then ok "$d"; else bad "$d"; fi
}

CLEANED=0
cleanup() {
  ((CLEANED)) && return 0
  CLEANED=1
  local pids="" p left=0
  [[ -f "$S/pids" ]] && pids="$(awk '{print $2}' "$S/pids")"
  "$HERE/cluster.sh" stop "$S" || true
  for p in $pids; do
    if kill -0 "$p" 2>/dev/null && [[ "$(ps -o stat= -p "$p")" != Z* ]]; then
      bad "process $p still running after stop: $(ps -o cmd= -p "$p")"
      left=1
    fi
  done
  ((left)) || ok "cluster stopped, none of its processes left (pids: $(echo $pids))"
  rm -rf "$S/pulumi-home"
  echo "[smoke] logs: $S"
}
trap 'cleanup; exit 1' ERR INT TERM

t0=$SECONDS
KUBECONFIG="$("$HERE/cluster.sh" start "$S")"
export KUBECONFIG
ok "cluster started in $((SECONDS - t0))s"

kubectl version 2>/dev/null | sed 's/^/[smoke]      /'
check "server reports $K8S_VERSION" \
  bash -c "kubectl version -o json | grep -q '\"gitVersion\": \"$K8S_VERSION\"'"
check "autoscaling/v2 and policy/v1 served" \
  bash -c "kubectl api-versions | grep -qx autoscaling/v2 && kubectl api-versions | grep -qx policy/v1"

kubectl apply --server-side -f - >/dev/null <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata: {name: smoke-config-v1, namespace: default}
immutable: true
data: {greeting: hello}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: smoke, namespace: default}
spec:
  replicas: 2
  selector: {matchLabels: {app: smoke}}
  template:
    metadata: {labels: {app: smoke}}
    spec:
      containers:
      - name: app
        image: registry.invalid/smoke:1
        envFrom: [{configMapRef: {name: smoke-config-v1}}]
EOF
ok "applied immutable ConfigMap + Deployment (server-side)"

rs_ready() {
  local i
  for ((i = 0; i < 100; i++)); do
    [[ "$(kubectl get rs -l app=smoke -o jsonpath='{.items[0].status.replicas}' 2>/dev/null)" == 2 ]] && return 0
    sleep 0.2
  done
  return 1
}
check "controller manager created the ReplicaSet (2 pods, Pending: no kubelet)" rs_ready

immutable_rejected() {
  local out
  if out="$(kubectl patch configmap smoke-config-v1 -p '{"data":{"greeting":"changed"}}' 2>&1)"; then
    return 1
  fi
  grep -q 'field is immutable' <<<"$out" && echo "[smoke]      $out"
}
check "update of the immutable ConfigMap's data rejected" immutable_rejected
check "foreground delete finishes (garbage collector)" \
  kubectl delete deployment smoke --cascade=foreground --timeout=60s
check "ReplicaSet garbage-collected" bash -c '[[ -z "$(kubectl get rs -l app=smoke -o name)" ]]'

# ---- Pulumi
export PULUMI_HOME="$S/pulumi-home" PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true PULUMI_CONFIG_PASSPHRASE=smoke
mkdir -p "$PULUMI_HOME/state"
if [[ -x "$ENGINES_BIN/pulumi" ]]; then
  v="$(pulumi version)"
  check "pulumi version = ${PULUMI_CLI_VERSION:-$PULUMI_VERSION} (got $v)" [ "$v" == "${PULUMI_CLI_VERSION:-$PULUMI_VERSION}" ]
  [[ "$v" == "$PULUMI_VERSION" ]] || bad "pulumi CLI $v differs from PULUMI_VERSION $PULUMI_VERSION (npm @pulumi/pulumi)"
  check "pulumi login file://\$PULUMI_HOME/state (local backend)" \
    bash -c 'pulumi login "file://$PULUMI_HOME/state" >/dev/null'
else
  bad "pulumi not built"
fi
if [[ -x "$ENGINES_BIN/pulumi-resource-kubernetes" ]]; then
  want="${PULUMI_KUBERNETES_VERSION#v}"
  pulumi plugin install resource kubernetes "$want" --file "$ENGINES_BIN/pulumi-resource-kubernetes" >/dev/null
  pulumi plugin ls | sed 's/^/[smoke]      /'
  check "pulumi plugin ls lists kubernetes $want" bash -c "pulumi plugin ls | grep -Eq '^kubernetes +resource +$want'"
  check "pulumi package get-schema reports version $want" \
    bash -c "pulumi package get-schema '$ENGINES_BIN/pulumi-resource-kubernetes' | grep -q '\"version\": *\"$want\"'"
else
  bad "pulumi-resource-kubernetes not built"
fi
if [[ -x "$ENGINES_BIN/pulumi-language-nodejs" ]]; then
  ok "pulumi-language-nodejs present"
else
  bad "pulumi-language-nodejs not built (Pulumi cannot run Node.js programs without it)"
fi

cleanup
trap - ERR INT TERM
((FAIL == 0)) && echo "[smoke] all checks passed" || echo "[smoke] some checks FAILED"
exit "$FAIL"
