import fc from 'fast-check';
import {
  CircuitBreaker, EndUserAuthentication, LoadBalancing, LocalityFailover, LocalRateLimit, Manifest, Mesh, MESH_DEFAULT_RETRIES, MeshProvider,
  Microservice,
  Revision, RouteProps, ServicePortProps,
  ServiceRoutes,
} from '../../lib';
import { findObject, findObjects } from '../../lib/testing';
import { newChart } from '../fixtures';
import { checkConstructProperty, ScenarioBuild } from './harness/check-property';
import { checkDeterministic } from './harness/deterministic';
import { authentication, circuitBreaker, loadBalancing, localityFailover, rateLimit, route, RouteChoice } from './traffic-generators';
import { digest, gen, withDefect } from './workload-generators';

/** Generated routing tables, each rendered by one mesh: for properties 1-3, and built twice for determinism. */
const NUM_RUNS = { valid: 1200, deterministic: 200 };
/** Percent of tables, and of their routes, with one invalid prop. */
const DEFECT_PERCENT = { table: 10, route: 8 };

const ROUTE_NAMES = ['tester', 'beta', 'api', 'mobile'];

/** A TCP route of the table: a port by name (or none), and backends by revision index (-1: another service's). */
interface TcpRouteChoice {
  readonly port?: string;
  readonly backends: readonly { readonly revision: number; readonly weight?: number }[];
}

const PROVIDERS = {
  istio: () => MeshProvider.istio(),
  'istio-gateway-api': () => MeshProvider.istio({ routes: 'gateway-api' }),
  linkerd: () => MeshProvider.linkerd(),
  consul: () => MeshProvider.consul(),
} as const;

interface TableScenario {
  readonly provider: keyof typeof PROVIDERS;
  readonly ports: ServicePortProps[];
  /** The service's revisions: the first and up to two more. */
  readonly revisions: number;
  readonly inMesh: boolean;
  readonly circuitBreaker?: CircuitBreaker;
  /** End-user authentication of the service (Linkerd refuses it). */
  readonly authentication?: EndUserAuthentication;
  /** A local rate limit of the service (Linkerd refuses it). */
  readonly rateLimit?: LocalRateLimit;
  /** Load balancing of the service (Linkerd refuses it). */
  readonly loadBalancing?: LoadBalancing;
  /** Locality failover of the service (Linkerd refuses it; Istio without outlier detection). */
  readonly localityFailover?: LocalityFailover;
  /** One revision's own load balancing, by revision index (-1: another service's): Istio's subset policy; the others refuse it. */
  readonly revisionLoadBalancing?: { readonly revision: number; readonly loadBalancing: LoadBalancing };
  /** Targeted routes, then (mostly) the catch-all 'default'. */
  readonly routes: readonly { readonly name: string; readonly route: RouteChoice }[];
  /** A second routing table for the service (refused). */
  readonly secondTable: boolean;
  /** A TCP route, after the HTTP routes. */
  readonly tcpRoute?: TcpRouteChoice;
}

