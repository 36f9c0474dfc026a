import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { emitObject } from '../../core/emit-object';
import { LabelKeys } from '../../core/labels';
import { CircuitBreaker } from '../../traffic/circuit-breaker';
import { formatDuration } from '../../traffic/durations';
import { Route } from '../../traffic/route';
import type { IMeshRoutesBinding } from '../../traffic/routing-mesh';
import type { ServiceRoutes } from '../../traffic/service-routes';
import { toPercentages } from '../../traffic/weights';
import { unsupportedRouteFeatures } from './istio-capabilities';
import { istioConditions, istioHeaderOperations, istioUriMatches } from './istio-http-match';

/**
 * Istio's form of a service's routing table:
 * - a DestinationRule with one subset per live revision (selected by the
 *   revision label), mutual TLS, and the circuit breaker as connection pool
 *   limits and outlier detection;
 * - a VirtualService with the routes in order: matches, weights as
 *   percentages, timeouts, retries, faults, mirrors and header changes.
 * Both are pointers: they change when weights move, never the revisions.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/
 */
export class IstioServiceRoutes extends Construct implements IMeshRoutesBinding {
  constructor(scope: Construct, id: string, routes: ServiceRoutes) {
    super(scope, id);
    const { service } = routes;
    const namespace = service.namespace!;
    const host = `${service.serviceName}.${namespace}.svc.cluster.local`;
    const metadata = { name: service.serviceName, namespace, labels: { ...service.labels } };
    this.node.addValidation({ validate: () => routes.routes.flatMap((route) => unsupportedRouteFeatures(route, routes)) });

    emitObject(this, 'DestinationRule', {
      apiVersion: 'networking.istio.io/v1beta1',
      kind: 'DestinationRule',
      metadata,
      spec: {
        host,
        trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' }, ...circuitBreakerPolicy(routes.circuitBreaker, routes) },
        subsets: Lazy.any({
          produce: () => service.revisions.map((r) => ({ name: r.track, labels: { [LabelKeys.REVISION]: r.revisionId } })),
        }),
      },
    });

    emitObject(this, 'VirtualService', {
      apiVersion: 'networking.istio.io/v1beta1',
      kind: 'VirtualService',
      metadata,
      spec: {
        hosts: [host],
        http: Lazy.any({ produce: () => routes.routes.map((route) => httpRoute(route, host, routes)) }),
      },
    });
  }

  /** Nothing to do: the objects read the routes at synth. */
  public addRoute(): void {}
}

function httpRoute(route: Route, host: string, routes: ServiceRoutes): Record<string, unknown> {
  const percentages = toPercentages(route.backends, (r) => r.track, `route '${route.name}'`, routes);
  return {
    name: route.name,
    match: route.isCatchAll ? undefined : route.matches.flatMap((m) => istioUriMatches(m.path).map((uri) => ({ uri, ...istioConditions(m) }))),
    route: percentages.map((b) => ({ destination: { host, subset: b.target.track }, weight: b.weight })),
    timeout: route.timeout,
    retries: route.fault !== undefined
      ? undefined
      : route.retries
        ? { attempts: route.retries.attempts, perTryTimeout: route.retries.perTryTimeout, retryOn: route.retries.retryOn.join(',') }
        : { attempts: 0 },
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
