import { EndUserAuthentication, GatewayBackend, GatewayRendering, ListenerProtocol, ListenerTls, PathMatch } from '../../../lib';
import { findObjects, synthObjects } from '../../../lib/testing';
import { validationErrorOf } from '../../fixtures';
import { shopEdge, specOf, synthProblems } from './fixtures';

const ISSUER = 'https://accounts.example.com';
const AUTH: EndUserAuthentication = {
  issuers: [{ issuer: ISSUER, jwksUri: 'https://accounts.example.com/.well-known/jwks.json', audiences: ['shop'] }],
};
const NO_TOKEN = { from: [{ source: { notRequestPrincipals: [`${ISSUER}/*`] } }] };
const TLS = ListenerTls.fromSecret('shop-tls');
const HOSTS = ['shop.example.com'];

/** A gateway whose HTTPS listener authenticates every request, with orders and frontend routed on it. */
function authenticatedListenerEdge(rendering = GatewayRendering.gatewayApi(), listeners: Record<string, object> = {}) {
  const edge = shopEdge(rendering, {
    listeners: { https: { protocol: ListenerProtocol.HTTPS, hostnames: HOSTS, tls: TLS, authentication: AUTH }, ...listeners },
  });
  edge.gateway.addRoute('orders', { matches: [{ path: PathMatch.prefix('/api/orders') }], backend: GatewayBackend.service(edge.orders) });
  edge.gateway.addRoute('frontend', { backend: GatewayBackend.service(edge.frontend) });
  return edge;
}

