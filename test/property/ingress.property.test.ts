import { App, Chart, Duration } from 'cdk8s';
import fc from 'fast-check';
import {
  CertificateIssuer,
  Gateway,
  GatewayBackend,
  GatewayRendering,
  GatewayRouteProps,
  HeaderMatch,
  HttpMatch,
  IngressPeer,
  ListenerProps,
  ListenerProtocol,
  ListenerTls,
  Manifest,
  Microservice,
  PathMatch,
  PathRewrite,
  QueryParamMatch,
} from '../../lib';
import { digestImage } from '../fixtures';
import { checkCases } from './harness/check-cases';
import { checkDeterministic } from './harness/deterministic';
import { Case } from './planted-defects';

/** Generated gateways per run: each checked once, some built twice for determinism. */
const INGRESS_RUNS = 400;
const INGRESS_DETERMINISM_RUNS = 100;
const GATEWAY_PATH = 'test/edge';
const SERVICES = ['web', 'api', 'admin'] as const;
const HOSTS = ['shop.example.com', 'api.example.com', 'example.org'];

/** A route as generated: its name, hostnames, matches (paths under `/<name>`), and the service it sends to. */
interface IngressRoute {
  readonly name: string;
  readonly hostnames?: readonly string[];
  readonly matches?: readonly HttpMatch[];
  readonly service: (typeof SERVICES)[number];
  /** Props the Ingress cannot express, when one is planted. */
  readonly extra?: Partial<GatewayRouteProps>;
}

/** A gateway rendered as an Ingress, as generated. */
interface IngressScenario {
  readonly listeners: Readonly<Record<string, ListenerProps>>;
  readonly routes: readonly IngressRoute[];
  /** The second revision of `web` a planted split sends to. */
  readonly split?: boolean;
}

const path = (name: string) => fc.oneof(
  fc.constantFrom('', '/v1', '/v1/items', '/healthz').map((rest) => PathMatch.prefix(`/${name}${rest}`)),
  fc.constantFrom('', '/status', '/a.b').map((rest) => PathMatch.exact(`/${name}${rest}`)),
);

/** Listeners an Ingress serves: HTTP on 80 and HTTPS on 443, plain hostnames (or none), TLS from a Secret or cert-manager. */
const listeners: fc.Arbitrary<Record<string, ListenerProps>> = fc.record({
  http: fc.option(fc.subarray(HOSTS), { nil: undefined }),
  https: fc.option(fc.record({ hostnames: fc.subarray(HOSTS, { minLength: 1 }), certManager: fc.boolean() }), { nil: undefined }),
}).filter((l) => l.http !== undefined || l.https !== undefined).map(({ http, https }) => ({
  ...(http === undefined ? {} : { http: { protocol: ListenerProtocol.HTTP, hostnames: http } }),
  ...(https === undefined ? {} : {
    https: {
      protocol: ListenerProtocol.HTTPS,
      hostnames: https.hostnames,
      tls: https.certManager ? ListenerTls.fromCertManager(CertificateIssuer.clusterIssuer('letsencrypt')) : ListenerTls.fromSecret('edge-tls'),
    },
  }),
}));

/** Routes with distinct names (`r0`, `r1`, …) whose paths never collide: each under its own name; only the first may match everything. */
const routes = (hosts: readonly string[]): fc.Arbitrary<IngressRoute[]> => fc.array(fc.record({
  hostnames: fc.option(hosts.length === 0 ? fc.constant<string[]>([]) : fc.subarray([...hosts], { minLength: 1 }), { nil: undefined }),
  matchCount: fc.nat(2),
  service: fc.constantFrom(...SERVICES),
}), { minLength: 1, maxLength: 4 }).chain((specs) => fc.tuple(...specs.map((spec, i) => {
  const count = i === 0 ? spec.matchCount : Math.max(1, spec.matchCount);
  return fc.array(path(`r${i}`), { minLength: count, maxLength: count })
  .filter((paths) => new Set(paths.map((p) => `${p.type} ${p.value}`)).size === paths.length)
  .map((paths): IngressRoute => ({
    name: `r${i}`,
    hostnames: spec.hostnames?.length ? spec.hostnames : undefined,
    matches: paths.length === 0 ? undefined : paths.map((p) => ({ path: p })),
    service: spec.service,
  }));
})));

