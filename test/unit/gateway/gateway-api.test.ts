import { App, Chart, Duration } from 'cdk8s';
import {
  Gateway,
  GatewayBackend,
  HeaderMatch,
  ListenerProtocol,
  ListenerTls,
  Microservice,
  PathMatch,
  PathRewrite,
  QueryParamMatch,
  RetryOn,
} from '../../../lib';
import { findObjects, synthObjects } from '../../../lib/testing';
import { newChart, validationErrorOf } from '../../fixtures';
import { objectOf, shopEdge, specOf, synthProblems, web } from './fixtures';

/** The one rule of the HTTPRoute of route `name` on gateway 'edge'. */
const ruleOf = (chart: Chart, name: string, kind = 'HTTPRoute'): any => specOf(chart, kind, `edge-${name}`).rules[0];

describe('Gateway API Gateway', () => {
  test('one listener per hostname, TLS terminated with the Secret, routes of its own namespace and kind only', () => {
    const chart = newChart();
    new Gateway(chart, 'edge', {
      listeners: {
        https: { protocol: ListenerProtocol.HTTPS, hostnames: ['a.example.com', '*.b.example.com'], tls: ListenerTls.fromSecret('ab-tls') },
        web: { protocol: ListenerProtocol.HTTP, port: 8080 },
        grpc: { protocol: ListenerProtocol.GRPC, hostnames: ['grpc.example.com'] },
      },
    });
    const tls = { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: 'ab-tls' }] };
    const allowed = (kind: string) => ({ namespaces: { from: 'Same' }, kinds: [{ group: 'gateway.networking.k8s.io', kind }] });
    expect(specOf(chart, 'Gateway', 'edge').listeners).toEqual([
      { name: 'https-1', protocol: 'HTTPS', port: 443, hostname: 'a.example.com', tls, allowedRoutes: allowed('HTTPRoute') },
      { name: 'https-2', protocol: 'HTTPS', port: 443, hostname: '*.b.example.com', tls, allowedRoutes: allowed('HTTPRoute') },
      { name: 'web', protocol: 'HTTP', port: 8080, allowedRoutes: allowed('HTTPRoute') },
      { name: 'grpc', protocol: 'HTTP', port: 80, hostname: 'grpc.example.com', allowedRoutes: allowed('GRPCRoute') },
    ]);
  });

  test('an HTTP listener that redirects gets an HTTPRoute answering 301 to https on that listener only', () => {
    const { chart } = shopEdge();
    const redirect = objectOf(chart, 'HTTPRoute', 'edge-http-redirect');
    expect(redirect.metadata.namespace).toBe('test');
    expect(redirect.spec).toEqual({
      parentRefs: [{ name: 'edge', sectionName: 'http' }],
      rules: [{ name: 'https-redirect', filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }],
    });
  });

  test('the redirect names the HTTPS port when it is not 443', () => {
    const chart = newChart();
    new Gateway(chart, 'edge', {
      listeners: {
        http: { protocol: ListenerProtocol.HTTP, redirectToHttps: true },
        https: { protocol: ListenerProtocol.HTTPS, port: 8443, tls: ListenerTls.fromSecret('t') },
      },
    });
    expect(specOf(chart, 'HTTPRoute', 'edge-http-redirect').rules[0].filters[0].requestRedirect).toEqual({ scheme: 'https', port: 8443, statusCode: 301 });
  });
});

