import { Chart, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { L1 } from '../core/checked-objects';
import { claimObjectName } from '../core/synth-validation';
import { IngressPeer } from './ingress-peer';

/** A service whose pods a NetworkPolicy selects or admits. */
export interface NetworkPolicyTarget {
  readonly serviceName: string;
  readonly namespace: string | undefined;
  readonly labels: Readonly<Record<string, string>>;
  readonly ports: ReadonlyArray<{ readonly containerPort: number; readonly protocol: string }>;
}

/** Props of {@link ServiceNetworkPolicy}. */
export interface ServiceNetworkPolicyProps {
  /** The service whose pods the policy protects. */
  readonly service: NetworkPolicyTarget;
  /** The services that declare it as a dependency; read at synth, so later declarations count. */
  readonly dependents: () => readonly NetworkPolicyTarget[];
  /**
   * Other callers allowed in.
   * @default - none
   */
  readonly allowFrom?: readonly IngressPeer[];
}

const NAMESPACE_LABEL = 'kubernetes.io/metadata.name';

/**
 * Deny-by-default ingress for a service's pods, derived from the service
 * graph: only the services that declare it as a dependency (and the peers
 * given) may connect, and only to its ports. A service without ports admits
 * nothing. Egress is left open (a mesh's Sidecar limits it).
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
export class ServiceNetworkPolicy extends Construct {
  constructor(scope: Construct, id: string, props: ServiceNetworkPolicyProps) {
    super(scope, id);
    const { service } = props;
    const peers = props.allowFrom ?? [];
    const rendered = peers.filter((p) => !p.isAnywhere).map((p) => p.render(this));
    const anywhere = peers.some((p) => p.isAnywhere);
    claimObjectName(this, 'NetworkPolicy', Chart.of(this).namespace, service.serviceName);
    new L1.NetworkPolicy(this, 'Resource', {
      metadata: { name: service.serviceName, labels: { ...service.labels } },
      spec: {
        podSelector: { matchLabels: { ...service.labels } },
        policyTypes: ['Ingress'],
        ingress: Lazy.any({ produce: () => ingressRules(service, props.dependents(), rendered, anywhere) }),
      },
    });
  }
}

function ingressRules(
  service: NetworkPolicyTarget,
  dependents: readonly NetworkPolicyTarget[],
  peers: readonly k8s.NetworkPolicyPeer[],
  anywhere: boolean,
): k8s.NetworkPolicyIngressRule[] {
  if (service.ports.length === 0) {
    return [];
  }
  const from: k8s.NetworkPolicyPeer[] = dependents.map((dependent) => ({
    podSelector: { matchLabels: { ...dependent.labels } },
    namespaceSelector: dependent.namespace === service.namespace || dependent.namespace === undefined
      ? undefined
      : { matchLabels: { [NAMESPACE_LABEL]: dependent.namespace } },
  }));
  from.push(...peers);
  if (!anywhere && from.length === 0) {
    return [];
  }
  const ports = service.ports.map((p) => ({ port: k8s.IntOrString.fromNumber(p.containerPort), protocol: p.protocol }));
  return [{ from: anywhere ? undefined : from, ports }];
}