/** One thing an Ingress cannot express, planted into a valid scenario. */
const plantings: ReadonlyArray<[string, (s: IngressScenario) => IngressScenario]> = [
  ['a gRPC listener', (s) => ({ ...s, listeners: { ...s.listeners, grpc: { protocol: ListenerProtocol.GRPC, port: 9000 } } })],
  ['HTTP on port 8080', (s) => ({ ...s, listeners: { ...s.listeners, alt: { protocol: ListenerProtocol.HTTP, port: 8080, hostnames: ['alt.example.net'] } } })],
  ['an HTTPS redirect', (s) => ({
    ...s,
    listeners: {
      ...s.listeners,
      redirect: { protocol: ListenerProtocol.HTTP, hostnames: ['moved.example.net'], redirectToHttps: true },
      secure: { protocol: ListenerProtocol.HTTPS, hostnames: ['moved.example.net'], tls: ListenerTls.fromSecret('moved-tls') },
    },
  })],
  ['a wildcard hostname', (s) => ({ ...s, listeners: { ...s.listeners, wild: { protocol: ListenerProtocol.HTTPS, port: 443, hostnames: ['*.example.net'], tls: ListenerTls.fromSecret('wild-tls') } } })],
  ['a weighted split', (s) => ({ ...s, split: true })],
  ['a header match', (s) => withFirst(s, (r) => ({ ...r, matches: [{ path: PathMatch.prefix(`/${r.name}`), headers: [HeaderMatch.exact('x-beta', 'on')] }] }))],
  ['a method match', (s) => withFirst(s, (r) => ({ ...r, matches: [{ path: PathMatch.prefix(`/${r.name}`), method: 'POST' }] }))],
  ['a query match', (s) => withFirst(s, (r) => ({ ...r, matches: [{ path: PathMatch.prefix(`/${r.name}`), queryParams: [QueryParamMatch.exact('v', '2')] }] }))],
  ['a regular-expression path', (s) => withFirst(s, (r) => ({ ...r, matches: [{ path: PathMatch.regex(`/${r.name}/v[0-9]+`) }] }))],
  ['an encoded slash', (s) => withFirst(s, (r) => ({ ...r, matches: [{ path: PathMatch.prefix(`/${r.name}%2Fx`) }] }))],
  ['a path rewrite', (s) => withFirst(s, (r) => ({ ...r, extra: { rewrite: { path: PathRewrite.full('/') } } }))],
  ['a header change', (s) => withFirst(s, (r) => ({ ...r, extra: { headers: { request: { set: { 'x-edge': 'ingress' } } } } }))],
  ['a timeout', (s) => withFirst(s, (r) => ({ ...r, extra: { timeout: Duration.seconds(5) } }))],
  ['a redirect', (s) => ({ ...s, routes: [...s.routes, { name: 'moved', matches: [{ path: PathMatch.prefix('/moved') }], service: 'web', extra: { redirect: { path: PathRewrite.full('/new') } } }] })],
];

function withFirst(s: IngressScenario, change: (r: IngressRoute) => IngressRoute): IngressScenario {
  return { ...s, routes: [change(s.routes[0]), ...s.routes.slice(1)] };
}

/** Valid Ingress scenarios; one in three with one planted defect, owned by the gateway. */
const scenarios: fc.Arbitrary<Case<IngressScenario>> = listeners.chain((l) => {
  const hosts = [...new Set(Object.values(l).flatMap((x) => x.hostnames ?? []))];
  const anyHost = Object.values(l).some((x) => (x.hostnames ?? []).length === 0);
  return routes(anyHost ? [] : hosts).map((r): IngressScenario => ({ listeners: l, routes: r }));
}).chain((scenario) => fc.oneof(
  { weight: 2, arbitrary: fc.constant<Case<IngressScenario>>({ value: scenario, defects: [] }) },
  { weight: 1, arbitrary: fc.constantFrom(...plantings).map(([what, plant]) =>
     ({ value: plant(scenario), defects: [{ owner: GATEWAY_PATH, what }] })) },
));

