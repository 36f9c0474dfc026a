import { IConstruct } from 'constructs';
import { ValidationError } from '../core/validation-error';

/**
 * The metrics an app exposes itself, read for a service outside a mesh: a
 * request counter and a latency histogram in seconds.
 */
export interface AppMetricsProps {
  /** The request counter, e.g. 'http_requests_total'. */
  readonly requestsTotal: string;
  /**
   * The label matcher that picks failed requests from the counter.
   * @default 'code=~"5.."'
   */
  readonly errorMatcher?: string;
  /** The latency histogram in seconds, without the `_bucket` suffix, e.g. 'http_request_duration_seconds'. */
  readonly latencySeconds: string;
  /**
   * The histogram's bucket boundaries in seconds; a latency objective's
   * threshold must be one of them.
   * @default [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] (the Prometheus client libraries' default buckets)
   */
  readonly bucketsSeconds?: readonly number[];
}

/** Where a workload's golden signals come from: the mesh's proxy or the app. */
export interface SignalSource {
  /** 'istio', 'linkerd', 'consul' or 'app'. */
  readonly name: 'istio' | 'linkerd' | 'consul' | 'app';
  /** The request counter. */
  readonly requestsTotal: string;
  /** Matchers every query of the counter and histogram carries (the proxy's inbound side). */
  readonly matchers: readonly string[];
  /** The matcher that picks failed requests. */
  readonly errorMatcher: string;
  /** The latency histogram, without `_bucket` / `_count`. */
  readonly latency: string;
  /** Milliseconds per unit of the histogram: 1 for a histogram in ms, 1000 for one in seconds. */
  readonly latencyUnitMilliseconds: number;
  /** The histogram's bucket boundaries, in its own unit. */
  readonly buckets: readonly number[];
}

/**
 * Envoy's default histogram buckets, in ms: those of Istio's
 * istio_request_duration_milliseconds and of Consul's Envoy timers (Consul
 * sets no buckets of its own).
 */
const ENVOY_BUCKETS_MS = [
  0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000,
];
/** The buckets of Linkerd's response_latency_ms. */
const LINKERD_BUCKETS_MS = [
  1, 2, 3, 4, 5, 10, 20, 30, 40, 50, 100, 200, 300, 400, 500, 1000, 2000, 3000, 4000, 5000, 10000, 20000, 30000, 40000, 50000,
];
const CLIENT_LIBRARY_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The metric name syntax Prometheus accepts without quoting. */
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
/** One label matcher: name, operator, double-quoted value. */
const LABEL_MATCHER = /^[a-zA-Z_][a-zA-Z0-9_]*\s*(=|!=|=~|!~)\s*"([^"\\]|\\.)*"$/;

/**
 * The signal source of a workload: its mesh's proxy metrics (Istio's
 * `istio_requests_total` reported by the destination, Linkerd's inbound
 * `request_total`, the inbound listener of Consul's Envoy), else the app's
 * own metrics.
 *
 * @param mesh the name of the mesh provider the workload is in, if any
 * @param proxyProtocol the protocol the mesh proxies the workload's port as, where the mesh takes it from the port (Consul)
 * @throws ValidationError for an unknown mesh, a Consul service proxied as TCP, or outside a mesh without (valid) app metrics
 *
 * @internal
 */
