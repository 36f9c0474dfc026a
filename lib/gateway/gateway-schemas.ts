import { isObject, prop, PropSchema, PropsShape } from '../core/prop-schema';
import type { HeaderRewrite } from '../traffic/header-rewrite';
import type { HttpMatch } from '../traffic/http-match';
import type { RetryPolicy } from '../traffic/retry-policy';
import type { TrafficMirror } from '../traffic/traffic-mirror';
import type { IGatewayBackend } from './backend-target';
import type { GatewayGrpcRouteProps, GatewayRouteCommonProps, GatewayRouteProps, GrpcMatch } from './gateway-route';
import type { HttpRedirect, UrlRewrite } from './http-filters';
import type { ListenerProps } from './listener';
import { ListenerTls } from './listener-tls';

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
  headers: object<HeaderRewrite>('an object of header changes', "{ request: { set: { 'x-env': 'prod' } } }").optional(),
  timeout: prop.duration('Duration.seconds(10)').optional(),
  retries: object<RetryPolicy>('a retry policy', '{ attempts: 3 }').optional(),
  mirror: object<TrafficMirror>('a traffic mirror', '{ revision: canary }').optional(),
};

export const httpRoutePropsSchema: PropSchema<GatewayRouteProps> = prop.object<GatewayRouteProps>({
  ...commonShape,
  matches: prop.list(object<HttpMatch>('a match', "{ path: PathMatch.prefix('/api') }"), 'a list of matches', "[{ path: PathMatch.prefix('/api') }]").optional(),
  backend: backendSchema.optional(),
  redirect: object<HttpRedirect>('a redirect', "{ scheme: 'https' }").optional(),
  rewrite: object<UrlRewrite>('a URL rewrite', "{ path: PathRewrite.prefix('/') }").optional(),
}, 'an object of route props', "{ backend: GatewayBackend.service(orders) }");

export const grpcRoutePropsSchema: PropSchema<GatewayGrpcRouteProps> = prop.object<GatewayGrpcRouteProps>({
  ...commonShape,
  matches: prop.list(object<GrpcMatch>('a gRPC match', "{ service: 'shop.cart.v1.Cart' }"), 'a list of gRPC matches', "[{ service: 'shop.cart.v1.Cart' }]").optional(),
  backend: backendSchema,
}, 'an object of gRPC route props', "{ backend: GatewayBackend.service(cart) }");

export const listenerPropsSchema: PropSchema<ListenerProps> = prop.object<ListenerProps>({
  // the protocol's values are the listener's own check, which names the enum
  protocol: prop.string('ListenerProtocol.HTTPS') as unknown as PropSchema<ListenerProps['protocol']>,
  port: prop.number('443').optional(),
  hostnames,
  tls: prop.instance<ListenerTls>('a ListenerTls', (v) => v instanceof ListenerTls, "ListenerTls.fromSecret('shop-tls')").optional(),
  redirectToHttps: prop.boolean().optional(),
}, 'an object of listener props', "{ protocol: ListenerProtocol.HTTPS, hostnames: ['shop.example.com'] }");
