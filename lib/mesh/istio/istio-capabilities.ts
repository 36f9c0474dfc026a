import type { ResolvedEndUserAuthentication } from '../../traffic/end-user-auth';
import { MatchType } from '../../traffic/http-match';
import { LoadBalancingAlgorithm } from '../../traffic/load-balancing';
import type { Route } from '../../traffic/route';
import type { ServiceRoutes } from '../../traffic/service-routes';
import type { TcpRoute } from '../../traffic/tcp-route';
import { percentageProblem } from '../../traffic/weights';
import { MESH_DEFAULT_RETRIES } from '../../workload/retry-policy';
import type { MeshFunction } from '../mesh-provider';

/**
 * What a route asks for that Istio cannot express or would ignore, one
 * message per problem, each naming the route, the service, 'istio' and the
 * fix: weights are whole percentages, so a small non-zero weight would
 * become 0%; client-side faults switch off the route's timeout and retries.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPFaultInjection
 */
export function unsupportedRouteFeatures(route: Route, routes: ServiceRoutes): string[] {
  const where = `route '${route.name}' of ${routes.service.serviceName}`;
  const errors: string[] = [];
  const rounding = percentageProblem(route.backends, (r) => r.track, where);
  if (rounding !== undefined) {
    errors.push(`${rounding} (istio weights are whole percentages)`);
  }
  if (route.fault !== undefined && (route.timeout !== undefined || route.retries !== undefined)) {
    errors.push(
      `${where} injects faults and also sets a timeout or retries, ` +
        'which Istio does not apply while faults are on (istio); put the fault on its own route',
    );
  }
  return errors;
}

/**
 * Port names Istio reads as a TCP protocol (`<protocol>` or
 * `<protocol>-<suffix>`): only on such a port does it apply TCP routes. An
 * HTTP name makes it route the port as HTTP, and any other name leaves the
 * protocol to sniffing.
 *
 * @see https://istio.io/latest/docs/ops/configuration/traffic-management/protocol-selection/
 */
const ISTIO_TCP_PORT_NAME = /^(tcp|mongo|mysql|redis)(-|$)/;

/**
 * What a TCP route asks for that Istio cannot express, one message per
 * problem naming the route, the service, 'istio' and the fix: weights are
 * whole percentages, and the port must be named for a TCP protocol.
 */
/** Whether Istio reads a port of this name as TCP (not HTTP, not sniffed). */
function isIstioTcpPortName(name: string): boolean {
  return ISTIO_TCP_PORT_NAME.test(name);
}

export function unsupportedTcpRouteFeatures(route: TcpRoute, routes: ServiceRoutes): string[] {
  const where = `TCP route '${route.name}' of ${routes.service.serviceName}`;
  const errors: string[] = [];
  const rounding = percentageProblem(route.backends, (r) => r.track, where);
  if (rounding !== undefined) {
    errors.push(`${rounding} (istio weights are whole percentages)`);
  }
  if (!isIstioTcpPortName(route.port.name)) {
    errors.push(
      `${where} takes port '${route.port.name}', which istio does not read as TCP (it takes a port's protocol from its name, ` +
        "and routes TCP only on ports named 'tcp', 'mongo', 'mysql' or 'redis', alone or with a '-suffix'); " +
        `name the port e.g. '${`tcp-${route.port.name}`.slice(0, 15)}'`,
    );
  }
  return errors;
}

/**
 * What a route asks for that Istio's Gateway API form (an HTTPRoute of the
 * standard channel attached to the Service) cannot express: retries other
 * than Istio's default (the standard HTTPRoute has no retry field, so Istio
 * applies its default retries to every route, even one without retries),
 * faults (no fault filter), and more matches or conditions than the schema
 * allows. One message per problem, naming the route, the service,
 * 'istio (gateway-api routes)' and the fix.
 */
export function unsupportedGatewayApiRouteFeatures(route: Route, routes: ServiceRoutes): string[] {
  const where = `route '${route.name}' of ${routes.service.serviceName}`;
  const backend = 'istio (gateway-api routes)';
  const errors: string[] = [];
  if (route.retries === undefined) {
    errors.push(
      `${where} has no retries, but ${backend} would retry it: the standard HTTPRoute has no retry field, so istio applies its ` +
        'default retries (2 attempts on connect-failure, refused-stream, unavailable, cancelled, retriable-status-codes); ' +
        "accept them with retries: MESH_DEFAULT_RETRIES, or route with MeshProvider.istio({ routes: 'virtual-service' })",
    );
  } else if (route.retries !== MESH_DEFAULT_RETRIES) {
    errors.push(
      `${where} sets its own retries, which ${backend} cannot express: the standard HTTPRoute has no retry field; ` +
        "use retries: MESH_DEFAULT_RETRIES (istio's default), or route with MeshProvider.istio({ routes: 'virtual-service' })",
    );
  }
  if (route.fault !== undefined) {
    errors.push(
      `${where} injects faults, which ${backend} cannot express (the HTTPRoute has no fault filter); drop the fault, ` +
        "or route with MeshProvider.istio({ routes: 'virtual-service' })",
    );
  }
  if (route.matches.length > 64) {
    errors.push(`${where} has ${route.matches.length} matches, more than the 64 of an HTTPRoute rule (${backend}); split it`);
  }
  route.matches.forEach((match, index) => {
    for (const [what, count] of [['header', match.headers?.length ?? 0], ['query parameter', match.queryParams?.length ?? 0]] as const) {
      if (count > 16) {
        errors.push(`${where} match ${index + 1} has ${count} ${what} conditions, more than the 16 of an HTTPRoute match (${backend}); drop some`);
      }
    }
  });
  const total = routes.routes.reduce((sum, r) => sum + r.matches.length, 0);
  if (routes.routes[routes.routes.length - 1] === route && total >= 128) {
    errors.push(`${routes.service.serviceName} has ${total} matches in all, and an HTTPRoute (${backend}) takes fewer than 128; merge matches`);
  }
  return errors;
}