export function signalSource(
  mesh: string | undefined,
  app: AppMetricsProps | undefined,
  workload: string,
  scope: IConstruct,
  proxyProtocol?: string,
): SignalSource {
  if (mesh === 'istio') {
    return {
      name: 'istio',
      requestsTotal: 'istio_requests_total',
      matchers: ['reporter="destination"'],
      errorMatcher: 'response_code=~"5.."',
      latency: 'istio_request_duration_milliseconds',
      latencyUnitMilliseconds: 1,
      buckets: ENVOY_BUCKETS_MS,
    };
  }
  if (mesh === 'linkerd') {
    return {
      name: 'linkerd',
      requestsTotal: 'request_total',
      matchers: ['direction="inbound"'],
      errorMatcher: 'classification="failure"',
      latency: 'response_latency_ms',
      latencyUnitMilliseconds: 1,
      buckets: LINKERD_BUCKETS_MS,
    };
  }
  if (mesh === 'consul') {
    return consulSource(proxyProtocol, workload, scope);
  }
  if (mesh !== undefined) {
    throw new ValidationError(`${workload} is in mesh '${mesh}', whose metrics the observability layer does not know; use Istio, Linkerd or Consul, or observe it outside a mesh`, scope);
  }
  if (app === undefined) {
    throw new ValidationError(
      `${workload} is not in a mesh, so its golden signals must come from its own metrics; ` +
        "pass appMetrics, e.g. { requestsTotal: 'http_requests_total', latencySeconds: 'http_request_duration_seconds' }",
      scope,
    );
  }
  for (const [what, name] of [['appMetrics.requestsTotal', app.requestsTotal], ['appMetrics.latencySeconds', app.latencySeconds]] as const) {
    if (!METRIC_NAME.test(name)) {
      throw new ValidationError(`${what} must be a Prometheus metric name (letters, digits, '_' and ':'), got '${name}'`, scope);
    }
  }
  const errorMatcher = app.errorMatcher ?? 'code=~"5.."';
  if (!LABEL_MATCHER.test(errorMatcher)) {
    throw new ValidationError(`appMetrics.errorMatcher must be one label matcher such as 'code=~"5.."', got '${errorMatcher}'`, scope);
  }
  const buckets = app.bucketsSeconds ?? CLIENT_LIBRARY_BUCKETS_S;
  if (buckets.length === 0 || buckets.some((b) => !(b > 0))) {
    throw new ValidationError(`appMetrics.bucketsSeconds must be positive numbers of seconds, got [${buckets.join(', ')}]`, scope);
  }
  return {
    name: 'app',
    requestsTotal: app.requestsTotal,
    matchers: [],
    errorMatcher,
    latency: app.latencySeconds,
    latencyUnitMilliseconds: 1000,
    buckets: [...buckets],
  };
}

/**
 * The golden signals of a service in a Consul mesh, from its own Envoy
 * sidecar: the HTTP connection manager of the inbound (public) listener,
 * whose stat prefix is `public_listener`, counts every request the service's
 * callers send it, answered by the app or by Envoy itself (a 503 when the app
 * is down, a 403 an intention denies), by status class
 * (`envoy_http_downstream_rq_xx`, label `envoy_response_code_class`), and
 * times them (`envoy_http_downstream_rq_time`, ms, Envoy's default buckets).
 * The PodMonitor adds the pod's `service` and `revision` labels.
 *
 * Refused: a service Consul proxies as TCP (a port not named 'http…',
 * 'http2…' or 'grpc…'), whose inbound listener is a TCP proxy that counts
 * connections and bytes, not requests, statuses or latencies. On a gRPC
 * service a failed call answered with HTTP 200 and a grpc-status is a
 * success here: Consul's Envoy counts HTTP statuses only.
 *
 * @see https://developer.hashicorp.com/consul/docs/observe/telemetry/k8s
 * @see https://www.envoyproxy.io/docs/envoy/latest/configuration/http/http_conn_man/stats
 */
function consulSource(proxyProtocol: string | undefined, workload: string, scope: IConstruct): SignalSource {
  if (proxyProtocol === 'tcp') {
    throw new ValidationError(
      `${workload} is proxied as tcp by consul (its port name says so), and a TCP proxy counts connections and bytes, not requests, ` +
        "their statuses or their latency, so it has no golden signals; name its port 'http' (or 'http-…', 'http2', 'grpc') if it speaks HTTP, " +
        'or observe it outside the mesh with appMetrics',
      scope,
    );
  }
  return {
    name: 'consul',
    requestsTotal: 'envoy_http_downstream_rq_xx',
    matchers: ['envoy_http_conn_manager_prefix="public_listener"'],
    errorMatcher: 'envoy_response_code_class="5"',
    latency: 'envoy_http_downstream_rq_time',
    latencyUnitMilliseconds: 1,
    buckets: ENVOY_BUCKETS_MS,
  };
}