/** A TCP route to the service's TCP port: valid, or with an unknown or non-TCP-named port, or a foreign revision. */
const tcpRoute = (revisions: number) => gen<TcpRouteChoice | undefined>(
  fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 2 },
    {
      arbitrary: fc.record({
        port: fc.constant('tcp-db'),
        backends: fc.uniqueArray(fc.integer({ min: 0, max: revisions - 1 }), { minLength: 1, maxLength: revisions })
          .chain((indexes) => fc.tuple(...indexes.map((revision) => fc.integer({ min: 1, max: 100 }).map((weight) => ({ revision, weight }))))),
      }),
      weight: 1,
    },
  ),
  fc.oneof(
    fc.constant({ port: 'postgres', backends: [{ revision: 0 }] }),
    fc.constant({ port: 'http', backends: [{ revision: 0 }] }),
    fc.constant({ port: 'tcp-db', backends: [{ revision: -1 }] }),
  ),
);

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
      // Istio's Gateway API form refuses retry policies and circuit breakers: one table in five
      provider: gen(fc.constantFrom<keyof typeof PROVIDERS>('istio', 'istio', 'istio-gateway-api', 'linkerd', 'linkerd', 'consul')),
      // Consul proxies one TCP port per service: one table in two has one port
      ports: gen(
        fc.oneof(
          { arbitrary: fc.constant<ServicePortProps[]>([{ port: 80, containerPort: 8080 }]), weight: 3 },
          {
            arbitrary: fc.constantFrom<ServicePortProps[]>(
              [{ port: 80 }, { name: 'grpc', port: 9090 }],
              [{ name: 'dns', port: 53, protocol: 'UDP' }, { port: 80 }],
              [{ port: 80 }, { name: 'tcp-db', port: 5432 }],
            ),
            weight: 3,
          },
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
      // Linkerd refuses both: one table in six has each
      authentication: gen(
        fc.oneof({ arbitrary: fc.constant(undefined), weight: 5 }, { arbitrary: authentication.valid, weight: 1 }),
        authentication.invalid,
      ),
      rateLimit: gen(fc.oneof({ arbitrary: fc.constant(undefined), weight: 5 }, { arbitrary: rateLimit.valid, weight: 1 }), rateLimit.invalid),
      // Linkerd refuses both: one table in six has each
      loadBalancing: gen(
        fc.oneof({ arbitrary: fc.constant(undefined), weight: 5 }, { arbitrary: loadBalancing.valid, weight: 1 }),
        loadBalancing.invalid,
      ),
      localityFailover: gen(
        fc.oneof({ arbitrary: fc.constant(undefined), weight: 5 }, { arbitrary: localityFailover.valid, weight: 1 }),
        localityFailover.invalid,
      ),
      routes,
      secondTable: gen(fc.constant(false), fc.constant(true)),
      tcpRoute: tcpRoute(revisions),
      // Linkerd, Consul and Istio's Gateway API form refuse it: one table in six has one
      revisionLoadBalancing: gen(
        fc.oneof(
          { arbitrary: fc.constant(undefined), weight: 5 },
          { arbitrary: fc.record({ revision: fc.integer({ min: 0, max: revisions - 1 }), loadBalancing: loadBalancing.valid }), weight: 1 },
        ),
        fc.oneof(
          fc.record({ revision: fc.integer({ min: 0, max: revisions - 1 }), loadBalancing: loadBalancing.invalid! }),
          loadBalancing.valid.map((lb) => ({ revision: -1, loadBalancing: lb })),
        ),
      ),
    },
    DEFECT_PERCENT.table,
  );
});

const build: ScenarioBuild<TableScenario> = (s, b) => {
  const chart = newChart();
  const mesh = b.step('test/mesh', () => new Mesh(chart, 'mesh', { provider: PROVIDERS[s.provider]() }));
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
  const routes = b.step('test/routes', () => new ServiceRoutes(chart, 'routes', {
    service: reviews, circuitBreaker: s.circuitBreaker, authentication: s.authentication, rateLimit: s.rateLimit,
    loadBalancing: s.loadBalancing, localityFailover: s.localityFailover,
  }));
  if (s.revisionLoadBalancing !== undefined) {
    const own = s.revisionLoadBalancing;
    b.step('test/routes', () => routes.addRevisionLoadBalancing(revision(own.revision), own.loadBalancing));
  }
  for (const { name, route } of s.routes) {
    const props: RouteProps = {
      ...route,
      backends: route.backends.map((backend) => ({ revision: revision(backend.revision), weight: backend.weight })),
      mirror: route.mirror && { revision: revision(route.mirror.revision), percentage: route.mirror.percentage },
      // Istio's Gateway API form retries by Istio's defaults: a route without retries keeps them
      retries: route.retries ?? (s.provider === 'istio-gateway-api' ? MESH_DEFAULT_RETRIES : undefined),
    };
    b.step('test/routes', () => routes.addRoute(name, props));
  }
  const tcp = tcpRouteOf(s);
  if (tcp !== undefined) {
    const { port, backends } = tcp;
    b.step('test/routes', () => routes.addTcpRoute('db', { port, backends: backends.map((x) => ({ revision: revision(x.revision), weight: x.weight })) }));
  }
  if (s.secondTable) {
    b.step('test/routes2', () => new ServiceRoutes(chart, 'routes2', { service: reviews }));
  }
  return chart;
};

const spec = (o: Manifest) => o.spec as any;

/** The scenario's TCP route, left out when it is a valid one and the service has no port for it. */
function tcpRouteOf(s: TableScenario): TcpRouteChoice | undefined {
  return s.tcpRoute?.port === 'tcp-db' && s.tcpRoute.backends[0].revision >= 0 && !s.ports.some((p) => p.name === 'tcp-db') ? undefined : s.tcpRoute;
}

