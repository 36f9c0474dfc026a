import { LoadBalancingAlgorithm, ResolvedLoadBalancing, ResolvedSessionAffinity } from '../../traffic/load-balancing';
import type { LocalityFailover } from '../../traffic/locality-failover';
import type { ServiceRoutes } from '../../traffic/service-routes';
import type { Revision } from '../../workload/revision';

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
  if (routes.loadBalancing === undefined && routes.localityFailover === undefined) {
    return undefined;
  }
  return loadBalancerSettings(routes.loadBalancing, routes.localityFailover);
}

/**
 * The `trafficPolicy` of a revision's DestinationRule subset: its own load
 * balancing, with the service's locality failover, since Istio takes a
 * subset's `loadBalancer` in place of the top-level one as a whole (the
 * other fields of the top-level policy, mTLS and the circuit breaker, still
 * apply); `undefined` for a revision without load balancing of its own.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/#Subset
 */
export function istioSubsetTrafficPolicy(routes: ServiceRoutes, revision: Revision): Record<string, unknown> | undefined {
  const own = routes.revisionLoadBalancing.find((r) => r.revision === revision);
  return own && { loadBalancer: loadBalancerSettings(own.loadBalancing, routes.localityFailover) };
}

function loadBalancerSettings(lb: ResolvedLoadBalancing | undefined, locality: LocalityFailover | undefined): Record<string, unknown> {
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
