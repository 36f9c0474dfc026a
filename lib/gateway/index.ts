// The gateway layer's public API; its internals (route and listener resolvers, renderers) are in lib/internal.ts.
export type { BackendTarget, GatewayBackendBinding, IGatewayBackend } from './backend-target';
export { ExternalBackend } from './external-backend';
export type { ExternalBackendProps } from './external-backend';
export { Gateway } from './gateway';
export type { GatewayProps } from './gateway';
export type { GatewayApiRenderingProps } from './gateway-api/gateway-api-rendering';
export { GatewayBackend } from './gateway-backend';
export type { GatewayModel, IGatewayRenderer, IGatewayRendering } from './gateway-renderer';
export { GatewayRendering } from './gateway-rendering';
export type {
  GatewayGrpcRouteProps, GatewayRoute, GatewayRouteCommonProps, GatewayRouteProps, GrpcGatewayRoute, GrpcMatch, HttpGatewayRoute,
  ResolvedGatewayMirror, ResolvedRedirect,
} from './gateway-route';
export { PathRewrite } from './http-filters';
export type { HttpRedirect, UrlRewrite } from './http-filters';
export type { IstioGatewayRenderingProps } from './istio/istio-gateway-rendering';
export type { IngressRenderingProps } from './ingress/ingress-rendering';
export { ListenerProtocol } from './listener';
export type { Listener, ListenerProps, RouteKind } from './listener';
export { CertificateIssuer, ListenerTls } from './listener-tls';
export { ReferenceGrant } from './reference-grant';
export { MicroserviceBackend } from './service-backend';
export type { ServiceBackendOptions } from './service-backend';
export type { GatewayTcpRouteProps, GatewayTlsRouteProps, StreamGatewayRoute } from './stream-route';
