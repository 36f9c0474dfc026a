import { spawnSync } from 'child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Chart } from 'cdk8s';
import { observedShop } from '../../examples/observed-shop';
import { Manifest, Mesh, MeshProvider, Microservice, Monitoring } from '../../lib';
import { toYaml } from '../../lib/internal';
import { synthObjects } from '../../lib/testing';
import { ensureNamespaces, expectAcceptedAndLive } from './apply-checked';
import { engines } from './engines';
import { deleteNamespace } from './kubectl';
import { goldenSignalRuleTest, RuleTestCase, sloRuleTests } from './slo-rule-tests';

// The observability of examples/observed-shop.ts against the real tools: the
// API server with the prometheus-operator and Istio CRDs takes its objects,
// and promtool (built from github.com/prometheus/prometheus by
// scripts/engines/build.sh) checks every generated PrometheusRule and proves
// with synthetic series that each SLO alert fires when the error budget
// burns and stays silent when it does not.

const PROMTOOL = join(engines().bin, 'promtool');
const OBSERVABILITY_KINDS = new Set(['PodMonitor', 'PrometheusRule', 'Telemetry']);

const shop = observedShop(new App());
const monitoring = shop.monitoring as Monitoring;
const objects = shop.charts.flatMap((chart) => synthObjects(chart));
const rules = objects.filter((o) => o.kind === 'PrometheusRule');

const scratch = mkdtempSync(join(tmpdir(), 'immutable-infra-promtool-'));
const namespaces = new Set<string>();

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
  for (const namespace of namespaces) {
    deleteNamespace(namespace);
  }
});

/** Runs promtool in the scratch directory; never throws. */
function promtool(args: readonly string[]): { status: number; output: string } {
  const result = spawnSync(PROMTOOL, [...args], { cwd: scratch, encoding: 'utf8' });
  return { status: result.status ?? -1, output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error?.message ?? ''}` };
}

/** Writes the rule groups of a PrometheusRule as a Prometheus rules file, returns its name. */
function rulesFile(rule: Manifest): string {
  const file = `${rule.metadata.namespace}-${rule.metadata.name}.rules.yaml`;
  writeFileSync(join(scratch, file), toYaml([{ groups: (rule.spec as { groups: unknown[] }).groups }]));
  return file;
}

test('promtool is built by scripts/engines/build.sh', () => {
  expect({ promtool: PROMTOOL, exists: existsSync(PROMTOOL) }).toEqual({ promtool: PROMTOOL, exists: true });
});

test('the API server takes the observability objects (prometheus-operator and Istio CRDs, strict field validation)', () => {
  const observability = objects.filter((o) => OBSERVABILITY_KINDS.has(o.kind) || o.metadata.name?.startsWith('grafana-dashboard-'));
  expect(observability.length).toBe(17);
  ensureNamespaces(observability, namespaces);
  expectAcceptedAndLive(observability);
});

test('promtool check rules accepts every generated PrometheusRule', () => {
  expect(rules.map((r) => `${r.metadata.namespace}/${r.metadata.name}`)).toEqual([
    'observed-shop/orders',
    'observed-shop/payments',
    'observed-shop/receipts',
    'observed-shop-search/search',
    'observed-shop-batch/reports',
  ]);
  const files = rules.map(rulesFile);
  const result = promtool(['check', 'rules', ...files]);
  expect(result).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  expect(result.output.match(/SUCCESS: \d+ rules found/g)).toHaveLength(files.length);
});

describe('promtool test rules: each SLO alert fires when its budget burns and only then', () => {
  test.each(monitoring.workloads.map((w) => [`${w.target.namespace}/${w.target.name}`, w] as const))('%s', (id, observed) => {
    const rule = rules.find((r) => `${r.metadata.namespace}/${r.metadata.name}` === id)!;
    const tests: RuleTestCase[] = [goldenSignalRuleTest(observed), ...sloRuleTests(observed)];
    expect(tests.length).toBe(1 + 3 * observed.objectives.length);
    const testFile = `${id.replace('/', '-')}.test.yaml`;
    writeFileSync(join(scratch, testFile), toYaml([{ rule_files: [rulesFile(rule)], evaluation_interval: '1m', tests }]));
    const result = promtool(['test', 'rules', testFile]);
    expect(result).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  test('a rule test that expects a silent alert to fire fails: the check can fail', () => {
    const observed = monitoring.workloads.find((w) => w.target.name === 'orders')!;
    const rule = rules.find((r) => r.metadata.name === 'orders')!;
    const [, , withinBudget] = sloRuleTests(observed);
    const wrong = { ...withinBudget, alert_rule_test: sloRuleTests(observed)[0].alert_rule_test };
    writeFileSync(join(scratch, 'wrong.test.yaml'), toYaml([{ rule_files: [rulesFile(rule)], evaluation_interval: '1m', tests: [wrong] }]));
    const result = promtool(['test', 'rules', 'wrong.test.yaml']);
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/FAILED/);
  });
});

/**
 * A service in a Consul mesh (two revisions), observed with both SLOs: its
 * rules read the inbound listener of Consul's Envoy, and the synthetic
 * series are written in Consul's metric names and labels.
 */
function consulObserved(): { readonly objects: Manifest[]; readonly monitoring: Monitoring } {
  const chart = new Chart(new App(), 'consul-observed', { namespace: 'consul-observed' });
  const mesh = new Mesh(chart, 'mesh', { provider: MeshProvider.consul() });
  const catalog = new Microservice(chart, 'catalog', {
    image: `ghcr.io/acme/catalog@sha256:${'c'.repeat(64)}`,
    ports: [{ name: 'http', port: 80, containerPort: 8080 }],
    mesh,
    track: 'v1',
  });
  catalog.addRevision('v2', { image: `ghcr.io/acme/catalog@sha256:${'d'.repeat(64)}` });
  const consulMonitoring = new Monitoring(chart, 'monitoring');
  consulMonitoring.observe(catalog, { slo: { availabilityPercent: 99.5, latency: { percent: 99, thresholdMilliseconds: 500 } } });
  return { objects: synthObjects(chart), monitoring: consulMonitoring };
}

describe('a service in a Consul mesh: rules from the metrics of Consul\'s Envoy', () => {
  const consul = consulObserved();
  const consulRule = consul.objects.find((o) => o.kind === 'PrometheusRule')!;
  const observed = consul.monitoring.workloads[0];

  test('the API server takes its PodMonitor and PrometheusRule', () => {
    const monitors = consul.objects.filter((o) => o.kind === 'PodMonitor' || o.kind === 'PrometheusRule');
    expect(monitors.map((o) => o.kind)).toEqual(['PodMonitor', 'PrometheusRule']);
    ensureNamespaces(monitors, namespaces);
    expectAcceptedAndLive(monitors);
  });

  test('promtool check rules accepts its PrometheusRule', () => {
    const result = promtool(['check', 'rules', rulesFile(consulRule)]);
    expect(result).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  test('promtool test rules: per-revision signals, and each alert fires on a burn and stays silent within budget', () => {
    expect(observed.target.source.requestsTotal).toBe('envoy_http_downstream_rq_xx');
    const tests: RuleTestCase[] = [goldenSignalRuleTest(observed), ...sloRuleTests(observed)];
    expect(tests.length).toBe(7);
    writeFileSync(join(scratch, 'consul.test.yaml'), toYaml([{ rule_files: [rulesFile(consulRule)], evaluation_interval: '1m', tests }]));
    const result = promtool(['test', 'rules', 'consul.test.yaml']);
    expect(result).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });
});
