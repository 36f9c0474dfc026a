import { App, Chart } from 'cdk8s';
import fc from 'fast-check';
import { Mesh, MeshProvider, Microservice, Monitoring, ObserveProps } from '../../lib';
import { synthObjects } from '../../lib/testing';
import { digestImage } from '../fixtures';
import { expectAcceptable } from './harness/accepted-objects';
import { Build } from './harness/build';
import { outcomeOf } from './harness/outcome';
import { expectWellFormedRefusal } from './harness/refusal';

/** Generated observed services per run of the default test suite. */
const RUNS = 200;

const ISTIO_BUCKETS_MS = [0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];
const LINKERD_BUCKETS_MS = [1, 2, 3, 4, 5, 10, 20, 30, 40, 50, 100, 200, 300, 400, 500, 1000, 2000, 5000];
const APP_BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];
const APP_METRICS = { requestsTotal: 'http_requests_total', latencySeconds: 'http_request_duration_seconds' };

interface Scenario {
  readonly mesh: 'istio' | 'linkerd' | 'consul' | 'none';
  readonly canary: boolean;
  /** The name of the service's HTTP port; Consul proxies a port as TCP unless it is named for HTTP (refused). */
  readonly portName: string;
  readonly props: ObserveProps;
}

const percent = fc.oneof(
  { weight: 12, arbitrary: fc.double({ min: 50, max: 99.999, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(0, 100, 120, -5) },
);

/** Mostly what the mesh needs, sometimes what it refuses. */
const usually = <T>(right: T | undefined, wrong: T | undefined) => fc.constantFrom(right, right, right, right, right, wrong);

const MESHES = ['istio', 'linkerd', 'consul', 'none'] as const;

const scenarios: fc.Arbitrary<Scenario> = fc.constantFrom(...MESHES).chain((mesh) => fc.record({
  mesh: fc.constant(mesh),
  canary: fc.boolean(),
  portName: mesh === 'consul' ? fc.constantFrom('http', 'http', 'http', 'grpc', 'http2-api', 'tcp-orders') : fc.constant('http'),
  props: fc.record({
    metricsPort: mesh === 'none'
      ? usually('metrics', undefined).map((p) => p ?? 'admin')
      // a Consul service has one port: its HTTP port
      : mesh === 'consul' ? fc.constantFrom(undefined, undefined, undefined, 'admin') : fc.constantFrom(undefined, undefined, undefined, 'metrics', 'http', 'admin'),
    appMetrics: mesh === 'none' ? usually(APP_METRICS, undefined) : usually(undefined, APP_METRICS),
    slo: fc.option(fc.record({
      availabilityPercent: fc.option(percent, { nil: undefined }),
      latency: fc.option(fc.record({
        percent,
        thresholdMilliseconds: fc.oneof(
          { weight: 8, arbitrary: fc.constantFrom(...bucketsOf(mesh)) },
          { weight: 1, arbitrary: fc.constantFrom(0, 7, 333, 2, 25) },
        ),
      }), { nil: undefined }),
    }), { nil: undefined }),
    tracing: mesh === 'istio'
      ? fc.option(fc.record({ provider: fc.constant('otel-tracing'), samplingPercentage: fc.constantFrom(0, 1, 10, 100, 100, 150) }, { requiredKeys: ['provider'] }), { nil: undefined })
      : usually(undefined, { provider: 'jaeger' }),
    accessLogProvider: mesh === 'istio' ? fc.option(fc.constant('envoy'), { nil: undefined }) : usually(undefined, 'envoy'),
    dashboard: fc.option(fc.boolean(), { nil: undefined }),
  }),
}));

/** The latency buckets of a mesh's histogram, in ms (Consul's Envoy has Istio's, Envoy's defaults). */
function bucketsOf(mesh: Scenario['mesh']): number[] {
  return mesh === 'istio' || mesh === 'consul' ? ISTIO_BUCKETS_MS : mesh === 'linkerd' ? LINKERD_BUCKETS_MS : APP_BUCKETS_MS;
}

/** Whether the library must accept the scenario: the rules README "Observability" states. */
function acceptable({ mesh, portName, props }: Scenario): boolean {
  const inRange = (p: number) => p > 0 && p < 100;
  const buckets = bucketsOf(mesh);
  const latency = props.slo?.latency;
  return (mesh === 'none' ? props.appMetrics !== undefined && props.metricsPort !== undefined : props.appMetrics === undefined)
    && props.metricsPort !== 'admin'
    && !portName.startsWith('tcp')
    && (props.slo?.availabilityPercent === undefined || inRange(props.slo.availabilityPercent))
    && (latency === undefined || (inRange(latency.percent) && buckets.includes(latency.thresholdMilliseconds)))
    && ((props.tracing === undefined && props.accessLogProvider === undefined) || mesh === 'istio')
    && (props.tracing?.samplingPercentage === undefined || props.tracing.samplingPercentage <= 100);
}

function build(scenario: Scenario, b: Build): Chart {
  const chart = new Chart(new App(), 'test', { namespace: 'test' });
  const providers = { istio: MeshProvider.istio, linkerd: MeshProvider.linkerd, consul: MeshProvider.consul };
  const mesh = scenario.mesh === 'none' ? undefined : new Mesh(chart, 'mesh', { provider: providers[scenario.mesh]() });
  const http = { name: scenario.portName, port: 8080 };
  // Consul proxies a service's one port
  const ports = scenario.mesh === 'consul' ? [http] : [http, { name: 'metrics', port: 9090 }];
  const orders = new Microservice(chart, 'orders', { image: digestImage(), ports, mesh });
  if (scenario.canary) {
    orders.addRevision('canary', { image: digestImage('ghcr.io/acme/app', 'b') });
  }
  const monitoring = b.step('test/monitoring', () => new Monitoring(chart, 'monitoring'));
  b.step('test/monitoring', () => monitoring.observe(orders, scenario.props));
  return chart;
}

test('observe: accepted exactly when valid; accepted → schema-valid objects; refused → a ValidationError naming Monitoring', () => {
  let accepted = 0;
  let refused = 0;
  const acceptedIn = new Set<Scenario['mesh']>();
  fc.assert(
    fc.property(scenarios, (scenario) => {
      const outcome = outcomeOf((b) => build(scenario, b));
      expect({ accepted: outcome.accepted, scenario }).toEqual({ accepted: acceptable(scenario), scenario });
      if (outcome.accepted) {
        accepted++;
        acceptedIn.add(scenario.mesh);
        expectAcceptable(outcome.objects);
        const kinds = new Set(outcome.objects.map((o) => o.kind));
        expect([kinds.has('PodMonitor'), kinds.has('PrometheusRule')]).toEqual([true, true]);
      } else {
        refused++;
        expectWellFormedRefusal(outcome.error, outcome.expected);
      }
    }),
    { numRuns: RUNS, seed: 16 },
  );
  expect(accepted).toBeGreaterThan(RUNS / 4);
  expect([...acceptedIn].sort()).toEqual([...MESHES].sort());
  expect(refused).toBeGreaterThan(RUNS / 10);
});

test('observe: the same stack gives the same objects', () => {
  fc.assert(
    fc.property(scenarios.filter(acceptable), (scenario) => {
      const once = synthObjects(build(scenario, new Build()));
      expect(synthObjects(build(scenario, new Build()))).toEqual(once);
    }),
    { numRuns: RUNS / 4, seed: 16 },
  );
});