describe('Gateway API HTTPRoute', () => {
  test('one HTTPRoute <gateway>-<route> per route, attached to the HTTPS listener (not the redirecting one), one rule named after the route', () => {
    const { chart, gateway, frontend } = shopEdge();
    gateway.addRoute('frontend', { backend: GatewayBackend.service(frontend) });
    const route = objectOf(chart, 'HTTPRoute', 'edge-frontend');
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(route.metadata).toEqual({ name: 'edge-frontend', namespace: 'test', labels: gateway.labels });
    expect(route.spec).toEqual({
      parentRefs: [{ name: 'edge', sectionName: 'https' }],
      rules: [{ name: 'frontend', backendRefs: [{ name: 'frontend', port: 80 }] }],
    });
  });

  test('hostnames, path, header, method and query matches as the Gateway API writes them', () => {
    const { chart, gateway, orders } = shopEdge();
    gateway.addRoute('orders', {
      hostnames: ['shop.example.com'],
      matches: [
        { path: PathMatch.prefix('/api/orders'), headers: [HeaderMatch.exact('X-Beta', '1')], method: 'POST', queryParams: [QueryParamMatch.regex('v', '[0-9]+')] },
        { path: PathMatch.exact('/orders') },
        { path: PathMatch.regex('/o/[a-z]+') },
      ],
      backend: GatewayBackend.service(orders, { port: 'http' }),
    });
    const spec = specOf(chart, 'HTTPRoute', 'edge-orders');
    expect(spec.hostnames).toEqual(['shop.example.com']);
    expect(spec.rules[0].matches).toEqual([
      {
        path: { type: 'PathPrefix', value: '/api/orders' },
        headers: [{ type: 'Exact', name: 'x-beta', value: '1' }],
        queryParams: [{ type: 'RegularExpression', name: 'v', value: '[0-9]+' }],
        method: 'POST',
      },
      { path: { type: 'Exact', value: '/orders' } },
      { path: { type: 'RegularExpression', value: '/o/[a-z]+' } },
    ]);
  });

  test('a weighted split goes to one Service per revision with the weights as given; one backend has no weight', () => {
    const { chart, gateway, orders, stable, canary } = shopEdge();
    gateway.addRoute('orders', { backend: GatewayBackend.revisions(orders, [{ revision: stable, weight: 90 }, { revision: canary, weight: 10 }]) });
    expect(ruleOf(chart, 'orders').backendRefs).toEqual([
      { name: stable.name, port: 80, weight: 90 },
      { name: canary.name, port: 80, weight: 10 },
    ]);
  });

  test('filters: request and response header changes, prefix rewrite with hostname, mirror by percent; request timeout', () => {
    const { chart, gateway, orders, stable, canary } = shopEdge();
    gateway.addRoute('orders', {
      matches: [{ path: PathMatch.prefix('/api/orders') }],
      backend: GatewayBackend.revisions(orders, [{ revision: stable }]),
      rewrite: { path: PathRewrite.prefix('/v2'), hostname: 'orders.internal' },
      headers: { request: { set: { 'X-Edge': 'yes' }, add: { via: 'edge' }, remove: ['Cookie'] }, response: { set: { 'x-frame-options': 'DENY' } } },
      mirror: { revision: canary, percentage: 25 },
      timeout: Duration.seconds(8),
    });
    const rule = ruleOf(chart, 'orders');
    expect(rule.filters).toEqual([
      { type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-edge', value: 'yes' }], add: [{ name: 'via', value: 'edge' }], remove: ['cookie'] } },
      { type: 'ResponseHeaderModifier', responseHeaderModifier: { set: [{ name: 'x-frame-options', value: 'DENY' }] } },
      { type: 'URLRewrite', urlRewrite: { hostname: 'orders.internal', path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/v2' } } },
      { type: 'RequestMirror', requestMirror: { backendRef: { name: canary.name, port: 80 }, percent: 25 } },
    ]);
    expect(rule.timeouts).toEqual({ request: '8s' });
  });

  test('a full-path rewrite; a mirror of every request has no percent; a fractional share is a fraction', () => {
    const { chart, gateway, orders, canary, frontend } = shopEdge();
    gateway.addRoute('home', { matches: [{ path: PathMatch.exact('/') }], backend: GatewayBackend.service(frontend), rewrite: { path: PathRewrite.full('/index.html') } });
    gateway.addRoute('all', { matches: [{ path: PathMatch.prefix('/all') }], backend: GatewayBackend.service(orders), mirror: { revision: canary } });
    gateway.addRoute('some', { matches: [{ path: PathMatch.prefix('/some') }], backend: GatewayBackend.service(frontend), mirror: { revision: canary, percentage: 0.25 } });
    expect(ruleOf(chart, 'home').filters).toEqual([{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplaceFullPath', replaceFullPath: '/index.html' } } }]);
    expect(ruleOf(chart, 'all').filters).toEqual([{ type: 'RequestMirror', requestMirror: { backendRef: { name: canary.name, port: 80 } } }]);
    expect(ruleOf(chart, 'some').filters[0].requestMirror.fraction).toEqual({ numerator: 25, denominator: 10000 });
  });

  test('a redirect rule has the RequestRedirect filter and no backendRefs', () => {
    const { chart, gateway } = shopEdge();
    gateway.addRoute('old', {
      matches: [{ path: PathMatch.prefix('/old') }],
      redirect: { scheme: 'https', hostname: 'new.example.com', port: 8443, path: PathRewrite.prefix('/new'), statusCode: 301 },
    });
    gateway.addRoute('moved', { matches: [{ path: PathMatch.exact('/moved') }], redirect: { path: PathRewrite.full('/here') } });
    expect(ruleOf(chart, 'old')).toEqual({
      name: 'old',
      matches: [{ path: { type: 'PathPrefix', value: '/old' } }],
      filters: [{
        type: 'RequestRedirect',
        requestRedirect: { scheme: 'https', hostname: 'new.example.com', port: 8443, path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/new' }, statusCode: 301 },
      }],
    });
    expect(ruleOf(chart, 'moved').filters[0].requestRedirect).toEqual({ path: { type: 'ReplaceFullPath', replaceFullPath: '/here' }, statusCode: 302 });
  });

  test('a route is attached only to the listener sections whose hostname it shares', () => {
    const chart = newChart();
    const frontend = new Microservice(chart, 'frontend', web('c'));
    const gateway = new Gateway(chart, 'edge', {
      listeners: {
        https: { protocol: ListenerProtocol.HTTPS, hostnames: ['a.example.com', 'b.example.com'], tls: ListenerTls.fromSecret('t') },
        web: { protocol: ListenerProtocol.HTTP, port: 8080 },
      },
    });
    gateway.addRoute('b', { hostnames: ['b.example.com'], backend: GatewayBackend.service(frontend) });
    gateway.addRoute('any', { matches: [{ path: PathMatch.prefix('/any') }], backend: GatewayBackend.service(frontend) });
    expect(specOf(chart, 'HTTPRoute', 'edge-b').parentRefs).toEqual([{ name: 'edge', sectionName: 'https-2' }, { name: 'edge', sectionName: 'web' }]);
    expect(specOf(chart, 'HTTPRoute', 'edge-any').parentRefs).toEqual([
      { name: 'edge', sectionName: 'https-1' },
      { name: 'edge', sectionName: 'https-2' },
      { name: 'edge', sectionName: 'web' },
    ]);
  });
});

describe('Gateway API GRPCRoute', () => {
  test('service/method and header matches, header changes, weighted backendRefs to the grpc port', () => {
    const chart = newChart();
    const cart = new Microservice(chart, 'cart', web('d', { ports: [{ name: 'http', port: 80 }, { name: 'grpc-api', port: 50051 }] }));
    const canary = cart.addRevision('canary', { image: 'ghcr.io/acme/app@sha256:' + 'e'.repeat(64) });
    const gateway = new Gateway(chart, 'edge', { listeners: { grpc: { protocol: ListenerProtocol.GRPC, hostnames: ['grpc.example.com'], tls: ListenerTls.fromSecret('g') } } });
    gateway.addGrpcRoute('cart', {
      matches: [{ service: 'shop.cart.v1.Cart', method: 'AddItem' }, { service: 'shop.cart.v1.Cart', headers: [HeaderMatch.exact('x-tenant', 'a')] }, { method: 'Check' }],
      backend: GatewayBackend.revisions(cart, [{ revision: cart.revisions[0], weight: 3 }, { revision: canary, weight: 1 }], { port: 'grpc-api' }),
      headers: { request: { set: { 'x-via': 'edge' } } },
    });
    const route = objectOf(chart, 'GRPCRoute', 'edge-cart');
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(route.spec).toEqual({
      parentRefs: [{ name: 'edge', sectionName: 'grpc' }],
      rules: [{
        name: 'cart',
        matches: [
          { method: { type: 'Exact', service: 'shop.cart.v1.Cart', method: 'AddItem' } },
          { method: { type: 'Exact', service: 'shop.cart.v1.Cart' }, headers: [{ type: 'Exact', name: 'x-tenant', value: 'a' }] },
          { method: { type: 'Exact', method: 'Check' } },
        ],
        filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-via', value: 'edge' }] } }],
        backendRefs: [
          { name: cart.revisions[0].name, port: 50051, weight: 3 },
          { name: canary.name, port: 50051, weight: 1 },
        ],
      }],
    });
  });
});

describe('cross-namespace backends', () => {
  function twoNamespaces() {
    const app = new App();
    const shop = new Chart(app, 'shop', { namespace: 'shop' });
    const edge = new Chart(app, 'edge', { namespace: 'edge' });
    const allow = { allowIngressFrom: [] as never[] };
    const orders = new Microservice(shop, 'orders', web('a', { networkPolicy: false, ...allow }));
    const canary = orders.addRevision('canary', { image: 'ghcr.io/acme/app@sha256:' + 'b'.repeat(64) });
    const cart = new Microservice(shop, 'cart', web('c', { networkPolicy: false, ports: [{ name: 'grpc', port: 9000 }] }));
    const gateway = new Gateway(edge, 'edge', {
      listeners: {
        web: { protocol: ListenerProtocol.HTTP, hostnames: ['shop.example.com'] },
        grpc: { protocol: ListenerProtocol.GRPC, hostnames: ['grpc.example.com'] },
      },
    });
    return { shop, edge, orders, canary, cart, gateway };
  }

  test('the route names the backend namespace, and the backend namespace gets one ReferenceGrant listing every Service and route kind', () => {
    const { shop, edge, orders, canary, cart, gateway } = twoNamespaces();
    gateway.addRoute('orders', { backend: GatewayBackend.revisions(orders, [{ revision: orders.revisions[0] }]), mirror: { revision: canary } });
    gateway.addRoute('legacy', { matches: [{ path: PathMatch.prefix('/legacy') }], backend: GatewayBackend.service(orders) });
    gateway.addGrpcRoute('cart', { backend: GatewayBackend.service(cart) });
    expect(ruleOf(edge, 'orders').backendRefs).toEqual([{ name: orders.revisions[0].name, namespace: 'shop', port: 80 }]);
    expect(ruleOf(edge, 'orders').filters[0].requestMirror.backendRef).toEqual({ name: canary.name, namespace: 'shop', port: 80 });
    const grants = findObjects(synthObjects(shop), { kind: 'ReferenceGrant' });
    expect(grants.map((g) => [g.apiVersion, g.metadata.name, g.metadata.namespace, g.spec])).toEqual([[
      'gateway.networking.k8s.io/v1beta1',
      'edge-gateway-routes',
      'shop',
      {
        from: [
          { group: 'gateway.networking.k8s.io', kind: 'GRPCRoute', namespace: 'edge' },
          { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'edge' },
        ],
        to: [cart.serviceName, orders.serviceName, canary.name, orders.revisions[0].name].sort().map((name) => ({ group: '', kind: 'Service', name })),
      },
    ]]);
    expect(findObjects(synthObjects(edge), { kind: 'ReferenceGrant' })).toEqual([]);
  });

  test('a backend in the gateway namespace needs no ReferenceGrant', () => {
    const { chart, gateway, frontend } = shopEdge();
    gateway.addRoute('frontend', { backend: GatewayBackend.service(frontend) });
    expect(findObjects(synthObjects(chart), { kind: 'ReferenceGrant' })).toEqual([]);
  });

  test('fails when one namespace gets routes to more Services than a ReferenceGrant can list', () => {
    const { shop, orders, gateway } = twoNamespaces();
    for (let i = 0; i < 16; i++) {
      orders.addRevision(`r${i}`, { image: `ghcr.io/acme/app@sha256:${i.toString(16).padStart(2, '0').repeat(32)}` });
    }
    gateway.addRoute('orders', { backend: GatewayBackend.revisions(orders, orders.revisions.map((revision) => ({ revision }))) });
    expect(synthProblems(shop)).toContain(
      "[shop/ReferenceGrant-shop-from-edge] routes in namespace 'edge' send to 18 Services in namespace 'shop', more than the 16 one ReferenceGrant can list; " +
        'route to fewer Services there (e.g. fewer revisions at once)',
    );
  });
});

describe('what the Gateway API cannot store', () => {
  test('fails when a route removes a header twice (names ignore case), which the API server refuses in the set of removed headers', () => {
    const { gateway, frontend } = shopEdge();
    const error = validationErrorOf(() => gateway.addRoute('frontend', {
      backend: GatewayBackend.service(frontend),
      headers: { response: { remove: ['Cookie', 'server', 'cookie'] } },
    }));
    expect(error.path).toBe('test/edge');
    expect(error.detail).toBe("route 'frontend' response headers remove names header 'cookie' twice (header names ignore case); keep one");
  });
});

describe('what the Gateway API rendering refuses, at synth', () => {
  test('fails when a route sets retries, naming the feature and gateway-api', () => {
    const { chart, gateway, frontend } = shopEdge();
    gateway.addRoute('frontend', { backend: GatewayBackend.service(frontend), retries: { attempts: 2, retryOn: [RetryOn.GATEWAY_ERROR] } });
    expect(synthProblems(chart)).toEqual([
      "[test/edge] route 'frontend' sets retries, which the standard Gateway API HTTPRoute (v1) has no field for (gateway-api); " +
        'drop retries or render the gateway with GatewayRendering.istio()',
    ]);
  });

  test('fails when a gRPC route sets retries or a timeout', () => {
    const chart = newChart();
    const cart = new Microservice(chart, 'cart', web('d', { ports: [{ name: 'grpc', port: 9000 }] }));
    const gateway = new Gateway(chart, 'edge', { listeners: { grpc: { protocol: ListenerProtocol.GRPC } } });
    gateway.addGrpcRoute('cart', { backend: GatewayBackend.service(cart), timeout: Duration.seconds(2), retries: { attempts: 1 } });
    expect(synthProblems(chart)).toEqual([
      "[test/edge] route 'cart' sets retries, which the standard Gateway API GRPCRoute (v1) has no field for (gateway-api); " +
        'drop retries or render the gateway with GatewayRendering.istio()',
      "[test/edge] route 'cart' sets a timeout, which the Gateway API GRPCRoute (v1) has no field for (gateway-api); " +
        'drop timeout or render the gateway with GatewayRendering.istio()',
    ]);
  });

  test("fails when a path has a bare '%' or an encoded '/'", () => {
    const { chart, gateway, frontend } = shopEdge();
    gateway.addRoute('a', { matches: [{ path: PathMatch.prefix('/100%') }], backend: GatewayBackend.service(frontend) });
    gateway.addRoute('b', { matches: [{ path: PathMatch.exact('/a%2Fb') }], backend: GatewayBackend.service(frontend) });
    gateway.addRoute('c', { matches: [{ path: PathMatch.exact('/a%20b') }], backend: GatewayBackend.service(frontend) });
    expect(synthProblems(chart)).toEqual([
      expect.stringMatching(/^\[test\/edge\] route 'a' match 1 path '\/100%' has a '%' that does not start a %XX escape .*\(gateway-api\)/),
      expect.stringMatching(/^\[test\/edge\] route 'b' match 1 path '\/a%2Fb' has .*encoded '\/' \(%2F\)/),
    ]);
  });

  test('fails when a route holds more matches, hostnames, backends or header changes than the Gateway API allows', () => {
    const chart = newChart();
    const frontend = new Microservice(chart, 'frontend', web('c'));
    const gateway = new Gateway(chart, 'edge', { listeners: { web: { protocol: ListenerProtocol.HTTP } } });
    const many = (n: number) => Array.from({ length: n }, (_, i) => i);
    gateway.addRoute('wide', {
      hostnames: many(17).map((i) => `h${i}.example.com`),
      matches: many(9).map((i) => ({ path: PathMatch.exact(`/p${i}`) })),
      backend: GatewayBackend.service(frontend),
      headers: { request: { set: Object.fromEntries(many(17).map((i) => [`x-h${i}`, 'v'])) } },
    });
    expect(synthProblems(chart)).toEqual([
      "[test/edge] route 'wide' has 9 matches, more than the 8 a Gateway API HTTPRoute rule holds (gateway-api); split it into several routes",
      "[test/edge] route 'wide' has 17 hostnames, more than the 16 a Gateway API HTTPRoute holds (gateway-api); use at most 16",
      "[test/edge] route 'wide' has 17 request headers set, more than the 16 a Gateway API HTTPRoute holds (gateway-api); use at most 16",
    ]);
  });

  test('fails when a mirror share needs more than six decimals', () => {
    const { chart, gateway, frontend, canary } = shopEdge();
    gateway.addRoute('frontend', { backend: GatewayBackend.service(frontend), mirror: { revision: canary, percentage: 1 / 3 } });
    expect(synthProblems(chart)).toEqual([expect.stringMatching(/^\[test\/edge\] route 'frontend' mirrors 0\.333.*% of requests, a share the Gateway API cannot write/)]);
  });
});
