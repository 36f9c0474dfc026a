#!/usr/bin/env bash
# Builds (once) and caches the real engines used by the integration tests:
#   etcd, kube-apiserver, kube-controller-manager, kubectl, kube-scheduler, kwok, pulumi, pulumi-language-nodejs,
#   pulumi-resource-kubernetes, kubeconform, kube-score, kube-linter, istioctl, pilot-discovery, promtool, prometheus,
#   knative-serving-controller, knative-serving-webhook, flux-source-controller, flux-kustomize-controller
#   keda-operator, keda-webhooks, knative-eventing-webhook, knative-eventing-controller,
#   knative-eventing-mt-broker-controller, knative-eventing-imc-controller, trivy, cert-manager-controller,
#   cert-manager-webhook, argocd
# plus the CRD YAML of Istio, Gateway API, Knative, KEDA, cert-manager, the prometheus-operator
# (ServiceMonitor, PodMonitor, PrometheusRule) and Linkerd if pinned.
#
# Everything comes from the Go module proxy (no VCS, no release pages). Versions: versions.env.
# Cache: ${IMMUTABLE_INFRA_CACHE:-$HOME/.cache/immutable-infra}/engines/
#   store/<component>/<key>/   each built binary (plus its side files, e.g. kwok's stages), keyed by
#       sha256 of that component's OWN inputs (the versions.env values it is built from) and of
#       the Go flags below, both listed in store/<component>/<key>/inputs. Changing one pin
#       rebuilds only the components that read it; every other one is reused from the store.
#   <sha256(versions.env)>/    ENGINES_HOME: the view of one versions.env
#     bin/   hard links into store/ crds/<project>/  CRDs applied by cluster.sh
#     src/   throw-away wrapper go.mod modules       crds-optional/  CRDs not applied by default
#     logs/<step>.log  go output of each build step   build-times.log  one line per build step
#     kwok-stages/  (symlink) the node and pod stages kwok ships (cluster.sh adds ../kwok/pod-fault-stages.yaml)
#     knative-serving-config/  (symlink) the YAML Knative Serving needs at run time (see below)
#     knative-eventing-config/ (symlink) the YAML Knative Eventing needs at run time (see below)
# Idempotent: a component already in the store is only linked, a CRD directory already there is
# skipped, so a warm run takes seconds. A binary an older build.sh left in bin/ (a regular file,
# built for this same versions.env) is moved into the store instead of being rebuilt.
#
# Usage: scripts/engines/build.sh [component ...]
#   components: etcd kube-apiserver kube-controller-manager kubectl kube-scheduler kwok pulumi
#               pulumi-language-nodejs pulumi-resource-kubernetes kubeconform kube-score
#               kube-linter istioctl pilot-discovery promtool prometheus knative-serving-controller
#               knative-serving-webhook flux-source-controller flux-kustomize-controller
#               keda-operator keda-webhooks knative-eventing-webhook knative-eventing-controller
#               knative-eventing-mt-broker-controller knative-eventing-imc-controller trivy
#               cert-manager-controller cert-manager-webhook argocd crds
#               (default: all)
# Exit status: 0 when every pinned component is in the cache (components whose version is empty
# in versions.env are listed as not available), 1 when a pinned one failed.
# Components sharing a source tree build in one lane, lanes side by side (see LANES below).
# Env: ENGINES_GOPROXY (default https://proxy.golang.org; never "direct")
#      ENGINES_JOBS  lanes built at once (default: the number of cores plus one)
#      ENGINES_LOCAL_CRDS="project=/dir ..."  extra, already-rendered CRDs (see build_crds)
#      ENGINES_STRICT=1  a lane stops at its first component that fails, and no lane starts after
#      GONOSUMDB=<prefixes>  standard Go variable; needed when the checksum database behind the
#        proxy has no record of a module version ("verifying module: ... sumdb ... 404"), which
#        happened for github.com/pulumi/pulumi-kubernetes, github.com/pulumi/cloud-ready-checks
#        and github.com/pulumi/pulumi/pkg/v3@v3.215.0 when building a provider pseudo-version.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=env.sh
source "$HERE/env.sh"
# shellcheck source=versions.env
source "$ENGINES_VERSIONS_FILE"

SRC="$ENGINES_HOME/src"
TIMES="$ENGINES_HOME/build-times.log"
mkdir -p "$ENGINES_BIN" "$SRC" "$ENGINES_CRDS" "$ENGINES_HOME/crds-optional" "$ENGINES_STORE"

# Go settings: module proxy only (no "direct" fallback, so nothing is fetched from VCS hosts),
# local toolchain only, never a workspace, static binaries. The compiler writes no DWARF
# debugging information (about a tenth less CPU for a cold build; the binaries still name
# functions in stack traces). GOFLAGS is part of every store key (store_dir).
export GOPROXY="${ENGINES_GOPROXY:-https://proxy.golang.org}"
export GOTOOLCHAIN=local GOWORK=off CGO_ENABLED=0
export GOFLAGS="-mod=mod -buildvcs=false -gcflags=all=-dwarf=false"
# The checksum database behind the proxy answers 404 for these modules; they are verified by the
# proxy's own go.sum hashes only.
export GONOSUMDB="${GONOSUMDB:-github.com/pulumi/pulumi-kubernetes,github.com/pulumi/cloud-ready-checks,github.com/pulumi/pulumi/pkg/v3}"
NICE=(nice -n 19)

T0=$SECONDS
FAILED=()  # pinned but could not be built/fetched -> exit 1
MISSING=() # not pinned (empty version in versions.env) -> reported, exit 0

log() { printf '[engines] %s\n' "$*"; }
fmt_secs() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }
record() { # name version seconds status
  printf '%s %-28s %-40s %6ss %s\n' "$(date -u +%FT%TZ)" "$1" "$2" "$3" "$4" >>"$TIMES"
}

# Directory of a downloaded module (go mod download prints JSON; no jq needed).
mod_dir() { # module version
  local out dir
  out="$(cd "$SRC" && go mod download -json "$1@$2" 2>&1)" || true
  dir="$(printf '%s\n' "$out" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' | head -1)"
  if [[ -z "$dir" || ! -d "$dir" ]]; then
    printf '%s\n' "$out" | sed -n 's/^[[:space:]]*"Error": //p' >&2
    return 1
  fi
  printf '%s\n' "$dir"
}

# A fresh wrapper module <name> in the cache (never in the repo).
wrapper() { # name -> prints dir
  local d="$SRC/$1"
  rm -rf "$d"
  mkdir -p "$d"
  printf 'module immutable-infra-engines/%s\n\ngo 1.26\n' "$1" >"$d/go.mod"
  printf '%s\n' "$d"
}

# go build <pkg> inside wrapper <dir> into $ENGINES_BIN/<name> (atomic rename).
gobuild() { # dir name pkg [go build flags...]
  local dir="$1" name="$2" pkg="$3"
  shift 3
  (cd "$dir" && "${NICE[@]}" go build -trimpath -o "$ENGINES_BIN/.$name.tmp" "$@" "$pkg")
  mv -f "$ENGINES_BIN/.$name.tmp" "$ENGINES_BIN/$name"
}

# Side files a component keeps next to its binary in the store, linked into ENGINES_HOME.
side_files() { # name
  case "$1" in
  kwok) echo kwok-stages ;;
  knative-serving-webhook) echo knative-serving-config ;;
  knative-eventing-webhook) echo knative-eventing-config ;;
  argocd) echo argocd-crds argocd-bin ;;
  esac
}

# The store entry of <name> built from <inputs> (the versions.env values the build reads) with
# these Go flags.
store_dir() { # name inputs
  printf '%s/%s/%s\n' "$ENGINES_STORE" "$1" "$(printf '%s|%s|%s' "$1" "$2" "$GOFLAGS" | sha256sum | cut -c1-16)"
}

