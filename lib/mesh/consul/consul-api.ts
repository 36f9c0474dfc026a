import type { ServicePort } from '../../workload/service-port';

/**
 * The Consul API version and annotation keys the provider writes, in one
 * place so the constructs and their tests agree.
 *
 * @see https://developer.hashicorp.com/consul/docs/reference/k8s/annotation-label
 * @internal
 */
export const ConsulApi = {
  /** Every config entry CRD of consul-k8s (ServiceDefaults, ServiceResolver, …). */
  V1ALPHA1: 'consul.hashicorp.com/v1alpha1',
} as const;

/**
 * The service metadata key that carries a pod's revision id, which the
 * ServiceResolver subsets filter on (`Service.Meta.revision`).
 *
 * @internal
 */
export const REVISION_META_KEY = 'revision';

/**
 * Pod annotations consul-k8s reads.
 *
 * @internal
 */
export const ConsulAnnotations = {
  /** Inject the Envoy sidecar and register the pod with Consul. */
  CONNECT_INJECT: 'consul.hashicorp.com/connect-inject',
  /** Redirect every inbound and outbound connection through the sidecar. */
  TRANSPARENT_PROXY: 'consul.hashicorp.com/transparent-proxy',
  /** consul-k8s copies `service-meta-<key>` annotations into the registered service's `Meta`. */
  REVISION_META: `consul.hashicorp.com/service-meta-${REVISION_META_KEY}`,
} as const;

/** The protocols a Consul service speaks, as ServiceDefaults `protocol` names them. */
export type ConsulProtocol = 'http' | 'http2' | 'grpc' | 'tcp';

/**
 * The protocol Consul is told a port speaks, from the port's name as Istio
 * reads it: `http`, `http2` or `grpc`, alone or with a `-suffix`; any other
 * name is `tcp` (Consul's default, which carries no L7 routing).
 *
 * @internal
 */
export function consulProtocol(port: ServicePort): ConsulProtocol {
  const match = /^(http2|http|grpc)(-|$)/.exec(port.name);
  return (match?.[1] as ConsulProtocol | undefined) ?? 'tcp';
}

/** Whether Consul routes the protocol at L7 (routers, splitters, hash policies). */
export function isL7(protocol: ConsulProtocol): boolean {
  return protocol !== 'tcp';
}

/**
 * The one port Consul proxies for a service: consul-k8s registers one port
 * per service instance (the pod's first container port), and its
 * transparent proxy intercepts TCP only. `undefined` unless the service has
 * exactly one TCP port.
 *
 * @internal
 */
export function consulServicePort(ports: readonly ServicePort[]): ServicePort | undefined {
  const tcp = ports.filter((p) => p.protocol === 'TCP');
  return tcp.length === 1 && ports[0] === tcp[0] ? tcp[0] : undefined;
}

/**
 * The ServiceResolver subset filter that selects the instances of one
 * revision (a bexpr expression on the service metadata consul-k8s registers).
 *
 * @see https://developer.hashicorp.com/consul/docs/connect/config-entries/service-resolver#subsets-filter
 * @internal
 */
export function revisionFilter(revisionId: string): string {
  return `Service.Meta.${REVISION_META_KEY} == "${revisionId}"`;
}