function build(s: IngressScenario): Chart {
  const chart = new Chart(new App(), 'test', { namespace: 'test' });
  const services = new Map(SERVICES.map((name, i) => [name, new Microservice(chart, name, {
    image: digestImage('ghcr.io/acme/app', 'abc'[i]),
    ports: [{ port: 80, containerPort: 8080 }],
    allowIngressFrom: [IngressPeer.namespace('ingress-nginx')],
  })]));
  const gateway = new Gateway(chart, 'edge', { rendering: GatewayRendering.ingress({ ingressClassName: 'nginx' }), listeners: s.listeners });
  for (const route of s.routes) {
    const service = services.get(route.service)!;
    const backend = route.extra?.redirect !== undefined ? undefined : GatewayBackend.service(service);
    gateway.addRoute(route.name, { hostnames: route.hostnames, matches: route.matches, backend, ...route.extra });
  }
  if (s.split) {
    const web = services.get('web')!;
    const canary = web.addRevision('canary', { image: digestImage('ghcr.io/acme/app', 'd') });
    const backend = GatewayBackend.revisions(web, [{ revision: web.revisions[0], weight: 9 }, { revision: canary, weight: 1 }]);
    gateway.addRoute('split', { matches: [{ path: PathMatch.prefix('/split') }], backend });
  }
  return chart;
}

/** An accepted gateway made one Ingress, a path per match (or `/`) per host each route serves, to the route's Service. */
function expectIngress(s: IngressScenario, objects: readonly Manifest[]): void {
  const ingresses = objects.filter((o) => o.kind === 'Ingress');
  expect(ingresses).toHaveLength(1);
  type IngressSpec = { rules: Array<{ host?: string; http: { paths: Array<{ path: string; backend: { service: { name: string } } }> } }> };
  const spec = ingresses[0].spec as IngressSpec;
  const listed = Object.values(s.listeners);
  for (const route of s.routes) {
    const paths = (route.matches ?? [{ path: PathMatch.prefix('/') }]).map((m) => m.path!.value);
    const everyHost = listed.some((l) => (l.hostnames ?? []).length === 0);
    const hosts = everyHost ? [undefined] : route.hostnames ?? [...new Set(listed.flatMap((l) => l.hostnames ?? []))];
    for (const host of hosts) {
      const rule = spec.rules.find((r) => r.host === host);
      const found = rule?.http.paths.filter((p) => p.backend.service.name === route.service).map((p) => p.path) ?? [];
      if (!paths.every((p) => found.includes(p))) {
        expect({ route: route.name, host, paths: found }).toEqual({ route: route.name, host, paths: expect.arrayContaining(paths) });
      }
    }
  }
}

describe('Gateway rendered as an Ingress, under generated listeners and routes', () => {
  test('valid gateways give one schema-valid Ingress with every route\'s paths; each planted feature an Ingress lacks is refused at the gateway', () => {
    const tally = checkCases(scenarios, build, {
      numRuns: INGRESS_RUNS, seed: 21, owners: [GATEWAY_PATH], exact: true, check: expectIngress,
      features: (s) => [...Object.keys(s.listeners), ...s.routes.flatMap((r) => (r.matches ?? []).map((m) => m.path!.type))],
    });
    tally.expectBothWays();
    tally.expectFeatures(['http', 'https', 'Exact', 'PathPrefix'], 40);
  });

  test('synthesis is deterministic: the same scenario in two fresh apps gives byte-identical YAML, or the same refusal', () => {
    checkDeterministic(scenarios, (c) => build(c.value), { numRuns: INGRESS_DETERMINISM_RUNS, seed: 22 });
  });
});