# Links the store entry <sdir> of <name> into ENGINES_HOME: bin/<name> as a hard link (so the
# binary's own path is bin/<name>, as tools that look beside themselves expect; a symlink if the
# store is on another file system), its side files as symlinks.
link_stored() { # name sdir
  local f
  if [[ -L "$ENGINES_BIN/$1" || ! "$ENGINES_BIN/$1" -ef "$2/$1" ]]; then
    rm -f "$ENGINES_BIN/$1"
    ln "$2/$1" "$ENGINES_BIN/$1" 2>/dev/null || ln -s "$2/$1" "$ENGINES_BIN/$1"
  fi
  for f in $(side_files "$1"); do
    rm -rf "${ENGINES_HOME:?}/$f"
    ln -sfn "$2/$f" "$ENGINES_HOME/$f"
  done
}

# Moves what a build left in ENGINES_HOME (bin/<name>, side files) into the store entry <sdir>.
store_built() { # name sdir inputs
  local f tmp="$2.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  mv -f "$ENGINES_BIN/$1" "$tmp/$1"
  for f in $(side_files "$1"); do
    [[ -e "$ENGINES_HOME/$f" && ! -L "$ENGINES_HOME/$f" ]] && mv "$ENGINES_HOME/$f" "$tmp/$f"
  done
  printf '%s\nGOFLAGS=%s\n' "$3" "$GOFLAGS" >"$tmp/inputs"
  rm -rf "$2"
  mv "$tmp" "$2"
  link_stored "$1" "$2"
}

# Runs build step <fn> for binary <name> unless the store has it for these inputs; times it;
# never aborts the script. <inputs>: the versions.env values the build reads (default: version).
step() { # name version fn [label] [inputs]
  local name="$1" ver="$2" fn="$3" t rc=0 sdir inputs
  if [[ -z "$ver" ]]; then
    log "$name: SKIPPED, no version pinned in versions.env"
    MISSING+=("$name")
    return 0
  fi
  inputs="${5:-$ver}"
  ver="${4:-$ver}"
  sdir="$(store_dir "$name" "$inputs")"
  if [[ -x "$sdir/$name" ]]; then
    link_stored "$name" "$sdir"
    log "$name $ver: cached"
    return 0
  fi
  if [[ -x "$ENGINES_BIN/$name" && ! -L "$ENGINES_BIN/$name" && "$(stat -c %h "$ENGINES_BIN/$name")" == 1 ]]; then
    # Built by an older build.sh for this very versions.env (a binary with no other link, so
    # not a link into the store, which holds other inputs of it, e.g. an older Knative listen
    # patch): adopt it.
    store_built "$name" "$sdir" "$inputs"
    log "$name $ver: cached (moved into $sdir)"
    return 0
  fi
  rm -f "$ENGINES_BIN/$name"
  log "building $name $ver …"
  t=$SECONDS
  mkdir -p "$ENGINES_HOME/logs"
  # errexit is ignored inside a subshell that is part of `||`, so run it on its own.
  set +e
  (
    set -e
    "$fn"
  ) >"$ENGINES_HOME/logs/$name.log" 2>&1
  rc=$?
  set -e
  if ((rc == 0)) && [[ -x "$ENGINES_BIN/$name" ]]; then
    store_built "$name" "$sdir" "$inputs"
    log "$name $ver: done in $(fmt_secs $((SECONDS - t))) (total $(fmt_secs $((SECONDS - T0))))"
    record "$name" "$ver" $((SECONDS - t)) ok
  else
    ((rc)) || rc=99
    log "$name $ver: FAILED (exit $rc) after $(fmt_secs $((SECONDS - t))); last lines of $ENGINES_HOME/logs/$name.log:"
    tail -n 15 "$ENGINES_HOME/logs/$name.log" | sed 's/^/    /'
    record "$name" "$ver" $((SECONDS - t)) "failed($rc)"
    FAILED+=("$name")
    if [[ "${ENGINES_STRICT:-0}" == 1 ]]; then exit 1; fi
  fi
}

