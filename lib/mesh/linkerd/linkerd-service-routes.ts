import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { emitObject } from '../../core/emit-object';
import { CircuitBreaker } from '../../traffic/circuit-breaker';
import { formatDuration, millisOf } from '../../traffic/durations';
import { Route } from '../../traffic/route';
import type { IMeshRoutesBinding } from '../../traffic/routing-mesh';
import type { ServiceRoutes } from '../../traffic/service-routes';
import { revisionService } from '../../workload/revision-service';
import { DEFAULT_MAX_PENALTY_MILLIS, HttpRouteLimits, LinkerdAnnotations, LinkerdApi, proxiedPorts } from './linkerd-api';
import { linkerdRetryStatuses, sharedRetries, unsupportedCircuitBreaker, unsupportedRouteFeatures, unsupportedServicePolicies, unsupportedTcpRoute, unsupportedTrafficPolicy } from './linkerd-capabilities';
import { linkerdRule } from './linkerd-http-route-rule';
import { precedenceConflicts } from './linkerd-route-precedence';

/**
 * Linkerd's form of a service's routing table:
 * - a Service per revision a route sends to (`<service>-<revision id>`, a
 *   revision object selecting that revision's pods, shared with any other
 *   user of it): Linkerd splits traffic between Services;
 * - an HTTPRoute per TCP port of the service (`<service>-<port name>`,
 *   policy.linkerd.io/v1beta3), attached to the stable Service and port,
 *   with one rule per route in the declared order: matches, weighted
 *   per-revision backends, header changes and the timeout; retries as the
 *   HTTPRoute's `retry.linkerd.io/*` annotations;
 * - the circuit breaker's ejection of failing pods as failure accrual
 *   annotations on the stable Service (the Service clients resolve, whose
 *   policy covers every backend of its routes).
 *
 * Refused at synth, naming the feature, the route and 'linkerd': TCP routes, faults,
 * mirrors, retries on something other than a response status, routes that
 * retry differently, connection pool limits, an ejection interval or cap,
 * routes whose declared order Linkerd would not follow (it prefers the most
 * specific match), and what the HTTPRoute schema would reject.
 *
 * @see https://linkerd.io/2/reference/httproute/
 * @see https://linkerd.io/2/reference/retries/
 * @see https://linkerd.io/2/reference/timeouts/
 * @see https://linkerd.io/2/reference/circuit-breaking/
 * @internal
 */
export class LinkerdServiceRoutes extends Construct implements IMeshRoutesBinding {
  private readonly routes: ServiceRoutes;
  private readonly emittedHttpRoutes: ApiObject[] = [];
  private readonly emitHttpRoutes: () => ApiObject[];

  constructor(scope: Construct, id: string, routes: ServiceRoutes) {
    super(scope, id);
    this.routes = routes;
    const { service } = routes;
    const namespace = service.namespace!;
    if (routes.circuitBreaker !== undefined && service.apiObject !== undefined) {
      for (const [key, value] of Object.entries(failureAccrual(routes.circuitBreaker, routes))) {
        service.apiObject.metadata.addAnnotation(key, value);
      }
    }

    const retries = () => sharedRetries(routes).retries;
    const ports = proxiedPorts(service.ports);
    // the HTTPRoutes come with the first route: a table of service policies
    // alone is the failure accrual annotations alone
    const routing = new Construct(this, 'Routing');
    this.emitHttpRoutes = () => ports.map((port) =>
      emitObject(routing, `HTTPRoute-${port.name}`, {
        apiVersion: LinkerdApi.POLICY_V1BETA3,
        kind: 'HTTPRoute',
        metadata: {
          name: `${service.serviceName}-${port.name}`,
          namespace,
          labels: { ...service.labels },
          annotations: {
            [LinkerdAnnotations.RETRY_HTTP]: lazyString(() => {
              const r = retries();
              return r && linkerdRetryStatuses(r);
            }),
            [LinkerdAnnotations.RETRY_LIMIT]: lazyString(() => retries()?.attempts.toString()),
            [LinkerdAnnotations.RETRY_TIMEOUT]: lazyString(() => retries()?.perTryTimeout),
          },
        },
        spec: {
          parentRefs: [{ group: 'core', kind: 'Service', name: service.serviceName, port: port.port }],
          rules: Lazy.any({ produce: () => routes.routes.map((route) => linkerdRule(route, port)) }),
        },
      }),
    );

    this.node.addValidation({ validate: () => this.errors(routes, ports.length) });
  }

