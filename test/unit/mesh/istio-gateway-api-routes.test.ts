import { Duration } from 'cdk8s';
import {
  HeaderMatch,
  LabelKeys,
  Mesh,
  MESH_DEFAULT_RETRIES,
  MeshProvider,
  Microservice,
  PathMatch,
  RetryOn,
  ServicePortProps,
  ServiceRoutes,
} from '../../../lib';
import { schemaErrors } from '../../../lib/internal';
import { findObject, findObjects, synthObjects } from '../../../lib/testing';
import { digestImage, newChart, synthProblems } from '../../fixtures';

const HTTP: ServicePortProps = { name: 'http', port: 80, containerPort: 8080 };
const POSTGRES: ServicePortProps = { name: 'tcp-postgres', port: 5432 };
const KEEP = MESH_DEFAULT_RETRIES;

/** `reviews` (revisions stable, canary, preview) called by `frontend`, in an Istio mesh routing through the Gateway API. */
function reviewsRoutes(ports: readonly ServicePortProps[] = [HTTP]) {
  const chart = newChart();
  const mesh = new Mesh(chart, 'mesh', { provider: MeshProvider.istio({ routes: 'gateway-api' }) });
  const reviews = new Microservice(chart, 'reviews', { image: digestImage(), ports, mesh });
  const stable = reviews.revisions[0];
  const canary = reviews.addRevision('canary', { image: digestImage('ghcr.io/acme/app', 'b') });
  const preview = reviews.addRevision('preview', { image: digestImage('ghcr.io/acme/app', 'c') });
  new Microservice(chart, 'frontend', { image: digestImage(), ports: [HTTP], mesh, dependencies: [reviews] });
  const routes = new ServiceRoutes(chart, 'routes', { service: reviews });
  return { chart, reviews, stable, canary, preview, routes };
}

const parent = (port: number) => ({ group: '', kind: 'Service', name: 'reviews', port });

