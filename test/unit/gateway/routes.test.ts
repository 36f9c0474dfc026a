import { Duration } from 'cdk8s';
import { GatewayBackend, HeaderMatch, ListenerProtocol, Microservice, PathMatch, PathRewrite } from '../../../lib';
import { validationErrorOf } from '../../fixtures';
import { shopEdge, web } from './fixtures';

/** The detail of the ValidationError that adding the route throws, and its path (the gateway). */
function addError(add: (edge: ReturnType<typeof shopEdge>) => unknown): string {
  const edge = shopEdge();
  const error = validationErrorOf(() => add(edge));
  expect(error.path).toBe('test/edge');
  return error.detail;
}

describe('routes', () => {
  test('addRoute returns the validated route and keeps the order added', () => {
    const { gateway, orders, frontend } = shopEdge();
    const route = gateway.addRoute('orders', {
      hostnames: ['shop.example.com'],
      matches: [{ path: PathMatch.prefix('/api'), headers: [HeaderMatch.exact('X-A', '1')] }],
      backend: GatewayBackend.service(orders),
      timeout: Duration.millis(1500),
      headers: { request: { set: { 'X-Edge': '1' } } },
    });
    gateway.addRoute('frontend', { matches: [{}], backend: GatewayBackend.service(frontend) });
    expect(route.kind).toBe('HTTPRoute');
    expect(route.name).toBe('orders');
    expect(route.hostnames).toEqual(['shop.example.com']);
    expect(route.timeout).toBe('1500ms');
    expect(route.headers).toEqual({ request: { set: { 'x-edge': '1' } }, response: undefined });
    expect(route.targets.map((t) => [t.serviceName, t.namespace, t.port, t.weight, t.description])).toEqual([['orders', 'test', 80, 1, 'orders']]);
    expect(gateway.routes.map((r) => [r.name, r.matches.length])).toEqual([['orders', 1], ['frontend', 0]]);
  });

  test('addGrpcRoute returns the validated route; an empty match is every call', () => {
    const { chart, gateway } = shopEdge(undefined, {
      listeners: { grpc: { protocol: ListenerProtocol.GRPC, hostnames: ['grpc.example.com'] } },
    });
    const cart = new Microservice(chart, 'cart', web('d', { ports: [{ name: 'grpc', port: 9000 }] }));
    const route = gateway.addGrpcRoute('cart', { matches: [{}], backend: GatewayBackend.service(cart) });
    expect(route.kind).toBe('GRPCRoute');
    expect(route.matches).toEqual([]);
  });

  test('fails when the route name is taken (HTTP or gRPC) or not a DNS label', () => {
    expect(addError(({ gateway, frontend }) => {
      gateway.addRoute('web', { backend: GatewayBackend.service(frontend) });
      gateway.addRoute('web', { matches: [{ path: PathMatch.prefix('/x') }], backend: GatewayBackend.service(frontend) });
    })).toBe("route 'web' already exists on gateway 'edge'; give each route its own name");
    expect(addError(({ gateway, frontend }) => gateway.addRoute('Web', { backend: GatewayBackend.service(frontend) }))).toMatch(/^route name must be 1-63 lower-case/);
  });

  test('fails when a route has neither or both of backend and redirect', () => {
    const both = "route 'r' needs exactly one of backend (forward the requests) and redirect (send the client elsewhere); give one";
    expect(addError(({ gateway }) => gateway.addRoute('r', {}))).toBe(both);
    expect(addError(({ gateway, frontend }) => gateway.addRoute('r', { backend: GatewayBackend.service(frontend), redirect: { scheme: 'https' } }))).toBe(both);
  });

  test('fails when a redirect also rewrites, times out, retries or mirrors', () => {
    expect(addError(({ gateway }) => gateway.addRoute('r', { redirect: { scheme: 'https' }, rewrite: { hostname: 'a.com' } }))).toBe(
      "route 'r' both redirects and rewrites; a redirect sends the client elsewhere, so put the new path in redirect.path",
    );
    expect(addError(({ gateway }) => gateway.addRoute('r', { redirect: { scheme: 'https' }, timeout: Duration.seconds(1) }))).toBe(
      "route 'r' redirects, so it forwards nothing to time out, retry or mirror; drop timeout, retries and mirror",
    );
  });

  test('fails when a redirect changes nothing (a loop)', () => {
    expect(addError(({ gateway }) => gateway.addRoute('r', { redirect: { statusCode: 301 } }))).toBe(
      "route 'r' redirects to the same URL, a loop; give redirect a scheme, hostname, port or path",
    );
  });

  test.each([
    ['scheme', { scheme: 'ftp' as 'http' }, "route 'r' redirect scheme must be 'http' or 'https', got 'ftp'"],
    ['hostname', { hostname: '*.example.com' }, "route 'r' redirect hostname must be a lower-case DNS name without wildcard (not an IP address), got '*.example.com'"],
    ['port', { port: 0 }, "route 'r' redirect port must be 1-65535, got 0"],
    ['statusCode', { scheme: 'https' as const, statusCode: 307 as 301 }, "route 'r' redirect statusCode must be 301 or 302, got 307"],
  ])('fails when the redirect %s is invalid', (_, redirect, message) => {
    expect(addError(({ gateway }) => gateway.addRoute('r', { redirect }))).toBe(message);
  });

  test('fails when a prefix replacement has no single path-prefix match to replace (rewrite and redirect)', () => {
    const detail = (n: number) =>
      `replaces the matched path prefix, which needs exactly one match on a path prefix, got ${n} match(es); match one PathMatch.prefix(…) or use PathRewrite.full`;
    expect(addError(({ gateway, frontend }) => gateway.addRoute('r', { backend: GatewayBackend.service(frontend), rewrite: { path: PathRewrite.prefix('/v2') } }))).toBe(
      `route 'r' rewrite ${detail(0)}`,
    );
    expect(addError(({ gateway }) => gateway.addRoute('r', { matches: [{ path: PathMatch.exact('/a') }], redirect: { path: PathRewrite.prefix('/b') } }))).toBe(
      `route 'r' redirect ${detail(1)}`,
    );
    expect(addError(({ gateway, frontend }) => gateway.addRoute('r', {
      matches: [{ path: PathMatch.prefix('/a') }, { path: PathMatch.prefix('/b') }],
      backend: GatewayBackend.service(frontend),
      rewrite: { path: PathRewrite.prefix('/') },
    }))).toBe(`route 'r' rewrite ${detail(2)}`);
  });

  test('fails when a rewritten path is not a URL path', () => {
    expect(addError(({ gateway, frontend }) => gateway.addRoute('r', { backend: GatewayBackend.service(frontend), rewrite: { path: PathRewrite.full('index.html') } }))).toBe(
      "route 'r' rewrite path must start with '/' and hold only URL path characters (≤ 1024), got 'index.html'",
    );
  });

  test('fails when a rewrite changes nothing or names a wildcard host', () => {
    expect(addError(({ gateway, frontend }) => gateway.addRoute('r', { backend: GatewayBackend.service(frontend), rewrite: {} }))).toBe(
      "route 'r' rewrite changes nothing; give it path or hostname, or drop it",
    );
    expect(addError(({ gateway, frontend }) => gateway.addRoute('r', { backend: GatewayBackend.service(frontend), rewrite: { hostname: '*.a.com' } }))).toMatch(
      /^route 'r' rewrite hostname must be a lower-case DNS name without wildcard/,
    );
  });

  test('fails when a match is invalid (the traffic model\'s rules), naming the route and match', () => {
    expect(addError(({ gateway, frontend }) => gateway.addRoute('r', { matches: [{ path: PathMatch.prefix('api') }], backend: GatewayBackend.service(frontend) }))).toMatch(
      /^route 'r' match 1 path must start with '\/'/,
    );
  });

  test('fails when an empty match stands beside others', () => {
    expect(addError(({ gateway, frontend }) => gateway.addRoute('r', { matches: [{}, { method: 'GET' }], backend: GatewayBackend.service(frontend) }))).toBe(
      "route 'r' has an empty match beside others, so the others never matter; drop the matches or the empty one",
    );
  });

  test('fails when a route hostname is malformed or listed twice', () => {
    expect(addError(({ gateway, frontend }) => gateway.addRoute('r', { hostnames: ['Shop.example.com'], backend: GatewayBackend.service(frontend) }))).toMatch(
      /^route 'r' hostname must be a lower-case DNS name, optionally starting with '\*\.'/,
    );
    expect(addError(({ gateway, frontend }) => gateway.addRoute('r', { hostnames: ['a.com', 'a.com'], backend: GatewayBackend.service(frontend) }))).toMatch(
      /^route 'r' lists a hostname twice/,
    );
  });

  test('fails when the timeout, retries or header changes are invalid (the traffic model\'s rules)', () => {
    expect(addError(({ gateway, frontend }) => gateway.addRoute('r', { backend: GatewayBackend.service(frontend), timeout: Duration.millis(0.5) }))).toMatch(
      /^route 'r' timeout must be a whole number of milliseconds/,
    );
    expect(addError(({ gateway, frontend }) => gateway.addRoute('r', {
      backend: GatewayBackend.service(frontend),
      timeout: Duration.seconds(1),
      retries: { attempts: 2, perTryTimeout: Duration.seconds(2) },
    }))).toMatch(/^route 'r' retries.perTryTimeout \(2s\) is longer than the route timeout \(1s\)/);
    expect(addError(({ gateway, frontend }) => gateway.addRoute('r', {
      backend: GatewayBackend.service(frontend),
      headers: { request: { set: { 'x-a': '1' }, remove: ['X-A'] } },
    }))).toBe("route 'r' request headers both sets and removes header 'x-a'; keep one");
  });

  test.each([
    ['a bad service name', { service: 'shop/Cart' }, "route 'rpc' match 1 service must be a fully qualified gRPC service name such as 'shop.cart.v1.Cart', got 'shop/Cart'"],
    ['a bad method name', { method: 'Add-Item' }, "route 'rpc' match 1 method must be a gRPC method name such as 'AddItem', got 'Add-Item'"],
  ])('fails when a gRPC match has %s', (_, match, message) => {
    const { chart, gateway } = shopEdge(undefined, { listeners: { grpc: { protocol: ListenerProtocol.GRPC } } });
    const cart = new Microservice(chart, 'cart', web('d', { ports: [{ name: 'grpc', port: 9000 }] }));
    expect(validationErrorOf(() => gateway.addGrpcRoute('rpc', { matches: [match], backend: GatewayBackend.service(cart) })).detail).toBe(message);
  });
});
