import { Monitoring, ServerlessFunction, ValidationError } from '../../../lib';
import { synthObjects } from '../../../lib/testing';
import { crdSchemaProblems } from '../../crd-schema';
import { digestImage, newChart, validationErrorOf , synthProblemMessages } from '../../fixtures';
import { APP_METRICS, objectOf, ordersService, rulesOf } from './fixtures';

describe('Monitoring.observe: the PodMonitor', () => {
  test('in an Istio mesh it scrapes the Envoy stats port of every pod of the service, labelling service and revision', () => {
    const chart = newChart();
    new Monitoring(chart, 'monitoring', { monitorLabels: { release: 'prometheus' }, scrapeIntervalSeconds: 15 }).observe(ordersService(chart, 'istio'));
    const monitor = objectOf(chart, 'PodMonitor', 'orders');
    expect(monitor.metadata).toMatchObject({ namespace: 'test', labels: { release: 'prometheus', 'app.kubernetes.io/name': 'orders' } });
    expect(monitor.spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'orders', 'app.kubernetes.io/part-of': 'test' } });
    expect(monitor.spec.podMetricsEndpoints).toEqual([
      {
        port: 'http-envoy-prom',
        path: '/stats/prometheus',
        interval: '15s',
        relabelings: [
          { action: 'replace', sourceLabels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'], targetLabel: 'service' },
          { action: 'replace', sourceLabels: ['__meta_kubernetes_pod_label_immutable_infra_dev_revision'], targetLabel: 'revision' },
        ],
      },
    ]);
  });

  test.each([
    ['linkerd', { metricsPort: 'metrics' }, [['linkerd-admin', '/metrics'], ['metrics', '/metrics']]],
    ['none', { metricsPort: 'metrics', metricsPath: '/prom', appMetrics: APP_METRICS }, [['metrics', '/prom']]],
  ] as const)('in mesh %s it scrapes the proxy and the declared metrics port', (mesh, props, endpoints) => {
    const chart = newChart();
    new Monitoring(chart, 'monitoring').observe(ordersService(chart, mesh), props);
    const monitor = objectOf(chart, 'PodMonitor', 'orders');
    expect(monitor.spec.podMetricsEndpoints.map((e: any) => [e.port, e.path, e.interval])).toEqual(endpoints.map(([p, path]) => [p, path, '30s']));
  });

  test('every object it makes fits the prometheus-operator CRD schemas', () => {
    const chart = newChart();
    const monitoring = new Monitoring(chart, 'monitoring');
    monitoring.observe(ordersService(chart, 'istio'), { slo: { availabilityPercent: 99.9, latency: { percent: 99, thresholdMilliseconds: 250 } } });
    const objects = synthObjects(chart).filter((o) => o.apiVersion.startsWith('monitoring.coreos.com/'));
    expect(objects.map((o) => o.kind).sort()).toEqual(['PodMonitor', 'PrometheusRule']);
    for (const object of objects) {
      expect({ kind: object.kind, problems: crdSchemaProblems(object) }).toEqual({ kind: object.kind, problems: [] });
    }
  });
});

describe('Monitoring.observe: golden signals', () => {
  test('Istio: destination-reported istio_requests_total and the ms histogram, per revision and per service', () => {
    const chart = newChart();
    new Monitoring(chart, 'monitoring').observe(ordersService(chart, 'istio'));
    const rule = objectOf(chart, 'PrometheusRule', 'orders');
    expect(rule.spec.groups.map((g: any) => g.name)).toEqual(['test.orders.golden-signals']);
    const byName = Object.fromEntries(rulesOf(rule).map((r) => [r.record, r.expr]));
    expect(Object.keys(byName)).toEqual([
      'revision:requests:rate5m', 'revision:errors:rate5m', 'revision:error_ratio:rate5m',
      'revision:latency_seconds:p50_rate5m', 'revision:latency_seconds:p90_rate5m', 'revision:latency_seconds:p99_rate5m',
      'service:requests:rate5m', 'service:errors:rate5m', 'service:error_ratio:rate5m',
      'service:latency_seconds:p50_rate5m', 'service:latency_seconds:p90_rate5m', 'service:latency_seconds:p99_rate5m',
    ]);
    expect(byName['revision:requests:rate5m']).toBe(
      'sum by (namespace, service, revision) (rate(istio_requests_total{namespace="test", service="orders", reporter="destination"}[5m]))',
    );
    expect(byName['revision:errors:rate5m']).toContain('response_code=~"5.."');
    expect(byName['service:latency_seconds:p99_rate5m']).toBe(
      'histogram_quantile(0.99, sum by (namespace, service, le) (rate(istio_request_duration_milliseconds_bucket{namespace="test", service="orders", reporter="destination"}[5m]))) / 1000',
    );
  });

  test("Linkerd: the inbound proxy's request_total, classification failure, response_latency_ms", () => {
    const chart = newChart();
    new Monitoring(chart, 'monitoring').observe(ordersService(chart, 'linkerd'));
    const exprs = rulesOf(objectOf(chart, 'PrometheusRule', 'orders')).map((r) => r.expr).join('\n');
    expect(exprs).toContain('rate(request_total{namespace="test", service="orders", direction="inbound", classification="failure"}[5m])');
    expect(exprs).toContain('response_latency_ms_bucket{namespace="test", service="orders", direction="inbound"}');
    expect(exprs).not.toContain('istio_');
  });

  test('outside a mesh: the declared app metrics, latency already in seconds', () => {
    const chart = newChart();
    new Monitoring(chart, 'monitoring').observe(ordersService(chart, 'none'), {
      metricsPort: 'metrics',
      appMetrics: { ...APP_METRICS, errorMatcher: 'status=~"5.."' },
    });
    const byName = Object.fromEntries(rulesOf(objectOf(chart, 'PrometheusRule', 'orders')).map((r) => [r.record, r.expr]));
    expect(byName['revision:errors:rate5m']).toBe('sum by (namespace, service, revision) (rate(http_requests_total{namespace="test", service="orders", status=~"5.."}[5m]))');
    expect(byName['revision:latency_seconds:p50_rate5m']).toBe(
      'histogram_quantile(0.5, sum by (namespace, service, revision, le) (rate(http_request_duration_seconds_bucket{namespace="test", service="orders"}[5m])))',
    );
  });
});

