import { Duration } from 'cdk8s';
import { GatewayBackend, GatewayRendering, PathMatch, ServerlessFunction } from '../../../lib';
import { findObjects, synthObjects } from '../../../lib/testing';
import { digestImage, validationErrorOf } from '../../fixtures';
import { shopEdge, specOf, synthProblems } from './fixtures';

const COOKIE = { cookie: { name: 'shop-session', ttl: Duration.hours(1), path: '/' } };

describe('session affinity of gateway routes', () => {
  test('Istio rendering: a DestinationRule per Service for the gateway pods only, hashing by the cookie', () => {
    const { chart, gateway, orders, frontend } = shopEdge(GatewayRendering.istio());
    gateway.addRoute('orders', { matches: [{ path: PathMatch.prefix('/api/orders') }], backend: GatewayBackend.service(orders), sessionAffinity: COOKIE });
    gateway.addRoute('frontend', { backend: GatewayBackend.service(frontend) });
    const rules = findObjects(synthObjects(chart), { kind: 'DestinationRule' });
    expect(rules.map((r) => r.metadata.name)).toEqual(['edge-orders-affinity']);
    expect(specOf(chart, 'DestinationRule', 'edge-orders-affinity')).toEqual({
      host: 'orders.test.svc.cluster.local',
      exportTo: ['.'],
      workloadSelector: { matchLabels: { istio: 'ingressgateway' } },
      trafficPolicy: { loadBalancer: { consistentHash: { httpCookie: { name: 'shop-session', ttl: '3600s', path: '/' } } } },
    });
  });

  test('Istio rendering: a split across revisions pins within each revision\'s Service', () => {
    const { chart, gateway, orders, stable, canary } = shopEdge(GatewayRendering.istio());
    gateway.addRoute('orders', {
      backend: GatewayBackend.revisions(orders, [{ revision: stable, weight: 90 }, { revision: canary, weight: 10 }]),
      sessionAffinity: { header: 'x-user' },
    });
    const rules = findObjects(synthObjects(chart), { kind: 'DestinationRule' }).filter((r) => r.metadata.name!.startsWith('edge-'));
    expect(rules.map((r) => [(r.spec as any).host, (r.spec as any).trafficPolicy.loadBalancer.consistentHash])).toEqual([
      [`${stable.name}.test.svc.cluster.local`, { httpHeaderName: 'x-user' }],
      [`${canary.name}.test.svc.cluster.local`, { httpHeaderName: 'x-user' }],
    ]);
  });

  describe('what is refused', () => {
    test('fails when another route sends to the same Service without the same affinity (istio)', () => {
      const { chart, gateway, orders } = shopEdge(GatewayRendering.istio());
      gateway.addRoute('orders', { matches: [{ path: PathMatch.prefix('/api/orders') }], backend: GatewayBackend.service(orders), sessionAffinity: COOKIE });
      gateway.addRoute('legacy', { matches: [{ path: PathMatch.prefix('/legacy') }], backend: GatewayBackend.service(orders) });
      expect(synthProblems(chart)).toEqual([
        expect.stringMatching(/route 'legacy' sends to orders with no session affinity than route 'orders', but the gateway's proxies hash requests per Service \(istio/),
      ]);
    });

    test('fails when the Gateway API renders the gateway (sessionPersistence is experimental only)', () => {
      const { chart, gateway, orders } = shopEdge(GatewayRendering.gatewayApi());
      gateway.addRoute('orders', { backend: GatewayBackend.service(orders), sessionAffinity: COOKIE });
      expect(synthProblems(chart)).toEqual([
        expect.stringMatching(/route 'orders' pins sessions, which the Gateway API has in its experimental channel only \(sessionPersistence, v1.6\).*\(gateway-api\)/),
      ]);
    });

    test('fails when the gateway is an Ingress (ingress)', () => {
      const { chart, gateway, orders } = shopEdge(GatewayRendering.ingress({ ingressClassName: 'nginx' }));
      gateway.addRoute('orders', { backend: GatewayBackend.service(orders), sessionAffinity: COOKIE });
      expect(synthProblems(chart)).toContainEqual(expect.stringMatching(/route 'orders' pins sessions, which an Ingress has no field for \(ingress\)/));
    });

    test('fails when the route sends to a function, which Knative\'s ingress fronts (istio)', () => {
      const chart = shopEdge(GatewayRendering.istio());
      const fn = new ServerlessFunction(chart.chart, 'quote', { image: digestImage('ghcr.io/acme/fn') });
      chart.gateway.addRoute('quote', { backend: fn, sessionAffinity: COOKIE });
      expect(synthProblems(chart.chart)).toEqual([expect.stringMatching(/route 'quote' pins sessions to function 'quote', which the gateway reaches through Knative's ingress \(istio\)/)]);
    });

    test('fails when the affinity is malformed', () => {
      const { gateway, orders } = shopEdge(GatewayRendering.istio());
      const error = validationErrorOf(() => gateway.addRoute('orders', { backend: GatewayBackend.service(orders), sessionAffinity: { header: 'x-user', sourceIp: true } }));
      expect(error.message).toMatch(/route 'orders'.sessionAffinity/);
    });
  });
});