/** The routing objects point at what exists: subsets and per-revision Services, weights as each mesh reads them. */
function checkRouting(s: TableScenario, objects: readonly Manifest[]): void {
  if (s.provider === 'consul') {
    checkConsulRouting(s, objects);
    return;
  }
  if (s.provider !== 'linkerd') {
    // Istio, either form: the service's token requirement and rate limit are there, on its pods
    expect(findObjects(objects, { kind: 'RequestAuthentication', name: 'reviews' })).toHaveLength(s.authentication ? 1 : 0);
    const requiresToken = (s.authentication?.require ?? [{}]).length > 0;
    expect(findObjects(objects, { kind: 'AuthorizationPolicy', name: 'reviews-require-token' })).toHaveLength(s.authentication && requiresToken ? 1 : 0);
    expect(findObjects(objects, { kind: 'EnvoyFilter', name: 'reviews-local-rate-limit' })).toHaveLength(s.rateLimit ? 1 : 0);
  }
  const services = findObjects(objects, { kind: 'Service' }).map((o) => o.metadata.name);
  if (s.provider === 'istio') {
    // a table of a circuit breaker alone is a DestinationRule alone
    const virtualService = findObjects(objects, { kind: 'VirtualService', name: 'reviews' }).map(spec)[0] ?? {};
    const http = (virtualService.http ?? []) as any[];
    expect(((virtualService.tcp ?? []) as any[]).map((r) => r.match)).toEqual(tcpRouteOf(s) ? [[{ port: 5432 }]] : []);
    const rule = spec(findObject(objects, { kind: 'DestinationRule', name: 'reviews' }));
    const subsets = (rule.subsets as any[]).map((x) => x.name);
    // load balancing and locality failover are the rule's loadBalancer, a revision's own its subset's
    expect(rule.trafficPolicy.loadBalancer !== undefined).toBe(s.loadBalancing !== undefined || s.localityFailover !== undefined);
    expect((rule.subsets as any[]).map((x) => x.trafficPolicy?.loadBalancer !== undefined))
      .toEqual(subsets.map((_, i) => s.revisionLoadBalancing?.revision === i));
    expect(http.map((r) => r.name)).toEqual(s.routes.map((r) => r.name));
    for (const r of http) {
      expect(r.route.reduce((sum: number, d: any) => sum + d.weight, 0)).toBe(100);
      expect(r.route.every((d: any) => subsets.includes(d.destination.subset))).toBe(true);
    }
    return;
  }
  const httpRoutes = findObjects(objects, { kind: 'HTTPRoute' });
  const httpPorts = s.ports.filter((p) => (p.protocol ?? 'TCP') === 'TCP' && (s.provider === 'linkerd' || !p.name?.startsWith('tcp')));
  expect(httpRoutes).toHaveLength(s.routes.length > 0 ? httpPorts.length : 0);
  for (const tcp of findObjects(objects, { kind: 'TCPRoute' })) {
    expect(spec(tcp).rules[0].backendRefs.every((ref: any) => services.includes(ref.name))).toBe(true);
  }
  for (const httpRoute of httpRoutes) {
    expect(spec(httpRoute).rules).toHaveLength(s.routes.length);
    for (const rule of spec(httpRoute).rules) {
      expect(rule.backendRefs.every((ref: any) => services.includes(ref.name))).toBe(true);
    }
  }
}

/** The tables Consul accepted and checkConsulRouting checked, and of those the ones with a split service and with JWTProviders. */
let consulAccepted = 0;
let consulSplits = 0;
let consulTokens = 0;

/**
 * Consul's discovery chain points at what exists: a subset per revision,
 * router routes to those subsets or to a split service, splits of 100% to
 * subsets; a token requirement names the JWTProvider of each issuer.
 */
