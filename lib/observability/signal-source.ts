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
  /** 'istio', 'linkerd' or 'app'. */
  readonly name: 'istio' | 'linkerd' | 'app';
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

/** Istio's default buckets of istio_request_duration_milliseconds. */
const ISTIO_BUCKETS_MS = [
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
 * `request_total`), else the app's own metrics.
 *
 * @param mesh the name of the mesh provider the workload is in, if any
 * @throws ValidationError for an unknown mesh, or outside a mesh without (valid) app metrics
 *
 * @internal
 */
export function signalSource(mesh: string | undefined, app: AppMetricsProps | undefined, workload: string, scope: IConstruct): SignalSource {
  if (mesh === 'istio') {
    return {
      name: 'istio',
      requestsTotal: 'istio_requests_total',
      matchers: ['reporter="destination"'],
      errorMatcher: 'response_code=~"5.."',
      latency: 'istio_request_duration_milliseconds',
      latencyUnitMilliseconds: 1,
      buckets: ISTIO_BUCKETS_MS,
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
  if (mesh !== undefined) {
    throw new ValidationError(`${workload} is in mesh '${mesh}', whose metrics the observability layer does not know; use Istio or Linkerd, or observe it outside a mesh`, scope);
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
