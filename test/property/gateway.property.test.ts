import { App, Chart } from 'cdk8s';
import {
  Gateway,
  GatewayBackend,
  GatewayRendering,
  IGatewayBackend,
  IngressPeer,
  ListenerProps,
  Manifest,
  Microservice,
  ServerlessFunction,
} from '../../lib';
import { digestImage } from '../fixtures';
import { BackendChoice, GATEWAY_PATH, GatewayScenario, gatewayScenarios, ListenerSpec, RouteSpec, Track } from './gateway-generators';
import { checkCases } from './harness/check-cases';
import { checkDeterministic } from './harness/deterministic';
import { owned } from './planted-defects';

/** Generated gateways per run of the default test suite: checked once each, and some built twice for determinism. */
const GATEWAY_RUNS = 1000;
const GATEWAY_DETERMINISM_RUNS = 250;

/** The services a scenario routes to, made the first time a route names them. */
class World {
  private made = new Map<string, unknown>();
  private appsChart: Chart | undefined;

  constructor(private readonly chart: Chart) {}

  /** The charts to synthesize: the gateway's, and 'apps' when a route sends there. */
  public get charts(): Chart[] {
    return this.appsChart === undefined ? [this.chart] : [this.chart, this.appsChart];
  }

  public get orders(): Microservice {
    return this.once('orders', () => new Microservice(this.chart, 'orders', web('a')));
  }

  public get rpc(): Microservice {
    return this.once('rpc', () => new Microservice(this.chart, 'rpc', {
      ...web('d'),
      ports: [{ name: 'grpc', port: 9090, containerPort: 9090 }, { name: 'web', port: 80, containerPort: 8080 }],
    }));
  }

  /** The database the stream routes send to, a TCP port admitting the gateway's namespace. */
  public get ordersDb(): Microservice {
    return this.once('orders-db', () => new Microservice(this.chart, 'orders-db', { ...web('0'), ports: [{ name: 'tcp-postgres', port: 5432 }] }));
  }

  public get thumbs(): ServerlessFunction {
    return this.once('thumbs', () => new ServerlessFunction(this.chart, 'thumbs', { image: digestImage('ghcr.io/acme/fn', 'e') }));
  }

  public catalog(admitted: boolean): Microservice {
    return this.once(`catalog-${admitted}`, () => new Microservice(this.apps, admitted ? 'catalog' : 'closed', {
      ...web('f'),
      allowIngressFrom: admitted ? [IngressPeer.namespace('test')] : [],
    }));
  }

  public get resize(): ServerlessFunction {
    return this.once('resize', () => new ServerlessFunction(this.apps, 'resize', { image: digestImage('ghcr.io/acme/fn', '1') }));
  }

  /** A revision of `orders`: its first ('stable'), or one added when first named (a canary, a preview). */
  public revision(track: Track) {
    const orders = this.orders;
    const seed = { stable: 'a', canary: 'b', preview: 'c' }[track];
    return orders.revisions.find((r) => r.track === track) ?? orders.addRevision(track, { image: digestImage('ghcr.io/acme/app', seed) });
  }

  private get apps(): Chart {
    this.appsChart ??= new Chart(this.chart.node.scope!, 'apps', { namespace: 'apps' });
    return this.appsChart;
  }

  private once<T>(key: string, make: () => T): T {
    if (!this.made.has(key)) {
      this.made.set(key, make());
    }
    return this.made.get(key) as T;
  }
}

/** A web service on port 80 that admits the gateway's namespace. */
function web(seed: string) {
  return { image: digestImage('ghcr.io/acme/app', seed), ports: [{ port: 80, containerPort: 8080 }], allowIngressFrom: [IngressPeer.namespace('test')] };
}

function backendOf(choice: BackendChoice, world: World): IGatewayBackend {
  switch (choice.kind) {
    case 'service':
      return GatewayBackend.service(world.orders, { port: choice.port });
    case 'revisions': {
      const backends = choice.tracks.map((track, i) => ({ revision: world.revision(track), weight: choice.weights[i] }));
      const foreign = choice.foreign ? [{ revision: world.rpc.revisions[0], weight: 1 }] : [];
      return GatewayBackend.revisions(world.orders, [...backends, ...foreign]);
    }
    case 'grpc-service':
      return GatewayBackend.service(world.rpc, { port: choice.port });
    case 'external':
      return GatewayBackend.external({ name: choice.name, hostname: choice.hostname, port: choice.port });
    case 'function':
      return world.thumbs;
    case 'remote-service':
      return GatewayBackend.service(world.catalog(choice.admitted));
    case 'remote-function':
      return world.resize;
  }
}

function listenerProps(l: ListenerSpec): ListenerProps {
  const { protocol, port, hostnames, tls, redirectToHttps, authentication } = l;
  return { protocol, port, hostnames, tls, redirectToHttps, authentication };
}

function addRoute(gateway: Gateway, route: RouteSpec, world: World): void {
  const mirror = route.mirror && { revision: world.revision(route.mirror.track), percentage: route.mirror.percentage };
  const { hostnames, headers, timeout, retries, rateLimit } = route;
  const common = { hostnames, headers, timeout, retries, mirror, rateLimit };
  if (route.kind === 'grpc') {
    gateway.addGrpcRoute(route.name, { ...common, matches: route.matches, backend: backendOf(route.backend, world) });
    return;
  }
  gateway.addRoute(route.name, {
    ...common,
    matches: route.matches,
    backend: route.backend && backendOf(route.backend, world),
    redirect: route.redirect,
    rewrite: route.rewrite,
    authentication: route.authentication,
  });
}

