import { prop } from '../core/prop-schema';
import { ServerlessFunction } from '../serverless/function/serverless-function';
import { Microservice } from '../workload/microservice';
import type { TracingProps } from './istio-telemetry';
import type { MonitoringProps } from './monitoring';
import type { ObserveProps } from './observe-props';
import type { LatencyObjectiveProps, ServiceLevelObjectiveProps } from './service-level-objective';
import type { AppMetricsProps } from './signal-source';

// The run-time schemas of the observability props (see core/prop-schema):
// types and shapes only; ranges and names are the constructs' checks.

export const monitoringPropsSchema = prop.object<MonitoringProps>({
  appName: prop.string("an app name such as 'shop'").optional(),
  monitorLabels: prop.stringMap("{ release: 'prometheus' }").optional(),
  scrapeIntervalSeconds: prop.number('30').optional(),
  dashboardNamespace: prop.string("a namespace such as 'monitoring'").optional(),
}, 'an object of Monitoring props', "{ appName: 'shop' }");

export const observabilityTargetSchema = prop.instance<Microservice | ServerlessFunction>(
  'a Microservice or ServerlessFunction',
  (v) => v instanceof Microservice || v instanceof ServerlessFunction,
  'a Microservice of the stack',
);

const appMetricsSchema = prop.object<AppMetricsProps>({
  requestsTotal: prop.string("a counter such as 'http_requests_total'"),
  errorMatcher: prop.string(`a label matcher such as 'code=~"5.."'`).optional(),
  latencySeconds: prop.string("a histogram such as 'http_request_duration_seconds'"),
  bucketsSeconds: prop.list(prop.number('0.25'), 'a list of bucket boundaries in seconds', '[0.1, 0.25, 0.5, 1]').optional(),
}, 'an object of app metrics', "{ requestsTotal: 'http_requests_total', latencySeconds: 'http_request_duration_seconds' }");

const latencyObjectiveSchema = prop.object<LatencyObjectiveProps>({
  percent: prop.number('99'),
  thresholdMilliseconds: prop.number('250'),
}, 'a latency objective', '{ percent: 99, thresholdMilliseconds: 250 }');

const sloSchema = prop.object<ServiceLevelObjectiveProps>({
  availabilityPercent: prop.number('99.9').optional(),
  latency: latencyObjectiveSchema.optional(),
}, 'an object of service level objectives', '{ availabilityPercent: 99.9 }');

const tracingSchema = prop.object<TracingProps>({
  provider: prop.string("an extension provider name such as 'otel-tracing'"),
  samplingPercentage: prop.number('1').optional(),
}, 'tracing props', "{ provider: 'otel-tracing', samplingPercentage: 1 }");

export const observePropsSchema = prop.object<ObserveProps>({
  metricsPort: prop.string("a container port name such as 'metrics'").optional(),
  metricsPath: prop.string("a path such as '/metrics'").optional(),
  appMetrics: appMetricsSchema.optional(),
  slo: sloSchema.optional(),
  tracing: tracingSchema.optional(),
  accessLogProvider: prop.string("an access log provider such as 'envoy'").optional(),
  dashboard: prop.boolean().optional(),
}, 'an object of observe props', '{ slo: { availabilityPercent: 99.9 } }');
