import { Construct } from 'constructs';
import { canonicalJson } from '../core/content-hash';
import { assertDnsLabel } from '../core/names';
import { checkProps } from '../core/prop-schema';
import { ValidationError } from '../core/validation-error';
import type { Microservice } from '../workload/microservice';
import { Revision } from '../workload/revision';
import { CircuitBreaker } from './circuit-breaker';
import { formatDuration } from './durations';
import { EndUserAuthentication, resolveEndUserAuthentication, ResolvedEndUserAuthentication } from './end-user-auth';
import { withoutHeaderValues } from './http-match';
import { LoadBalancing, ResolvedLoadBalancing, resolveLoadBalancing, RevisionLoadBalancing } from './load-balancing';
import { LocalityFailover, resolveLocalityFailover } from './locality-failover';
import { assertPercentage } from './percentage';
import { LocalRateLimit, ResolvedLocalRateLimit, resolveLocalRateLimit } from './rate-limit';
import { resolveRoute, Route, RouteProps } from './route';
import { assertRevisionOf } from './route-backend';
import { IMeshRoutesBinding, isRoutingMesh } from './routing-mesh';
import { resolveTcpRoute, TcpRoute, TcpRouteProps } from './tcp-route';
import { loadBalancingSchema, serviceRoutesPropsSchema } from './traffic-schemas';

/** Props of {@link ServiceRoutes}. */
export interface ServiceRoutesProps {
  /** The service whose requests are routed; it must be in a mesh. */
  readonly service: Microservice;
  /**
   * Connection limits and ejection of failing pods, for every caller.
   * @default - no limits, no ejection
   */
  readonly circuitBreaker?: CircuitBreaker;
  /**
   * End-user (JWT) authentication: the tokens the service's pods accept and
   * which requests must present one, on top of the mesh's caller
   * authorization (Istio: RequestAuthentication and a DENY
   * AuthorizationPolicy; refused by meshes without JWT validation).
   * @default - no end-user authentication
   */
  readonly authentication?: EndUserAuthentication;
  /**
   * A local rate limit on every pod of the service, all its HTTP ports
   * (Istio: Envoy's local rate limit filter through an EnvoyFilter, which is
   * coupled to the Istio version; refused by meshes without one).
   * @default - no rate limit
   */
  readonly rateLimit?: LocalRateLimit;
  /**
   * How callers spread requests over the service's pods: the algorithm,
   * session affinity (consistent hashing) and slow start (Istio:
   * DestinationRule `loadBalancer`; refused by Linkerd, which balances by
   * EWMA only).
   * @default - the mesh's own balancing (Istio: least request; Linkerd: EWMA)
   */
  readonly loadBalancing?: LoadBalancing;
  /**
   * Prefer callers' own zone and fail over to named regions when its pods are
   * ejected (Istio: `localityLbSetting`; failover needs
   * `circuitBreaker.outlierDetection`; refused by Linkerd).
   * @default - the mesh's own (Istio: locality-aware once outlier detection is set)
   */
  readonly localityFailover?: LocalityFailover;
}

const ROUTE_NAME_MAX_LENGTH = 40;
const INT32_MAX = 2_147_483_647;

/**
 * The routing table of one service in a mesh, in a form every mesh reads:
 * routes tried in order (first match wins), each sending its requests to
 * weighted live revisions of the service, with timeouts, retries, faults,
 * mirroring and header changes, plus a circuit breaker for the service. The
 * service's mesh compiles it (Istio: DestinationRule + VirtualService;
 * Linkerd: per-revision Services + HTTPRoute) and refuses at synth what it
 * cannot express. The routes are the pointers: moving a weight is a code
 * change that updates them, while every revision stays immutable.
 *
 * @example
 *   const routes = new ServiceRoutes(chart, 'reviews-routes', { service: reviews });
 *   routes.addRoute('tester', { matches: [{ headers: [HeaderMatch.exact('end-user', 'jason')] }], backends: [{ revision: v2 }] });
 *   routes.addRoute('default', { backends: [{ revision: v1, weight: 90 }, { revision: v3, weight: 10 }] });
 */
export class ServiceRoutes extends Construct {
  /** The routed service. */
  public readonly service: Microservice;
  /** The service's circuit breaker, if any. */
  public readonly circuitBreaker: CircuitBreaker | undefined;
  /** The service's end-user authentication, validated, if any. */
  public readonly authentication: ResolvedEndUserAuthentication | undefined;
  /** The service's local rate limit, validated, if any. */
  public readonly rateLimit: ResolvedLocalRateLimit | undefined;
  /** The service's load balancing, validated, if any. */
  public readonly loadBalancing: ResolvedLoadBalancing | undefined;
  /** The service's locality failover, validated, if any. */
  public readonly localityFailover: LocalityFailover | undefined;
  private readonly declaredRoutes: Route[] = [];
  private readonly declaredRevisionLoadBalancing: RevisionLoadBalancing[] = [];
  private readonly declaredTcpRoutes: TcpRoute[] = [];
  private readonly meshBinding: IMeshRoutesBinding;

