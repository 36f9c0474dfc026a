import fc from 'fast-check';
import { Gateway, GatewayBackend, GatewayRendering, IngressPeer, ListenerProps, ListenerProtocol, Manifest, Microservice } from '../../lib';
import { findObjects } from '../../lib/testing';
import { newChart } from '../fixtures';
import { checkConstructProperty, ScenarioBuild } from './harness/check-property';
import { checkDeterministic } from './harness/deterministic';
import { digest, gen, withDefect } from './workload-generators';

/** Generated gateways with TCP and TLS passthrough routes, in both renderings. */
const NUM_RUNS = { valid: 300, deterministic: 100 };
const DEFECT_PERCENT = 15;

interface StreamScenario {
  readonly rendering: 'gateway-api' | 'istio';
  readonly tcpPort: number;
  readonly tlsPort: number;
  /** The TLS listener's hostnames. */
  readonly tlsHostnames: readonly string[];
  /** The database's revisions: the first and maybe one more. */
  readonly revisions: number;
  /** Weights of the TCP route's backends, one per revision. */
  readonly weights: readonly number[];
  /** The TLS route's SNI hostnames. */
  readonly sniHostnames: readonly string[];
  /** Whether the database admits the gateway's namespace. */
  readonly admitsGateway: boolean;
  /** A second TCP route on the same listener (refused). */
  readonly secondTcpRoute: boolean;
}

const scenario: fc.Arbitrary<StreamScenario> = fc.integer({ min: 1, max: 2 }).chain((revisions) => withDefect<StreamScenario>({
  rendering: gen(fc.constantFrom('gateway-api' as const, 'istio' as const)),
  // a TCP listener on the TLS listener's port (one protocol per port), or out of range
  tcpPort: gen(fc.integer({ min: 1024, max: 8000 }), fc.constantFrom(8443, 0, 70000)),
  tlsPort: gen(fc.constant(8443)),
  tlsHostnames: gen(fc.constantFrom<string[]>(['*.db.example.com'], ['orders.db.example.com', 'carts.db.example.com'], []), fc.constant<string[]>(['Bad_Host'])),
  revisions: gen(fc.constant(revisions)),
  // every weight 0
  weights: gen(fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: revisions, maxLength: revisions }), fc.constant(Array(revisions).fill(0))),
  // no hostname, or one no listener takes
  sniHostnames: gen(fc.constantFrom<string[]>(['orders.db.example.com'], ['carts.db.example.com']), fc.constantFrom<string[]>([], ['db.other.com'])),
  admitsGateway: gen(fc.constant(true), fc.constant(false)),
  secondTcpRoute: gen(fc.constant(false), fc.constant(true)),
}, DEFECT_PERCENT));

const build: ScenarioBuild<StreamScenario> = (s, b) => {
  const chart = newChart();
  const db = b.step('test/orders-db', () => new Microservice(chart, 'orders-db', {
    image: digest('a'),
    ports: [{ name: 'tcp-postgres', port: 5432 }],
    allowIngressFrom: s.admitsGateway ? [IngressPeer.namespace('test')] : [],
  }));
  const revisions = [db.revisions[0]];
  for (let i = 1; i < s.revisions; i++) {
    revisions.push(b.step('test/orders-db', () => db.addRevision(`v${i + 1}`, { image: digest(String(i + 1)) })));
  }
  const listeners: Record<string, ListenerProps> = {
    postgres: { protocol: ListenerProtocol.TCP, port: s.tcpPort },
    tls: { protocol: ListenerProtocol.TLS_PASSTHROUGH, port: s.tlsPort, hostnames: s.tlsHostnames },
  };
  const rendering = s.rendering === 'istio' ? GatewayRendering.istio() : GatewayRendering.gatewayApi();
  const gateway = b.step('test/edge', () => new Gateway(chart, 'edge', { rendering, listeners }));
  const split = GatewayBackend.revisions(db, revisions.map((revision, i) => ({ revision, weight: s.weights[i] })));
  b.step('test/edge', () => gateway.addTcpRoute('postgres', { backend: split }));
  if (s.secondTcpRoute) {
    b.step('test/edge', () => gateway.addTcpRoute('postgres-2', { backend: GatewayBackend.service(db) }));
  }
  b.step('test/edge', () => gateway.addTlsRoute('orders-db', { hostnames: s.sniHostnames, backend: GatewayBackend.service(db) }));
  return chart;
};

/** The routes forward to Services that exist, on the database's port. */
function checkRouting(s: StreamScenario, objects: readonly Manifest[]): void {
  const services = new Set(findObjects(objects, { kind: 'Service' }).map((o) => o.metadata.name));
  if (s.rendering === 'gateway-api') {
    const routes = [...findObjects(objects, { kind: 'TCPRoute' }), ...findObjects(objects, { kind: 'TLSRoute' })];
    expect(routes).toHaveLength(2);
    for (const route of routes) {
      expect((route.spec as any).rules[0].backendRefs.every((ref: any) => services.has(ref.name) && ref.port === 5432)).toBe(true);
    }
    return;
  }
  const virtualServices = findObjects(objects, { kind: 'VirtualService' }).map((o) => o.spec as any);
  const forwards = virtualServices.flatMap((vs) => [...(vs.tcp ?? []), ...(vs.tls ?? [])]).flatMap((r) => r.route);
  expect(forwards.length).toBeGreaterThan(0);
  expect(forwards.every((f: any) => services.has(f.destination.host.split('.')[0]) && f.destination.port.number === 5432)).toBe(true);
}

describe('Gateway TCP and TLS passthrough routes under generated props, in both renderings', () => {
  test('schema-valid routes that forward to what exists, or a ValidationError naming the gateway; nothing else escapes', () => {
    const tally = checkConstructProperty(scenario, build, { numRuns: NUM_RUNS.valid, seed: 2121, check: checkRouting });
    tally.expectBothWays();
    tally.expectRefusals(
      /share port 8443, but a port takes one protocol/,
      /port must be 1-65535/,
      /hostname must be/,
      /every backend has weight 0/,
      /has no hostnames, and a TLS route is chosen by the SNI hostname/,
      /takes hostname 'db.other.com', which no TLS passthrough listener takes/,
      /both take listener 'postgres', so one of them is never used/,
      /sends to orders-db.*, but/,
    );
  });

  test('the same gateway synthesizes byte-identical YAML, or the same refusal', () => {
    checkDeterministic(scenario, build, { numRuns: NUM_RUNS.deterministic, seed: 2122 });
  });
});
