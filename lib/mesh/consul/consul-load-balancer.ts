import { LoadBalancingAlgorithm, ResolvedSessionAffinity } from '../../traffic/load-balancing';
import type { ServiceRoutes } from '../../traffic/service-routes';

const CONSUL_POLICIES: Readonly<Record<LoadBalancingAlgorithm, string>> = {
  [LoadBalancingAlgorithm.ROUND_ROBIN]: 'round_robin',
  [LoadBalancingAlgorithm.LEAST_REQUEST]: 'least_request',
  [LoadBalancingAlgorithm.RANDOM]: 'random',
};

/**
 * A service's load balancing as a ServiceResolver's `loadBalancer`: the
 * algorithm as `policy`, session affinity as `ring_hash` with one hash
 * policy (a header, a cookie, a query parameter or the source IP);
 * `undefined` when the service sets neither (slow start is refused in
 * consul-capabilities).
 *
 * @see https://developer.hashicorp.com/consul/docs/connect/config-entries/service-resolver#loadbalancer
 * @internal
 */
export function consulLoadBalancer(routes: ServiceRoutes): Record<string, unknown> | undefined {
  const lb = routes.loadBalancing;
  if (lb?.algorithm !== undefined) {
    return { policy: CONSUL_POLICIES[lb.algorithm] };
  }
  if (lb?.sessionAffinity !== undefined) {
    return { policy: 'ring_hash', hashPolicies: [hashPolicy(lb.sessionAffinity)] };
  }
  return undefined;
}

function hashPolicy(affinity: ResolvedSessionAffinity): Record<string, unknown> {
  switch (affinity.kind) {
    case 'header':
      return { field: 'header', fieldValue: affinity.name };
    case 'cookie':
      return { field: 'cookie', fieldValue: affinity.name, cookieConfig: cookieConfig(affinity.ttl, affinity.path) };
    case 'source-ip':
      return { sourceIP: true };
    case 'query-parameter':
      return { field: 'query_parameter', fieldValue: affinity.name };
  }
}

/** The cookie the proxy sets when a request has none: a session cookie for a TTL of 0, none without a TTL. */
function cookieConfig(ttl: string | undefined, path: string | undefined): Record<string, unknown> | undefined {
  if (ttl === undefined && path === undefined) {
    return undefined;
  }
  return ttl === '0s' ? { session: true, path } : { ttl, path };
}
