import { App, Chart, Duration } from 'cdk8s';
import {
  HeaderMatch,
  IngressPeer,
  Manifest,
  Mesh,
  MeshProvider,
  Microservice,
  PathMatch,
  RetryOn,
  ServiceRoutes,
} from '../../lib';
import { synthObjects } from '../../lib/testing';
import { expectAcceptedAndLive } from './apply-checked';
import { applyServerSide, deleteNamespace, getLive, kubectlOk, liveResourceVersion, resourceType } from './kubectl';

const NAMESPACE = 'linkerd-mesh';
const image = (seed: string) => `ghcr.io/acme/app@sha256:${seed.repeat(64)}`;

/**
 * A small app in a Linkerd mesh using every object the provider emits:
 * frontend (public) → orders (stable + canary, routed) → payments (two
 * ports, also reachable from the ingress namespace).
 */
function linkerdApp(): Chart {
  const chart = new Chart(new App(), 'linkerd-app', { namespace: NAMESPACE });
  const mesh = new Mesh(chart, 'Mesh', { provider: MeshProvider.linkerd() });
  const payments = new Microservice(chart, 'payments', {
    image: image('a'),
    ports: [{ port: 80, containerPort: 8080 }, { name: 'admin', port: 9090 }],
    mesh,
    allowIngressFrom: [IngressPeer.namespace('ingress')],
  });
  const orders = new Microservice(chart, 'orders', { image: image('b'), ports: [{ port: 80, containerPort: 8080 }], mesh, dependencies: [payments] });
  const canary = orders.addRevision('canary', { image: image('c') });
  new Microservice(chart, 'frontend', {
    image: image('d'),
    ports: [{ port: 80, containerPort: 8080 }],
    mesh,
    dependencies: [orders],
    allowIngressFrom: [IngressPeer.anywhere()],
  });

  const routes = new ServiceRoutes(chart, 'OrdersRoutes', {
    service: orders,
    circuitBreaker: { outlierDetection: { consecutiveErrors: 5, baseEjectionTime: Duration.seconds(30), maxEjectionPercent: 100 } },
  });
  const retries = { attempts: 2, perTryTimeout: Duration.millis(800), retryOn: [RetryOn.GATEWAY_ERROR] };
  routes.addRoute('checkout', {
    matches: [{ path: PathMatch.exact('/api/checkout'), method: 'POST' }],
    backends: [{ revision: orders.revisions[0] }],
    timeout: Duration.seconds(10),
    retries,
  });
  routes.addRoute('testers', {
    matches: [{ headers: [HeaderMatch.exact('end-user', 'jason')] }, { path: PathMatch.regex('/api/v[0-9]+/orders') }],
    backends: [{ revision: canary }],
    headers: { request: { set: { 'x-canary': 'true' }, remove: ['x-debug'] }, response: { add: { 'x-served-by': 'canary' } } },
    timeout: Duration.seconds(2),
    retries,
  });
  routes.addRoute('default', {
    backends: [{ revision: orders.revisions[0], weight: 90 }, { revision: canary, weight: 10 }],
    timeout: Duration.millis(1500),
    retries,
  });
  return chart;
}

beforeAll(() => {
  if (getLive('namespace', NAMESPACE) === undefined) {
    kubectlOk(['create', 'namespace', NAMESPACE]);
  }
});

afterAll(() => {
  deleteNamespace(NAMESPACE);
});

describe('the Linkerd mesh provider against the real API server (Linkerd CRDs installed)', () => {
  const objects = synthObjects(linkerdApp());
  const linkerdObjects = objects.filter((o) => o.apiVersion.startsWith('policy.linkerd.io/'));

  test('the Linkerd CRDs are installed, so the objects are validated against their schemas', () => {
    for (const crd of ['servers', 'httproutes', 'authorizationpolicies', 'meshtlsauthentications', 'networkauthentications']) {
      expect(getLive('crd', `${crd}.policy.linkerd.io`)?.status?.conditions?.find((c: any) => c.type === 'Established')?.status).toBe('True');
    }
    expect(new Set(linkerdObjects.map((o) => o.kind))).toEqual(
      new Set(['Server', 'MeshTLSAuthentication', 'NetworkAuthentication', 'AuthorizationPolicy', 'HTTPRoute']),
    );
  });

  test('every object passes a server-side dry run with strict field validation, then is applied and live', () => {
    expectAcceptedAndLive(objects);
  });

  test('the live Linkerd objects keep every field the provider wrote (nothing pruned as unknown)', () => {
    for (const object of linkerdObjects) {
      const live = getLive(resourceType(object), object.metadata.name!, NAMESPACE)!;
      expect({ object: `${object.kind}/${object.metadata.name}`, spec: live.spec }).toMatchObject({
        object: `${object.kind}/${object.metadata.name}`,
        spec: object.spec as Record<string, unknown>,
      });
      expect(live.metadata.annotations ?? {}).toMatchObject((object.metadata.annotations ?? {}) as Record<string, string>);
    }
    const stable = getLive('service', 'orders', NAMESPACE)!;
    expect(stable.metadata.annotations).toMatchObject({
      'balancer.linkerd.io/failure-accrual': 'consecutive',
      'balancer.linkerd.io/failure-accrual-consecutive-max-failures': '5',
      'balancer.linkerd.io/failure-accrual-consecutive-min-penalty': '30s',
    });
  });

  test('applying the same synthesis again changes nothing (deterministic output, no drift)', () => {
    const again = synthObjects(linkerdApp());
    const before = again.map((o: Manifest) => liveResourceVersion(o));
    const applied = applyServerSide(again);
    expect(applied.status).toBe(0);
    expect(again.map((o: Manifest) => liveResourceVersion(o))).toEqual(before);
  });

  test('the API server rejects the forms the provider refuses: a mirror filter and more than 16 rules', () => {
    const route = linkerdObjects.find((o) => o.kind === 'HTTPRoute')!;
    const spec = route.spec as any;
    const mirrored = {
      ...route,
      metadata: { name: 'mirrored', namespace: NAMESPACE },
      spec: { ...spec, rules: [{ ...spec.rules[0], filters: [{ type: 'RequestMirror', requestMirror: { backendRef: { name: 'orders', port: 80 } } }] }] },
    };
    const mirror = applyServerSide([mirrored], { dryRun: true });
    expect(mirror.status).not.toBe(0);
    expect(mirror.stderr).toMatch(/requestMirror: field not declared in schema|RequestMirror/);

    const tooMany = { ...route, metadata: { name: 'too-many', namespace: NAMESPACE }, spec: { ...spec, rules: Array.from({ length: 17 }, () => spec.rules[0]) } };
    const rules = applyServerSide([tooMany], { dryRun: true });
    expect(rules.status).not.toBe(0);
    expect(rules.stderr).toMatch(/rules: Too many|must have at most 16/);
  });
});
