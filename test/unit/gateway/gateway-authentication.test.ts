import { EndUserAuthentication, GatewayBackend, GatewayRendering, HeaderMatch, ListenerProtocol, PathMatch } from '../../../lib';
import { findObjects, synthObjects } from '../../../lib/testing';
import { validationErrorOf } from '../../fixtures';
import { SHOP_LISTENERS, shopEdge, specOf, synthProblems } from './fixtures';

const ISSUER = 'https://accounts.example.com';
const AUTH: EndUserAuthentication = {
  issuers: [{ issuer: ISSUER, jwksUri: 'https://accounts.example.com/.well-known/jwks.json', audiences: ['shop'] }],
};
const NO_TOKEN = { from: [{ source: { notRequestPrincipals: [`${ISSUER}/*`] } }] };
const ISTIO = GatewayRendering.istio();

/** The shop edge with orders at /api/orders (authenticated as `auth` says) and frontend for the rest. */
function authenticatedEdge(rendering = ISTIO, auth: EndUserAuthentication = AUTH) {
  const edge = shopEdge(rendering);
  edge.gateway.addRoute('orders', { matches: [{ path: PathMatch.prefix('/api/orders'), method: 'POST' }], backend: GatewayBackend.service(edge.orders), authentication: auth });
  edge.gateway.addRoute('frontend', { backend: GatewayBackend.service(edge.frontend) });
  return edge;
}