function checkConsulRouting(s: TableScenario, objects: readonly Manifest[]): void {
  consulAccepted++;
  const subsets = Object.keys(spec(findObject(objects, { kind: 'ServiceResolver', name: 'reviews' })).subsets);
  expect(subsets).toHaveLength(s.revisions);
  const router = findObjects(objects, { kind: 'ServiceRouter', name: 'reviews' }).map(spec)[0];
  expect(router !== undefined).toBe(s.routes.length > 0);
  const splitters = new Map(findObjects(objects, { kind: 'ServiceSplitter' }).map((o) => [o.metadata.name!, spec(o)]));
  for (const { destination } of router?.routes ?? []) {
    expect(destination.serviceSubset === undefined || subsets.includes(destination.serviceSubset)).toBe(true);
    // a matched route to several revisions goes to its split service, which has a splitter and the service's protocol
    if (destination.service !== undefined) {
      expect(splitters.has(destination.service)).toBe(true);
      expect(findObject(objects, { kind: 'ServiceDefaults', name: destination.service }).spec).toEqual({ protocol: 'http' });
    }
  }
  for (const [name, splitter] of splitters) {
    expect(splitter.splits.reduce((sum: number, split: any) => sum + split.weight, 0)).toBe(100);
    expect(splitter.splits.every((split: any) => subsets.includes(split.serviceSubset) && (split.service ?? 'reviews') === 'reviews')).toBe(true);
    expect(name === 'reviews' || name.startsWith('reviews-split-')).toBe(true);
  }
  const providers = findObjects(objects, { kind: 'JWTProvider' }).map((o) => spec(o).issuer);
  expect(providers).toEqual(s.authentication?.issuers.map((i) => i.issuer) ?? []);
  consulSplits += splitters.size > 1 ? 1 : 0;
  consulTokens += providers.length > 0 ? 1 : 0;
}

describe("ServiceRoutes under generated routes, rendered by Istio (both forms), Linkerd and Consul", () => {
  test('schema-valid routing objects that point at what exists, or a ValidationError naming the table; nothing else escapes', () => {
    const tally = checkConstructProperty(scenario, build, { numRuns: NUM_RUNS.valid, seed: 4242, check: checkRouting });
    // Consul refuses much of the model (one TCP port per service, faults, mirrors, per-try timeouts, claims
    // copied into headers, rate limits and locality failover outside Enterprise), so a quarter of the tables are accepted rather than the usual 30%
    tally.expectBothWays(0.25);
    expect(consulAccepted).toBeGreaterThanOrEqual(5);
    expect({ consulSplits: consulSplits > 0, consulTokens: consulTokens > 0 }).toEqual({ consulSplits: true, consulTokens: true });
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
      /asks for JWT validation, which linkerd cannot express/,
      /asks for a local rate limit, which linkerd cannot express/,
      /^authentication (issuer|require|lists|has no)/,
      /regular-expression path .* which an Istio AuthorizationPolicy cannot scope by/,
      /^rateLimit (requests|burst|interval|statusCode)/,
      /weight .* would round to 0%|every backend has weight 0/,
      /header name .* cannot be written into a manifest/,
      /TCP route 'db' of reviews splits connections .* which linkerd cannot express/,
      /TCP route 'db' port '(postgres|http)' is not a port of reviews/,
      /TCP route 'db' of reviews takes port 'http', which istio does not read as TCP/,
      /injects faults, which istio \(gateway-api routes\) cannot express/,
      /sets its own retries, which istio \(gateway-api routes\) cannot express/,
      /circuit breaker, which istio \(gateway-api routes\) cannot apply/,
      /has no routes and no service policy/,
      /^loadBalancing( |\.)(sets|is empty|sessionAffinity|slowStart must|algorithm must)/,
      /^localityFailover( is empty|\.| sets distribute)/,
      /cannot be expressed in linkerd: linkerd balances every service by EWMA/,
      /localityFailover of reviews cannot be expressed in linkerd/,
      /localityFailover of reviews fails over without circuitBreaker\.outlierDetection, which istio ignores/,
      /sets (loadBalancing|localityFailover), which istio \(gateway-api routes\) cannot apply/,
      /^revision 'v\d' loadBalancing( |\.)(sets|is empty|sessionAffinity|slowStart must|algorithm must)/,
      /^addRevisionLoadBalancing revision '.*' is not a live revision of reviews/,
      /revision 'v\d' of reviews has load balancing of its own, which istio \(gateway-api routes\) cannot apply/,
      /revision 'v\d' of reviews has load balancing of its own, but no route sends to it, and istio applies a subset's policy only/,
      /but consul registers a pod through a Service with one TCP port/,
      /(which consul cannot express|cannot be expressed in consul|in Consul Enterprise only)/,
    );
  });

  test('the same routes synthesize byte-identical YAML, or the same refusal', () => {
    checkDeterministic(scenario, build, { numRuns: NUM_RUNS.deterministic, seed: 4243 });
  });
});
