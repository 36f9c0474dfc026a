import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { emitObject } from '../../core/emit-object';
import { gatewayApiHeaderFilter, gatewayApiMatch } from '../../traffic/gateway-api-form';
import type { Route } from '../../traffic/route';
import type { IMeshRoutesBinding } from '../../traffic/routing-mesh';
import type { ServiceRoutes } from '../../traffic/service-routes';
import type { TcpRoute } from '../../traffic/tcp-route';
import type { Revision } from '../../workload/revision';
import { revisionService } from '../../workload/revision-service';
import type { ServicePort } from '../../workload/service-port';
import { unsupportedGatewayApiRouteFeatures, unsupportedTcpRouteFeatures } from './istio-capabilities';
import { istioHttpServicePorts } from './istio-http-ports';

/** The Gateway API version Istio reads mesh routes in (the standard channel). */
const GATEWAY_API_V1 = 'gateway.networking.k8s.io/v1';

/**
 * Istio's Gateway API form of a service's routing table (GAMMA), the form
 * the Linkerd provider writes too, so a team moving between the meshes keeps
 * one shape of routing objects:
 * - a Service per revision a route sends to (`<service>-<revision id>`, the
 *   revision object shared with every other user of it): Gateway API routes
 *   split traffic between Services, not subsets;
 * - an `HTTPRoute` per HTTP port of the service (`<service>-<port name>`),
 *   attached to the stable Service and port, one rule per route in the
 *   declared order: matches, weighted per-revision backends, header changes,
 *   a mirror and the timeout;
 * - a `TCPRoute` per TCP route (`<service>-<port name>`), attached to the
 *   stable Service and the route's port, weighted per-revision backends.
 *
 * No DestinationRule: mutual TLS is Istio's automatic mTLS under the
 * namespace's strict PeerAuthentication. The standard HTTPRoute has no retry
 * field, so Istio applies its default retries to every route (2 attempts on
 * connect-failure, refused-stream, unavailable, cancelled and
 * retriable-status-codes): each route must say `retries: MESH_DEFAULT_RETRIES`.
 * What the HTTPRoute cannot express is refused at synth (no retries or
 * other retries, faults, and a circuit breaker, load balancing (the
 * service's or a revision's) or locality failover, which Istio applies per
 * host or subset), naming 'istio (gateway-api routes)'.
 *
 * @see https://istio.io/latest/docs/tasks/traffic-management/ingress/gateway-api/#mesh-traffic
 * @see https://gateway-api.sigs.k8s.io/mesh/gamma/
 * @internal
 */
export class IstioGatewayApiRoutes extends Construct implements IMeshRoutesBinding {
  private readonly routes: ServiceRoutes;
  private httpRoutesEmitted = false;

  constructor(scope: Construct, id: string, routes: ServiceRoutes) {
    super(scope, id);
    this.routes = routes;
    this.node.addValidation({
      validate: () => [
        ...this.httpPortErrors(),
        ...routes.routes.flatMap((route) => unsupportedGatewayApiRouteFeatures(route, routes)),
        ...routes.tcpRoutes.flatMap((route) => unsupportedTcpRouteFeatures(route, routes)),
        ...unsupportedGatewayApiTable(routes),
      ],
    });
  }

  /** The revisions the routes of this table send to or mirror to, in the order first named. */
  public get revisions(): readonly Revision[] {
    const all = [
      ...this.routes.routes.flatMap((r) => [...r.backends.map((b) => b.target), ...(r.mirror ? [r.mirror.revision] : [])]),
      ...this.routes.tcpRoutes.flatMap((r) => r.backends.map((b) => b.target)),
    ];
    return [...new Set(all)];
  }

  /** Emits the HTTPRoutes with the first route, and the Services of the route's revisions. */
  public addRoute(route: Route): void {
    const { service } = this.routes;
    for (const revision of [...route.backends.map((b) => b.target), ...(route.mirror ? [route.mirror.revision] : [])]) {
      revisionService(service, revision);
    }
    if (this.httpRoutesEmitted) {
      return;
    }
    this.httpRoutesEmitted = true;
    for (const port of istioHttpServicePorts(this.routes)) {
      emitObject(this, `HTTPRoute-${port.name}`, {
        apiVersion: GATEWAY_API_V1,
        kind: 'HTTPRoute',
        metadata: { name: `${service.serviceName}-${port.name}`, namespace: service.namespace, labels: { ...service.labels } },
        spec: {
          parentRefs: [{ group: '', kind: 'Service', name: service.serviceName, port: port.port }],
          rules: Lazy.any({ produce: () => this.routes.routes.map((r) => gatewayApiRule(r, port)) }),
        },
      });
    }
  }