/** Builds the scenario in a fresh app: the gateway at test/edge, the services its routes name. */
function build(s: GatewayScenario): Chart[] {
  const chart = new Chart(new App(), 'test', { namespace: 'test' });
  const world = new World(chart);
  const gateway = new Gateway(chart, 'edge', {
    ...s.gateway,
    listeners: s.listenersInProps ? Object.fromEntries(s.listeners.map((l) => [l.name, listenerProps(l)])) : undefined,
  });
  if (!s.listenersInProps) {
    s.listeners.forEach((l) => gateway.addListener(l.name, listenerProps(l)));
  }
  s.routes.forEach((route) => addRoute(gateway, route, world));
  if (s.streams) {
    gateway.addTcpRoute('postgres', { backend: GatewayBackend.service(world.ordersDb) });
    gateway.addTlsRoute('orders-db', { hostnames: ['orders.db.example.com'], backend: GatewayBackend.service(world.ordersDb) });
  }
  if (s.lateListener !== undefined) {
    gateway.addListener(s.lateListener.name, listenerProps(s.lateListener));
  }
  return world.charts;
}

/** Lists the API server keeps as sets or maps (Gateway API `x-kubernetes-list-type`) hold each item once. */
function expectUniqueListItems(objects: readonly Manifest[]): void {
  const visit = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, `${path}[${i}]`));
      return;
    }
    if (value === null || typeof value !== 'object') {
      return;
    }
    for (const [key, child] of Object.entries(value)) {
      const items = key === 'remove' ? child : key === 'set' || key === 'add' || key === 'listeners' ? child.map?.((x: { name?: string }) => x.name) : undefined;
      if (Array.isArray(items) && new Set(items).size !== items.length) {
        expect({ at: `${path}.${key}`, duplicates: items.filter((x, i) => items.indexOf(x) !== i) }).toEqual({ at: `${path}.${key}`, duplicates: [] });
      }
      visit(child, `${path}.${key}`);
    }
  };
  for (const object of objects.filter((o) => o.apiVersion.startsWith('gateway.networking.k8s.io/'))) {
    visit(object.spec, `${object.kind}/${object.metadata.name}.spec`);
  }
}

/** What an accepted gateway must have made: one route object per route (Gateway API) and a grant per remote namespace. */
function expectRendering(s: GatewayScenario, objects: readonly Manifest[]): void {
  expectUniqueListItems(objects);
  const kinds = objects.map((o) => `${o.apiVersion.split('/')[0]}/${o.kind}`);
  const remote = s.routes.some((r) => r.backend?.kind === 'remote-service' || r.backend?.kind === 'remote-function');
  if (s.gateway.rendering === GatewayRendering.GATEWAY_API) {
    const redirects = s.listeners.filter((l) => l.redirectToHttps).length;
    expect(kinds.filter((k) => k.endsWith('Route')).length).toBe(s.routes.length + redirects + (s.streams ? 2 : 0));
    expect(kinds.includes('gateway.networking.k8s.io/ReferenceGrant')).toBe(remote);
  } else {
    expect(kinds.filter((k) => k.startsWith('gateway.networking.k8s.io'))).toEqual([]);
    expect(kinds.filter((k) => k === 'networking.istio.io/Gateway')).toHaveLength(1);
  }
}

describe('Gateway under generated gateways, listeners and routes', () => {
  test('accepted input gives schema-valid objects the API server accepts in both renderings; rejected input a ValidationError at the gateway; nothing else escapes', () => {
    const tally = checkCases(owned(GATEWAY_PATH, gatewayScenarios), build, {
      numRuns: GATEWAY_RUNS, seed: 5, owners: [GATEWAY_PATH], check: expectRendering,
      features: (s) => [
        s.gateway.rendering, ...s.listeners.map((l) => l.protocol), ...s.routes.map((r) => `${r.kind} route`),
        ...s.routes.map((r) => (r.kind === 'http' && r.redirect !== undefined ? 'redirect' : `to ${r.backend!.kind}`)),
        ...s.listeners.map((l) => (l.tls === undefined ? 'no tls' : l.tls.issuer === undefined ? 'tls secret' : 'cert-manager')),
        ...s.routes.filter((r) => r.kind === 'http' && r.authentication !== undefined).map(() => 'route authentication'),
        ...s.listeners.filter((l) => l.authentication !== undefined).map(() => 'listener authentication'),
        ...s.routes.filter((r) => r.rateLimit !== undefined).map(() => 'rate limit'),
        ...(s.streams ? ['tcp and tls routes'] : []),
      ],
    });
    tally.expectBothWays();
    tally.expectFeatures(['gateway-api', 'istio', 'HTTP', 'HTTPS', 'GRPC', 'http route', 'grpc route', 'redirect', 'tls secret', 'cert-manager'], 40);
    tally.expectFeatures(['to service', 'to revisions', 'to grpc-service', 'to external', 'to function', 'to remote-service', 'to remote-function'], 20);
    tally.expectFeatures(['route authentication', 'listener authentication', 'rate limit', 'tcp and tls routes'], 20);
    tally.expectRefusals(
      /has a rate limit, which the standard Gateway API/,
      /authenticates its requests, which the standard Gateway API \(v1\) has no field for/,
      /authentication issuer 1 /,
      /has no authentication or another one than listener/,
      /token requirement, which names no ports/,
    );
  });

  test('synthesis is deterministic: the same scenario in two fresh apps gives byte-identical YAML, or the same refusal', () => {
    checkDeterministic(gatewayScenarios, (c) => build(c.value), { numRuns: GATEWAY_DETERMINISM_RUNS, seed: 6 });
  });
});
