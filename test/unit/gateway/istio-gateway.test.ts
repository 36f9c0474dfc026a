import { Duration } from 'cdk8s';
import {
  Gateway,
  GatewayBackend,
  GatewayRendering,
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
import { newChart } from '../../fixtures';
import { shopEdge, specOf, synthProblems, web } from './fixtures';

const ISTIO = GatewayRendering.istio();
const ORDERS = 'orders.test.svc.cluster.local';
const FRONTEND = 'frontend.test.svc.cluster.local';
const to = (host: string, port = 80) => ({ destination: { host, port: { number: port } } });
/** The http routes of the VirtualService of `host` on gateway 'edge'. */
const httpOf = (chart: ReturnType<typeof shopEdge>['chart'], host = 'shop.example.com'): any[] => specOf(chart, 'VirtualService', `edge-${host.replace('*', 'wildcard')}`).http;

describe('Istio Gateway', () => {
  test('one server per listener: protocol, hosts of its own namespace, TLS from the Secret, httpsRedirect on the redirecting listener', () => {
    const chart = newChart();
    new Gateway(chart, 'edge', {
      rendering: ISTIO,
      listeners: {
        http: { protocol: ListenerProtocol.HTTP, hostnames: ['shop.example.com'], redirectToHttps: true },
        https: { protocol: ListenerProtocol.HTTPS, hostnames: ['shop.example.com', '*.shop.example.com'], tls: ListenerTls.fromSecret('shop-tls') },
        grpcs: { protocol: ListenerProtocol.GRPC, hostnames: ['grpc.example.com'], tls: ListenerTls.fromSecret('grpc-tls') },
        grpc: { protocol: ListenerProtocol.GRPC, port: 9000, hostnames: ['rpc.example.net'] },
      },
    });
    expect(specOf(chart, 'Gateway', 'edge')).toEqual({
      selector: { istio: 'ingressgateway' },
      servers: [
        { name: 'http', port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['./shop.example.com'], tls: { httpsRedirect: true } },
        {
          name: 'https',
          port: { number: 443, name: 'https', protocol: 'HTTPS' },
          hosts: ['./shop.example.com', './*.shop.example.com'],
          tls: { mode: 'SIMPLE', credentialName: 'shop-tls' },
        },
        { name: 'grpcs', port: { number: 443, name: 'grpcs', protocol: 'HTTPS' }, hosts: ['./grpc.example.com'], tls: { mode: 'SIMPLE', credentialName: 'grpc-tls' } },
        { name: 'grpc', port: { number: 9000, name: 'grpc', protocol: 'GRPC' }, hosts: ['./rpc.example.net'] },
      ],
    });
  });
});

describe('Istio VirtualServices', () => {
  test('one VirtualService per served hostname, bound to the gateway; a route without hostnames serves its listeners\'', () => {
    const chart = newChart();
    const frontend = new Microservice(chart, 'frontend', web('c'));
    const gateway = new Gateway(chart, 'edge', {
      rendering: ISTIO,
      listeners: { web: { protocol: ListenerProtocol.HTTP, hostnames: ['a.example.com', '*.example.org'] }, any: { protocol: ListenerProtocol.HTTP, port: 8080 } },
    });
    gateway.addRoute('frontend', { backend: GatewayBackend.service(frontend) });
    gateway.addRoute('shop', { hostnames: ['shop.example.org'], matches: [{ path: PathMatch.prefix('/shop') }], backend: GatewayBackend.service(frontend) });
    const services = findObjects(synthObjects(chart), { kind: 'VirtualService' });
    expect(services.map((v) => [v.metadata.name, (v.spec as any).hosts, (v.spec as any).gateways])).toEqual([
      ['edge-a.example.com', ['a.example.com'], ['test/edge']],
      ['edge-wildcard.example.org', ['*.example.org'], ['test/edge']],
      ['edge-wildcard', ['*'], ['test/edge']],
      ['edge-shop.example.org', ['shop.example.org'], ['test/edge']],
    ]);
    expect(services[0].apiVersion).toBe('networking.istio.io/v1beta1');
    // shop.example.org takes its own route first, then the routes of the wildcards covering it
    expect((services[3].spec as any).http.map((h: any) => h.name)).toEqual(['shop', 'frontend']);
  });

  test('routes ordered by Gateway API precedence: exact, longest prefix, method, most headers, most query parameters, then by name', () => {
    const { chart, gateway, frontend } = shopEdge(ISTIO);
    const backend = GatewayBackend.service(frontend);
    gateway.addRoute('catch-all', { backend });
    gateway.addRoute('short', { matches: [{ path: PathMatch.prefix('/api') }], backend });
    gateway.addRoute('query', { matches: [{ path: PathMatch.prefix('/api'), queryParams: [QueryParamMatch.exact('v', '2')] }], backend });
    gateway.addRoute('headers', { matches: [{ path: PathMatch.prefix('/api'), headers: [HeaderMatch.exact('x', '1')] }], backend });
    gateway.addRoute('method', { matches: [{ path: PathMatch.prefix('/api'), method: 'GET' }], backend });
    gateway.addRoute('long', { matches: [{ path: PathMatch.prefix('/api/orders') }], backend });
    gateway.addRoute('exact', { matches: [{ path: PathMatch.exact('/api') }], backend });
    gateway.addRoute('tie', { matches: [{ path: PathMatch.prefix('/api/orderz') }], backend });
    gateway.addRoute('a-tie', { matches: [{ path: PathMatch.prefix('/api/orderx') }], backend });
    expect(httpOf(chart).map((h) => h.name)).toEqual(['exact', 'a-tie', 'long', 'tie', 'method', 'headers', 'query', 'short', 'catch-all']);
  });

  test('a regular-expression path ranks after every path prefix, longest first', () => {
    const { chart, gateway, frontend } = shopEdge(ISTIO);
    const backend = GatewayBackend.service(frontend);
    gateway.addRoute('short-regex', { matches: [{ path: PathMatch.regex('/r/.*') }], backend });
    gateway.addRoute('long-regex', { matches: [{ path: PathMatch.regex('/r/[a-z]+/.*') }], backend });
    gateway.addRoute('prefix', { matches: [{ path: PathMatch.prefix('/p') }], backend });
    expect(httpOf(chart).map((h) => h.name)).toEqual(['prefix', 'long-regex', 'short-regex']);
  });

  test('a path prefix matches whole segments: an exact match plus a prefix ending in /, other conditions on both', () => {
    const { chart, gateway, orders } = shopEdge(ISTIO);
    gateway.addRoute('orders', {
      matches: [{ path: PathMatch.prefix('/api/orders/'), headers: [HeaderMatch.regex('X-User', 'a.*')], method: 'POST', queryParams: [QueryParamMatch.exact('v', '2')] }],
      backend: GatewayBackend.service(orders),
    });
    const conditions = { headers: { 'x-user': { regex: 'a.*' } }, method: { exact: 'POST' }, queryParams: { v: { exact: '2' } } };
    expect(httpOf(chart)[0].match).toEqual([
      { uri: { exact: '/api/orders' }, ...conditions },
      { uri: { prefix: '/api/orders/' }, ...conditions },
    ]);
  });

  test('one entry per match, so each match takes its own place in the order', () => {
    const { chart, gateway, orders, frontend } = shopEdge(ISTIO);
    gateway.addRoute('two', { matches: [{ path: PathMatch.exact('/a') }, { path: PathMatch.prefix('/') }], backend: GatewayBackend.service(orders) });
    gateway.addRoute('mid', { matches: [{ path: PathMatch.prefix('/m') }], backend: GatewayBackend.service(frontend) });
    expect(httpOf(chart).map((h) => [h.name, h.match])).toEqual([
      ['two-1', [{ uri: { exact: '/a' } }]],
      ['mid', [{ uri: { exact: '/m' } }, { uri: { prefix: '/m/' } }]],
      ['two-2', [{ uri: { prefix: '/' } }]],
    ]);
  });

  test('destinations: the Service host and port; a split in whole percentages to the revisions\' Services; retries off by default', () => {
    const { chart, gateway, orders, stable, canary } = shopEdge(ISTIO);
    gateway.addRoute('orders', { backend: GatewayBackend.revisions(orders, [{ revision: stable, weight: 2 }, { revision: canary, weight: 1 }]) });
    expect(httpOf(chart)).toEqual([{
      name: 'orders',
      route: [
        { ...to(`${stable.name}.test.svc.cluster.local`), weight: 67 },
        { ...to(`${canary.name}.test.svc.cluster.local`), weight: 33 },
      ],
      retries: { attempts: 0 },
    }]);
  });

  test('timeout, retries, header changes and mirror', () => {
    const { chart, gateway, orders, canary } = shopEdge(ISTIO);
    gateway.addRoute('orders', {
      backend: GatewayBackend.service(orders),
      timeout: Duration.seconds(10),
      retries: { attempts: 3, perTryTimeout: Duration.seconds(2), retryOn: [RetryOn.GATEWAY_ERROR, RetryOn.RESET] },
      headers: { request: { set: { 'X-A': '1' }, remove: ['cookie'] }, response: { add: { 'x-b': '2' } } },
      mirror: { revision: canary, percentage: 12.5 },
    });
    expect(httpOf(chart)).toEqual([{
      name: 'orders',
      route: [to(ORDERS)],
      timeout: '10s',
      retries: { attempts: 3, perTryTimeout: '2s', retryOn: 'gateway-error,reset' },
      mirror: { host: `${canary.name}.test.svc.cluster.local`, port: { number: 80 } },
      mirrorPercentage: { value: 12.5 },
      headers: { request: { set: { 'x-a': '1' }, remove: ['cookie'] }, response: { add: { 'x-b': '2' } } },
    }]);
  });

  test('a prefix rewrite is one entry per half of the prefix, each with its replacement; a hostname rewrite is the authority', () => {
    const { chart, gateway, orders } = shopEdge(ISTIO);
    gateway.addRoute('orders', { matches: [{ path: PathMatch.prefix('/api/orders') }], backend: GatewayBackend.service(orders), rewrite: { path: PathRewrite.prefix('/v2'), hostname: 'orders.internal' } });
    gateway.addRoute('root', { matches: [{ path: PathMatch.prefix('/') }], backend: GatewayBackend.service(orders), rewrite: { path: PathRewrite.prefix('/') } });
    expect(httpOf(chart).map((h) => [h.name, h.match, h.rewrite])).toEqual([
      ['orders', [{ uri: { exact: '/api/orders' } }], { authority: 'orders.internal', uri: '/v2' }],
      ['orders-subpaths', [{ uri: { prefix: '/api/orders/' } }], { authority: 'orders.internal', uri: '/v2/' }],
      ['root', [{ uri: { exact: '/' } }], { uri: '/' }],
      ['root-subpaths', [{ uri: { prefix: '/' } }], { uri: '/' }],
    ]);
  });

  test('a full-path rewrite replaces the whole path by regex', () => {
    const { chart, gateway, frontend } = shopEdge(ISTIO);
    gateway.addRoute('home', { matches: [{ path: PathMatch.prefix('/home') }], backend: GatewayBackend.service(frontend), rewrite: { path: PathRewrite.full('/index.html') } });
    expect(httpOf(chart)[0].rewrite).toEqual({ uriRegexRewrite: { match: '^.*$', rewrite: '/index.html' } });
  });

  test('redirects: scheme with the port derived from it, authority, full path, prefix replacement per half, status code', () => {
    const { chart, gateway } = shopEdge(ISTIO);
    gateway.addRoute('moved', { matches: [{ path: PathMatch.exact('/moved') }], redirect: { scheme: 'https', hostname: 'new.example.com', path: PathRewrite.full('/here') } });
    gateway.addRoute('old', { matches: [{ path: PathMatch.prefix('/old') }], redirect: { port: 8443, path: PathRewrite.prefix('/new'), statusCode: 301 } });
    expect(httpOf(chart)).toEqual([
      {
        name: 'moved',
        match: [{ uri: { exact: '/moved' } }],
        redirect: { scheme: 'https', authority: 'new.example.com', derivePort: 'FROM_PROTOCOL_DEFAULT', uri: '/here', redirectCode: 302 },
      },
      { name: 'old', match: [{ uri: { exact: '/old' } }], redirect: { port: 8443, prefixRewrite: '/new', redirectCode: 301 } },
      { name: 'old-subpaths', match: [{ uri: { prefix: '/old/' } }], redirect: { port: 8443, prefixRewrite: '/new/', redirectCode: 301 } },
    ]);
  });

  test('gRPC routes match the HTTP/2 path /<service>/<method>', () => {
    const chart = newChart();
    const cart = new Microservice(chart, 'cart', web('d', { ports: [{ name: 'grpc', port: 9000 }] }));
    const gateway = new Gateway(chart, 'edge', { rendering: ISTIO, listeners: { grpc: { protocol: ListenerProtocol.GRPC, hostnames: ['grpc.example.com'] } } });
    gateway.addGrpcRoute('cart', {
      matches: [{ service: 'shop.Cart', method: 'Add' }, { service: 'shop.Cart', headers: [HeaderMatch.exact('x-t', 'a')] }, { method: 'Check' }],
      backend: GatewayBackend.service(cart),
      timeout: Duration.seconds(3),
    });
    gateway.addGrpcRoute('rest', { backend: GatewayBackend.service(cart) });
    expect(specOf(chart, 'VirtualService', 'edge-grpc.example.com').http).toEqual([
      { name: 'cart-1', match: [{ uri: { exact: '/shop.Cart/Add' } }], route: [to('cart.test.svc.cluster.local', 9000)], timeout: '3s', retries: { attempts: 0 } },
      {
        name: 'cart-2',
        match: [{ uri: { prefix: '/shop.Cart/' }, headers: { 'x-t': { exact: 'a' } } }],
        route: [to('cart.test.svc.cluster.local', 9000)],
        timeout: '3s',
        retries: { attempts: 0 },
      },
      { name: 'cart-3', match: [{ uri: { regex: '/[^/]+/Check' } }], route: [to('cart.test.svc.cluster.local', 9000)], timeout: '3s', retries: { attempts: 0 } },
      { name: 'rest', route: [to('cart.test.svc.cluster.local', 9000)], retries: { attempts: 0 } },
    ]);
  });

  test('a backend in another namespace is addressed by its cluster-local name; no ReferenceGrant', () => {
    const { chart, gateway, frontend } = shopEdge(ISTIO);
    gateway.addRoute('frontend', { backend: GatewayBackend.service(frontend) });
    expect(httpOf(chart)[0].route).toEqual([to(FRONTEND)]);
    expect(findObjects(synthObjects(chart), { kind: 'ReferenceGrant' })).toEqual([]);
  });
});

describe('what the Istio rendering refuses, at synth', () => {
  test('fails when plaintext HTTP and gRPC listeners share a port', () => {
    const chart = newChart();
    new Gateway(chart, 'edge', {
      rendering: ISTIO,
      listeners: { web: { protocol: ListenerProtocol.HTTP, hostnames: ['a.com'] }, grpc: { protocol: ListenerProtocol.GRPC, hostnames: ['b.com'] } },
    });
    expect(synthProblems(chart)).toEqual([
      "[test/edge] listeners 'web' (HTTP) and 'grpc' (GRPC) share port 80, but an Istio Gateway serves one protocol per port (istio); give them different ports",
    ]);
  });

  test('fails when gRPC and HTTP listeners take overlapping hostnames; the Gateway API rendering accepts it', () => {
    const listeners = {
      https: { protocol: ListenerProtocol.HTTPS, hostnames: ['*.example.com'], tls: ListenerTls.fromSecret('a') },
      grpc: { protocol: ListenerProtocol.GRPC, hostnames: ['grpc.example.com'], tls: ListenerTls.fromSecret('b') },
    };
    const chart = newChart();
    new Gateway(chart, 'edge', { rendering: ISTIO, listeners });
    expect(synthProblems(chart)).toEqual([
      "[test/edge] listeners 'https' and 'grpc' take overlapping hostnames (*.example.com / grpc.example.com) for HTTP and gRPC routes, " +
        'which Istio VirtualServices cannot keep apart (istio); give the gRPC listener hostnames of its own, e.g. grpc.example.com',
    ]);
    const other = newChart();
    new Gateway(other, 'edge', { listeners });
    expect(() => synthObjects(other)).not.toThrow();
  });

  test('fails when an HTTPS redirect goes to a port other than 443; the Gateway API rendering accepts it', () => {
    const listeners = {
      http: { protocol: ListenerProtocol.HTTP, redirectToHttps: true },
      https: { protocol: ListenerProtocol.HTTPS, port: 8443, tls: ListenerTls.fromSecret('t') },
    };
    const chart = newChart();
    new Gateway(chart, 'edge', { rendering: ISTIO, listeners });
    expect(synthProblems(chart)).toEqual([
      "[test/edge] listener 'http' redirects to HTTPS on port 8443, but Istio's httpsRedirect always sends clients to port 443 (istio); " +
        'serve HTTPS on 443 or render the gateway with GatewayRendering.gatewayApi()',
    ]);
    const other = newChart();
    new Gateway(other, 'edge', { listeners });
    expect(() => synthObjects(other)).not.toThrow();
  });

  test('fails when a non-zero weight would round to 0% (Istio weights are whole percentages); the Gateway API rendering accepts it', () => {
    for (const rendering of [ISTIO, GatewayRendering.gatewayApi()]) {
      const { chart, gateway, orders, stable, canary } = shopEdge(rendering);
      gateway.addRoute('orders', { backend: GatewayBackend.revisions(orders, [{ revision: stable, weight: 1000 }, { revision: canary, weight: 1 }]) });
      if (rendering === ISTIO) {
        expect(synthProblems(chart)).toEqual([
          "[test/edge] route 'orders': weight 1 of 'orders revision canary' is below 1% of the total 1001 and would round to 0%; " +
            'raise it or set it to 0 (istio weights are whole percentages)',
        ]);
      } else {
        expect(() => synthObjects(chart)).not.toThrow();
      }
    }
  });
});