# ---------------------------------------------------------------------------------- etcd ----
build_etcd() {
  local d
  d="$(wrapper etcd)"
  (cd "$d" && go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION")
  gobuild "$d" etcd go.etcd.io/etcd/server/v3 -ldflags "-s -w"
}

# ---------------------------------------------------------------------------- kubernetes ----
# k8s.io/kubernetes replaces every k8s.io/<x> staging module with ./staging/src/k8s.io/<x>
# (required as v0.0.0). In the wrapper each one is replaced by its published v0.<minor>.<patch>.
K8S_WRAPPER="$SRC/kubernetes"
k8s_wrapper() { # shared by the three k8s binaries; .ready marks a complete wrapper
  [[ -f "$K8S_WRAPPER/.ready" ]] && return 0
  local d gomod staging m
  d="$(wrapper kubernetes)"
  gomod="$(cd "$SRC" && go mod download -json "k8s.io/kubernetes@$K8S_VERSION" |
    sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')"
  staging="$(sed -n 's#^[[:space:]]*\(k8s\.io/[^[:space:]]*\) => \./staging/.*#\1#p' "$gomod")"
  [[ -n "$staging" ]] || { log "no staging replace lines found in $gomod"; return 1; }
  for m in $staging; do
    (cd "$d" && go mod edit -replace="$m=$m@$K8S_STAGING_VERSION")
  done
  (cd "$d" && go get "k8s.io/kubernetes@$K8S_VERSION")
  touch "$d/.ready"
}
k8s_ldflags() {
  local v="${K8S_VERSION#v}" p f="-s -w"
  local major="${v%%.*}" rest="${v#*.}"
  local minor="${rest%%.*}"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    f+=" -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=$major -X $p.gitMinor=$minor"
    f+=" -X $p.gitTreeState=clean -X $p.buildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  done
  printf '%s' "$f"
}
build_k8s_cmd() { # cmd
  k8s_wrapper
  gobuild "$K8S_WRAPPER" "$1" "k8s.io/kubernetes/cmd/$1" -pgo=off -ldflags "$(k8s_ldflags)"
}
build_kube_apiserver() { build_k8s_cmd kube-apiserver; }
build_kube_controller_manager() { build_k8s_cmd kube-controller-manager; }
build_kubectl() { build_k8s_cmd kubectl; }
build_kube_scheduler() { build_k8s_cmd kube-scheduler; }

# ---------------------------------------------------------------------------------- kwok ----
# The binary, plus the pod and node stages the module ships (kustomize/stage/), which kwok
# refuses to start without; cluster.sh passes them with --config.
build_kwok() {
  local d src
  d="$(wrapper kwok)"
  (cd "$d" && go get "sigs.k8s.io/kwok@$KWOK_VERSION")
  gobuild "$d" kwok sigs.k8s.io/kwok/cmd/kwok -ldflags "-s -w"
  src="$(mod_dir sigs.k8s.io/kwok "$KWOK_VERSION")"
  rm -rf "$ENGINES_HOME/kwok-stages"
  mkdir -p "$ENGINES_HOME/kwok-stages"
  install -m 0644 "$src/kustomize/stage/node/fast/node-initialize.yaml" \
    "$src/kustomize/stage/pod/fast/pod-ready.yaml" "$src/kustomize/stage/pod/fast/pod-complete.yaml" \
    "$src/kustomize/stage/pod/fast/pod-delete.yaml" "$ENGINES_HOME/kwok-stages/"
}

# -------------------------------------------------------------------------------- pulumi ----
PULUMI_VERSION_PKG="github.com/pulumi/pulumi/sdk/v3/go/common/version.Version"
PULUMI_CLI_VERSION="${PULUMI_CLI_VERSION:-$PULUMI_VERSION}"
# Copies the clipboard replace of pkg/v3; pkg/v3's own `replace sdk/v3 => ../sdk` (and the
# language host's pkg/sdk => ../.. replaces) become pkg/v3 and sdk/v3 at PULUMI_CLI_VERSION.
pulumi_wrapper() { # name -> dir
  local d
  d="$(wrapper "$1")"
  (cd "$d" &&
    go mod edit -replace=github.com/atotto/clipboard=github.com/tgummerer/clipboard@v0.0.0-20241001131231-d02d263e614e \
      -replace="github.com/pulumi/pulumi/pkg/v3=github.com/pulumi/pulumi/pkg/v3@$PULUMI_CLI_VERSION" \
      -replace="github.com/pulumi/pulumi/sdk/v3=github.com/pulumi/pulumi/sdk/v3@$PULUMI_CLI_VERSION")
  printf '%s\n' "$d"
}
build_pulumi() {
  local d
  d="$(pulumi_wrapper pulumi)"
  (cd "$d" && go get "github.com/pulumi/pulumi/pkg/v3@$PULUMI_CLI_VERSION" "github.com/pulumi/pulumi/sdk/v3@$PULUMI_CLI_VERSION")
  gobuild "$d" pulumi github.com/pulumi/pulumi/pkg/v3/cmd/pulumi \
    -tags osusergo,grpcnotrace -ldflags "-s -w -X $PULUMI_VERSION_PKG=$PULUMI_CLI_VERSION"
}
build_pulumi_language_nodejs() {
  local d m=github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3
  d="$(pulumi_wrapper pulumi-language-nodejs)"
  (cd "$d" && go get "$m@$PULUMI_LANGUAGE_NODEJS_MODULE_VERSION")
  gobuild "$d" pulumi-language-nodejs "$m" \
    -tags osusergo,grpcnotrace -ldflags "-s -w -X $PULUMI_VERSION_PKG=$PULUMI_CLI_VERSION"
}

# The provider's main.go embeds schema-embed.json and terraform-mapping-embed.json, which the
# upstream Makefile generates and which are not in the module zip: the wrapper gets a copy of
# main.go plus the two files generated from schema.json (version field set) and
# terraform-mapping.json.
build_pulumi_resource_kubernetes() {
  local d src m=github.com/pulumi/pulumi-kubernetes/provider/v4 rep
  src="$(mod_dir "$m" "$PULUMI_KUBERNETES_MODULE_VERSION")"
  d="$(wrapper pulumi-resource-kubernetes)"
  # Copy the provider's replace lines that point at other modules (not at local paths).
  while read -r rep; do
    [[ -n "$rep" ]] && (cd "$d" && go mod edit -replace="$rep")
  done < <(cd "$src" && go mod edit -json | node -e '
    const j = JSON.parse(require("fs").readFileSync(0, "utf8"));
    for (const r of j.Replace || []) {
      if (r.New.Version) console.log(`${r.Old.Path}${r.Old.Version ? "@" + r.Old.Version : ""}=${r.New.Path}@${r.New.Version}`);
    }')
  # provider/go.mod replaces its SDK with ../sdk; use the SDK of the same release if the proxy
  # has it (sdk/v4 is tagged sdk/v4.x.y), else the version provider/go.mod requires.
  if mod_dir github.com/pulumi/pulumi-kubernetes/sdk/v4 "$PULUMI_KUBERNETES_VERSION" >/dev/null; then
    (cd "$d" && go mod edit -replace="github.com/pulumi/pulumi-kubernetes/sdk/v4=github.com/pulumi/pulumi-kubernetes/sdk/v4@$PULUMI_KUBERNETES_VERSION")
  else
    echo "note: github.com/pulumi/pulumi-kubernetes/sdk/v4@$PULUMI_KUBERNETES_VERSION not on the proxy; using the version provider/go.mod requires"
  fi
  (cd "$d" && go get "$m@$PULUMI_KUBERNETES_MODULE_VERSION")
  cp "$src/cmd/pulumi-resource-kubernetes/main.go" "$d/main.go"
  chmod u+w "$d/main.go"
  node -e '
    const fs = require("fs");
    const [src, dst, version] = process.argv.slice(1);
    const schema = JSON.parse(fs.readFileSync(src + "/schema.json", "utf8"));
    schema.version = version;
    fs.writeFileSync(dst + "/schema-embed.json", JSON.stringify(schema));
    const tf = JSON.parse(fs.readFileSync(src + "/terraform-mapping.json", "utf8"));
    fs.writeFileSync(dst + "/terraform-mapping-embed.json", JSON.stringify(tf));
  ' "$src/cmd/pulumi-resource-kubernetes" "$d" "${PULUMI_KUBERNETES_VERSION#v}"
  (cd "$d" && go mod tidy)
  gobuild "$d" pulumi-resource-kubernetes . \
    -ldflags "-s -w -X $m/pkg/version.Version=${PULUMI_KUBERNETES_VERSION#v}"
}

# ------------------------------------------------------------------------------ checkers ----
gobin_install() { # pkg@version name ldflags
  (cd "$SRC" && GOBIN="$ENGINES_BIN" "${NICE[@]}" go install -trimpath -ldflags "$3" "$1")
}
build_kubeconform() {
  gobin_install "github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_VERSION" kubeconform \
    "-s -w -X main.version=$KUBECONFORM_VERSION"
}
build_kube_score() {
  gobin_install "github.com/zegl/kube-score/cmd/kube-score@$KUBE_SCORE_VERSION" kube-score \
    "-s -w -X main.version=$KUBE_SCORE_VERSION"
}
# github.com/aquasecurity/trivy has no replace lines; its misconfiguration checks (module
# github.com/aquasecurity/trivy-checks) are embedded in the binary, so `trivy config
# --skip-check-update` runs offline. Its release build sets GOEXPERIMENT=jsonv2 (the code needs it).
build_trivy() {
  (cd "$SRC" && GOBIN="$ENGINES_BIN" GOEXPERIMENT=jsonv2 "${NICE[@]}" go install -trimpath \
    -ldflags "-s -w -X github.com/aquasecurity/trivy/pkg/version/app.ver=${TRIVY_VERSION#v}" \
    "github.com/aquasecurity/trivy/cmd/trivy@$TRIVY_VERSION")
}
build_kube_linter() {
  gobin_install "golang.stackrox.io/kube-linter/cmd/kube-linter@$KUBE_LINTER_VERSION" kube-linter "-s -w"
}
# github.com/prometheus/prometheus has no replace lines, so `go install` builds cmd/promtool.
# Prometheus's own build tag remove_all_sd leaves out the cloud service discoveries (AWS, Azure,
# GCE, …; plugins/plugin_*.go), which rule checks never use and which are most of the compile time.
build_promtool() {
  local p=github.com/prometheus/common/version
  (cd "$SRC" && GOBIN="$ENGINES_BIN" "${NICE[@]}" go install -trimpath -tags remove_all_sd \
    -ldflags "-s -w -X $p.Version=${PROMETHEUS_VERSION#v} -X $p.Branch=module -X $p.Revision=$PROMETHEUS_VERSION" \
    "github.com/prometheus/prometheus/cmd/promtool@$PROMETHEUS_VERSION")
}
# The Prometheus server of the same module and tags: the canary analysis test scrapes a local
# exporter with it and queries its HTTP API. Without the builtinassets tag the web UI would read
# its files from disk; the API needs none of them.
build_prometheus() {
  local p=github.com/prometheus/common/version
  (cd "$SRC" && GOBIN="$ENGINES_BIN" "${NICE[@]}" go install -trimpath -tags remove_all_sd \
    -ldflags "-s -w -X $p.Version=${PROMETHEUS_VERSION#v} -X $p.Branch=module -X $p.Revision=$PROMETHEUS_VERSION" \
    "github.com/prometheus/prometheus/cmd/prometheus@$PROMETHEUS_VERSION")
}

# --------------------------------------------------------------------------------- istio ----
# istio.io/istio has no release tags on the proxy (pseudo-versions only) and no replace lines, so
# one wrapper module serves both binaries. Version ldflags as istio's report_build_info.sh sets
# them (the module's VERSION file says 1.31).
ISTIO_WRAPPER="$SRC/istio"
istio_wrapper() {
  [[ -f "$ISTIO_WRAPPER/.ready-$ISTIO_VERSION" ]] && return 0
  local d
  d="$(wrapper istio)"
  (cd "$d" && go get "istio.io/istio@$ISTIO_VERSION")
  touch "$d/.ready-$ISTIO_VERSION"
}
istio_ldflags() {
  local p=istio.io/istio/pkg/version rev="${ISTIO_VERSION##*-}" base
  base="$(cat "$(mod_dir istio.io/istio "$ISTIO_VERSION")/VERSION" 2>/dev/null || echo unknown)"
  printf -- '-s -w -X %s.buildVersion=%s-dev+%s -X %s.buildGitRevision=%s -X %s.buildStatus=Clean -X %s.buildTag=%s' \
    "$p" "$base" "$rev" "$p" "$rev" "$p" "$p" "$ISTIO_VERSION"
}
build_istio_cmd() { # name package
  istio_wrapper
  gobuild "$ISTIO_WRAPPER" "$1" "istio.io/istio/$2" -ldflags "$(istio_ldflags)"
}
build_istioctl() { build_istio_cmd istioctl istioctl/cmd/istioctl; }
build_pilot_discovery() { build_istio_cmd pilot-discovery pilot/cmd/pilot-discovery; }

# ------------------------------------------------------------------------------- knative ----
# knative.dev/serving's go.mod has a replace line (github.com/gorilla/websocket), which
# `go install` refuses and a wrapper module would drop, so its binaries are built inside a
# writable copy of the module, where the line applies. One copy serves every binary of the
# module; .ready-<version> marks a complete copy.
knative_module() { # module version -> prints the dir of the writable copy
  local d="$SRC/${1##*/}"
  if [[ ! -f "$d/.ready-$2" ]]; then
    local src
    src="$(mod_dir "$1" "$2")"
    rm -rf "$d"
    cp -r "$src" "$d"
    chmod -R u+w "$d"
    touch "$d/.ready-$2"
  fi
  printf '%s\n' "$d"
}
# Knative gives no way to choose the listen address of three sockets (the webhook's HTTPS port,
# WEBHOOK_PORT; each process's profiling port, PROFILING_PORT; the controller's health probes,
# hard-coded to :8080 in knative.dev/pkg's sharedmain), and they listen on all addresses. The
# serving binaries are built with -mod=vendor from the module's dependencies vendored into the
# writable copy, in which knative_listen_patch makes each of them listen on 127.0.0.1 only (the
# probes on the port in env KNATIVE_PROBES_PORT, else 8080). Each substitution must match exactly
# once, so a version whose sources differ fails the build instead of silently listening on all
# addresses. The store key of both binaries includes a hash of this recipe.
patch_literal() { # file old new: replaces the one occurrence of the literal <old> in <file>
  local f="$1" old="$2" new="$3" text rest n
  text="$(cat "$f" && printf x)" || return 1
  text="${text%x}"
  rest="${text//"$old"/}"
  n=$(((${#text} - ${#rest}) / ${#old}))
  if ((n != 1)); then
    echo "knative listen patch: expected 1 occurrence of [$old] in $f, found $n" >&2
    return 1
  fi
  printf '%s' "${text/"$old"/"$new"}" >"$f"
  grep -qF -- "$new" "$f" || { echo "knative listen patch: [$new] not in $f after patching" >&2; return 1; }
  echo "knative listen patch: $f: [$old] -> [$new]"
}
knative_listen_patch() { # vendor dir
  local pkg="$1/knative.dev/pkg"
  patch_literal "$pkg/webhook/webhook.go" \
    'Addr:              fmt.Sprint(":", wh.Options.Port),' \
    'Addr:              fmt.Sprint("127.0.0.1:", wh.Options.Port),'
  patch_literal "$pkg/profiling/server.go" \
    'Addr:              ":" + port,' \
    'Addr:              "127.0.0.1:" + port,'
  patch_literal "$pkg/injection/health_check.go" \
    'Addr: ":" + strconv.Itoa(port)}' \
    'Addr: "127.0.0.1:" + strconv.Itoa(port)}'
  patch_literal "$pkg/injection/sharedmain/main.go" \
    'return injection.ServeHealthProbes(ctx, injection.HealthCheckDefaultPort)' \
    'return injection.ServeHealthProbes(ctx, probesPortFromEnv(injection.HealthCheckDefaultPort))'
  cat >"$pkg/injection/sharedmain/zz_immutable_infra_probes_port.go" <<'GO'
package sharedmain

// Added by immutable-infra's scripts/engines/build.sh (knative_listen_patch).

import (
	"os"
	"strconv"
)

// probesPortFromEnv returns the port in env KNATIVE_PROBES_PORT, else def.
func probesPortFromEnv(def int) int {
	if p, err := strconv.Atoi(os.Getenv("KNATIVE_PROBES_PORT")); err == nil && p > 0 {
		return p
	}
	return def
}
GO
}
# The hash of the recipe: part of the serving binaries' store key and of the vendor marker.
KNATIVE_LISTEN_PATCH_HASH="$(declare -f patch_literal knative_listen_patch | sha256sum | cut -c1-12)"
# Vendors the dependencies of the writable copy <dir> and patches them, then the module's own
# sources with <module patch> if given (once per recipe hash, default the serving one).
knative_vendor() { # dir [recipe hash] [module patch]
  local d="$1" hash="${2:-$KNATIVE_LISTEN_PATCH_HASH}"
  [[ -f "$d/.vendor-$hash" ]] && return 0
  rm -rf "$d/vendor" "$d"/.vendor-*
  (cd "$d" && go mod vendor)
  knative_listen_patch "$d/vendor"
  [[ -z "${3:-}" ]] || "$3" "$d"
  touch "$d/.vendor-$hash"
}
build_knative_cmd() { # module version name cmd [recipe hash] [module patch]
  local d
  d="$(knative_module "$1" "$2")"
  knative_vendor "$d" "${5:-}" "${6:-}"
  gobuild "$d" "$3" "./cmd/$4" -mod=vendor -ldflags "-s -w"
}
# The serving webhook keeps beside it (knative-serving-config/) the YAML a test needs to run
# Serving outside a cluster, read from the modules the binaries are built from: the system
# config maps and webhook configurations of serving's config/core, the config-network map and
# the CRDs of knative.dev/networking (Ingress, Certificate, ServerlessService,
# ClusterDomainClaim) and knative.dev/caching (Image), which the controller watches and
# serving's own 300-resources only link to.
build_knative_serving_webhook() {
  local d net cache out="$ENGINES_HOME/knative-serving-config"
  build_knative_cmd knative.dev/serving "$KNATIVE_SERVING_CONTROLLERS_VERSION" knative-serving-webhook webhook
  d="$(knative_module knative.dev/serving "$KNATIVE_SERVING_CONTROLLERS_VERSION")"
  net="$(cd "$d" && go list -m -f '{{.Dir}}' knative.dev/networking)"
  cache="$(cd "$d" && go list -m -f '{{.Dir}}' knative.dev/caching)"
  rm -rf "$out"
  mkdir -p "$out/crds" "$out/configmaps" "$out/webhooks"
  install -m 0644 "$net"/config/{certificate,domain-claim,ingress,serverlessservice}.yaml "$cache/config/image.yaml" "$out/crds/"
  install -m 0644 "$d"/config/core/configmaps/*.yaml "$net/config/config-network.yaml" "$out/configmaps/"
  install -m 0644 "$d"/config/core/webhooks/*.yaml "$out/webhooks/"
}
build_knative_serving_controller() {
  build_knative_cmd knative.dev/serving "$KNATIVE_SERVING_CONTROLLERS_VERSION" knative-serving-controller controller
}

# knative.dev/eventing (no replace lines) is built the same way, from one vendored, patched copy
# of the module for its four binaries: cmd/webhook, cmd/controller (sources, channels,
# subscriptions, the PingSource reconciler), cmd/mtchannel_broker (the MTChannelBasedBroker and
# Trigger reconcilers) and cmd/in_memory/channel_controller (InMemoryChannel, the channel
# behind a default broker; a webhook too). Besides knative.dev/pkg's sockets, the controller's
# own main serves probes on ":"+PROBES_PORT (all addresses): knative_eventing_patch makes it
# 127.0.0.1 (restoring the file from the module cache first, so it applies to a copy patched
# before).
knative_eventing_patch() { # module copy
  local f=cmd/controller/main.go
  install -m 0644 "$(mod_dir knative.dev/eventing "$KNATIVE_EVENTING_CONTROLLERS_VERSION")/$f" "$1/$f"
  patch_literal "$1/$f" 'Addr:        ":" + port,' 'Addr:        "127.0.0.1:" + port,'
}
KNATIVE_EVENTING_PATCH_HASH="$(declare -f patch_literal knative_listen_patch knative_eventing_patch | sha256sum | cut -c1-12)"
build_knative_eventing_cmd() { # name cmd
  build_knative_cmd knative.dev/eventing "$KNATIVE_EVENTING_CONTROLLERS_VERSION" "$1" "$2" \
    "$KNATIVE_EVENTING_PATCH_HASH" knative_eventing_patch
}
# The eventing webhook keeps beside it (knative-eventing-config/) the YAML of the module's
# config/ a test needs to run Eventing outside a cluster: the config maps, the webhook
# configurations and Secrets (core and InMemoryChannel), the InMemoryChannel CRD (the channel of
# the default MTChannelBasedBroker config; not among config/core/resources), the data plane's
# Deployments, Services and ServiceAccounts (PingSource adapter, broker ingress and filter,
# channel dispatcher), whose pods only kwok runs in the tests, and the module's own CRDs
# (controller-crds/), which the tests compare with the versions the cluster's CRDs serve
# (KNATIVE_EVENTING_VERSION). A hash of this function is part of the webhook's store key.
build_knative_eventing_webhook() {
  local d c out="$ENGINES_HOME/knative-eventing-config"
  build_knative_eventing_cmd knative-eventing-webhook webhook
  d="$(knative_module knative.dev/eventing "$KNATIVE_EVENTING_CONTROLLERS_VERSION")/config"
  c="$d/channels/in-memory-channel"
  rm -rf "$out"
  mkdir -p "$out/crds" "$out/configmaps" "$out/webhooks" "$out/imc-webhooks" "$out/data-plane" "$out/controller-crds"
  install -m 0644 "$d"/core/resources/*.yaml "$out/controller-crds/"
  install -m 0644 "$d"/core/configmaps/*.yaml "$c/configmaps/event-dispatcher.yaml" "$out/configmaps/"
  install -m 0644 "$d"/core/webhooks/*.yaml "$out/webhooks/"
  install -m 0644 "$c"/webhooks/*.yaml "$out/imc-webhooks/"
  install -m 0644 "$c/resources/in-memory-channel.yaml" "$out/crds/"
  install -m 0644 "$d/core/deployments/pingsource-mt-adapter.yaml" "$d/core/200-pingsource-mt-adapter-serviceaccount.yaml" \
    "$d"/brokers/mt-channel-broker/deployments/broker-{filter,ingress}.yaml \
    "$d"/brokers/mt-channel-broker/roles/{filter,ingress}-serviceaccount.yaml \
    "$c"/deployments/dispatcher{,-service}.yaml "$c/200-imc-dispatcher-serviceaccount.yaml" "$out/data-plane/"
}
KNATIVE_EVENTING_CONFIG_HASH="$(declare -f build_knative_eventing_webhook | sha256sum | cut -c1-12)"
build_knative_eventing_controller() { build_knative_eventing_cmd knative-eventing-controller controller; }
build_knative_eventing_mt_broker_controller() { build_knative_eventing_cmd knative-eventing-mt-broker-controller mtchannel_broker; }
build_knative_eventing_imc_controller() { build_knative_eventing_cmd knative-eventing-imc-controller in_memory/channel_controller; }

# ---------------------------------------------------------------------------------- flux ----
# Both controllers' go.mod replace their own api module with ./api, which is not in the module
# zip, so each is built inside a writable copy of its module whose go.mod drops that replace (the
# published api module of the same version is required instead) and takes the <edits> given.
# Every socket they open has a flag (--metrics-addr, --health-addr, source-controller's
# --storage-addr), so the tests choose 127.0.0.1 ports; nothing needs a patch.
build_flux_controller() { # name module version [go mod edit flags...]
  local name="$1" mod="$2" ver="$3" src d="$SRC/$1"
  shift 3
  src="$(mod_dir "$mod" "$ver")"
  rm -rf "$d"
  cp -r "$src" "$d"
  chmod -R u+w "$d"
  (cd "$d" && go mod edit -dropreplace="$mod/api" "$@")
  gobuild "$d" "$name" . -ldflags "-s -w"
}
build_flux_source_controller() {
  build_flux_controller flux-source-controller github.com/fluxcd/source-controller "$FLUX_SOURCE_CONTROLLER_VERSION" \
    -replace="github.com/fluxcd/pkg/artifact=github.com/fluxcd/pkg/artifact@$FLUX_PKG_ARTIFACT_VERSION"
}
build_flux_kustomize_controller() {
  build_flux_controller flux-kustomize-controller github.com/fluxcd/kustomize-controller "$FLUX_KUSTOMIZE_CONTROLLER_VERSION"
}

# ---------------------------------------------------------------------------------- KEDA ----
# github.com/kedacore/keda/v2 has a replace line, so, as for Knative, its binaries are built
# inside a writable copy of the module (one copy for both; .ready-<version>-<patch hash> marks a
# complete, patched copy). Every socket of the two processes takes its address from a flag
# (--metrics-bind-address, --health-probe-bind-address, the operator's
# --metrics-service-bind-address), except the controller-runtime webhook servers, which KEDA
# creates with a port only and so listen on all addresses: keda_listen_patch makes them listen
# on 127.0.0.1 (the operator's serves no webhook, so controller-runtime never starts it; it is
# patched all the same). Peak RSS of the operator's build: about 3.5 GB at -p 1, so a few GB more
# at Go's default -p (the number of cores), which compiles two packages at once here.
keda_listen_patch() { # module copy
  patch_literal "$1/cmd/webhooks/main.go" \
    'Port:    webhooksPort,' \
    'Host:    "127.0.0.1", Port: webhooksPort,'
  patch_literal "$1/cmd/operator/main.go" \
    'Port: 9443,' \
    'Host: "127.0.0.1", Port: 9443,'
}
KEDA_LISTEN_PATCH_HASH="$(declare -f patch_literal keda_listen_patch | sha256sum | cut -c1-12)"
keda_module() { # -> prints the dir of the patched writable copy
  local d="$SRC/keda" src
  if [[ ! -f "$d/.ready-$KEDA_VERSION-$KEDA_LISTEN_PATCH_HASH" ]]; then
    src="$(mod_dir github.com/kedacore/keda/v2 "$KEDA_VERSION")"
    rm -rf "$d"
    cp -r "$src" "$d"
    chmod -R u+w "$d"
    keda_listen_patch "$d" >&2
    touch "$d/.ready-$KEDA_VERSION-$KEDA_LISTEN_PATCH_HASH"
  fi
  printf '%s\n' "$d"
}
build_keda_cmd() { # name cmd
  local p=github.com/kedacore/keda/v2/version
  gobuild "$(keda_module)" "$1" "./cmd/$2" \
    -ldflags "-s -w -X $p.Version=${KEDA_VERSION#v} -X $p.GitCommit=$KEDA_VERSION"
}
build_keda_operator() { build_keda_cmd keda-operator operator; }
build_keda_webhooks() { build_keda_cmd keda-webhooks webhooks; }

# -------------------------------------------------------------------------- cert-manager ----
# github.com/cert-manager/cert-manager replaces github.com/miekg/dns in its go.mod, so its mains
# are built inside a writable copy of the module (one copy for both; .ready-<version>-<patch
# hash> marks a complete, patched copy). The controller's one socket takes its address from a
# flag (--metrics-listen-address); the webhook's flags give only ports (--secure-port,
# --healthz-port), which it listens on at all addresses: cert_manager_listen_patch makes it
# listen on 127.0.0.1.
cert_manager_listen_patch() { # module copy
  patch_literal "$1/internal/webhook/webhook.go" 'fmt.Sprintf(":%d", *opts.SecurePort)' 'fmt.Sprintf("127.0.0.1:%d", *opts.SecurePort)'
  patch_literal "$1/internal/webhook/webhook.go" 'fmt.Sprintf(":%d", *opts.HealthzPort)' 'fmt.Sprintf("127.0.0.1:%d", *opts.HealthzPort)'
}
CERT_MANAGER_LISTEN_PATCH_HASH="$(declare -f patch_literal cert_manager_listen_patch | sha256sum | cut -c1-12)"
cert_manager_module() { # -> prints the dir of the patched writable copy
  local d="$SRC/cert-manager" src
  if [[ ! -f "$d/.ready-$CERT_MANAGER_CONTROLLERS_VERSION-$CERT_MANAGER_LISTEN_PATCH_HASH" ]]; then
    src="$(mod_dir github.com/cert-manager/cert-manager "$CERT_MANAGER_CONTROLLERS_VERSION")"
    rm -rf "$d"
    cp -r "$src" "$d"
    chmod -R u+w "$d"
    cert_manager_listen_patch "$d" >&2
    touch "$d/.ready-$CERT_MANAGER_CONTROLLERS_VERSION-$CERT_MANAGER_LISTEN_PATCH_HASH"
  fi
  printf '%s\n' "$d"
}
build_cert_manager_cmd() { # name cmd
  local p=github.com/cert-manager/cert-manager/pkg/util
  gobuild "$(cert_manager_module)" "$1" "./cmd/$2" \
    -ldflags "-s -w -X $p.AppVersion=$CERT_MANAGER_CONTROLLERS_VERSION -X $p.AppGitCommit=module"
}
build_cert_manager_controller() { build_cert_manager_cmd cert-manager-controller controller; }
build_cert_manager_webhook() { build_cert_manager_cmd cert-manager-webhook webhook; }

# ------------------------------------------------------------------------------- Argo CD ----
# One binary, argocd, that runs as argocd-application-controller or argocd-repo-server by the
# name in env ARGOCD_BINARY_NAME (a main of our own, argocd/main.go, that links only those and
# git's ask-pass helper, not Argo CD's CLI, API server and the rest), plus the Application and
# AppProject CRDs of the same release (side files, argocd-crds/). ARGO_CD_VERSION cannot be built here: its go.mod replaces
# github.com/argoproj/argo-cd/gitops-engine (Argo CD's sync engine) with ./gitops-engine, a nested
# module that is not in the module zip, and the proxy answers 403 "This module version is not
# available" for the version it requires. From v3.6.0 the engine is the published module
# github.com/argoproj/argo-cd/gitops-engine/v3 at Argo CD's own version, so
# ARGO_CD_CONTROLLERS_VERSION is built, inside a writable copy of its module with the engine's
# module at ./gitops-engine (where go.mod's replace points). v3.6 is written for Go 1.27 (struct
# literals that set promoted fields, encoding/json/v2), which the Go here (1.26) cannot compile:
# debian_go unpacks Debian's Go ARGO_CD_GO_DEBIAN_VERSION (packages golang-<minor>-go and
# golang-<minor>-src of Debian unstable, fetched with apt-get through this machine's Debian mirror,
# never installed) and builds with it. The repo-server takes every address from a flag
# (--address, --metrics-address); the controller's metrics and health server listens on
# 0.0.0.0:<--metrics-port>, and argocd_listen_patch makes it listen on 127.0.0.1. Built with -p 1.
debian_go() { # -> prints the bin/ directory of Debian's Go at ARGO_CD_GO_DEBIAN_VERSION
  local v="$ARGO_CD_GO_DEBIAN_VERSION" d="$SRC/debian-go-$ARGO_CD_GO_DEBIAN_VERSION" minor mirror f
  local -a apt
  minor="${v%%-*}"
  minor="${minor%.*}"
  if [[ ! -f "$d/.ready" ]]; then
    mirror="$(sed -n 's#^URIs: *\(.*/debian\)/*$#\1#p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)"
    [[ -n "$mirror" ]] || { echo "no Debian mirror in /etc/apt/sources.list.d/debian.sources" >&2; return 1; }
    rm -rf "$d"
    mkdir -p "$d/lists/partial" "$d/cache/archives/partial" "$d/debs" "$d/root"
    printf 'deb %s sid main\n' "$mirror" >"$d/sources.list"
    apt=(-o "Dir::Etc::sourcelist=$d/sources.list" -o "Dir::Etc::sourceparts=$d/none" -o "Dir::State::Lists=$d/lists" -o "Dir::Cache=$d/cache")
    apt-get "${apt[@]}" update >&2
    if ! (cd "$d/debs" && apt-get "${apt[@]}" download "golang-$minor-go=$v" "golang-$minor-src=$v") >&2; then
      # Debian keeps only its current upload of a package; any later patch release of Go <minor>
      # compiles the same code, so take that one rather than fail on a fresh machine.
      echo "Debian no longer has golang-$minor-go $v; taking its current golang-$minor-go" >&2
      rm -f "$d"/debs/*.deb
      (cd "$d/debs" && apt-get "${apt[@]}" download "golang-$minor-go" "golang-$minor-src") >&2
    fi
    for f in "$d"/debs/*.deb; do dpkg-deb -x "$f" "$d/root"; done
    "$d/root/usr/lib/go-$minor/bin/go" version >&2
    touch "$d/.ready"
  fi
  printf '%s\n' "$d/root/usr/lib/go-$minor/bin"
}
argocd_listen_patch() { # module copy
  patch_literal "$1/controller/appcontroller.go" \
    'metricsAddr := fmt.Sprintf("0.0.0.0:%d", metricsPort)' \
    'metricsAddr := fmt.Sprintf("127.0.0.1:%d", metricsPort)'
}
ARGOCD_LISTEN_PATCH_HASH="$(declare -f patch_literal argocd_listen_patch | sha256sum | cut -c1-12)"
argocd_module() { # -> prints the dir of the patched writable copy (run with Debian's Go first in PATH)
  local d="$SRC/argo-cd" src engine
  if [[ ! -f "$d/.ready-$ARGO_CD_CONTROLLERS_VERSION-$ARGOCD_LISTEN_PATCH_HASH" ]]; then
    src="$(mod_dir github.com/argoproj/argo-cd/v3 "$ARGO_CD_CONTROLLERS_VERSION")"
    engine="$(mod_dir github.com/argoproj/argo-cd/gitops-engine/v3 "$ARGO_CD_CONTROLLERS_VERSION")"
    rm -rf "$d"
    cp -r "$src" "$d"
    cp -r "$engine" "$d/gitops-engine"
    chmod -R u+w "$d"
    argocd_listen_patch "$d" >&2
    touch "$d/.ready-$ARGO_CD_CONTROLLERS_VERSION-$ARGOCD_LISTEN_PATCH_HASH"
  fi
  printf '%s\n' "$d"
}
build_argocd() {
  local d gobin
  gobin="$(debian_go)"
  d="$(PATH="$gobin:$PATH" argocd_module)"
  mkdir -p "$d/cmd/immutable-infra-argocd"
  cp "$HERE/argocd/main.go" "$d/cmd/immutable-infra-argocd/main.go"
  PATH="$gobin:$PATH" gobuild "$d" argocd ./cmd/immutable-infra-argocd -p 1 \
    -ldflags "-s -w -X github.com/argoproj/argo-cd/v3/common.version=${ARGO_CD_CONTROLLERS_VERSION#v}"
  rm -rf "$ENGINES_HOME/argocd-crds" "$ENGINES_HOME/argocd-bin"
  mkdir -p "$ENGINES_HOME/argocd-crds" "$ENGINES_HOME/argocd-bin"
  install -m 0644 "$d/manifests/crds/application-crd.yaml" "$d/manifests/crds/appproject-crd.yaml" "$ENGINES_HOME/argocd-crds/"
  # The repo-server runs git-verify-wrapper.sh (and it gpg-wrapper.sh) from PATH for every
  # revision it reads; Argo CD's image puts them in /usr/local/bin.
  install -m 0755 "$d/hack/git-verify-wrapper.sh" "$d/hack/gpg-wrapper.sh" "$ENGINES_HOME/argocd-bin/"
}
ARGOCD_FILES_HASH="$({ declare -f build_argocd; cat "$HERE/argocd/main.go"; } | sha256sum | cut -c1-12)"

# ---------------------------------------------------------------------------------- CRDs ----
# Copies the YAML files of <module>@<version>/<subdir> that define CustomResourceDefinitions
# (only those whose file name matches <glob>, when given).
crd_copy() { # project module version subdir [dest-root] [glob]
  local project="$1" mod="$2" ver="$3" sub="$4" root="${5:-$ENGINES_CRDS}" glob="${6:-*}" dir f n=0
  if [[ -d "$root/$project" ]]; then
    log "crds/$project ($mod $ver): cached"
    return 0
  fi
  if [[ -z "$ver" ]]; then
    log "crds/$project: SKIPPED, no version pinned in versions.env"
    MISSING+=("crds/$project")
    return 0
  fi
  if ! dir="$(mod_dir "$mod" "$ver")"; then
    log "crds/$project: FAILED to download $mod@$ver"
    FAILED+=("crds/$project")
    return 0
  fi
  mkdir -p "$root/.$project.tmp"
  for f in "$dir/$sub"/*.yaml "$dir/$sub"/*.yml; do
    [[ -f "$f" ]] || continue
    # shellcheck disable=SC2053 # <glob> is a pattern on purpose
    [[ "$(basename "$f")" == $glob ]] || continue
    grep -q '^kind: CustomResourceDefinition' "$f" || continue
    if grep -q '{{' "$f"; then
      log "crds/$project: $(basename "$f") is a template, not copied"
      continue
    fi
    install -m 0644 "$f" "$root/.$project.tmp/"
    n=$((n + 1))
  done
  if ((n == 0)); then
    rm -rf "$root/.$project.tmp"
    log "crds/$project: no CRD YAML in $mod@$ver/$sub"
    FAILED+=("crds/$project")
    return 0
  fi
  mv "$root/.$project.tmp" "$root/$project"
  log "crds/$project: $n files from $mod@$ver/$sub"
}
build_crds() {
  local t=$SECONDS
  crd_copy istio istio.io/api "$ISTIO_API_VERSION" kubernetes
  crd_copy gateway-api sigs.k8s.io/gateway-api "$GATEWAY_API_VERSION" config/crd/standard
  crd_copy gateway-api-experimental sigs.k8s.io/gateway-api "$GATEWAY_API_VERSION" \
    config/crd/experimental "$ENGINES_HOME/crds-optional"
  crd_copy knative-serving knative.dev/serving "$KNATIVE_SERVING_VERSION" config/core/300-resources
  crd_copy knative-eventing knative.dev/eventing "$KNATIVE_EVENTING_VERSION" config/core/resources
  crd_copy keda github.com/kedacore/keda/v2 "$KEDA_VERSION" config/crd/bases
  crd_copy cert-manager github.com/cert-manager/cert-manager "$CERT_MANAGER_VERSION" deploy/crds
  crd_copy linkerd github.com/linkerd/linkerd2 "$LINKERD2_MODULE_VERSION" charts/linkerd-crds/templates
  # Only the kinds the library emits; the Prometheus/Alertmanager/Thanos CRDs are ~4 MB.
  crd_copy prometheus-operator github.com/prometheus-operator/prometheus-operator \
    "$PROMETHEUS_OPERATOR_VERSION" example/prometheus-operator-crd "" \
    'monitoring.coreos.com_@(servicemonitors|podmonitors|prometheusrules).yaml'
  # Flux's CRDs are not applied to every test cluster: the GitOps test applies them.
  crd_copy flux-source github.com/fluxcd/source-controller "$FLUX_SOURCE_CONTROLLER_VERSION" \
    config/crd/bases "$ENGINES_HOME/crds-optional"
  crd_copy flux-kustomize github.com/fluxcd/kustomize-controller "$FLUX_KUSTOMIZE_CONTROLLER_VERSION" \
    config/crd/bases "$ENGINES_HOME/crds-optional"
  crd_copy argocd github.com/argoproj/argo-cd/v3 "$ARGO_CD_VERSION" manifests/crds "$ENGINES_HOME/crds-optional" \
    application-crd.yaml
  # ENGINES_LOCAL_CRDS="project=/dir ..." copies already-rendered CRDs from local directories
  # for projects no module provides (e.g. linkerd=/work/shared/crds/linkerd consul=/work/shared/crds/consul).
  local spec project dir f n
  for spec in ${ENGINES_LOCAL_CRDS:-}; do
    project="${spec%%=*}" dir="${spec#*=}"
    if [[ -d "$ENGINES_CRDS/$project" ]]; then
      log "crds/$project (local $dir): cached"
      continue
    fi
    mkdir -p "$ENGINES_CRDS/.$project.tmp"
    n=0
    for f in "$dir"/*.yaml "$dir"/*.yml; do
      [[ -f "$f" ]] && grep -q '^kind: CustomResourceDefinition' "$f" || continue
      install -m 0644 "$f" "$ENGINES_CRDS/.$project.tmp/" && n=$((n + 1))
    done
    if ((n)); then
      mv "$ENGINES_CRDS/.$project.tmp" "$ENGINES_CRDS/$project"
      log "crds/$project: $n files from local $dir"
      local m kept=()
      for m in "${MISSING[@]}"; do [[ "$m" == "crds/$project" ]] || kept+=("$m"); done
      MISSING=("${kept[@]}")
    else
      rm -rf "$ENGINES_CRDS/.$project.tmp"
      log "crds/$project: no CRD YAML in $dir"
      FAILED+=("crds/$project(local)")
    fi
  done
  record crds "-" $((SECONDS - t)) done
}

# ---------------------------------------------------------------------------------- main ----
# Lanes: components that share a source tree (a wrapper module or a writable module copy) build
# one after another in one lane; lanes build side by side, ENGINES_JOBS at a time (default: the
# number of cores plus one), so one lane's downloads and single-threaded links overlap another's
# compiles. Longest first, so the last lane to start is a short one.
LANES=(
  "keda-operator keda-webhooks"
  "pulumi-resource-kubernetes"
  "kube-apiserver kube-controller-manager kubectl kube-scheduler"
  "argocd"
  "trivy"
  "istioctl pilot-discovery"
  "cert-manager-controller cert-manager-webhook"
  "pulumi pulumi-language-nodejs"
  "flux-source-controller"
  "knative-eventing-webhook knative-eventing-controller knative-eventing-mt-broker-controller knative-eventing-imc-controller"
  "flux-kustomize-controller"
  "knative-serving-controller knative-serving-webhook"
  "promtool prometheus"
  "kwok"
  "etcd"
  "kube-score kubeconform kube-linter"
  "crds"
)
WANT=("$@")
((${#WANT[@]})) || read -r -a WANT <<<"${LANES[*]}"

# The inputs of the four k8s.io/kubernetes binaries (their store key).
K8S_IN="$K8S_VERSION $K8S_STAGING_VERSION"

build_component() { # name
  local c="$1"
  case "$c" in
    etcd) step etcd "$ETCD_VERSION" build_etcd ;;
    kube-apiserver) step kube-apiserver "$K8S_VERSION" build_kube_apiserver "" "$K8S_IN" ;;
    kube-controller-manager) step kube-controller-manager "$K8S_VERSION" build_kube_controller_manager "" "$K8S_IN" ;;
    kubectl) step kubectl "$K8S_VERSION" build_kubectl "" "$K8S_IN" ;;
    kube-scheduler) step kube-scheduler "$K8S_VERSION" build_kube_scheduler "" "$K8S_IN" ;;
    kwok) step kwok "$KWOK_VERSION" build_kwok ;;
    pulumi) step pulumi "$PULUMI_CLI_VERSION" build_pulumi ;;
    pulumi-language-nodejs)
      step pulumi-language-nodejs "$PULUMI_LANGUAGE_NODEJS_MODULE_VERSION" build_pulumi_language_nodejs \
        "$PULUMI_CLI_VERSION (module $PULUMI_LANGUAGE_NODEJS_MODULE_VERSION)" \
        "$PULUMI_CLI_VERSION $PULUMI_LANGUAGE_NODEJS_MODULE_VERSION"
      ;;
    pulumi-resource-kubernetes)
      step pulumi-resource-kubernetes "$PULUMI_KUBERNETES_MODULE_VERSION" build_pulumi_resource_kubernetes \
        "$PULUMI_KUBERNETES_VERSION (module $PULUMI_KUBERNETES_MODULE_VERSION)" \
        "$PULUMI_KUBERNETES_VERSION $PULUMI_KUBERNETES_MODULE_VERSION"
      ;;
    istioctl) step istioctl "${ISTIO_VERSION:-}" build_istioctl ;;
    pilot-discovery) step pilot-discovery "${ISTIO_VERSION:-}" build_pilot_discovery ;;
    kubeconform) step kubeconform "$KUBECONFORM_VERSION" build_kubeconform ;;
    kube-score) step kube-score "$KUBE_SCORE_VERSION" build_kube_score ;;
    kube-linter) step kube-linter "$KUBE_LINTER_VERSION" build_kube_linter ;;
    promtool) step promtool "$PROMETHEUS_VERSION" build_promtool ;;
    trivy) step trivy "${TRIVY_VERSION:-}" build_trivy ;;
    prometheus) step prometheus "$PROMETHEUS_VERSION" build_prometheus ;;
    knative-serving-controller | knative-serving-webhook)
      step "$c" "${KNATIVE_SERVING_CONTROLLERS_VERSION:-}" "build_${c//-/_}" \
        "${KNATIVE_SERVING_CONTROLLERS_VERSION:-} (listen patch $KNATIVE_LISTEN_PATCH_HASH)" \
        "${KNATIVE_SERVING_CONTROLLERS_VERSION:-} listen-patch:$KNATIVE_LISTEN_PATCH_HASH"
      ;;
    flux-source-controller)
      step flux-source-controller "$FLUX_SOURCE_CONTROLLER_VERSION" build_flux_source_controller "" \
        "$FLUX_SOURCE_CONTROLLER_VERSION $FLUX_PKG_ARTIFACT_VERSION"
      ;;
    flux-kustomize-controller) step flux-kustomize-controller "$FLUX_KUSTOMIZE_CONTROLLER_VERSION" build_flux_kustomize_controller ;;
    keda-operator | keda-webhooks)
      step "$c" "$KEDA_VERSION" "build_${c//-/_}" "$KEDA_VERSION (listen patch $KEDA_LISTEN_PATCH_HASH)" \
        "$KEDA_VERSION listen-patch:$KEDA_LISTEN_PATCH_HASH"
      ;;
    knative-eventing-webhook | knative-eventing-controller | knative-eventing-mt-broker-controller | knative-eventing-imc-controller)
      step "$c" "${KNATIVE_EVENTING_CONTROLLERS_VERSION:-}" "build_${c//-/_}" \
        "${KNATIVE_EVENTING_CONTROLLERS_VERSION:-} (listen patch $KNATIVE_EVENTING_PATCH_HASH)" \
        "${KNATIVE_EVENTING_CONTROLLERS_VERSION:-} listen-patch:$KNATIVE_EVENTING_PATCH_HASH$(
          [[ "$c" != knative-eventing-webhook ]] || echo " config:$KNATIVE_EVENTING_CONFIG_HASH")"
      ;;
    cert-manager-controller) step cert-manager-controller "${CERT_MANAGER_CONTROLLERS_VERSION:-}" build_cert_manager_controller ;;
    cert-manager-webhook)
      step cert-manager-webhook "${CERT_MANAGER_CONTROLLERS_VERSION:-}" build_cert_manager_webhook \
        "${CERT_MANAGER_CONTROLLERS_VERSION:-} (listen patch $CERT_MANAGER_LISTEN_PATCH_HASH)" \
        "${CERT_MANAGER_CONTROLLERS_VERSION:-} listen-patch:$CERT_MANAGER_LISTEN_PATCH_HASH"
      ;;
    argocd)
      step argocd "${ARGO_CD_CONTROLLERS_VERSION:-}" build_argocd \
        "${ARGO_CD_CONTROLLERS_VERSION:-} (Go $ARGO_CD_GO_DEBIAN_VERSION, listen patch $ARGOCD_LISTEN_PATCH_HASH)" \
        "${ARGO_CD_CONTROLLERS_VERSION:-} go:$ARGO_CD_GO_DEBIAN_VERSION listen-patch:$ARGOCD_LISTEN_PATCH_HASH files:$ARGOCD_FILES_HASH"
      ;;
    crds) build_crds ;;
  esac
}

# Runs the wanted components of one lane in order, then leaves what failed and what is not
# pinned in <status>.failed / <status>.missing (a lane is a subshell: it cannot set ours).
run_lane() { # status component...
  local status="$1" c
  shift
  for c in "$@"; do build_component "$c"; done
  printf '%s\n' "${FAILED[@]}" >"$status.failed"
  printf '%s\n' "${MISSING[@]}" >"$status.missing"
}

log "cache: $ENGINES_HOME, store $ENGINES_STORE (GOPROXY=$GOPROXY, $(go version | cut -d' ' -f3))"
declare -A WANTED=()
for c in "${WANT[@]}"; do WANTED[$c]=1; done
for c in "${WANT[@]}"; do
  [[ " ${LANES[*]} " == *" $c "* ]] || { log "unknown component: $c" && exit 2; }
done
STATUS="$ENGINES_HOME/lanes.$$"
rm -rf "$STATUS"
mkdir -p "$STATUS"
JOBS="${ENGINES_JOBS:-$(($(nproc) + 1))}"
running=0 i=0 lane_failed=0
for lane in "${LANES[@]}"; do
  mine=()
  for c in $lane; do [[ -z "${WANTED[$c]:-}" ]] || mine+=("$c"); done
  ((${#mine[@]})) || continue
  if ((running >= JOBS)); then
    wait -n || lane_failed=1
    running=$((running - 1))
  fi
  # ENGINES_STRICT: no lane starts after one has failed.
  if [[ "${ENGINES_STRICT:-0}" == 1 ]] && ((lane_failed)); then break; fi
  i=$((i + 1))
  run_lane "$STATUS/$i" "${mine[@]}" &
  running=$((running + 1))
done
while ((running > 0)); do
  wait -n || lane_failed=1
  running=$((running - 1))
done
mapfile -t FAILED < <(cat "$STATUS"/*.failed 2>/dev/null | grep . || true)
mapfile -t MISSING < <(cat "$STATUS"/*.missing 2>/dev/null | grep . || true)
rm -rf "$STATUS"
# A lane that stopped before writing its status (ENGINES_STRICT) failed.
((lane_failed == 0)) || ((${#FAILED[@]})) || FAILED+=("a lane stopped early")
record total "-" $((SECONDS - T0)) "jobs=$JOBS"

log "finished in $(fmt_secs $((SECONDS - T0)))"
if ((${#MISSING[@]})); then
  log "not pinned, so not available: ${MISSING[*]}"
fi
if ((${#FAILED[@]})); then
  log "FAILED: ${FAILED[*]}"
fi
log "bin: $ENGINES_BIN"
echo "$ENGINES_BIN"
((${#FAILED[@]} == 0))
