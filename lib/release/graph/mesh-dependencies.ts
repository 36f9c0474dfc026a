import { ConsulApi } from '../../mesh/consul/consul-api';
import { apiGroup, DistObjects, Fields, listOf, specOf } from './dist-objects';
import { TopologyBuilder } from './topology-builder';
import { Workloads } from './workloads';

const NAMESPACE_LABEL = 'kubernetes.io/metadata.name';
/** The Service of Knative's multi-tenant brokers that publishers post events to. */
const BROKER_INGRESS = 'broker-ingress';
/** `cluster.local/ns/shop/sa/orders`, Istio's principal of a service account. */
const ISTIO_PRINCIPAL = /\/ns\/([^/]+)\/sa\/([^/]+)$/;
/** `orders.shop.serviceaccount.identity.linkerd.cluster.local`, Linkerd's identity of one. */
const LINKERD_IDENTITY = /^([^.*]+)\.([^.*]+)\.serviceaccount\.identity\./;

/**
 * Adds the declared dependencies between workloads, as dashed `dependency`
 * edges from caller to callee. A dependency is declared once in the stack and
 * rendered as policy on both sides, so every rendering counts and they are
 * merged: the callee's NetworkPolicy admitting the caller's pods, its Istio
 * AuthorizationPolicy admitting the caller's service account, its Linkerd
 * AuthorizationPolicy requiring a MeshTLSAuthentication of that account, its
 * Consul ServiceIntentions allowing the caller's service, and the caller's
 * Istio Sidecar egress listing the callee's host (hosts outside the cluster
 * become external nodes). A Sidecar egress to Knative's broker
 * ingress is drawn as an `event` edge to the brokers of the caller's
 * namespace: that is where it publishes. Peers named only by namespace or
 * address (a gateway's namespace, Knative's activator) are not workloads of
 * the synthesis and are left out.
 */
export function addMeshDependencies(objects: DistObjects, workloads: Workloads, builder: TopologyBuilder): void {
  const depend = (callers: readonly string[], callees: readonly string[]) => {
    for (const from of callers) {
      for (const to of callees) {
        builder.edge({ from, to, kind: 'dependency' });
      }
    }
  };
  for (const policy of objects.of('networking.k8s.io', 'NetworkPolicy')) {
    const namespace = policy.metadata.namespace;
    const callees = workloads.podOwners(namespace, specOf(policy).podSelector?.matchLabels);
    for (const peer of listOf(specOf(policy).ingress).flatMap((rule) => listOf(rule.from))) {
      const peerNamespace = peer.namespaceSelector === undefined ? namespace : peer.namespaceSelector.matchLabels?.[NAMESPACE_LABEL];
      if (peer.podSelector !== undefined && peerNamespace !== undefined) {
        depend(workloads.podOwners(peerNamespace, peer.podSelector.matchLabels), callees);
      }
    }
  }
  for (const policy of objects.of('security.istio.io', 'AuthorizationPolicy')) {
    const spec = specOf(policy);
    if ((spec.action ?? 'ALLOW') !== 'ALLOW') {
      continue;
    }
    const callees = workloads.podOwners(policy.metadata.namespace, spec.selector?.matchLabels);
    const principals = listOf(spec.rules).flatMap((rule) => listOf(rule.from)).flatMap((from) => (from.source?.principals ?? []) as string[]);
    for (const principal of principals) {
      const account = ISTIO_PRINCIPAL.exec(principal);
      if (account !== null) {
        depend(workloads.accountOwners(account[1], account[2]), callees);
      }
    }
  }
  addLinkerdDependencies(objects, workloads, depend);
  addConsulDependencies(objects, workloads, depend);
  for (const sidecar of objects.of('networking.istio.io', 'Sidecar')) {
    const namespace = sidecar.metadata.namespace;
    const callers = workloads.podOwners(namespace, specOf(sidecar).workloadSelector?.labels);
    for (const entry of listOf(specOf(sidecar).egress).flatMap((egress) => (egress.hosts ?? []) as string[])) {
      const [hostNamespace, host] = entry.includes('/') ? entry.split('/', 2) : ['*', entry];
      const scope = hostNamespace === '.' || hostNamespace === '*' || hostNamespace === '~' ? namespace : hostNamespace;
      if (host.startsWith(`${BROKER_INGRESS}.`)) {
        const brokers = objects.of('eventing.knative.dev', 'Broker').filter((b) => b.metadata.namespace === namespace);
        for (const from of callers) {
          for (const broker of brokers) {
            builder.edge({ from, to: builder.node({ kind: 'broker', namespace, name: broker.metadata.name!, type: 'Broker' }), kind: 'event', label: 'publishes' });
          }
        }
        continue;
      }
      depend(callers, workloads.hostTarget(host, scope));
    }
  }
}