describe('end-user authentication at the gateway', () => {
  test('Istio rendering: a RequestAuthentication and a DENY policy on the gateway pods, scoped to the route\'s paths and methods', () => {
    const { chart } = authenticatedEdge(ISTIO, { ...AUTH, require: [{ claims: [{ claim: 'scope', values: ['orders:write'] }] }] });
    const selector = { matchLabels: { istio: 'ingressgateway' } };
    expect(specOf(chart, 'RequestAuthentication', 'edge')).toEqual({ selector, jwtRules: [{ issuer: ISSUER, jwksUri: AUTH.issuers[0].jwksUri, audiences: ['shop'] }] });
    const to = [{ operation: { paths: ['/api/orders', '/api/orders/*'], methods: ['POST'] } }];
    expect(specOf(chart, 'AuthorizationPolicy', 'edge-require-token')).toEqual({
      selector,
      action: 'DENY',
      rules: [{ ...NO_TOKEN, to }, { to, when: [{ key: 'request.auth.claims[scope]', notValues: ['orders:write'] }] }],
    });
  });

  test('Gateway API rendering with the istio class: the same policies attached to the Gateway by targetRefs, on the ports of the route\'s listeners', () => {
    const { chart } = authenticatedEdge(GatewayRendering.gatewayApi());
    const targetRefs = [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'edge' }];
    expect(specOf(chart, 'RequestAuthentication', 'edge').targetRefs).toEqual(targetRefs);
    expect(specOf(chart, 'AuthorizationPolicy', 'edge-require-token')).toEqual({
      targetRefs,
      action: 'DENY',
      rules: [{ ...NO_TOKEN, to: [{ operation: { ports: ['443'], paths: ['/api/orders', '/api/orders/*'], methods: ['POST'] } }] }],
    });
  });

  test('issuers of several routes are listed once; a route without the requirement gets no rule', () => {
    const { chart, gateway, orders, frontend } = shopEdge(ISTIO);
    gateway.addRoute('orders', { matches: [{ path: PathMatch.prefix('/api/orders') }], backend: GatewayBackend.service(orders), authentication: AUTH });
    gateway.addRoute('account', { matches: [{ path: PathMatch.exact('/account') }], backend: GatewayBackend.service(frontend), authentication: AUTH });
    gateway.addRoute('frontend', { backend: GatewayBackend.service(frontend) });
    expect(specOf(chart, 'RequestAuthentication', 'edge').jwtRules).toHaveLength(1);
    expect(specOf(chart, 'AuthorizationPolicy', 'edge-require-token').rules).toEqual([
      { ...NO_TOKEN, to: [{ operation: { paths: ['/api/orders', '/api/orders/*'] } }] },
      { ...NO_TOKEN, to: [{ operation: { paths: ['/account'] } }] },
    ]);
  });

  test('no authentication, no policies', () => {
    const { chart, gateway, frontend } = shopEdge(ISTIO);
    gateway.addRoute('frontend', { backend: GatewayBackend.service(frontend) });
    const objects = synthObjects(chart);
    expect(findObjects(objects, { kind: 'RequestAuthentication' })).toEqual([]);
    expect(findObjects(objects, { kind: 'AuthorizationPolicy' })).toEqual([]);
  });

  describe('what is refused', () => {
    test('fails when the Gateway API class is not istio (gateway-api)', () => {
      const { chart } = authenticatedEdge(GatewayRendering.gatewayApi({ gatewayClassName: 'envoy' }));
      expect(synthProblems(chart)).toEqual([
        expect.stringMatching(/^\[test\/edge\] route 'orders' authenticates its requests, which the standard Gateway API \(v1\) has no field for \(gateway-api\).*GatewayClass 'envoy' does not read/),
      ]);
    });

    test.each([ISTIO, GatewayRendering.gatewayApi()])('fails when a route without the same authentication takes requests inside the authenticated paths (%s)', (rendering) => {
      const { chart, gateway, orders, frontend } = shopEdge(rendering);
      gateway.addRoute('orders', { matches: [{ path: PathMatch.prefix('/api/orders') }], backend: GatewayBackend.service(orders), authentication: AUTH });
      gateway.addRoute('orders-status', { matches: [{ path: PathMatch.prefix('/api/orders/status') }], backend: GatewayBackend.service(frontend) });
      gateway.addRoute('frontend', { backend: GatewayBackend.service(frontend) });
      expect(synthProblems(chart)).toEqual([
        expect.stringMatching(/^\[test\/edge\] route 'orders-status' takes requests within the paths of route 'orders', which authenticates them differently.*give both the same authentication/),
      ]);
    });

    test('fails when an authenticated route matches by header (istio)', () => {
      const { chart, gateway, orders, frontend } = shopEdge(ISTIO);
      gateway.addRoute('orders', { matches: [{ path: PathMatch.prefix('/api/orders'), headers: [HeaderMatch.exact('x-beta', 'yes')] }], backend: GatewayBackend.service(orders), authentication: AUTH });
      gateway.addRoute('frontend', { backend: GatewayBackend.service(frontend) });
      expect(synthProblems(chart)).toEqual([expect.stringMatching(/route 'orders' authenticates its requests, but its match 1 uses headers, query parameters or a regular-expression path.*\(istio/)]);
    });

    test('fails when an Istio-rendered gateway with a token requirement also has a TCP listener (istio)', () => {
      const listeners = { ...SHOP_LISTENERS, db: { protocol: ListenerProtocol.TCP, port: 5432 } };
      const { chart, gateway, orders, frontend } = shopEdge(ISTIO, { listeners });
      gateway.addRoute('orders', { matches: [{ path: PathMatch.prefix('/api/orders') }], backend: GatewayBackend.service(orders), authentication: AUTH });
      gateway.addRoute('frontend', { backend: GatewayBackend.service(frontend) });
      expect(synthProblems(chart)).toEqual([expect.stringMatching(/listener 'db' takes TCPRoutes, and the gateway's token requirement, which names no ports .* would refuse every connection to it \(istio/)]);
    });

    test('fails when two routes define one issuer differently (istio)', () => {
      const { chart, gateway, orders, frontend } = shopEdge(ISTIO);
      gateway.addRoute('orders', { matches: [{ path: PathMatch.prefix('/api/orders') }], backend: GatewayBackend.service(orders), authentication: AUTH });
      const other = { issuers: [{ ...AUTH.issuers[0], audiences: ['admin'] }] };
      gateway.addRoute('admin', { matches: [{ path: PathMatch.prefix('/admin') }], backend: GatewayBackend.service(frontend), authentication: other });
      gateway.addRoute('frontend', { backend: GatewayBackend.service(frontend) });
      expect(synthProblems(chart)).toEqual([expect.stringMatching(/route 'admin' gives issuer 'https:\/\/accounts.example.com' other settings than an earlier listener or route/)]);
    });

    test('fails when a route requirement names paths of its own', () => {
      const { gateway, orders } = shopEdge(ISTIO);
      const error = validationErrorOf(() => gateway.addRoute('orders', {
        backend: GatewayBackend.service(orders),
        authentication: { ...AUTH, require: [{ paths: [PathMatch.prefix('/admin')] }] },
      }));
      expect(error.message).toMatch(/route 'orders' authentication require 1 lists paths or methods, but a gateway route's requirements cover the route's own requests/);
    });

    test('fails when the issuer is malformed, naming the route', () => {
      const { gateway, orders } = shopEdge(ISTIO);
      const error = validationErrorOf(() => gateway.addRoute('orders', {
        backend: GatewayBackend.service(orders),
        authentication: { issuers: [{ ...AUTH.issuers[0], issuer: 'not a url' }] },
      }));
      expect(error.message).toMatch(/route 'orders' authentication issuer 1 issuer must be an https:\/\/ URL/);
    });
  });
});