  constructor(scope: Construct, id: string, props: ServiceRoutesProps) {
    super(scope, id);
    checkProps(serviceRoutesPropsSchema, props, this, { name: 'ServiceRoutes props' });
    this.service = props.service;
    const mesh = this.service.mesh;
    if (mesh === undefined) {
      throw new ValidationError(
        `${this.service.serviceName} is not in a mesh, and only a mesh can route by request or weight; give it the mesh prop`,
        this,
      );
    }
    if (!isRoutingMesh(mesh)) {
      throw new ValidationError(`${this.service.serviceName} is in a mesh that cannot route (it has no addRoutes); give it a Mesh`, this);
    }
    if (this.service.ports.length === 0) {
      throw new ValidationError(
        `${this.service.serviceName} exposes no ports, so there is nothing to route; add ports to it or drop the routes`,
        this,
      );
    }
    if (props.circuitBreaker !== undefined) {
      validateCircuitBreaker(props.circuitBreaker, this);
    }
    this.circuitBreaker = props.circuitBreaker;
    this.authentication = props.authentication && resolveEndUserAuthentication('authentication', props.authentication, this);
    this.rateLimit = props.rateLimit && resolveLocalRateLimit('rateLimit', props.rateLimit, this);
    this.loadBalancing = props.loadBalancing && resolveLoadBalancing('loadBalancing', props.loadBalancing, this);
    this.localityFailover = props.localityFailover && resolveLocalityFailover('localityFailover', props.localityFailover, this);
    this.node.addValidation({ validate: () => this.crossRouteErrors() });
    this.meshBinding = mesh.addRoutes(this);
  }

  /** The routes, in the order they are tried. */
  public get routes(): readonly Route[] {
    return [...this.declaredRoutes];
  }

  /** The revisions with load balancing of their own, in the order they were given it. */
  public get revisionLoadBalancing(): readonly RevisionLoadBalancing[] {
    return [...this.declaredRevisionLoadBalancing];
  }

  /**
   * Gives one revision load balancing of its own (e.g. a canary warmed up
   * with slow start): it takes the place of the service's `loadBalancing`,
   * as a whole, for the requests sent to that revision (Istio: the
   * `trafficPolicy.loadBalancer` of the revision's DestinationRule subset,
   * which replaces the service-level one; the service's `localityFailover`
   * is carried into it; a route must send to the revision, since Istio
   * applies a subset's policy only to traffic routed to the subset). Load
   * balancing picks a pod within a revision, so a route chooses it only
   * through the revisions it sends to: no mesh balances per route (Istio's
   * is per destination host and subset). Refused by meshes that balance per service only
   * (Linkerd: EWMA; Consul: one ServiceResolver `loadBalancer` for every
   * subset) and by Istio's Gateway API form (no DestinationRule).
   *
   * @param revision a live revision of the service
   * @throws ValidationError for a revision of another service, a revision given load balancing twice, or an invalid policy
   */
  public addRevisionLoadBalancing(revision: Revision, loadBalancing: LoadBalancing): RevisionLoadBalancing {
    if (!(revision instanceof Revision)) {
      throw new ValidationError(
        `addRevisionLoadBalancing revision must be a Revision (from ${this.service.serviceName}.revisions or addRevision), got ${typeof revision}`,
        this,
      );
    }
    checkProps(loadBalancingSchema, loadBalancing, this, { prefix: `revision '${revision.track}' loadBalancing` });
    assertRevisionOf(this.service, revision, 'addRevisionLoadBalancing revision', this);
    if (this.declaredRevisionLoadBalancing.some((r) => r.revision === revision)) {
      throw new ValidationError(
        `revision '${revision.track}' of ${this.service.serviceName} has load balancing already; give each revision one policy with all its fields`,
        this,
      );
    }
    const entry = { revision, loadBalancing: resolveLoadBalancing(`revision '${revision.track}' loadBalancing`, loadBalancing, this) };
    this.declaredRevisionLoadBalancing.push(entry);
    return entry;
  }

  /** The TCP routes, one per port at most, in the order they were added. */
  public get tcpRoutes(): readonly TcpRoute[] {
    return [...this.declaredTcpRoutes];
  }

  /**
   * Adds a route after the existing ones.
   *
   * @param name the route's name, unique in this table (a DNS label)
   * @throws ValidationError for a duplicate name or an invalid route
   */
  public addRoute(name: string, props: RouteProps): Route {
    assertDnsLabel('route name', name, ROUTE_NAME_MAX_LENGTH, this);
    if (this.hasRoute(name)) {
      throw new ValidationError(`route '${name}' already exists on ${this.service.serviceName}; give each route its own name`, this);
    }
    const route = resolveRoute(name, props, this.service, this);
    this.declaredRoutes.push(route);
    this.meshBinding.addRoute(route);
    return route;
  }

