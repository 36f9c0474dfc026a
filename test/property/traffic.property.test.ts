import fc from 'fast-check';
import { CircuitBreaker, Manifest, Mesh, MeshProvider, Microservice, Revision, RouteProps, ServicePortProps, ServiceRoutes } from '../../lib';
import { findObject, findObjects } from '../../lib/testing';
import { newChart } from '../fixtures';
import { checkConstructProperty, ScenarioBuild } from './harness/check-property';
import { checkDeterministic } from './harness/deterministic';
import { circuitBreaker, route, RouteChoice } from './traffic-generators';
import { digest, gen, withDefect } from './workload-generators';

/** Generated routing tables, each rendered by one mesh: for properties 1-3, and built twice for determinism. */
const NUM_RUNS = { valid: 1000, deterministic: 200 };
/** Percent of tables, and of their routes, with one invalid prop. */
const DEFECT_PERCENT = { table: 10, route: 8 };

const ROUTE_NAMES = ['tester', 'beta', 'api', 'mobile'];

interface TableScenario {
  readonly provider: 'istio' | 'linkerd';
  readonly ports: ServicePortProps[];
  /** The service's revisions: the first and up to two more. */
  readonly revisions: number;
  readonly inMesh: boolean;
  readonly circuitBreaker?: CircuitBreaker;
  /** Targeted routes, then (mostly) the catch-all 'default'. */
  readonly routes: readonly { readonly name: string; readonly route: RouteChoice }[];
  /** A second routing table for the service (refused). */
  readonly secondTable: boolean;
}

const scenario: fc.Arbitrary<TableScenario> = fc.integer({ min: 1, max: 3 }).chain((revisions) => {
  const targeted = fc.uniqueArray(fc.constantFrom(...ROUTE_NAMES), { maxLength: 3 }).chain((names) =>
    fc.tuple(...names.map((name) => route(revisions, true, DEFECT_PERCENT.route).map((r) => ({ name, route: r })))),
  );
  const catchAll = route(revisions, false, DEFECT_PERCENT.route).map((r) => [{ name: 'default', route: r }]);
  const routes = gen(
    fc.tuple(targeted, fc.oneof({ arbitrary: catchAll, weight: 20 }, { arbitrary: fc.constant([]), weight: 1 })).map(([t, c]) => [...t, ...c]),
    fc.oneof(
      // a bad route name, a name twice, a route after the catch-all
      catchAll.map((c) => [{ ...c[0], name: 'Default' }]),
      catchAll.map((c) => [...c, { ...c[0], name: 'default' }]),
      catchAll.chain((c) => route(revisions, true, 0).map((r) => [...c, { name: 'late', route: r }])),
    ),
  );
  return withDefect<TableScenario>(
    {
      provider: gen(fc.constantFrom('istio' as const, 'linkerd' as const)),
      ports: gen(
        fc.constantFrom<ServicePortProps[]>(
          [{ port: 80, containerPort: 8080 }],
          [{ port: 80 }, { name: 'grpc', port: 9090 }],
          [{ name: 'dns', port: 53, protocol: 'UDP' }, { port: 80 }],
        ),
        // nothing to route; nothing Linkerd can route (UDP only)
        fc.constantFrom<ServicePortProps[]>([], [{ name: 'dns', port: 53, protocol: 'UDP' }]),
      ),
      revisions: gen(fc.constant(revisions)),
      inMesh: gen(fc.constant(true), fc.constant(false)),
      // Linkerd refuses connection pool limits: one table in four has a breaker
      circuitBreaker: gen(
        fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: circuitBreaker.valid, weight: 1 }),
        circuitBreaker.invalid,
      ),
      routes,
      secondTable: gen(fc.constant(false), fc.constant(true)),
    },
    DEFECT_PERCENT.table,
  );
});

