import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { emitObject } from '../../core/emit-object';
import { LabelKeys } from '../../core/labels';
import { CircuitBreaker } from '../../traffic/circuit-breaker';
import { formatDuration } from '../../traffic/durations';
import { Route } from '../../traffic/route';
import type { IMeshRoutesBinding } from '../../traffic/routing-mesh';
import type { ServiceRoutes } from '../../traffic/service-routes';
import type { TcpRoute } from '../../traffic/tcp-route';
import { toPercentages } from '../../traffic/weights';
import { unsupportedRouteFeatures, unsupportedTcpRouteFeatures, unsupportedTrafficPolicy } from './istio-capabilities';
import { istioConditions, istioHeaderOperations, istioUriMatches } from './istio-http-match';
import { istioLoadBalancer, istioSubsetTrafficPolicy } from './istio-load-balancer';
import { istioRetries } from './istio-retries';

/**
 * Istio's form of a service's routing table:
 * - a DestinationRule with one subset per live revision (selected by the
 *   revision label), mutual TLS, the circuit breaker as connection pool
 *   limits and outlier detection, and the load balancing and locality
 *   failover as its `loadBalancer`; a revision with load balancing of its
 *   own gets it on its subset;
 * - once there is a route, a VirtualService with the routes in order: matches, weights as
 *   percentages, timeouts, retries, faults, mirrors and header changes;
 *   and a `tcp` route per TCP route, matching its port.
 * Both are pointers: they change when weights move, never the revisions.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/
 * @internal
 */
export class IstioServiceRoutes extends Construct implements IMeshRoutesBinding {
  private readonly emitVirtualService: () => void;

  constructor(scope: Construct, id: string, routes: ServiceRoutes) {
    super(scope, id);
    const { service } = routes;
    const namespace = service.namespace!;
    const host = `${service.serviceName}.${namespace}.svc.cluster.local`;
    const metadata = { name: service.serviceName, namespace, labels: { ...service.labels } };
    this.node.addValidation({
      validate: () => [
        ...routes.routes.flatMap((route) => unsupportedRouteFeatures(route, routes)),
        ...routes.tcpRoutes.flatMap((route) => unsupportedTcpRouteFeatures(route, routes)),
        ...unsupportedTrafficPolicy(routes),
      ],
    });

    emitObject(this, 'DestinationRule', {
      apiVersion: 'networking.istio.io/v1beta1',
      kind: 'DestinationRule',
      metadata,
      spec: {
        host,
        trafficPolicy: {
          tls: { mode: 'ISTIO_MUTUAL' },
          ...circuitBreakerPolicy(routes.circuitBreaker, routes),
          loadBalancer: istioLoadBalancer(routes),
        },
        subsets: Lazy.any({
          produce: () => service.revisions.map((r) => ({
            name: r.track,
            labels: { [LabelKeys.REVISION]: r.revisionId },
            trafficPolicy: istioSubsetTrafficPolicy(routes, r),
          })),
        }),
      },
    });

    // the VirtualService comes with the first route: a table of service
    // policies alone is a DestinationRule alone, which keeps Istio's own retries
    const routing = new Construct(this, 'Routing');
    this.emitVirtualService = () => {
      if (routing.node.tryFindChild('VirtualService') !== undefined) {
        return;
      }
      emitObject(routing, 'VirtualService', {
        apiVersion: 'networking.istio.io/v1beta1',
        kind: 'VirtualService',
        metadata,
        spec: {
          hosts: [host],
          http: Lazy.any({ produce: () => orNone(routes.routes.map((route) => httpRoute(route, host, routes))) }),
          tcp: Lazy.any({ produce: () => orNone(routes.tcpRoutes.map((route) => tcpRoute(route, host, routes))) }),
        },
      });
    };
  }

  /** Makes the VirtualService, if this is the first route; it reads the routes at synth. */
  public addRoute(): void {
    this.emitVirtualService();
  }

  /** Makes the VirtualService, if this is the first route; it reads the TCP routes at synth. */
  public addTcpRoute(): void {
    this.emitVirtualService();
  }
}

/** The list, or `undefined` (the field left out) when it is empty. */
function orNone<T>(items: T[]): T[] | undefined {
  return items.length === 0 ? undefined : items;
}

/** A TCP route as a VirtualService `tcp` route: the connections to its port, weighted across the revision subsets. */
function tcpRoute(route: TcpRoute, host: string, routes: ServiceRoutes): Record<string, unknown> {
  const percentages = toPercentages(route.backends, (r) => r.track, `TCP route '${route.name}'`, routes);
  return {
    match: [{ port: route.port.port }],
    route: percentages.map((b) => ({ destination: { host, subset: b.target.track, port: { number: route.port.port } }, weight: b.weight })),
  };
}

function httpRoute(route: Route, host: string, routes: ServiceRoutes): Record<string, unknown> {
  const percentages = toPercentages(route.backends, (r) => r.track, `route '${route.name}'`, routes);
  return {
    name: route.name,
    match: route.isCatchAll ? undefined : route.matches.flatMap((m) => istioUriMatches(m.path).map((uri) => ({ uri, ...istioConditions(m) }))),
    route: percentages.map((b) => ({ destination: { host, subset: b.target.track }, weight: b.weight })),
    timeout: route.timeout,
    retries: istioRetries(route.retries),
    fault: route.fault && {
      delay: route.fault.delay && { fixedDelay: route.fault.delay.delay, percentage: { value: route.fault.delay.percentage } },
      abort: route.fault.abort && { httpStatus: route.fault.abort.httpStatus, percentage: { value: route.fault.abort.percentage } },
    },
    mirror: route.mirror && { host, subset: route.mirror.revision.track },
    mirrorPercentage: route.mirror && { value: route.mirror.percentage },
    headers: route.headers && {
      request: route.headers.request && istioHeaderOperations(route.headers.request),
      response: route.headers.response && istioHeaderOperations(route.headers.response),
    },
  };
}

function circuitBreakerPolicy(breaker: CircuitBreaker | undefined, scope: Construct): Record<string, unknown> {
  if (breaker === undefined) {
    return {};
  }
  const tcp = breaker.maxConnections === undefined ? undefined : { maxConnections: breaker.maxConnections };
  const http = breaker.maxPendingRequests === undefined && breaker.maxRequestsPerConnection === undefined
    ? undefined
    : { http1MaxPendingRequests: breaker.maxPendingRequests, maxRequestsPerConnection: breaker.maxRequestsPerConnection };
  const outlier = breaker.outlierDetection;
  return {
    connectionPool: tcp || http ? { tcp, http } : undefined,
    outlierDetection: outlier && {
      consecutive5xxErrors: outlier.consecutiveErrors,
      interval: outlier.interval && formatDuration('interval', outlier.interval, scope),
      baseEjectionTime: outlier.baseEjectionTime && formatDuration('baseEjectionTime', outlier.baseEjectionTime, scope),
      maxEjectionPercent: outlier.maxEjectionPercent,
    },
  };
}
