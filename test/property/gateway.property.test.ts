import { Duration } from 'cdk8s';
import fc from 'fast-check';
import {
  Gateway,
  GatewayBackend,
  GatewayRendering,
  GatewayRouteProps,
  HeaderMatch,
  HttpMatch,
  IngressPeer,
  ListenerProtocol,
  ListenerTls,
  Microservice,
  PathMatch,
  PathRewrite,
  ValidationError,
} from '../../lib';
import { synthObjects } from '../../lib/testing';
import { digestImage, newChart } from '../fixtures';
import { expectSchemaValid, mostly } from './generators';

const HOSTS = ['shop.example.com', '*.example.com', 'api.example.org'];
const hostnames = mostly(fc.subarray(HOSTS), fc.subarray([...HOSTS, 'Bad.Host', '10.0.0.1', 'other.example.net'], { minLength: 1 }));
const listenerHosts = mostly(fc.subarray(HOSTS, { minLength: 1 }), fc.constant<string[]>(['*.*.example.com']));
const pathValue = mostly(fc.constantFrom('/', '/api', '/api/orders', '/v1/x', '/a%20b'), fc.constantFrom('api', '/a%zz', '/a//b'));
const path = fc.oneof(
  pathValue.map((v) => PathMatch.prefix(v)),
  pathValue.map((v) => PathMatch.exact(v)),
  mostly(fc.constantFrom('/r/[0-9]+', '/v[12]/.*'), fc.constantFrom('(?=x)', '[')).map((v) => PathMatch.regex(v)),
);
const match: fc.Arbitrary<HttpMatch> = fc.record(
  {
    path,
    headers: fc.constantFrom([HeaderMatch.exact('x-beta', '1')], [HeaderMatch.regex('user-agent', '.*bot.*')]),
    method: mostly(fc.constantFrom('GET' as const, 'POST' as const), fc.constant('FETCH' as never)),
  },
  { requiredKeys: [] },
);
const rewritePath = fc.oneof(
  mostly(fc.constantFrom('/', '/v2'), fc.constant('v2')).map((v) => PathRewrite.prefix(v)),
  mostly(fc.constantFrom('/index.html'), fc.constant('index')).map((v) => PathRewrite.full(v)),
);
const weight = mostly(fc.integer({ min: 0, max: 1000 }), fc.constantFrom(-1, 1.5));
const route = fc.record({
  name: mostly(fc.constantFrom('orders', 'cart', 'web', 'old', 'api'), fc.constantFrom('Bad', '')),
  hostnames,
  matches: fc.array(match, { maxLength: 3 }),
  target: fc.constantFrom('service', 'revisions', 'external', 'redirect'),
  weights: fc.tuple(weight, weight),
  rewrite: fc.option(fc.record({ path: rewritePath }), { nil: undefined }),
  timeoutSeconds: fc.option(mostly(fc.integer({ min: 1, max: 60 }), fc.constant(0)), { nil: undefined }),
  retries: fc.boolean(),
  mirrorPercent: fc.option(mostly(fc.constantFrom(10, 12.5, 100), fc.constantFrom(0, 150)), { nil: undefined }),
});
const scenario = fc.record({
  rendering: fc.constantFrom(GatewayRendering.GATEWAY_API, GatewayRendering.ISTIO),
  listenerHosts,
  redirect: fc.boolean(),
  routes: fc.array(route, { maxLength: 4 }),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer S> ? S : never;

/** Builds and synthesizes the gateway; the objects, or the ValidationError it was refused with. */
function synthesize(s: Scenario) {
  const chart = newChart();
  try {
    const orders = new Microservice(chart, 'orders', {
      image: digestImage(),
      ports: [{ port: 80, containerPort: 8080 }],
      allowIngressFrom: [IngressPeer.namespace('test')],
    });
    const canary = orders.addRevision('canary', { image: digestImage('ghcr.io/acme/app', 'b') });
    const preview = orders.addRevision('preview', { image: digestImage('ghcr.io/acme/app', 'c') });
    const gateway = new Gateway(chart, 'edge', {
      rendering: s.rendering,
      listeners: {
        https: { protocol: ListenerProtocol.HTTPS, hostnames: s.listenerHosts, tls: ListenerTls.fromSecret('edge-tls') },
        ...(s.redirect ? { http: { protocol: ListenerProtocol.HTTP, hostnames: s.listenerHosts, redirectToHttps: true } } : {}),
      },
    });
    for (const r of s.routes) {
      const props: GatewayRouteProps = {
        hostnames: r.hostnames,
        matches: r.matches,
        rewrite: r.target === 'redirect' ? undefined : r.rewrite,
        redirect: r.target === 'redirect' ? { path: r.rewrite?.path ?? PathRewrite.full('/moved') } : undefined,
        backend: r.target === 'service'
          ? GatewayBackend.service(orders)
          : r.target === 'revisions'
            ? GatewayBackend.revisions(orders, [{ revision: orders.revisions[0], weight: r.weights[0] }, { revision: canary, weight: r.weights[1] }])
            : r.target === 'external' ? GatewayBackend.external({ name: 'partner', hostname: 'partner.example.net' }) : undefined,
        timeout: r.timeoutSeconds === undefined || r.target === 'redirect' ? undefined : Duration.seconds(r.timeoutSeconds),
        retries: r.retries && r.target !== 'redirect' ? { attempts: 2 } : undefined,
        mirror: r.mirrorPercent === undefined || r.target === 'redirect' ? undefined : { revision: preview, percentage: r.mirrorPercent },
      };
      gateway.addRoute(r.name, props);
    }
    return { objects: synthObjects(chart) };
  } catch (error) {
    if (error instanceof ValidationError) {
      return { error };
    }
    throw error;
  }
}

describe('Gateway under generated listeners and routes', () => {
  test('accepted input gives schema-valid objects in both renderings; rejected input a ValidationError with the path; nothing else escapes', () => {
    let accepted = 0;
    fc.assert(
      fc.property(scenario, (s) => {
        const result = synthesize(s);
        if (result.error) {
          expect(result.error.path.startsWith('test')).toBe(true);
          return;
        }
        accepted++;
        expectSchemaValid(result.objects);
      }),
      { numRuns: 300, seed: 5 },
    );
    expect(accepted).toBeGreaterThan(20);
  });
});