/**
 * What of a service's end-user authentication Istio cannot express: a
 * requirement on a regular-expression path (AuthorizationPolicy paths are
 * exact, prefix or suffix matches).
 */
export function unsupportedServicePolicies(routes: ServiceRoutes): string[] {
  return regexRequirementProblems(routes.authentication, routes.service.serviceName);
}

/** What of a serverless function's end-user authentication Istio cannot express: as for a service's. */
export function unsupportedFunctionPolicies(fn: MeshFunction): string[] {
  return regexRequirementProblems(fn.authentication, `function ${fn.name}`);
}

function regexRequirementProblems(authentication: ResolvedEndUserAuthentication | undefined, name: string): string[] {
  return (authentication?.require ?? []).flatMap((requirement, index) => requirement.paths
    .filter((path) => path.type === MatchType.REGEX)
    .map((path) =>
      `authentication require ${index + 1} of ${name} covers the regular-expression path '${path.value}', which an Istio AuthorizationPolicy ` +
        'cannot scope by (istio: its paths are exact or prefix matches); list the paths as PathMatch.exact or PathMatch.prefix'));
}

/** The node labels Istio reads a pod's locality from (region, zone, subzone). */
const LOCALITY_LABELS = ['topology.kubernetes.io/region', 'topology.kubernetes.io/zone', 'topology.istio.io/subzone'];

/**
 * What of a service's load balancing and locality failover Istio cannot
 * express or would ignore, one message each naming the service, 'istio' and
 * the fix: slow start with random balancing or session affinity (Envoy warms
 * up round robin and least request only), the service's or a revision's; a
 * revision's own load balancing that no route sends to (Istio applies a
 * subset's policy only to traffic routed to the subset); failover without outlier
 * detection (Istio fails over only when ejection takes a locality's pods out),
 * and region failover beside a locality label in the failover priority.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/#WarmupConfiguration
 * @see https://istio.io/latest/docs/tasks/traffic-management/locality-load-balancing/failover/
 */
export function unsupportedTrafficPolicy(routes: ServiceRoutes): string[] {
  const name = routes.service.serviceName;
  const errors: string[] = [];
  for (const [what, lb] of [
    [`loadBalancing.slowStart of ${name}`, routes.loadBalancing],
    ...routes.revisionLoadBalancing.map((r) => [`loadBalancing.slowStart of revision '${r.revision.track}' of ${name}`, r.loadBalancing] as const),
  ] as const) {
    if (lb?.slowStart !== undefined && (lb.algorithm === LoadBalancingAlgorithm.RANDOM || lb.sessionAffinity !== undefined)) {
      errors.push(
        `${what} comes with ${lb.sessionAffinity ? 'sessionAffinity' : "algorithm 'random'"}, which istio does not ` +
          'warm up (Envoy slow start works with round robin and least request only); drop slowStart or balance by round robin or least request',
      );
    }
  }
  const routed = new Set([
    ...routes.routes.flatMap((r) => [...r.backends.map((b) => b.target), ...(r.mirror ? [r.mirror.revision] : [])]),
    ...routes.tcpRoutes.flatMap((r) => r.backends.map((b) => b.target)),
  ]);
  for (const { revision } of routes.revisionLoadBalancing.filter((r) => !routed.has(r.revision))) {
    errors.push(
      `revision '${revision.track}' of ${name} has load balancing of its own, but no route sends to it, and istio applies a subset's ` +
        "policy only to the requests a route sends to that subset (the others go to the service's host with its top-level policy); " +
        `add a route with revision '${revision.track}' as a backend, or drop addRevisionLoadBalancing`,
    );
  }
  const locality = routes.localityFailover;
  const failsOver = (locality?.failover?.length ?? 0) + (locality?.failoverPriority?.length ?? 0) > 0;
  if (failsOver && routes.circuitBreaker?.outlierDetection === undefined) {
    errors.push(
      `localityFailover of ${name} fails over without circuitBreaker.outlierDetection, which istio ignores (it fails over only when ` +
        'outlier detection ejects a locality\'s pods); add circuitBreaker: { outlierDetection: { consecutiveErrors: 5 } }',
    );
  }
  const localityLabel = (locality?.failover?.length ?? 0) > 0 ? locality?.failoverPriority?.find((l) => LOCALITY_LABELS.includes(l)) : undefined;
  if (localityLabel !== undefined) {
    errors.push(
      `localityFailover of ${name} sets failover beside failoverPriority '${localityLabel}', which istio refuses (both would decide ` +
        `where to fail over by locality); drop the locality labels from failoverPriority, or drop failover`,
    );
  }
  return errors;
}