describe('Monitoring.observe: SLOs', () => {
  test('an availability SLO records its error ratio over every window and alerts on multi-window burn rates', () => {
    const chart = newChart();
    new Monitoring(chart, 'monitoring').observe(ordersService(chart, 'istio'), { slo: { availabilityPercent: 99.9 } });
    const group = objectOf(chart, 'PrometheusRule', 'orders').spec.groups[1];
    expect(group.name).toBe('test.orders.slo-availability');
    const records = group.rules.filter((r: any) => r.record !== undefined);
    expect(records.map((r: any) => r.record)).toEqual(['5m', '30m', '1h', '2h', '6h', '1d', '3d'].map((w) => `slo:sli_error:ratio_rate${w}`));
    expect(records.every((r: any) => r.labels.slo === 'availability')).toBe(true);
    const alerts = group.rules.filter((r: any) => r.alert !== undefined);
    expect(alerts.map((a: any) => [a.alert, a.labels.severity])).toEqual([['AvailabilityBudgetBurnPage', 'page'], ['AvailabilityBudgetBurnTicket', 'ticket']]);
    const series = (w: string) => `slo:sli_error:ratio_rate${w}{namespace="test", service="orders", slo="availability"}`;
    expect(alerts[0].expr).toBe(
      `(${series('1h')} > (14.4 * 0.001) and ${series('5m')} > (14.4 * 0.001)) or (${series('6h')} > (6 * 0.001) and ${series('30m')} > (6 * 0.001))`,
    );
    expect(alerts[1].expr).toBe(
      `(${series('1d')} > (3 * 0.001) and ${series('2h')} > (3 * 0.001)) or (${series('3d')} > (1 * 0.001) and ${series('6h')} > (1 * 0.001))`,
    );
  });

  test('a latency SLO counts the requests slower than the threshold bucket (either form of its le label)', () => {
    const chart = newChart();
    new Monitoring(chart, 'monitoring').observe(ordersService(chart, 'linkerd'), { slo: { latency: { percent: 99, thresholdMilliseconds: 300 } } });
    const group = objectOf(chart, 'PrometheusRule', 'orders').spec.groups[1];
    expect(group.name).toBe('test.orders.slo-latency');
    expect(group.rules[0].expr).toBe(
      '(sum by (namespace, service) (rate(response_latency_ms_count{namespace="test", service="orders", direction="inbound"}[5m])) - ' +
        'sum by (namespace, service) (rate(response_latency_ms_bucket{namespace="test", service="orders", direction="inbound", le=~"300(\\\\.0)?"}[5m]))) / ' +
        'sum by (namespace, service) (rate(response_latency_ms_count{namespace="test", service="orders", direction="inbound"}[5m]))',
    );
    expect(group.rules.find((r: any) => r.alert === 'LatencyBudgetBurnPage').expr).toContain('> (14.4 * 0.01)');
  });

  test('an app histogram in seconds matches the threshold as seconds', () => {
    const chart = newChart();
    new Monitoring(chart, 'monitoring').observe(ordersService(chart, 'none'), {
      metricsPort: 'metrics',
      appMetrics: APP_METRICS,
      slo: { latency: { percent: 95, thresholdMilliseconds: 250 } },
    });
    expect(objectOf(chart, 'PrometheusRule', 'orders').spec.groups[1].rules[0].expr).toContain('le="0.25"');
  });
});