  /** Emits the route's TCPRoute and the Services of its revisions. */
  public addTcpRoute(route: TcpRoute): void {
    const { service } = this.routes;
    route.backends.forEach((b) => revisionService(service, b.target));
    emitObject(this, `TCPRoute-${route.port.name}`, {
      apiVersion: GATEWAY_API_V1,
      kind: 'TCPRoute',
      metadata: { name: `${service.serviceName}-${route.port.name}`, namespace: service.namespace, labels: { ...service.labels } },
      spec: {
        parentRefs: [{ group: '', kind: 'Service', name: service.serviceName, port: route.port.port }],
        rules: [{ name: route.name, backendRefs: route.backends.map((b) => ({ name: b.target.name, port: route.port.port, weight: b.weight })) }],
      },
    });
  }

  private httpPortErrors(): string[] {
    const { service } = this.routes;
    if (this.routes.routes.length === 0 || istioHttpServicePorts(this.routes).length > 0) {
      return [];
    }
    return [
      `${service.serviceName} has HTTP routes but no port istio reads as HTTP (its ports are all UDP, SCTP or named for TCP), so ` +
        'istio (gateway-api routes) has no Service port to attach an HTTPRoute to; add an HTTP port or drop the HTTP routes',
    ];
  }
}

/**
 * One neutral route as an HTTPRoute rule: named after the route (Istio
 * names its route after it), matches as written (a catch-all is a prefix
 * '/'), header changes and a mirror as filters, the weighted revisions as
 * backend Services on the port, the timeout as `timeouts.request`.
 */
function gatewayApiRule(route: Route, port: ServicePort): Record<string, unknown> {
  const filters = [
    ...(route.headers?.request ? [{ type: 'RequestHeaderModifier', requestHeaderModifier: gatewayApiHeaderFilter(route.headers.request) }] : []),
    ...(route.headers?.response ? [{ type: 'ResponseHeaderModifier', responseHeaderModifier: gatewayApiHeaderFilter(route.headers.response) }] : []),
    ...(route.mirror ? [{ type: 'RequestMirror', requestMirror: mirrorFilter(route.mirror.revision, route.mirror.percentage, port) }] : []),
  ];
  return {
    name: route.name,
    matches: route.isCatchAll ? [{ path: { type: 'PathPrefix', value: '/' } }] : route.matches.map(gatewayApiMatch),
    filters: filters.length > 0 ? filters : undefined,
    backendRefs: route.backends.map((b) => ({ name: b.target.name, port: port.port, weight: b.weight })),
    timeouts: route.timeout === undefined ? undefined : { request: route.timeout },
  };
}

/** A mirror to a revision's Service: a whole percentage as `percent`, any other as a fraction in millionths. */
function mirrorFilter(revision: Revision, percentage: number, port: ServicePort): Record<string, unknown> {
  const backendRef = { name: revision.name, port: port.port };
  return Number.isInteger(percentage)
    ? { backendRef, percent: percentage }
    : { backendRef, fraction: { numerator: Math.round(percentage * 10_000), denominator: 1_000_000 } };
}

/** Limits of the HTTPRoute schema across the table: rules per route, backends per rule. */
function unsupportedGatewayApiTable(routes: ServiceRoutes): string[] {
  const name = routes.service.serviceName;
  const errors: string[] = [];
  if (routes.routes.length > 16) {
    errors.push(`${name} has ${routes.routes.length} routes, more than the 16 rules of an HTTPRoute (istio, gateway-api routes); merge routes`);
  }
  for (const route of [...routes.routes, ...routes.tcpRoutes]) {
    if (route.backends.length > 16) {
      errors.push(`route '${route.name}' of ${name} has ${route.backends.length} backends, more than the 16 of a Gateway API route rule; drop some`);
    }
  }
  if (routes.circuitBreaker !== undefined) {
    errors.push(
      `${name} has a circuit breaker, which istio (gateway-api routes) cannot apply: istio puts connection limits and outlier ` +
        "detection on a DestinationRule per host, and this rendering's routes go to per-revision Services; " +
        "drop the circuit breaker, or route with MeshProvider.istio({ routes: 'virtual-service' })",
    );
  }
  for (const [prop, value] of [['loadBalancing', routes.loadBalancing], ['localityFailover', routes.localityFailover]] as const) {
    if (value !== undefined) {
      errors.push(
        `${name} sets ${prop}, which istio (gateway-api routes) cannot apply: istio puts it on a DestinationRule per host, and this ` +
          `rendering's routes go to per-revision Services (the standard Gateway API has no load-balancing field); ` +
          `drop ${prop}, or route with MeshProvider.istio({ routes: 'virtual-service' })`,
      );
    }
  }
  for (const { revision } of routes.revisionLoadBalancing) {
    errors.push(
      `revision '${revision.track}' of ${name} has load balancing of its own, which istio (gateway-api routes) cannot apply: istio puts it ` +
        "on the revision's DestinationRule subset, and this rendering's routes go to per-revision Services (the standard Gateway API " +
        "has no load-balancing field); drop addRevisionLoadBalancing, or route with MeshProvider.istio({ routes: 'virtual-service' })",
    );
  }
  return errors;
}