const build: ScenarioBuild<TableScenario> = (s, b) => {
  const chart = newChart();
  const mesh = b.step('test/mesh', () => new Mesh(chart, 'mesh', { provider: s.provider === 'istio' ? MeshProvider.istio() : MeshProvider.linkerd() }));
  // no NetworkPolicy: the routes are under test, and fewer objects make more cases per second
  const reviews = b.step('test/reviews', () =>
    new Microservice(chart, 'reviews', { image: digest('a'), ports: s.ports, mesh: s.inMesh ? mesh : undefined, track: 'v1', networkPolicy: false }),
  );
  const revisions: Revision[] = [reviews.revisions[0]];
  for (let i = 1; i < s.revisions; i++) {
    revisions.push(b.step('test/reviews', () => reviews.addRevision(`v${i + 1}`, { image: digest(String(i + 1)) })));
  }
  // index -1: a revision of another service, made when a route names it
  let ratings: Microservice | undefined;
  const foreign = () => {
    ratings ??= b.step('test/ratings', () => new Microservice(chart, 'ratings', { image: digest('f'), networkPolicy: false }));
    return ratings.revisions[0];
  };
  const revision = (index: number) => (index < 0 ? foreign() : revisions[index]);
  const routes = b.step('test/routes', () => new ServiceRoutes(chart, 'routes', { service: reviews, circuitBreaker: s.circuitBreaker }));
  for (const { name, route } of s.routes) {
    const props: RouteProps = {
      ...route,
      backends: route.backends.map((backend) => ({ revision: revision(backend.revision), weight: backend.weight })),
      mirror: route.mirror && { revision: revision(route.mirror.revision), percentage: route.mirror.percentage },
    };
    b.step('test/routes', () => routes.addRoute(name, props));
  }
  if (s.secondTable) {
    b.step('test/routes2', () => new ServiceRoutes(chart, 'routes2', { service: reviews }));
  }
  return chart;
};

const spec = (o: Manifest) => o.spec as any;

/** The routing objects point at what exists: subsets and per-revision Services, weights as each mesh reads them. */
function checkRouting(s: TableScenario, objects: readonly Manifest[]): void {
  if (s.provider === 'istio') {
    const http = spec(findObject(objects, { kind: 'VirtualService', name: 'reviews' })).http as any[];
    const subsets = (spec(findObject(objects, { kind: 'DestinationRule', name: 'reviews' })).subsets as any[]).map((x) => x.name);
    expect(http.map((r) => r.name)).toEqual(s.routes.map((r) => r.name));
    for (const r of http) {
      expect(r.route.reduce((sum: number, d: any) => sum + d.weight, 0)).toBe(100);
      expect(r.route.every((d: any) => subsets.includes(d.destination.subset))).toBe(true);
    }
    return;
  }
  const services = findObjects(objects, { kind: 'Service' }).map((o) => o.metadata.name);
  const httpRoutes = findObjects(objects, { kind: 'HTTPRoute' });
  expect(httpRoutes).toHaveLength(s.ports.filter((p) => (p.protocol ?? 'TCP') === 'TCP').length);
  for (const httpRoute of httpRoutes) {
    expect(spec(httpRoute).rules).toHaveLength(s.routes.length);
    for (const rule of spec(httpRoute).rules) {
      expect(rule.backendRefs.every((ref: any) => services.includes(ref.name))).toBe(true);
    }
  }
}

describe('ServiceRoutes under generated routes, rendered by Istio and by Linkerd', () => {
  test('schema-valid routing objects that point at what exists, or a ValidationError naming the table; nothing else escapes', () => {
    const tally = checkConstructProperty(scenario, build, { numRuns: NUM_RUNS.valid, seed: 4242, check: checkRouting });
    tally.expectBothWays();
    tally.expectRefusals(
      /uses fault injection, which linkerd cannot express/,
      /mirrors requests to revision .* which linkerd cannot express/,
      /injects faults and also sets a timeout or retries/,
      /retry differently/,
      /linkerd prefers its match/,
      /no catch-all route/,
      /comes after the catch-all/,
      /already exists on reviews/,
      /is not in a mesh/,
      /exposes no ports/,
      /already has a routing table/,
      /has no TCP port/,
      /connection pool limit, which linkerd cannot express/,
      /^circuitBreaker\./,
      /weight .* would round to 0%|every backend has weight 0/,
      /header name .* cannot be written into a manifest/,
    );
  });

  test('the same routes synthesize byte-identical YAML, or the same refusal', () => {
    checkDeterministic(scenario, build, { numRuns: NUM_RUNS.deterministic, seed: 4243 });
  });
});