describe('Monitoring: dashboards', () => {
  const dashboardsOf = () => {
    const chart = newChart();
    const monitoring = new Monitoring(chart, 'monitoring', { appName: 'shop', dashboardNamespace: 'grafana' });
    monitoring.observe(ordersService(chart, 'istio'), { slo: { availabilityPercent: 99.5 } });
    return {
      service: objectOf(chart, 'ConfigMap', 'grafana-dashboard-test-orders'),
      app: objectOf(chart, 'ConfigMap', 'grafana-dashboard-app-shop'),
    };
  };

  test('ConfigMaps Grafana’s sidecar loads, in the dashboard namespace', () => {
    const { service, app } = dashboardsOf();
    for (const map of [service, app]) {
      expect(map.metadata.namespace).toBe('grafana');
      expect((map.metadata.labels as Record<string, string>).grafana_dashboard).toBe('1');
      expect(map.immutable).toBeUndefined();
    }
    expect(Object.keys(service.data)).toEqual(['test-orders.json']);
  });

  test('the service dashboard: golden signals by revision and the burn rate of each SLO, panel ids in order', () => {
    const dashboard = JSON.parse(dashboardsOf().service.data['test-orders.json']);
    expect(dashboard.panels.map((p: any) => [p.id, p.title])).toEqual([
      [1, 'Requests per second, by revision'],
      [2, 'Error ratio, by revision'],
      [3, 'Latency, by revision'],
      [4, 'Availability SLO (99.5%): error budget burn rate'],
    ]);
    expect(dashboard.panels[0].targets[0].expr).toBe('revision:requests:rate5m{namespace="test", service="orders"}');
    expect(dashboard.panels[3].targets[0].expr).toBe('slo:sli_error:ratio_rate1h{namespace="test", service="orders", slo="availability"} / 0.005');
    expect(dashboard.uid).toMatch(/^ii-[0-9a-f]{16}$/);
  });

  test('the JSON is byte-identical across syntheses, keys sorted', () => {
    const first = dashboardsOf();
    const second = dashboardsOf();
    expect(second.service.data).toEqual(first.service.data);
    expect(second.app.data).toEqual(first.app.data);
    const text: string = first.app.data['app-shop.json'];
    const keys = Object.keys(JSON.parse(text));
    expect(keys).toEqual([...keys].sort());
  });
});

describe('Monitoring: tracing and access logs', () => {
  test('in Istio: a Telemetry for the service’s pods with the provider, sampling and access log provider', () => {
    const chart = newChart();
    new Monitoring(chart, 'monitoring').observe(ordersService(chart, 'istio'), {
      tracing: { provider: 'otel-tracing', samplingPercentage: 5 },
      accessLogProvider: 'envoy',
    });
    const telemetry = objectOf(chart, 'Telemetry', 'orders');
    expect(telemetry.apiVersion).toBe('telemetry.istio.io/v1');
    expect(telemetry.spec).toEqual({
      selector: { matchLabels: { 'app.kubernetes.io/name': 'orders', 'app.kubernetes.io/part-of': 'test' } },
      tracing: [{ providers: [{ name: 'otel-tracing' }], randomSamplingPercentage: 5 }],
      accessLogging: [{ providers: [{ name: 'envoy' }] }],
    });
  });

  test('no Telemetry without tracing or access logs', () => {
    const chart = newChart();
    new Monitoring(chart, 'monitoring').observe(ordersService(chart, 'istio'));
    expect(synthObjects(chart).filter((o) => o.kind === 'Telemetry')).toEqual([]);
  });
});

describe('Monitoring: functions', () => {
  test('a function in an Istio mesh is observed through its pods’ proxies', () => {
    const chart = newChart();
    const mesh = ordersService(chart, 'istio').mesh as any;
    const fn = new ServerlessFunction(chart, 'resize', { image: digestImage(), mesh });
    new Monitoring(chart, 'monitoring').observe(fn, { slo: { availabilityPercent: 99 }, tracing: { provider: 'otel-tracing' } });
    expect(objectOf(chart, 'PodMonitor', 'resize').spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'resize', 'app.kubernetes.io/part-of': 'test' });
    expect(rulesOf(objectOf(chart, 'PrometheusRule', 'resize'))[0].expr).toContain('istio_requests_total{namespace="test", service="resize", reporter="destination"}');
    expect(objectOf(chart, 'Telemetry', 'resize').spec.tracing[0].randomSamplingPercentage).toBe(1);
  });

  test('a function outside a mesh is observed through its declared metrics port', () => {
    const chart = newChart();
    const fn = new ServerlessFunction(chart, 'resize', { image: digestImage() });
    new Monitoring(chart, 'monitoring').observe(fn, { metricsPort: 'http-usermetric', appMetrics: APP_METRICS });
    expect(objectOf(chart, 'PodMonitor', 'resize').spec.podMetricsEndpoints[0].port).toBe('http-usermetric');
  });
});

