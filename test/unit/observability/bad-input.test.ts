import { Chart } from 'cdk8s';
import { Monitoring, MonitoringProps, ObserveProps } from '../../../lib';
import { ExpectedRefusal, expectRefusal, newChart } from '../../fixtures';
import { APP_METRICS, ordersService } from './fixtures';

// Wrong JavaScript values given to Monitoring and observe(), as plain
// JavaScript, JSON or YAML config give them: each is refused with a
// ValidationError naming the Monitoring's path, the prop, the value as given
// and the fix.

/** A bad input and what its refusal must say. */
interface BadInput extends ExpectedRefusal {
  /** Builds the bad input in `chart` (namespace 'test'). */
  readonly build: (chart: Chart) => unknown;
}

const monitoring = (props: Record<string, unknown>) => (chart: Chart) => new Monitoring(chart, 'monitoring', props as MonitoringProps);
const observe = (props: Record<string, unknown>) => (chart: Chart) =>
  new Monitoring(chart, 'monitoring').observe(ordersService(chart, 'istio'), props as ObserveProps);
const observeOutside = (props: Record<string, unknown>) => (chart: Chart) =>
  new Monitoring(chart, 'monitoring').observe(ordersService(chart, 'none'), { metricsPort: 'metrics', ...props } as ObserveProps);

const cases: Record<string, Record<string, BadInput>> = {
  'wrong type': {
    'a scrape interval as a duration string': {
      build: monitoring({ scrapeIntervalSeconds: '30s' }),
      path: 'test/monitoring', prop: 'scrapeIntervalSeconds', shown: "got '30s' (a string)", fix: /30/,
    },
    'monitor labels as a list': {
      build: monitoring({ monitorLabels: ['release=prometheus'] }),
      path: 'test/monitoring', prop: 'monitorLabels', shown: 'got', fix: /\{ release: 'prometheus' \}/,
    },
    'a service given by name': {
      build: (chart) => new Monitoring(chart, 'monitoring').observe('orders' as never),
      path: 'test/monitoring', prop: 'observed workload', shown: "got 'orders' (a string)", fix: /a Microservice of the stack/,
    },
    'an availability objective as a string': {
      build: observe({ slo: { availabilityPercent: '99.9' } }),
      path: 'test/monitoring', prop: 'observe slo.availabilityPercent', shown: "got '99.9' (a string)", fix: /99\.9/,
    },
    'bucket boundaries as one number': {
      build: observeOutside({ appMetrics: { ...APP_METRICS, bucketsSeconds: 0.25 } }),
      path: 'test/monitoring', prop: 'observe appMetrics.bucketsSeconds', shown: 'got 0.25 (a number)', fix: /\[0\.1, 0\.25, 0\.5, 1\]/,
    },
  },
  'missing or unknown': {
    'tracing without a provider': {
      build: observe({ tracing: { samplingPercentage: 5 } }),
      path: 'test/monitoring', prop: 'observe tracing.provider', shown: 'got undefined', fix: /otel-tracing/,
    },
    'a misspelled slo': {
      build: observe({ slos: { availabilityPercent: 99.9 } }),
      path: 'test/monitoring', prop: 'observe slos', shown: 'is not a known prop', fix: /did you mean 'slo'\?/,
    },
    'a latency objective in seconds': {
      build: observe({ slo: { latency: { percent: 99, thresholdSeconds: 0.25 } } }),
      path: 'test/monitoring', prop: 'observe slo.latency.thresholdSeconds', shown: 'is not a known prop', fix: /the known props are percent, thresholdMilliseconds/,
    },
  },
};

describe.each(Object.keys(cases))('observability bad input: %s', (group) => {
  test.each(Object.entries(cases[group]))('%s', (_, c) => {
    expectRefusal(() => c.build(newChart()), c);
  });
});

describe('observability bad input: the same values given right are accepted', () => {
  test('labels, an interval, an SLO, tracing and app buckets', () => {
    const chart = newChart();
    const m = new Monitoring(chart, 'monitoring', { scrapeIntervalSeconds: 30, monitorLabels: { release: 'prometheus' } });
    expect(() => m.observe(ordersService(chart, 'istio'), { slo: { availabilityPercent: 99.9 }, tracing: { provider: 'otel-tracing' } })).not.toThrow();
  });
});
