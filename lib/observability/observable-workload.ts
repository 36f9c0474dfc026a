import { LabelKeys } from '../core/labels';
import { consulProtocol, consulServicePort } from '../mesh/consul/consul-api';
import { Mesh } from '../mesh/mesh';
import type { ServerlessFunction } from '../serverless/function/serverless-function';
import { Microservice } from '../workload/microservice';

/** A service or function as the observability layer sees it. */
export interface ObservableWorkload {
  /** 'service' or 'function', for messages. */
  readonly kind: 'service' | 'function';
  /** The service or function name. */
  readonly name: string;
  /** Its namespace. */
  readonly namespace: string | undefined;
  /** Labels of its objects. */
  readonly labels: Readonly<Record<string, string>>;
  /** Labels every pod of every revision carries. */
  readonly podSelector: Readonly<Record<string, string>>;
  /** The name of its mesh's provider, e.g. 'istio', if it is in one. */
  readonly mesh: string | undefined;
  /** The names of its container ports, `undefined` where they are not known (a function's pods). */
  readonly portNames: readonly string[] | undefined;
  /**
   * The protocol its mesh proxies it as, where the mesh takes it from the
   * port's name (Consul: 'http', 'http2', 'grpc' or 'tcp').
   * @default - the mesh reads each request as it comes
   */
  readonly proxyProtocol?: string;
}

/**
 * What the observability layer reads of a `Microservice` or `ServerlessFunction`.
 *
 * @internal
 */
export function observableWorkload(workload: Microservice | ServerlessFunction): ObservableWorkload {
  const podSelector = { [LabelKeys.NAME]: workload.labels[LabelKeys.NAME], [LabelKeys.PART_OF]: workload.labels[LabelKeys.PART_OF] };
  if (workload instanceof Microservice) {
    const mesh = workload.mesh instanceof Mesh ? workload.mesh.provider.name : workload.mesh === undefined ? undefined : 'unknown';
    // Consul proxies one port (the provider refuses a service with another shape)
    const consulPort = mesh === 'consul' ? consulServicePort(workload.ports) : undefined;
    return {
      kind: 'service',
      name: workload.serviceName,
      namespace: workload.namespace,
      labels: workload.labels,
      podSelector,
      mesh,
      portNames: workload.ports.map((p) => p.name),
      proxyProtocol: consulPort && consulProtocol(consulPort),
    };
  }
  return {
    kind: 'function',
    name: workload.functionName,
    namespace: workload.namespace,
    labels: workload.labels,
    podSelector,
    mesh: workload.mesh?.provider.name,
    portNames: undefined,
  };
}