describe('Monitoring: what it refuses', () => {
  test.each<[string, (chart: ReturnType<typeof newChart>, m: Monitoring) => unknown, RegExp]>([
    ['appMetrics in a mesh', (c, m) => m.observe(ordersService(c, 'istio'), { appMetrics: APP_METRICS }), /service orders is in a istio mesh, whose proxy metrics are its golden signals, so appMetrics would be ignored; drop appMetrics/],
    ['no appMetrics outside a mesh', (c, m) => m.observe(ordersService(c, 'none'), { metricsPort: 'metrics' }), /is not in a mesh, so its golden signals must come from its own metrics; pass appMetrics/],
    ['no metricsPort outside a mesh', (c, m) => m.observe(ordersService(c, 'none'), { appMetrics: APP_METRICS }), /pass metricsPort, the name of the container port that serves them/],
    ['a metricsPort the service does not have', (c, m) => m.observe(ordersService(c, 'istio'), { metricsPort: 'admin' }), /metricsPort 'admin' is not a port of service orders \(its ports: http, metrics\)/],
    ['an availability of 100%', (c, m) => m.observe(ordersService(c, 'istio'), { slo: { availabilityPercent: 100 } }), /slo.availabilityPercent must be above 0 and below 100, got 100/],
    ['a latency threshold that is no bucket', (c, m) => m.observe(ordersService(c, 'istio'), { slo: { latency: { percent: 99, thresholdMilliseconds: 300 } } }),
      /thresholdMilliseconds 300 is not a bucket boundary of istio_request_duration_milliseconds \(istio\).*use one of 0.5, 1, 5, 10, 25, 50, 100, 250/],
    ['a latency threshold of 0', (c, m) => m.observe(ordersService(c, 'istio'), { slo: { latency: { percent: 99, thresholdMilliseconds: 0 } } }), /thresholdMilliseconds must be a positive number/],
    ['tracing in Linkerd', (c, m) => m.observe(ordersService(c, 'linkerd'), { tracing: { provider: 'jaeger' } }), /tracing needs Istio's Telemetry resource, and Linkerd has no Telemetry resource/],
    ['access logs outside a mesh', (c, m) => m.observe(ordersService(c, 'none'), { metricsPort: 'metrics', appMetrics: APP_METRICS, accessLogProvider: 'envoy' }),
      /accessLogProvider needs Istio's Telemetry resource, and service orders is not in a mesh/],
    ['a sampling percentage above 100', (c, m) => m.observe(ordersService(c, 'istio'), { tracing: { provider: 'otel', samplingPercentage: 150 } }), /tracing.samplingPercentage must be 0-100, got 150/],
    ['a request counter that is no metric name', (c, m) => m.observe(ordersService(c, 'none'), { metricsPort: 'metrics', appMetrics: { ...APP_METRICS, requestsTotal: 'http-requests' } }),
      /appMetrics.requestsTotal must be a Prometheus metric name/],
    ['an error matcher that is no matcher', (c, m) => m.observe(ordersService(c, 'none'), { metricsPort: 'metrics', appMetrics: { ...APP_METRICS, errorMatcher: 'code>500' } }),
      /appMetrics.errorMatcher must be one label matcher/],
    ['a workload observed twice', (c, m) => {
      const orders = ordersService(c, 'istio');
      m.observe(orders);
      m.observe(orders);
    }, /service orders is observed twice; call observe\(\) once per workload/],
  ])('fails when given %s', (_, build, message) => {
    const chart = newChart();
    const monitoring = new Monitoring(chart, 'monitoring');
    const error = validationErrorOf(() => build(chart, monitoring));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.detail).toMatch(message);
  });

  test('fails at synth when it observes nothing', () => {
    const chart = newChart();
    new Monitoring(chart, 'monitoring');
    expect(synthProblemMessages(chart)).toEqual(['Monitoring observes nothing; call observe() with a service or function, or remove it']);
  });

  test('fails when the scrape interval is not whole seconds', () => {
    expect(validationErrorOf(() => new Monitoring(newChart(), 'm', { scrapeIntervalSeconds: 0.5 })).detail).toMatch(/scrapeIntervalSeconds must be a whole number of seconds ≥ 1, got 0.5/);
  });
});
