import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { emitObject } from '../../core/emit-object';
import type { Route } from '../../traffic/route';
import type { IMeshRoutesBinding } from '../../traffic/routing-mesh';
import type { ServiceRoutes } from '../../traffic/service-routes';
import { percentageProblem, toPercentages } from '../../traffic/weights';
import { ConsulApi, revisionFilter } from './consul-api';
import {
  unsupportedCircuitBreaker,
  unsupportedRouteFeatures,
  unsupportedServicePolicies,
  unsupportedTcpRoute,
  unsupportedTrafficPolicy,
} from './consul-capabilities';
import { ConsulJwtProviders } from './consul-jwt-providers';
import { consulLoadBalancer } from './consul-load-balancer';
import { ConsulRouteSplit } from './consul-route-split';
import { consulRouterRoutes, splitsMatchedRequests } from './consul-router-route';

/**
 * Props of {@link ConsulServiceRoutes}.
 *
 * @internal
 */
export interface ConsulServiceRoutesProps {
  /** Whether the cluster runs Consul Enterprise (rate limits, locality-aware routing). */
  readonly enterprise: boolean;
  /** The mesh's JWTProviders, one per issuer of the app. */
  readonly jwtProviders: ConsulJwtProviders;
}

/**
 * Consul's form of a service's routing table, its discovery chain:
 * - a ServiceResolver with one subset per live revision (named by its track,
 *   filtered on `Service.Meta.revision`, which consul-k8s copies from the
 *   pod annotation `consul.hashicorp.com/service-meta-revision`), the load
 *   balancing as its `loadBalancer`, on Consul Enterprise the locality
 *   failover as `prioritizeByLocality: { mode: failover }` (the caller's
 *   zone first, then its region, then the rest, as instances turn
 *   unhealthy), and for a TCP route its one revision as `defaultSubset`;
 * - once there is an HTTP route, a ServiceRouter with the routes in order
 *   (matched routes to their revision's subset, or to their split service
 *   when they weigh several: see {@link ConsulRouteSplit}; the catch-all to
 *   the service) and a ServiceSplitter weighing the catch-all's revisions in
 *   whole percentages;
 * - for end-user authentication, a JWTProvider per issuer, once per app
 *   (see {@link ConsulJwtProviders}); the service's ServiceIntentions
 *   requires the tokens (see ConsulServiceSecurity).
 * The protocol and the circuit breaker are the ServiceDefaults' (of the
 * service and of its callers: see ConsulServiceSecurity). All are pointers:
 * moving weights updates them, never the revisions.
 *
 * Refused at synth, naming the feature, the route and 'consul': see
 * consul-capabilities.
 *
 * @see https://developer.hashicorp.com/consul/docs/connect/manage-traffic
 * @internal
 */
export class ConsulServiceRoutes extends Construct implements IMeshRoutesBinding {
  private readonly emitRouting: () => void;

  constructor(scope: Construct, id: string, private readonly routes: ServiceRoutes, props: ConsulServiceRoutesProps) {
    super(scope, id);
    const { service } = routes;
    const metadata = { name: service.serviceName, namespace: service.namespace!, labels: { ...service.labels } };
    this.node.addValidation({
      validate: () => [
        ...routes.routes.flatMap((route) => unsupportedRouteFeatures(route, routes)),
        ...routes.tcpRoutes.flatMap((route) => unsupportedTcpRoute(route, routes)),
        ...unsupportedServicePolicies(routes, props.enterprise),
        ...unsupportedTrafficPolicy(routes, props.enterprise),
        ...(routes.circuitBreaker === undefined ? [] : unsupportedCircuitBreaker(routes.circuitBreaker, routes)),
      ],
    });

    emitObject(this, 'ServiceResolver', {
      apiVersion: ConsulApi.V1ALPHA1,
      kind: 'ServiceResolver',
      metadata,
      spec: {
        defaultSubset: Lazy.any({ produce: () => routes.tcpRoutes[0]?.backends[0].target.track }),
        subsets: Lazy.any({
          produce: () => Object.fromEntries(service.revisions.map((r) => [r.track, { filter: revisionFilter(r.revisionId) }])),
        }),
        loadBalancer: consulLoadBalancer(routes),
        prioritizeByLocality: props.enterprise && routes.localityFailover !== undefined ? { mode: 'failover' } : undefined,
      },
    });
    props.jwtProviders.bind(this, routes);

    // the router and splitter come with the first HTTP route: a table of
    // service policies or TCP routes alone is a resolver alone
    const routing = new Construct(this, 'Routing');
    this.emitRouting = () => {
      if (routing.node.tryFindChild('ServiceRouter') !== undefined) {
        return;
      }
      emitObject(routing, 'ServiceRouter', {
        apiVersion: ConsulApi.V1ALPHA1,
        kind: 'ServiceRouter',
        metadata,
        spec: { routes: Lazy.any({ produce: () => routes.routes.flatMap((route) => consulRouterRoutes(route, service.serviceName)) }) },
      });
      emitObject(routing, 'ServiceSplitter', {
        apiVersion: ConsulApi.V1ALPHA1,
        kind: 'ServiceSplitter',
        metadata,
        spec: { splits: Lazy.any({ produce: () => catchAllSplits(routes) }) },
      });
    };
  }

  /**
   * Makes the ServiceRouter and ServiceSplitter, if this is the first route
   * (they read the routes at synth), and the split service of a matched
   * route to several revisions.
   */
  public addRoute(route: Route): void {
    this.emitRouting();
    if (splitsMatchedRequests(route)) {
      new ConsulRouteSplit(this, `Split-${route.name}`, this.routes.service, route);
    }
  }

  /** Nothing to emit: the resolver reads the TCP route's revision at synth. */
  public addTcpRoute(): void {}
}

/** The catch-all route's revisions as splits of whole percentages (none while the table has no valid catch-all, which synth refuses). */
function catchAllSplits(routes: ServiceRoutes): Record<string, unknown>[] {
  const catchAll = routes.routes.find((route) => route.isCatchAll);
  const what = catchAll && `route '${catchAll.name}'`;
  if (catchAll === undefined || percentageProblem(catchAll.backends, (r) => r.track, what!) !== undefined) {
    return [];
  }
  return toPercentages(catchAll.backends, (r) => r.track, what!, routes).map((b) => ({ weight: b.weight, serviceSubset: b.target.track }));
}