  /**
   * Adds a TCP route: the connections to one TCP port of the service go to
   * the weighted revisions (HTTP routes then leave that port alone).
   *
   * @param name the route's name, unique in this table (a DNS label)
   * @throws ValidationError for a duplicate name, a port routed twice or an invalid route
   */
  public addTcpRoute(name: string, props: TcpRouteProps): TcpRoute {
    assertDnsLabel('route name', name, ROUTE_NAME_MAX_LENGTH, this);
    if (this.hasRoute(name)) {
      throw new ValidationError(`route '${name}' already exists on ${this.service.serviceName}; give each route its own name`, this);
    }
    const route = resolveTcpRoute(name, props, this.service, this);
    const other = this.declaredTcpRoutes.find((r) => r.port.name === route.port.name);
    if (other !== undefined) {
      throw new ValidationError(
        `TCP route '${name}' takes port '${route.port.name}' of ${this.service.serviceName}, which TCP route '${other.name}' takes already; ` +
          'give the port one TCP route with all its backends',
        this,
      );
    }
    this.declaredTcpRoutes.push(route);
    this.meshBinding.addTcpRoute(route);
    return route;
  }

  private hasRoute(name: string): boolean {
    return this.declaredRoutes.some((r) => r.name === name) || this.declaredTcpRoutes.some((r) => r.name === name);
  }

  /** Problems between routes, reported together at synth. */
  private crossRouteErrors(): string[] {
    const errors: string[] = [];
    const routes = this.declaredRoutes;
    const catchAll = routes.findIndex((r) => r.isCatchAll);
    const policies = [this.circuitBreaker, this.loadBalancing, this.localityFailover, this.authentication, this.rateLimit];
    if (routes.length === 0 && this.declaredTcpRoutes.length === 0 && policies.every((p) => p === undefined)) {
      errors.push(
        `${this.service.serviceName} has no routes and no service policy (circuitBreaker, loadBalancing, localityFailover, authentication, ` +
          'rateLimit), so its routing table does nothing; add a route or a policy, or drop the ServiceRoutes',
      );
    } else if (catchAll === -1 && routes.length > 0) {
      errors.push(
        `${this.service.serviceName} has no catch-all route, so requests matching no route would fail; ` +
          'add a last route without matches',
      );
    } else if (catchAll < routes.length - 1) {
      const unreachable = routes.slice(catchAll + 1).map((r) => `'${r.name}'`).join(', ');
      errors.push(
        `route ${unreachable} of ${this.service.serviceName} comes after the catch-all route '${routes[catchAll].name}' and is never used; ` +
          `move the catch-all last`,
      );
    }
    const claimed = new Map<string, string>();
    for (const route of routes) {
      for (const match of route.matches) {
        const key = canonicalJson(match);
        const owner = claimed.get(key);
        if (owner !== undefined && owner !== route.name) {
          errors.push(
            `routes '${owner}' and '${route.name}' of ${this.service.serviceName} have the same match ${canonicalJson(withoutHeaderValues(match))}; ` +
              `the second is never used, so merge them`,
          );
        }
        claimed.set(key, owner ?? route.name);
      }
    }
    return errors;
  }
}

function validateCircuitBreaker(breaker: CircuitBreaker, scope: Construct): void {
  for (const field of ['maxConnections', 'maxPendingRequests', 'maxRequestsPerConnection'] as const) {
    const value = breaker[field];
    if (value !== undefined && (!Number.isInteger(value) || value < 1 || value > INT32_MAX)) {
      throw new ValidationError(`circuitBreaker.${field} must be a whole number ≥ 1, got ${value}`, scope);
    }
  }
  const outlier = breaker.outlierDetection;
  if (outlier === undefined) {
    return;
  }
  if (!Number.isInteger(outlier.consecutiveErrors) || outlier.consecutiveErrors < 1 || outlier.consecutiveErrors > INT32_MAX) {
    throw new ValidationError(`circuitBreaker.outlierDetection.consecutiveErrors must be a whole number ≥ 1, got ${outlier.consecutiveErrors}`, scope);
  }
  if (outlier.interval) {
    formatDuration('circuitBreaker.outlierDetection.interval', outlier.interval, scope);
  }
  if (outlier.baseEjectionTime) {
    formatDuration('circuitBreaker.outlierDetection.baseEjectionTime', outlier.baseEjectionTime, scope);
  }
  if (outlier.maxEjectionPercent !== undefined) {
    assertPercentage('circuitBreaker.outlierDetection.maxEjectionPercent', outlier.maxEjectionPercent, scope);
    if (!Number.isInteger(outlier.maxEjectionPercent)) {
      throw new ValidationError(
        `circuitBreaker.outlierDetection.maxEjectionPercent must be a whole number, got ${outlier.maxEjectionPercent}`,
        scope,
      );
    }
  }
}
