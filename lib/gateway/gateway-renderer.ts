import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { GatewayRoute } from './gateway-route';
import { Listener } from './listener';
import type { StreamGatewayRoute } from './stream-route';

/** What a rendering reads of its gateway. */
export interface GatewayModel {
  /** The gateway's name. */
  readonly gatewayName: string;
  /** The gateway's namespace. */
  readonly namespace: string;
  /** Labels of every object the gateway makes. */
  readonly labels: Readonly<Record<string, string>>;
  /** The listeners, in the order added. */
  readonly listeners: readonly Listener[];
  /** The routes, in the order added. */
  readonly routes: readonly GatewayRoute[];
  /** The TCP and TLS passthrough routes, in the order added. */
  readonly streamRoutes: readonly StreamGatewayRoute[];
}

/** Compiles a gateway into the objects of one API. */
export interface IGatewayRenderer {
  /** The gateway object: a Gateway API Gateway, an Istio Gateway or an Ingress. */
  readonly apiObject: ApiObject;
  /**
   * The namespace of the pods that forward the gateway's requests, which
   * routed services must admit: the gateway's own, or an ingress controller's.
   */
  readonly proxyNamespace: string;
  /** Emits what a new listener needs. */
  addListener(listener: Listener): void;
  /** Emits what a new route needs. */
  addRoute(route: GatewayRoute): void;
  /** Emits what a new TCP or TLS passthrough route needs. */
  addStreamRoute(route: StreamGatewayRoute): void;
  /** What the API cannot express, read at synth. */
  problems(): string[];
}

/**
 * The API a gateway is rendered to, with that API's own props. Make one with
 * `GatewayRendering.gatewayApi()`, `GatewayRendering.istio()` or
 * `GatewayRendering.ingress()`.
 */
export interface IGatewayRendering {
  /** The API's name. */
  readonly kind: 'gateway-api' | 'istio' | 'ingress';
  /**
   * Checks the rendering's props, once a Gateway takes it (a factory has no
   * construct to name), and makes the gateway's renderer.
   *
   * @throws ValidationError naming the gateway for a wrong prop
   */
  render(gateway: Construct & GatewayModel): IGatewayRenderer;
}