describe("MeshProvider.istio({ routes: 'gateway-api' })", () => {
  test('an HTTPRoute per HTTP port attached to the Service, one named rule per route, backends the per-revision Services', () => {
    const { chart, reviews, stable, canary, routes } = reviewsRoutes();
    routes.addRoute('tester', {
      matches: [{ headers: [HeaderMatch.exact('end-user', 'jason')] }],
      backends: [{ revision: canary }],
      retries: KEEP,
      timeout: Duration.seconds(3),
    });
    routes.addRoute('default', { backends: [{ revision: stable, weight: 90 }, { revision: canary, weight: 10 }], retries: KEEP });
    const objects = synthObjects(chart);
    const route = findObject(objects, { kind: 'HTTPRoute', name: 'reviews-http' });
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(route.metadata).toEqual({ name: 'reviews-http', namespace: 'test', labels: reviews.labels });
    expect(route.spec).toEqual({
      parentRefs: [parent(80)],
      rules: [
        {
          name: 'tester',
          matches: [{ headers: [{ type: 'Exact', name: 'end-user', value: 'jason' }] }],
          backendRefs: [{ name: canary.name, port: 80, weight: 1 }],
          timeouts: { request: '3s' },
        },
        {
          name: 'default',
          matches: [{ path: { type: 'PathPrefix', value: '/' } }],
          backendRefs: [{ name: stable.name, port: 80, weight: 90 }, { name: canary.name, port: 80, weight: 10 }],
        },
      ],
    });
    expect(findObjects(objects, { kind: 'VirtualService' })).toEqual([]);
    expect(findObjects(objects, { kind: 'DestinationRule' })).toEqual([]);
  });

  test('each revision a route sends to gets its own Service, selecting only its pods; others get none', () => {
    const { chart, stable, canary, preview, routes } = reviewsRoutes();
    routes.addRoute('default', { backends: [{ revision: stable }, { revision: canary, weight: 0 }], retries: KEEP });
    const services = findObjects(synthObjects(chart), { kind: 'Service' }).map((s) => s.metadata.name);
    expect(services).toEqual(expect.arrayContaining([stable.name, canary.name]));
    expect(services).not.toContain(preview.name);
    const canaryService = findObject(synthObjects(chart), { kind: 'Service', name: canary.name });
    expect((canaryService.spec as any).selector).toEqual({ [LabelKeys.NAME]: 'reviews', [LabelKeys.REVISION]: canary.revisionId });
  });

  test("the callers' Sidecar admits the per-revision Services the routes send to", () => {
    const { chart, stable, canary, routes } = reviewsRoutes();
    routes.addRoute('default', { backends: [{ revision: stable }, { revision: canary }], retries: KEEP });
    const sidecar = findObject(synthObjects(chart), { kind: 'Sidecar', name: 'frontend' });
    expect((sidecar.spec as any).egress[0].hosts).toEqual([
      'test/reviews.test.svc.cluster.local',
      `test/${stable.name}.test.svc.cluster.local`,
      `test/${canary.name}.test.svc.cluster.local`,
      'istio-system/*',
    ]);
  });

  test('header changes and a mirror become filters; a fractional mirror share a fraction', () => {
    const { chart, stable, preview, routes } = reviewsRoutes();
    routes.addRoute('default', {
      backends: [{ revision: stable }],
      retries: KEEP,
      mirror: { revision: preview, percentage: 12.5 },
      headers: { request: { set: { 'X-Canary': 'true' } }, response: { remove: ['server'] } },
    });
    const rule = (findObject(synthObjects(chart), { kind: 'HTTPRoute', name: 'reviews-http' }).spec as any).rules[0];
    expect(rule.filters).toEqual([
      { type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-canary', value: 'true' }] } },
      { type: 'ResponseHeaderModifier', responseHeaderModifier: { remove: ['server'] } },
      { type: 'RequestMirror', requestMirror: { backendRef: { name: preview.name, port: 80 }, fraction: { numerator: 125000, denominator: 1000000 } } },
    ]);
    const { chart: other, stable: s, preview: p, routes: r } = reviewsRoutes();
    r.addRoute('default', { backends: [{ revision: s }], retries: KEEP, mirror: { revision: p, percentage: 10 } });
    expect((findObject(synthObjects(other), { kind: 'HTTPRoute' }).spec as any).rules[0].filters).toEqual([
      { type: 'RequestMirror', requestMirror: { backendRef: { name: p.name, port: 80 }, percent: 10 } },
    ]);
  });

  test('a TCP route becomes a TCPRoute on its port; the HTTPRoute leaves TCP-named ports alone', () => {
    const { chart, stable, canary, routes } = reviewsRoutes([HTTP, POSTGRES]);
    routes.addRoute('default', { backends: [{ revision: stable }], retries: KEEP });
    routes.addTcpRoute('postgres', { port: 'tcp-postgres', backends: [{ revision: stable, weight: 3 }, { revision: canary, weight: 1 }] });
    const objects = synthObjects(chart);
    expect(findObjects(objects, { kind: 'HTTPRoute' }).map((r) => r.metadata.name)).toEqual(['reviews-http']);
    const tcp = findObject(objects, { kind: 'TCPRoute', name: 'reviews-tcp-postgres' });
    expect(tcp.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(tcp.spec).toEqual({
      parentRefs: [parent(5432)],
      rules: [{ name: 'postgres', backendRefs: [{ name: stable.name, port: 5432, weight: 3 }, { name: canary.name, port: 5432, weight: 1 }] }],
    });
  });

  test('every emitted object passes its schema', () => {
    const { chart, stable, canary, preview, routes } = reviewsRoutes([HTTP, POSTGRES]);
    routes.addRoute('api', {
      matches: [{ path: PathMatch.prefix('/api'), method: 'GET' }],
      backends: [{ revision: canary }],
      retries: KEEP,
      timeout: Duration.seconds(2),
      mirror: { revision: preview, percentage: 50 },
      headers: { request: { add: { 'x-via': 'mesh' } } },
    });
    routes.addRoute('default', { backends: [{ revision: stable }], retries: KEEP });
    routes.addTcpRoute('postgres', { port: 'tcp-postgres', backends: [{ revision: stable }] });
    for (const object of synthObjects(chart)) {
      expect({ object: `${object.kind}/${object.metadata.name}`, problem: schemaErrors(object) }).toEqual({
        object: `${object.kind}/${object.metadata.name}`,
        problem: undefined,
      });
    }
  });
});

describe("what MeshProvider.istio({ routes: 'gateway-api' }) refuses, at synth", () => {
  test('fails when a route has no retries, its own retries or a fault', () => {
    const { chart, stable, routes } = reviewsRoutes();
    routes.addRoute('chaos', {
      matches: [{ path: PathMatch.prefix('/chaos') }],
      backends: [{ revision: stable }],
      fault: { abort: { httpStatus: 503, percentage: 10 } },
      retries: KEEP,
    });
    routes.addRoute('api', { matches: [{ path: PathMatch.prefix('/api') }], backends: [{ revision: stable }], retries: { attempts: 2, retryOn: [RetryOn.RESET] } });
    routes.addRoute('default', { backends: [{ revision: stable }] });
    expect(synthProblems(chart)).toEqual([
      "[test/routes/Mesh] route 'chaos' of reviews injects faults, which istio (gateway-api routes) cannot express (the HTTPRoute has no " +
        "fault filter); drop the fault, or route with MeshProvider.istio({ routes: 'virtual-service' })",
      "[test/routes/Mesh] route 'api' of reviews sets its own retries, which istio (gateway-api routes) cannot express: the standard " +
        "HTTPRoute has no retry field; use retries: MESH_DEFAULT_RETRIES (istio's default), or route with " +
        "MeshProvider.istio({ routes: 'virtual-service' })",
      "[test/routes/Mesh] route 'default' of reviews has no retries, but istio (gateway-api routes) would retry it: the standard HTTPRoute " +
        'has no retry field, so istio applies its default retries (2 attempts on connect-failure, refused-stream, unavailable, cancelled, ' +
        "retriable-status-codes); accept them with retries: MESH_DEFAULT_RETRIES, or route with MeshProvider.istio({ routes: 'virtual-service' })",
    ]);
  });

  test('fails when the service has a circuit breaker', () => {
    const chart = newChart();
    const mesh = new Mesh(chart, 'mesh', { provider: MeshProvider.istio({ routes: 'gateway-api' }) });
    const reviews = new Microservice(chart, 'reviews', { image: digestImage(), ports: [HTTP], mesh });
    const routes = new ServiceRoutes(chart, 'routes', { service: reviews, circuitBreaker: { maxConnections: 10 } });
    routes.addRoute('default', { backends: [{ revision: reviews.revisions[0] }], retries: KEEP });
    expect(synthProblems(chart).join('\n')).toMatch(/reviews has a circuit breaker, which istio \(gateway-api routes\) cannot apply/);
  });

  test('fails when HTTP routes have no HTTP port to attach to', () => {
    const { chart, stable, routes } = reviewsRoutes([POSTGRES]);
    routes.addRoute('default', { backends: [{ revision: stable }], retries: KEEP });
    expect(synthProblems(chart)).toEqual([
      '[test/routes/Mesh] reviews has HTTP routes but no port istio reads as HTTP (its ports are all UDP, SCTP or named for TCP), so ' +
        'istio (gateway-api routes) has no Service port to attach an HTTPRoute to; add an HTTP port or drop the HTTP routes',
    ]);
  });

  test('fails when a TCP route takes a port istio does not read as TCP', () => {
    const { chart, stable, routes } = reviewsRoutes([HTTP, { name: 'postgres', port: 5432 }]);
    routes.addTcpRoute('db', { port: 'postgres', backends: [{ revision: stable }] });
    expect(synthProblems(chart).join('\n')).toMatch(/TCP route 'db' of reviews takes port 'postgres', which istio does not read as TCP/);
  });

  test("fails when the routes prop is not one of the renderings, at the Mesh", () => {
    const chart = newChart();
    expect(() => new Mesh(chart, 'mesh', { provider: MeshProvider.istio({ routes: 'virtualservice' as any }) })).toThrow(
      /MeshProvider.istio props routes must be one of 'virtual-service', 'gateway-api'/,
    );
  });
});