/** Linkerd: an AuthorizationPolicy on a Server (its pods) that requires a MeshTLSAuthentication (its identities). */
function addLinkerdDependencies(
  objects: DistObjects,
  workloads: Workloads,
  depend: (callers: readonly string[], callees: readonly string[]) => void,
): void {
  for (const policy of objects.of('policy.linkerd.io', 'AuthorizationPolicy')) {
    const namespace = policy.metadata.namespace;
    const spec = specOf(policy);
    if (spec.targetRef?.kind !== 'Server') {
      continue;
    }
    const server = objects.find('policy.linkerd.io', 'Server', namespace, spec.targetRef.name);
    const callees = server === undefined ? [] : workloads.podOwners(namespace, specOf(server).podSelector?.matchLabels);
    for (const ref of listOf(spec.requiredAuthenticationRefs).filter((r) => r.kind === 'MeshTLSAuthentication')) {
      const authn = objects.find('policy.linkerd.io', 'MeshTLSAuthentication', ref.namespace ?? namespace, ref.name);
      const authnSpec: Fields = authn === undefined ? {} : specOf(authn);
      for (const identity of listOf(authnSpec.identityRefs).filter((i) => i.kind === 'ServiceAccount')) {
        depend(workloads.accountOwners(identity.namespace ?? authn!.metadata.namespace, identity.name), callees);
      }
      for (const identity of (authnSpec.identities ?? []) as string[]) {
        const account = LINKERD_IDENTITY.exec(identity);
        if (account !== null) {
          depend(workloads.accountOwners(account[2], account[1]), callees);
        }
      }
    }
  }
}

/**
 * Consul: a ServiceIntentions allows the sources it names (with `action:
 * allow`, or a permission that allows) to call its destination. Consul names
 * a service as consul-k8s registers it, by its Kubernetes Service: callers
 * and callee are the stable Services of those names, in the source's
 * namespace (else the intentions') as Consul namespaces mirror them; the
 * wildcard `*` and services of other clusters (peers, sameness groups) are
 * not workloads of the synthesis.
 */
function addConsulDependencies(
  objects: DistObjects,
  workloads: Workloads,
  depend: (callers: readonly string[], callees: readonly string[]) => void,
): void {
  const stable = (name: unknown, namespace: string | undefined) => {
    const service = typeof name === 'string' && name !== '*' ? workloads.stableServiceOf(name, namespace) : undefined;
    return service === undefined ? [] : [service.node];
  };
  for (const intentions of objects.of(apiGroup(ConsulApi.V1ALPHA1), 'ServiceIntentions')) {
    const namespace = intentions.metadata.namespace;
    const spec = specOf(intentions);
    const callees = stable(spec.destination?.name, spec.destination?.namespace ?? namespace);
    for (const source of listOf(spec.sources)) {
      const allows = source.action === 'allow' || listOf(source.permissions).some((p) => p.action === 'allow');
      if (allows && source.peer === undefined && source.samenessGroup === undefined) {
        depend(stable(source.name, source.namespace ?? namespace), callees);
      }
    }
  }
}
