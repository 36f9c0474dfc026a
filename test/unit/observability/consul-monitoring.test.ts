import { Chart } from 'cdk8s';
import { Mesh, MeshProvider, Microservice, Monitoring, ValidationError } from '../../../lib';
import { synthObjects } from '../../../lib/testing';
import { crdSchemaProblems } from '../../crd-schema';
import { digestImage, newChart, validationErrorOf } from '../../fixtures';
import { objectOf, rulesOf } from './fixtures';

/** A service 'orders' in a Consul mesh, its one port named `portName` (Consul takes the protocol from it). */
function consulOrders(chart: Chart, portName = 'http'): Microservice {
  return new Microservice(chart, 'orders', {
    image: digestImage(),
    ports: [{ name: portName, port: 8080 }],
    mesh: new Mesh(chart, 'mesh', { provider: MeshProvider.consul() }),
  });
}

describe('Monitoring.observe in a Consul mesh', () => {
  test("the PodMonitor scrapes consul-dataplane's merged metrics where consul-k8s's annotations point, labelling service and revision", () => {
    const chart = newChart();
    new Monitoring(chart, 'monitoring').observe(consulOrders(chart));
    expect(objectOf(chart, 'PodMonitor', 'orders').spec.podMetricsEndpoints).toEqual([
      {
        path: '/metrics',
        interval: '30s',
        relabelings: [
          { action: 'keep', sourceLabels: ['__meta_kubernetes_pod_container_name'], regex: 'consul-dataplane' },
          { action: 'keep', sourceLabels: ['__meta_kubernetes_pod_annotation_prometheus_io_scrape'], regex: 'true' },
          {
            action: 'replace',
            sourceLabels: ['__meta_kubernetes_pod_ip', '__meta_kubernetes_pod_annotation_prometheus_io_port'],
            regex: '(.+);(\\d+)',
            replacement: '$1:$2',
            targetLabel: '__address__',
          },
          { action: 'replace', sourceLabels: ['__meta_kubernetes_pod_annotation_prometheus_io_path'], regex: '(.+)', targetLabel: '__metrics_path__' },
          { action: 'replace', sourceLabels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'], targetLabel: 'service' },
          { action: 'replace', sourceLabels: ['__meta_kubernetes_pod_label_immutable_infra_dev_revision'], targetLabel: 'revision' },
        ],
      },
    ]);
  });

  test("golden signals from the inbound listener of the service's Envoy: requests by status class, the request time histogram", () => {
    const chart = newChart();
    new Monitoring(chart, 'monitoring').observe(consulOrders(chart));
    const byName = Object.fromEntries(rulesOf(objectOf(chart, 'PrometheusRule', 'orders')).map((r) => [r.record, r.expr]));
    const inbound = 'namespace="test", service="orders", envoy_http_conn_manager_prefix="public_listener"';
    expect(byName['revision:requests:rate5m']).toBe(`sum by (namespace, service, revision) (rate(envoy_http_downstream_rq_xx{${inbound}}[5m]))`);
    expect(byName['revision:errors:rate5m']).toBe(
      `sum by (namespace, service, revision) (rate(envoy_http_downstream_rq_xx{${inbound}, envoy_response_code_class="5"}[5m]))`,
    );
    expect(byName['service:latency_seconds:p99_rate5m']).toBe(
      `histogram_quantile(0.99, sum by (namespace, service, le) (rate(envoy_http_downstream_rq_time_bucket{${inbound}}[5m]))) / 1000`,
    );
  });

  test("SLOs read the same series, the latency threshold one of Envoy's default buckets, and the objects fit the CRD schemas", () => {
    const chart = newChart();
    new Monitoring(chart, 'monitoring').observe(consulOrders(chart, 'grpc'), {
      slo: { availabilityPercent: 99.9, latency: { percent: 99, thresholdMilliseconds: 250 } },
    });
    const rules = rulesOf(objectOf(chart, 'PrometheusRule', 'orders'));
    const latency5m = rules.find((r) => r.record === 'slo:sli_error:ratio_rate5m' && r.labels.slo === 'latency')!;
    expect(latency5m.expr).toContain('envoy_http_downstream_rq_time_bucket{namespace="test", service="orders", envoy_http_conn_manager_prefix="public_listener", le=~"250(\\\\.0)?"}');
    expect(rules.filter((r) => r.alert !== undefined).map((r) => r.alert)).toEqual([
      'AvailabilityBudgetBurnPage', 'AvailabilityBudgetBurnTicket', 'LatencyBudgetBurnPage', 'LatencyBudgetBurnTicket',
    ]);
    for (const object of synthObjects(chart).filter((o) => o.apiVersion.startsWith('monitoring.coreos.com/'))) {
      expect({ kind: object.kind, problems: crdSchemaProblems(object) }).toEqual({ kind: object.kind, problems: [] });
    }
  });

  test('the dashboard names its source', () => {
    const chart = newChart();
    new Monitoring(chart, 'monitoring').observe(consulOrders(chart));
    const json = JSON.parse(objectOf(chart, 'ConfigMap', 'grafana-dashboard-test-orders').data['test-orders.json']);
    expect(json.title).toBe('orders (consul metrics)');
  });

  test.each([
    ['a service consul proxies as tcp', (c: Chart, m: Monitoring) => m.observe(consulOrders(c, 'tcp-orders')),
      /service orders is proxied as tcp by consul \(its port name says so\), and a TCP proxy counts connections and bytes, not requests.*name its port 'http'/],
    ['tracing', (c: Chart, m: Monitoring) => m.observe(consulOrders(c), { tracing: { provider: 'jaeger' } }),
      /tracing needs Istio's Telemetry resource, and Consul has no per-service Telemetry resource.*ProxyDefaults/],
    ['a latency threshold that is no Envoy bucket', (c: Chart, m: Monitoring) => m.observe(consulOrders(c), { slo: { latency: { percent: 99, thresholdMilliseconds: 200 } } }),
      /thresholdMilliseconds 200 is not a bucket boundary of envoy_http_downstream_rq_time \(consul\).*use one of 0.5, 1, 5, 10, 25, 50, 100, 250/],
  ])('fails when given %s', (_, build, message) => {
    const chart = newChart();
    const error = validationErrorOf(() => build(chart, new Monitoring(chart, 'monitoring')));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.detail).toMatch(message);
  });
});
