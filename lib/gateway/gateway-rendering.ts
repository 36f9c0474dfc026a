/** The API a gateway is rendered to; the stack code is the same for each. */
export enum GatewayRendering {
  /**
   * The Kubernetes Gateway API (v1): a Gateway of a GatewayClass, an
   * HTTPRoute or GRPCRoute per route, ReferenceGrants for backends in other
   * namespaces.
   */
  GATEWAY_API = 'gateway-api',
  /**
   * Istio's own API: an Istio Gateway bound to the ingress gateway pods in
   * the gateway's namespace, and a VirtualService per hostname.
   */
  ISTIO = 'istio',
}
