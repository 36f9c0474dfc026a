import { Duration } from 'cdk8s';
import { GatewayBackend, GatewayRendering, PathMatch } from '../../../lib';
import { findObjects, synthObjects } from '../../../lib/testing';
import { validationErrorOf } from '../../fixtures';
import { shopEdge, specOf, synthProblems } from './fixtures';

const LIMIT = { requests: 10, interval: Duration.seconds(1), burst: 20 };
const PROXY = { proxyVersion: '^1\\.31\\..*' };
const BUCKET = {
  '@type': 'type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit',
  stat_prefix: 'http_local_rate_limiter',
  token_bucket: { max_tokens: 20, tokens_per_fill: 10, fill_interval: '1s' },
  filter_enabled: { runtime_key: 'local_rate_limit_enabled', default_value: { numerator: 100, denominator: 'HUNDRED' } },
  filter_enforced: { runtime_key: 'local_rate_limit_enforced', default_value: { numerator: 100, denominator: 'HUNDRED' } },
  status: { code: 'TooManyRequests' },
};

function routePatch(name: string) {
  return {
    applyTo: 'HTTP_ROUTE',
    match: { context: 'GATEWAY', proxy: PROXY, routeConfiguration: { vhost: { route: { name } } } },
    patch: { operation: 'MERGE', value: { typed_per_filter_config: { 'envoy.filters.http.local_ratelimit': BUCKET } } },
  };
}

describe('local rate limits of gateway routes', () => {
  test('Istio rendering: an EnvoyFilter on the gateway pods, the filter first in the chain and a bucket on each named http route of the limited route', () => {
    const { chart, gateway, orders, frontend } = shopEdge(GatewayRendering.istio());
    gateway.addRoute('orders', { matches: [{ path: PathMatch.prefix('/api/orders') }, { path: PathMatch.exact('/cart') }], backend: GatewayBackend.service(orders), rateLimit: LIMIT });
    gateway.addRoute('frontend', { backend: GatewayBackend.service(frontend) });
    expect(specOf(chart, 'EnvoyFilter', 'edge-route-rate-limits')).toEqual({
      workloadSelector: { labels: { istio: 'ingressgateway' } },
      configPatches: [
        {
          applyTo: 'HTTP_FILTER',
          match: {
            context: 'GATEWAY',
            proxy: PROXY,
            listener: { filterChain: { filter: { name: 'envoy.filters.network.http_connection_manager' } } },
          },
          patch: {
            operation: 'INSERT_FIRST',
            value: {
              name: 'envoy.filters.http.local_ratelimit',
              typed_config: { '@type': BUCKET['@type'], stat_prefix: 'http_local_rate_limiter' },
            },
          },
        },
        routePatch('orders-1'),
        routePatch('orders-2'),
      ],
    });
    // the names the filter matches are the names of the VirtualService's http routes
    const names = (specOf(chart, 'VirtualService', 'edge-shop.example.com').http as Array<{ name: string }>).map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['orders-1', 'orders-2', 'frontend']));
  });

  test('Istio rendering: a route whose matched prefix is replaced is limited on both of its http routes', () => {
    const { chart, gateway, orders } = shopEdge(GatewayRendering.istio());
    gateway.addRoute('orders', {
      matches: [{ path: PathMatch.prefix('/shop/orders') }],
      rewrite: { path: { type: 'ReplacePrefixMatch', value: '/orders' } },
      backend: GatewayBackend.service(orders),
      rateLimit: { requests: 5, interval: Duration.millis(500), statusCode: 503 },
    });
    const spec = specOf(chart, 'EnvoyFilter', 'edge-route-rate-limits');
    const routeNames = (spec.configPatches as any[]).slice(1).map((p) => p.match.routeConfiguration.vhost.route.name);
    expect(routeNames).toEqual(['orders', 'orders-subpaths']);
    const http = (specOf(chart, 'VirtualService', 'edge-shop.example.com').http as Array<{ name: string }>).map((r) => r.name);
    expect(http).toEqual(['orders', 'orders-subpaths']);
    const bucket = (spec.configPatches as any[])[1].patch.value.typed_per_filter_config['envoy.filters.http.local_ratelimit'];
    expect(bucket.token_bucket).toEqual({ max_tokens: 5, tokens_per_fill: 5, fill_interval: '0.5s' });
    expect(bucket.status).toEqual({ code: 'ServiceUnavailable' });
  });

  test('no rate limit, no EnvoyFilter', () => {
    const { chart, gateway, frontend } = shopEdge(GatewayRendering.istio());
    gateway.addRoute('frontend', { backend: GatewayBackend.service(frontend) });
    expect(findObjects(synthObjects(chart), { kind: 'EnvoyFilter' })).toEqual([]);
  });

  describe('what is refused', () => {
    test('fails when the gateway is rendered with the Gateway API (gateway-api), whatever its class', () => {
      const { chart, gateway, frontend } = shopEdge(GatewayRendering.gatewayApi());
      gateway.addRoute('frontend', { backend: GatewayBackend.service(frontend), rateLimit: LIMIT });
      expect(synthProblems(chart)).toEqual([
        expect.stringMatching(/^\[test\/edge\] route 'frontend' has a rate limit, which the standard Gateway API HTTPRoute \(v1\) has no field for.*\(gateway-api\); drop rateLimit or render the gateway with GatewayRendering.istio\(\)/),
      ]);
    });

    test('fails when the gateway is an Ingress (ingress)', () => {
      const { chart, gateway, frontend } = shopEdge(GatewayRendering.ingress({ ingressClassName: 'nginx' }));
      gateway.addRoute('frontend', { backend: GatewayBackend.service(frontend), rateLimit: LIMIT });
      expect(synthProblems(chart)).toContainEqual(expect.stringMatching(/route 'frontend' has a rate limit, which an Ingress has no field for \(ingress\)/));
    });

    test('fails when another route gets one of the limited route\'s http route names (istio)', () => {
      const { chart, gateway, orders, frontend } = shopEdge(GatewayRendering.istio());
      gateway.addRoute('orders', { matches: [{ path: PathMatch.prefix('/api/orders') }, { path: PathMatch.exact('/cart') }], backend: GatewayBackend.service(orders), rateLimit: LIMIT });
      gateway.addRoute('orders-1', { matches: [{ path: PathMatch.prefix('/legacy') }], backend: GatewayBackend.service(frontend) });
      expect(synthProblems(chart)).toEqual([
        expect.stringMatching(/route 'orders' has a rate limit, which Istio finds by the name of its http routes, and route 'orders-1' gets one of those names too \(orders-1, orders-2\).*\(istio\); rename one of them/),
      ]);
    });

    test.each([
      ['a burst below the rate', { ...LIMIT, burst: 5 }, /route 'orders' rateLimit burst \(5\) is below requests \(10\)/],
      ['an interval under 50ms', { ...LIMIT, interval: Duration.millis(10) }, /route 'orders' rateLimit interval must be at least 50ms/],
      ['a status Envoy cannot answer with', { ...LIMIT, statusCode: 418 }, /route 'orders' rateLimit statusCode must be one of/],
    ])('fails when the limit has %s', (_, rateLimit, message) => {
      const { gateway, orders } = shopEdge(GatewayRendering.istio());
      const error = validationErrorOf(() => gateway.addRoute('orders', { backend: GatewayBackend.service(orders), rateLimit }));
      expect(error.message).toMatch(message);
    });
  });
});