  /** The HTTPRoutes, one per TCP port of the service, once it has a route. */
  public get httpRoutes(): readonly ApiObject[] {
    return [...this.emittedHttpRoutes];
  }

  /** Makes the HTTPRoutes with the first route, and sure every revision the route sends to has its Service. */
  public addRoute(route: Route): void {
    if (proxiedPorts(this.routes.service.ports).length === 0) {
      return;
    }
    if (this.emittedHttpRoutes.length === 0) {
      this.emittedHttpRoutes.push(...this.emitHttpRoutes());
    }
    for (const { target } of route.backends) {
      revisionService(this.routes.service, target);
    }
  }

  /** Nothing to do: linkerd refuses TCP routes at synth. */
  public addTcpRoute(): void {}

  private errors(routes: ServiceRoutes, portCount: number): string[] {
    const { service } = routes;
    const errors: string[] = [];
    if (portCount === 0 && routes.routes.length > 0) {
      errors.push(`${service.serviceName} has no TCP port, so linkerd has no Service port to attach its routes to; add a TCP port or drop the routes`);
    }
    if (routes.routes.length > HttpRouteLimits.RULES) {
      errors.push(
        `${service.serviceName} has ${routes.routes.length} routes, more than the ${HttpRouteLimits.RULES} rules of a linkerd HTTPRoute; ` +
          `merge routes`,
      );
    }
    for (const route of routes.routes) {
      errors.push(...unsupportedRouteFeatures(route, routes));
    }
    errors.push(...routes.tcpRoutes.map((route) => unsupportedTcpRoute(route, routes)));
    errors.push(...unsupportedServicePolicies(routes));
    errors.push(...unsupportedTrafficPolicy(routes));
    const retryError = sharedRetries(routes).error;
    if (retryError !== undefined) {
      errors.push(retryError);
    }
    for (const conflict of precedenceConflicts(routes.routes)) {
      errors.push(
        `route '${conflict.later.name}' of ${service.serviceName} is declared after route '${conflict.earlier.name}', but linkerd ` +
          `prefers its match ${JSON.stringify(conflict.laterMatch)} over ${JSON.stringify(conflict.earlierMatch)} for some requests ` +
          '(linkerd picks the most specific match: longest path, then most headers, then most query parameters, then a method; ' +
          `not the declared order); declare '${conflict.later.name}' first, or give '${conflict.earlier.name}' a more specific match`,
      );
    }
    if (routes.circuitBreaker !== undefined) {
      errors.push(...unsupportedCircuitBreaker(routes.circuitBreaker, routes));
    }
    return errors;
  }
}

/**
 * A string-typed Lazy, for an annotation value read at synth; `undefined`
 * leaves the annotation out.
 */
function lazyString(produce: () => string | undefined): string {
  return Lazy.any({ produce }) as unknown as string;
}

/**
 * Ejection of failing pods as Linkerd's consecutive-failure accrual: the
 * first penalty is the base ejection time, growing by exponential backoff up
 * to Linkerd's 60s (or the base ejection time, if that is longer).
 */
function failureAccrual(breaker: CircuitBreaker, routes: ServiceRoutes): Record<string, string> {
  const outlier = breaker.outlierDetection;
  if (outlier === undefined) {
    return {};
  }
  const annotations: Record<string, string> = {
    [LinkerdAnnotations.FAILURE_ACCRUAL]: 'consecutive',
    [LinkerdAnnotations.FAILURE_ACCRUAL_MAX_FAILURES]: String(outlier.consecutiveErrors),
  };
  if (outlier.baseEjectionTime !== undefined) {
    const base = formatDuration('circuitBreaker.outlierDetection.baseEjectionTime', outlier.baseEjectionTime, routes);
    annotations[LinkerdAnnotations.FAILURE_ACCRUAL_MIN_PENALTY] = base;
    if (millisOf(outlier.baseEjectionTime) > DEFAULT_MAX_PENALTY_MILLIS) {
      annotations[LinkerdAnnotations.FAILURE_ACCRUAL_MAX_PENALTY] = base;
    }
  }
  return annotations;
}
