import { IConstruct } from 'constructs';
import { RouteKind } from './listener';

/** What a backend is told about the route it serves. */
export interface GatewayBackendBinding {
  /** The gateway; ValidationErrors name it. */
  readonly gateway: IConstruct;
  /** The gateway's namespace, where its routes and proxies are. */
  readonly gatewayNamespace: string;
  /** How messages name the route, e.g. `route 'orders' of gateway 'edge'`. */
  readonly what: string;
  /** The kind of route. */
  readonly routeKind: RouteKind;
  /** Labels for objects a backend makes for the gateway. */
  readonly labels: Readonly<Record<string, string>>;
}

/** A Kubernetes Service a route sends a share of its requests to. */
export interface BackendTarget {
  /** The Service's name. */
  readonly serviceName: string;
  /** The Service's namespace. */
  readonly namespace: string;
  /** The Service port. */
  readonly port: number;
  /** The share, proportional to the other targets' weights; 0 for none. */
  readonly weight: number;
  /**
   * The Host header requests must carry to reach the target, e.g. a Knative
   * function's cluster-local domain, by which Knative's ingress routes; the
   * route rewrites the Host to it.
   * @default - the client's Host, unchanged
   */
  readonly hostname?: string;
  /** How messages name the target, e.g. `orders revision 'canary'`. */
  readonly description: string;
  /**
   * A construct in the chart of the target's namespace: a ReferenceGrant
   * the gateway needs there is made under it.
   */
  readonly home: IConstruct;
  /**
   * What stops the gateway's proxies (in `gatewayNamespace`) from reaching
   * the target, with the fix, or `undefined` when nothing does.
   */
  admissionProblem(gatewayNamespace: string): string | undefined;
}

/**
 * Where a gateway route sends its requests. Make one with `GatewayBackend`;
 * implement it to put another kind of workload behind a gateway (a
 * serverless function: its Service is the target).
 */
export interface IGatewayBackend {
  /**
   * The Services the route sends to, with their weights; called once per
   * route, when the route is added. May make objects the targets need.
   *
   * @throws ValidationError when the backend cannot serve this route
   */
  bind(binding: GatewayBackendBinding): readonly BackendTarget[];
}
