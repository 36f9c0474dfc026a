import { TracingProps } from './istio-telemetry';
import { ServiceLevelObjectiveProps } from './service-level-objective';
import { AppMetricsProps } from './signal-source';

/** What `Monitoring.observe()` makes of one service or function. */
export interface ObserveProps {
  /**
   * The name of a container port that serves the app's own metrics; it is
   * scraped besides the mesh proxy's. A `Microservice`'s must be one of its ports.
   * @default - in a mesh, only the proxy's metrics; outside a mesh it is required
   */
  readonly metricsPort?: string;
  /**
   * The path of the app's metrics on `metricsPort`.
   * @default '/metrics'
   */
  readonly metricsPath?: string;
  /**
   * The app's request counter and latency histogram, the golden signals of a
   * workload outside a mesh (in a mesh they come from the proxy).
   * @default - none: required outside a mesh, refused in one
   */
  readonly appMetrics?: AppMetricsProps;
  /**
   * Availability and latency objectives, as recording rules and burn-rate alerts.
   * @default - no SLOs: the golden signals only
   */
  readonly slo?: ServiceLevelObjectiveProps;
  /**
   * Trace the workload's requests (Istio only: a Telemetry resource).
   * @default - the mesh's default tracing
   */
  readonly tracing?: TracingProps;
  /**
   * Log every request through this access log provider of the mesh config,
   * e.g. 'envoy' (Istio only: a Telemetry resource).
   * @default - the mesh's default access logging
   */
  readonly accessLogProvider?: string;
  /**
   * Ship a Grafana dashboard of the workload.
   * @default true
   */
  readonly dashboard?: boolean;
}