describe('end-user authentication of a whole gateway listener', () => {
  test('Gateway API rendering with the istio class: the policies on the Gateway, the DENY rule on the listener\'s port, for every route', () => {
    const { chart } = authenticatedListenerEdge();
    const targetRefs = [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'edge' }];
    expect(specOf(chart, 'RequestAuthentication', 'edge')).toEqual({ targetRefs, jwtRules: [{ issuer: ISSUER, jwksUri: AUTH.issuers[0].jwksUri, audiences: ['shop'] }] });
    expect(specOf(chart, 'AuthorizationPolicy', 'edge-require-token')).toEqual({
      targetRefs,
      action: 'DENY',
      rules: [{ ...NO_TOKEN, to: [{ operation: { ports: ['443'] } }] }],
    });
  });

  test('Istio rendering: the policies on the gateway pods, the DENY rule on every request (an Istio Gateway\'s policy names no ports)', () => {
    const { chart } = authenticatedListenerEdge(GatewayRendering.istio());
    const selector = { matchLabels: { istio: 'ingressgateway' } };
    expect(specOf(chart, 'RequestAuthentication', 'edge').selector).toEqual(selector);
    expect(specOf(chart, 'AuthorizationPolicy', 'edge-require-token')).toEqual({ selector, action: 'DENY', rules: [NO_TOKEN] });
  });

  test('claims and a requirement\'s own paths narrow the rule within the listener; issuers shared with a route are listed once', () => {
    const auth = { ...AUTH, require: [{ paths: [PathMatch.prefix('/admin')], claims: [{ claim: 'groups', values: ['admin'] }] }] };
    const { chart, gateway, orders } = shopEdge(GatewayRendering.gatewayApi(), {
      listeners: {
        https: { protocol: ListenerProtocol.HTTPS, hostnames: HOSTS, tls: TLS, authentication: auth },
        api: { protocol: ListenerProtocol.HTTPS, port: 8443, hostnames: ['api.example.com'], tls: TLS },
      },
    });
    gateway.addRoute('admin', { matches: [{ path: PathMatch.prefix('/admin') }], backend: GatewayBackend.service(orders), hostnames: HOSTS });
    gateway.addRoute('orders', { backend: GatewayBackend.service(orders), hostnames: ['api.example.com'], authentication: AUTH });
    expect(specOf(chart, 'RequestAuthentication', 'edge').jwtRules).toHaveLength(1);
    const to = [{ operation: { ports: ['443'], paths: ['/admin', '/admin/*'] } }];
    expect(specOf(chart, 'AuthorizationPolicy', 'edge-require-token').rules).toEqual([
      { ...NO_TOKEN, to },
      { to, when: [{ key: 'request.auth.claims[groups]', notValues: ['admin'] }] },
      { ...NO_TOKEN, to: [{ operation: { ports: ['8443'] } }] },
    ]);
  });

  test('a gateway name of 50 characters still gives DNS-label policy names (cut with a hash)', () => {
    const name = 'g'.repeat(50);
    const edge = shopEdge(GatewayRendering.gatewayApi(), {
      name,
      listeners: { https: { protocol: ListenerProtocol.HTTPS, hostnames: HOSTS, tls: TLS, authentication: AUTH } },
    });
    edge.gateway.addRoute('frontend', { backend: GatewayBackend.service(edge.frontend) });
    const policies = findObjects(synthObjects(edge.chart), { kind: 'AuthorizationPolicy' }).map((o) => o.metadata.name!).filter((n) => n.startsWith('g'));
    expect(policies).toHaveLength(1);
    expect(policies[0]).toMatch(/^g{50}-r-[0-9a-f]{10}$/);
    expect(policies[0].length).toBeLessThanOrEqual(63);
  });

  describe('what is refused', () => {
    test('fails when a route of an authenticated listener has an authentication of its own', () => {
      const { chart, gateway, orders } = authenticatedListenerEdge();
      gateway.addRoute('admin', { matches: [{ path: PathMatch.prefix('/admin') }], backend: GatewayBackend.service(orders), authentication: AUTH });
      expect(synthProblems(chart)).toContainEqual(
        expect.stringMatching(/^\[test\/edge\] route 'admin' authenticates its requests, but listener 'https' it takes requests from authenticates every request already/),
      );
    });

    test('fails when another listener shares the authenticated listener\'s port without its authentication (gateway-api)', () => {
      const { chart } = authenticatedListenerEdge(GatewayRendering.gatewayApi(), {
        other: { protocol: ListenerProtocol.HTTPS, hostnames: ['other.example.com'], tls: TLS },
      });
      expect(synthProblems(chart)).toEqual([
        expect.stringMatching(/listener 'other' shares port 443 with listener 'https', which authenticates every request, and Istio scopes that policy by port/),
      ]);
    });

    test('fails when an Istio Gateway has another HTTP listener without the same authentication (istio)', () => {
      const http = { protocol: ListenerProtocol.HTTP, hostnames: HOSTS, redirectToHttps: true };
      const { chart } = authenticatedListenerEdge(GatewayRendering.istio(), { http });
      expect(synthProblems(chart)).toEqual([
        expect.stringMatching(/listener 'http' has no authentication or another one than listener 'https', but an Istio Gateway's policy names no ports .*\(istio\)/),
      ]);
    });

    test('fails when an Istio Gateway with a listener token requirement also has a TCP listener (istio)', () => {
      const { chart } = authenticatedListenerEdge(GatewayRendering.istio(), { db: { protocol: ListenerProtocol.TCP, port: 5432 } });
      expect(synthProblems(chart)).toEqual([expect.stringMatching(/listener 'db' takes TCPRoutes, and the gateway's token requirement/)]);
    });

    test('fails when the GatewayClass is not istio (gateway-api)', () => {
      const { chart } = authenticatedListenerEdge(GatewayRendering.gatewayApi({ gatewayClassName: 'envoy' }));
      expect(synthProblems(chart)).toEqual([
        expect.stringMatching(/listener 'https' authenticates its requests, which the standard Gateway API \(v1\) has no field for.*GatewayClass 'envoy' does not read/),
      ]);
    });

    test('fails when the gateway is an Ingress (ingress)', () => {
      const { chart } = authenticatedListenerEdge(GatewayRendering.ingress({ ingressClassName: 'nginx' }));
      expect(synthProblems(chart)).toContainEqual(expect.stringMatching(/listener 'https' authenticates end users, which an Ingress has no field for \(ingress\)/));
    });

    test('fails when a listener requirement covers a regular-expression path', () => {
      const { chart } = shopEdge(GatewayRendering.gatewayApi(), {
        listeners: { https: { protocol: ListenerProtocol.HTTPS, hostnames: HOSTS, tls: TLS, authentication: { ...AUTH, require: [{ paths: [PathMatch.regex('/v[0-9]+')] }] } } },
      });
      expect(synthProblems(chart)).toEqual([expect.stringMatching(/listener 'https' authentication require 1 covers the regular-expression path/)]);
    });

    test('fails when a listener and a route define one issuer differently', () => {
      const { chart, gateway, orders } = shopEdge(GatewayRendering.gatewayApi(), {
        listeners: {
          https: { protocol: ListenerProtocol.HTTPS, hostnames: HOSTS, tls: TLS, authentication: AUTH },
          api: { protocol: ListenerProtocol.HTTPS, port: 8443, hostnames: ['api.example.com'], tls: TLS },
        },
      });
      gateway.addRoute('orders', { backend: GatewayBackend.service(orders), hostnames: ['api.example.com'], authentication: { issuers: [{ ...AUTH.issuers[0], audiences: ['api'] }] } });
      gateway.addRoute('frontend', { backend: GatewayBackend.service(orders), hostnames: HOSTS });
      expect(synthProblems(chart)).toEqual([expect.stringMatching(/route 'orders' gives issuer 'https:\/\/accounts.example.com' other settings than an earlier listener or route/)]);
    });

    test.each([
      ['a TCP listener', { protocol: ListenerProtocol.TCP, port: 5432, authentication: AUTH }, /listener 'l' is TCP, whose connections carry no requests to read a token from/],
      ['a TLS passthrough listener', { protocol: ListenerProtocol.TLS_PASSTHROUGH, port: 8443, hostnames: HOSTS, authentication: AUTH }, /listener 'l' is TLS, whose connections carry no requests/],
      ['a redirecting listener', { protocol: ListenerProtocol.HTTP, redirectToHttps: true, authentication: AUTH }, /listener 'l' redirects every request to HTTPS/],
      ['an issuer without audiences', { protocol: ListenerProtocol.HTTP, authentication: { issuers: [{ ...AUTH.issuers[0], audiences: [] }] } }, /listener 'l' authentication issuer 1 \(https:\/\/accounts.example.com\) has no audiences/],
    ])('fails when authentication is on %s', (_, listener, message) => {
      const { gateway } = shopEdge(GatewayRendering.gatewayApi(), { listeners: {} });
      const error = validationErrorOf(() => gateway.addListener('l', listener as never));
      expect(error.message).toMatch(message);
    });
  });
});
