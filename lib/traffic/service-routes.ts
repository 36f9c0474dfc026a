import { Construct } from 'constructs';
import { canonicalJson } from '../core/content-hash';
import { assertDnsLabel } from '../core/names';
import { checkProps } from '../core/prop-schema';
import { ValidationError } from '../core/validation-error';
import type { Microservice } from '../workload/microservice';
import { CircuitBreaker } from './circuit-breaker';
import { formatDuration } from './durations';
import { withoutHeaderValues } from './http-match';
import { assertPercentage } from './percentage';
import { resolveRoute, Route, RouteProps } from './route';
import { IMeshRoutesBinding, isRoutingMesh } from './routing-mesh';
import { serviceRoutesPropsSchema } from './traffic-schemas';

/** Props of {@link ServiceRoutes}. */
export interface ServiceRoutesProps {
  /** The service whose requests are routed; it must be in a mesh. */
  readonly service: Microservice;
  /**
   * Connection limits and ejection of failing pods, for every caller.
   * @default - no limits, no ejection
   */
  readonly circuitBreaker?: CircuitBreaker;
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
  private readonly declaredRoutes: Route[] = [];
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
    this.node.addValidation({ validate: () => this.crossRouteErrors() });
    this.meshBinding = mesh.addRoutes(this);
  }

  /** The routes, in the order they are tried. */
  public get routes(): readonly Route[] {
    return [...this.declaredRoutes];
  }

  /**
   * Adds a route after the existing ones.
   *
   * @param name the route's name, unique in this table (a DNS label)
   * @throws ValidationError for a duplicate name or an invalid route
   */
  public addRoute(name: string, props: RouteProps): Route {
    assertDnsLabel('route name', name, ROUTE_NAME_MAX_LENGTH, this);
    if (this.declaredRoutes.some((r) => r.name === name)) {
      throw new ValidationError(`route '${name}' already exists on ${this.service.serviceName}; give each route its own name`, this);
    }
    const route = resolveRoute(name, props, this.service, this);
    this.declaredRoutes.push(route);
    this.meshBinding.addRoute(route);
    return route;
  }

  /** Problems between routes, reported together at synth. */
  private crossRouteErrors(): string[] {
    const errors: string[] = [];
    const routes = this.declaredRoutes;
    const catchAll = routes.findIndex((r) => r.isCatchAll);
    if (catchAll === -1) {
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
