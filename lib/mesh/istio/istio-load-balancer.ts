import { LoadBalancingAlgorithm, ResolvedSessionAffinity } from '../../traffic/load-balancing';
import type { ServiceRoutes } from '../../traffic/service-routes';

const ISTIO_ALGORITHMS: Readonly<Record<LoadBalancingAlgorithm, string>> = {
  [LoadBalancingAlgorithm.ROUND_ROBIN]: 'ROUND_ROBIN',
  [LoadBalancingAlgorithm.LEAST_REQUEST]: 'LEAST_REQUEST',
  [LoadBalancingAlgorithm.RANDOM]: 'RANDOM',
};

/**
 * A service's load balancing and locality failover as a DestinationRule's
 * `trafficPolicy.loadBalancer`: `simple` for an algorithm, `consistentHash`
 * for session affinity, `warmup` for slow start, `localityLbSetting` for
 * failover or distribution; `undefined` when the service sets none.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/#LoadBalancerSettings
 */
export function istioLoadBalancer(routes: ServiceRoutes): Record<string, unknown> | undefined {
  const lb = routes.loadBalancing;
  const locality = routes.localityFailover;
  if (lb === undefined && locality === undefined) {
    return undefined;
  }
  return {
    simple: lb?.algorithm && ISTIO_ALGORITHMS[lb.algorithm],
    consistentHash: lb?.sessionAffinity && consistentHash(lb.sessionAffinity),
    warmup: lb?.slowStart && { duration: lb.slowStart },
    localityLbSetting: locality && {
      enabled: true,
      failover: locality.failover?.map(({ from, to }) => ({ from, to })),
      failoverPriority: locality.failoverPriority && [...locality.failoverPriority],
      distribute: locality.distribute?.map(({ from, to }) => ({ from, to: { ...to } })),
    },
  };
}

/** A session affinity as Istio's `loadBalancer.consistentHash`. */
export function consistentHash(affinity: ResolvedSessionAffinity): Record<string, unknown> {
  switch (affinity.kind) {
    case 'header':
      return { httpHeaderName: affinity.name };
    case 'cookie':
      return { httpCookie: { name: affinity.name, path: affinity.path, ttl: affinity.ttl } };
    case 'source-ip':
      return { useSourceIp: true };
    case 'query-parameter':
      return { httpQueryParameterName: affinity.name };
  }
}
