import { isObject, prop, PropSchema, PropsShape } from '../core/prop-schema';
import {
  endUserAuthenticationSchema,
  headerMatchListSchema,
  headerRewriteSchema,
  httpMatchListSchema,
  localRateLimitSchema,
  retryPolicySchema,
  sessionAffinitySchema,
  trafficMirrorSchema,
} from '../traffic/traffic-schemas';
import type { IGatewayBackend } from './backend-target';
import type { ExternalBackendProps } from './external-backend';
import type { GatewayProps } from './gateway';
import type { GatewayApiRenderingProps } from './gateway-api/gateway-api-rendering';
import type { IGatewayRendering } from './gateway-renderer';
import type { GatewayGrpcRouteProps, GatewayRouteCommonProps, GatewayRouteProps, GrpcMatch } from './gateway-route';
import type { HttpRedirect, UrlRewrite } from './http-filters';
import type { IngressRenderingProps } from './ingress/ingress-rendering';
import type { IstioGatewayRenderingProps } from './istio/istio-gateway-rendering';
import type { ListenerProps } from './listener';
import { ListenerTls } from './listener-tls';
import type { ServiceBackendOptions } from './service-backend';
import type { GatewayTcpRouteProps, GatewayTlsRouteProps } from './stream-route';

// The run-time schemas of the gateway props (see core/prop-schema): types and
// shapes only; hostnames, ports, protocols and everything between routes and
// listeners stay the gateway's own checks.

const hostnames = prop.stringList("['shop.example.com']").optional();

const object = <T>(expected: string, example: string) => prop.instance<T>(expected, isObject, example);

const backendSchema = prop.instance<IGatewayBackend>(
  'a gateway backend',
  (v) => isObject(v) && typeof (v as { bind?: unknown }).bind === 'function',
  'GatewayBackend.service(orders)',
);

const commonShape: PropsShape<GatewayRouteCommonProps> = {
  hostnames,
  headers: headerRewriteSchema.optional(),
  timeout: prop.duration('Duration.seconds(10)').optional(),
  retries: retryPolicySchema.optional(),
  mirror: trafficMirrorSchema.optional(),
  rateLimit: localRateLimitSchema.optional(),
  sessionAffinity: sessionAffinitySchema.optional(),
};

const grpcMatchSchema = prop.object<GrpcMatch>({
  service: prop.string("a gRPC service such as 'shop.cart.v1.Cart'").optional(),
  method: prop.string("a gRPC method such as 'AddItem'").optional(),
  headers: headerMatchListSchema.optional(),
}, 'a gRPC match', "{ service: 'shop.cart.v1.Cart' }");

export const httpRoutePropsSchema: PropSchema<GatewayRouteProps> = prop.object<GatewayRouteProps>({
  ...commonShape,
  matches: httpMatchListSchema.optional(),
  backend: backendSchema.optional(),
  redirect: object<HttpRedirect>('a redirect', "{ scheme: 'https' }").optional(),
  rewrite: object<UrlRewrite>('a URL rewrite', "{ path: PathRewrite.prefix('/') }").optional(),
  authentication: endUserAuthenticationSchema.optional(),
}, 'an object of route props', "{ backend: GatewayBackend.service(orders) }");

export const grpcRoutePropsSchema: PropSchema<GatewayGrpcRouteProps> = prop.object<GatewayGrpcRouteProps>({
  ...commonShape,
  matches: prop.list(grpcMatchSchema, 'a list of gRPC matches', "[{ service: 'shop.cart.v1.Cart' }]").optional(),
  backend: backendSchema,
}, 'an object of gRPC route props', "{ backend: GatewayBackend.service(cart) }");

export const tcpRoutePropsSchema: PropSchema<GatewayTcpRouteProps> = prop.object<GatewayTcpRouteProps>({
  listener: prop.string("a TCP listener's name such as 'postgres'").optional(),
  backend: backendSchema,
}, 'an object of TCP route props', "{ backend: GatewayBackend.service(ordersDb) }");

