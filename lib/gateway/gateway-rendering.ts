import { GatewayApiRendering, GatewayApiRenderingProps } from './gateway-api/gateway-api-rendering';
import type { IGatewayRendering } from './gateway-renderer';
import { IngressRendering, IngressRenderingProps } from './ingress/ingress-rendering';
import { IstioGatewayRendering, IstioGatewayRenderingProps } from './istio/istio-gateway-rendering';

export type { GatewayApiRenderingProps } from './gateway-api/gateway-api-rendering';
export type { IGatewayRendering } from './gateway-renderer';
export type { IngressRenderingProps } from './ingress/ingress-rendering';
export type { IstioGatewayRenderingProps } from './istio/istio-gateway-rendering';

/** The name of the API a gateway is rendered to: `'gateway-api'`, `'istio'` or `'ingress'`. */
export type GatewayRendering = IGatewayRendering['kind'];

/** The APIs a gateway is rendered to; the stack code is the same for each. */
export const GatewayRendering = {
  /**
   * The Kubernetes Gateway API (v1): a Gateway of a GatewayClass, an
   * HTTPRoute or GRPCRoute per route, ReferenceGrants for backends in other
   * namespaces.
   */
  gatewayApi(props: GatewayApiRenderingProps = {}): IGatewayRendering {
    return new GatewayApiRendering(props);
  },
  /**
   * Istio's own API: an Istio Gateway bound to the ingress gateway pods in
   * the gateway's namespace, and a VirtualService per hostname.
   */
  istio(props: IstioGatewayRenderingProps = {}): IGatewayRendering {
    return new IstioGatewayRendering(props);
  },
  /**
   * The Kubernetes Ingress (`networking.k8s.io/v1`), for clusters without
   * the Gateway API: one Ingress with a rule per hostname and a path per
   * match. Its controller serves HTTP on 80 and HTTPS on 443 with the
   * listeners' certificates. What an Ingress cannot express (gRPC, weights,
   * header, method and query matches, filters, timeouts, retries, mirrors)
   * is refused at synth.
   */
  ingress(props: IngressRenderingProps = {}): IGatewayRendering {
    return new IngressRendering(props);
  },
  /** @deprecated use `GatewayRendering.gatewayApi({ gatewayClassName })`, which takes the Gateway API's props. */
  GATEWAY_API: 'gateway-api',
  /** @deprecated use `GatewayRendering.istio({ selector })`, which takes Istio's props. */
  ISTIO: 'istio',
} as const;
