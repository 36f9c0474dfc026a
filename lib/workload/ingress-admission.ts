import type { Microservice } from './microservice';

/**
 * What keeps callers in `namespace` out of `service`, with the fix, or
 * `undefined` when nothing does. A service guarded by its NetworkPolicy or
 * by its mesh's authorization admits only its declared callers and its
 * `allowIngressFrom` peers; callers that declare nothing (a gateway's
 * proxies, Knative Eventing's dispatchers) need their namespace there.
 *
 * @param callers how the message names the callers, e.g. "the gateway's proxies"
 */
export function admissionProblem(service: Microservice, namespace: string, callers: string): string | undefined {
  const guards = [
    ...(service.node.tryFindChild('NetworkPolicy') !== undefined ? ['NetworkPolicy'] : []),
    ...(service.mesh !== undefined ? ['mesh authorization'] : []),
  ];
  const admitted = service.allowIngressFrom.some((peer) => peer.isAnywhere || peer.namespaceName === namespace);
  if (guards.length === 0 || admitted) {
    return undefined;
  }
  return (
    `${service.serviceName} admits only its declared callers (${guards.join(' and ')}), so ${callers} in namespace '${namespace}' would be refused; ` +
    `add allowIngressFrom: [IngressPeer.namespace('${namespace}')] to ${service.serviceName}`
  );
}