export const tlsRoutePropsSchema: PropSchema<GatewayTlsRouteProps> = prop.object<GatewayTlsRouteProps>({
  hostnames: prop.stringList("['db.example.com']"),
  backend: backendSchema,
}, 'an object of TLS route props', "{ hostnames: ['db.example.com'], backend: GatewayBackend.service(ordersDb) }");

export const listenerPropsSchema: PropSchema<ListenerProps> = prop.object<ListenerProps>({
  // the protocol's values are the listener's own check, which names the enum
  protocol: prop.string('ListenerProtocol.HTTPS') as unknown as PropSchema<ListenerProps['protocol']>,
  port: prop.number('443').optional(),
  hostnames,
  tls: prop.instance<ListenerTls>('a ListenerTls', (v) => v instanceof ListenerTls, "ListenerTls.fromSecret('shop-tls')").optional(),
  redirectToHttps: prop.boolean().optional(),
  authentication: endUserAuthenticationSchema.optional(),
}, 'an object of listener props', "{ protocol: ListenerProtocol.HTTPS, hostnames: ['shop.example.com'] }");

const gatewayClassName = prop.string("a GatewayClass name such as 'istio'").optional();
const istioSelector = prop.stringMap("{ istio: 'ingressgateway' }").optional();

/** A rendering made by GatewayRendering.gatewayApi() or .istio(), or the deprecated name of one (its values are the gateway's own check). */
const renderingSchema = prop.instance<NonNullable<GatewayProps['rendering']>>(
  'a gateway rendering',
  (v) => typeof v === 'string' || (isObject(v) && typeof (v as Partial<IGatewayRendering>).render === 'function'),
  'GatewayRendering.istio()',
);

export const gatewayPropsSchema: PropSchema<GatewayProps> = prop.object<GatewayProps>({
  name: prop.string("a gateway name such as 'edge'").optional(),
  rendering: renderingSchema.optional(),
  gatewayClassName,
  istioSelector,
  listeners: prop.map(listenerPropsSchema, 'an object of listeners by name', '{ https: { protocol: ListenerProtocol.HTTPS } }').optional(),
}, 'an object of Gateway props', '{ listeners: { https: { protocol: ListenerProtocol.HTTPS } } }');

export const gatewayApiRenderingPropsSchema: PropSchema<GatewayApiRenderingProps> = prop.object<GatewayApiRenderingProps>({
  gatewayClassName,
}, 'an object of Gateway API rendering props', "{ gatewayClassName: 'istio' }");

export const istioGatewayRenderingPropsSchema: PropSchema<IstioGatewayRenderingProps> = prop.object<IstioGatewayRenderingProps>({
  selector: istioSelector,
}, 'an object of Istio rendering props', "{ selector: { istio: 'ingressgateway' } }");

export const ingressRenderingPropsSchema: PropSchema<IngressRenderingProps> = prop.object<IngressRenderingProps>({
  ingressClassName: prop.string("an IngressClass name such as 'nginx'").optional(),
  controllerNamespace: prop.string("a namespace such as 'ingress-nginx'").optional(),
}, 'an object of Ingress rendering props', "{ ingressClassName: 'nginx' }");

export const externalBackendPropsSchema: PropSchema<ExternalBackendProps> = prop.object<ExternalBackendProps>({
  name: prop.string("a Service name such as 'payments-provider'"),
  hostname: prop.string("a DNS name such as 'api.payments.example.com'"),
  port: prop.number('80').optional(),
}, 'an object of external backend props', "{ name: 'payments-provider', hostname: 'api.payments.example.com' }");

export const serviceBackendOptionsSchema: PropSchema<ServiceBackendOptions> = prop.object<ServiceBackendOptions>({
  port: prop.instance<string | number>('a port name or number', (v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)), "'http' or 8080").optional(),
}, 'an object of backend options', "{ port: 'http' }");
