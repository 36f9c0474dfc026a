import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { emitObject } from '../core/emit-object';
import { ValidationError } from '../core/validation-error';
import { workloadDashboard } from './dashboard-model';
import { goldenSignalRules } from './golden-signal-rules';
import { GrafanaDashboard } from './grafana-dashboard';
import { istioTelemetrySpec } from './istio-telemetry';
import { ObservableWorkload } from './observable-workload';
import { ObserveProps } from './observe-props';
import { MESH_PROXY_ENDPOINTS, podMonitorSpec, ScrapeEndpoint } from './pod-monitor';
import { QueryTarget } from './promql';
import { decimal, resolveObjectives, ServiceLevelObjective } from './service-level-objective';
import { signalSource } from './signal-source';
import { burnRateAlerts, sliRules } from './slo-rules';

/** Props of {@link ObservedWorkload}. */
export interface ObservedWorkloadProps extends ObserveProps {
  /** The workload observed. */
  readonly workload: ObservableWorkload;
  /** Labels for the PodMonitor and PrometheusRule, e.g. those a Prometheus's selectors pick. */
  readonly monitorLabels: Readonly<Record<string, string>>;
  /** How often its pods are scraped. */
  readonly scrapeIntervalSeconds: number;
  /** The namespace of its dashboard's ConfigMap. */
  readonly dashboardNamespace: string | undefined;
}

/**
 * The observability objects of one service or function: a PodMonitor, a
 * PrometheusRule of its golden signals and SLOs, a Grafana dashboard, and
 * an Istio Telemetry for tracing and access logs. `Monitoring.observe()` makes it.
 */
export class ObservedWorkload extends Construct {
  /** What its queries read: name, namespace and signal source. */
  public readonly target: QueryTarget;
  /** Its resolved objectives. */
  public readonly objectives: readonly ServiceLevelObjective[];
  /** The PodMonitor. */
  public readonly podMonitor: ApiObject;
  /** The PrometheusRule. */
  public readonly prometheusRule: ApiObject;
  /** The Istio Telemetry, if tracing or access logging was asked for. */
  public readonly telemetry: ApiObject | undefined;
  /** How often its pods are scraped, in seconds. */
  public readonly scrapeIntervalSeconds: number;

  constructor(scope: Construct, id: string, props: ObservedWorkloadProps) {
    super(scope, id);
    const { workload } = props;
    const what = `${workload.kind} ${workload.name}`;
    if (workload.mesh !== undefined && props.appMetrics !== undefined) {
      throw new ValidationError(
        `${what} is in a ${workload.mesh} mesh, whose proxy metrics are its golden signals, so appMetrics would be ignored; drop appMetrics`,
        this,
      );
    }
    this.target = {
      name: workload.name,
      namespace: workload.namespace,
      source: signalSource(workload.mesh, props.appMetrics, what, this, workload.proxyProtocol),
    };
    this.scrapeIntervalSeconds = props.scrapeIntervalSeconds;
    this.objectives = resolveObjectives(props.slo ?? {}, this);
    this.checkLatencyThresholds();

    const metadata = (name: string, labels: Readonly<Record<string, string>>) => ({
      name,
      ...(workload.namespace === undefined ? {} : { namespace: workload.namespace }),
      labels: { ...workload.labels, ...labels },
    });
    this.podMonitor = emitObject(this, 'PodMonitor', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PodMonitor',
      metadata: metadata(workload.name, props.monitorLabels),
      spec: podMonitorSpec(workload.podSelector, this.scrapeEndpoints(props), props.scrapeIntervalSeconds),
    });
    this.prometheusRule = emitObject(this, 'PrometheusRule', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: metadata(workload.name, props.monitorLabels),
      spec: { groups: this.ruleGroups() },
    });
    this.telemetry = this.tracingTelemetry(props, metadata(workload.name, {}));
    if (props.dashboard ?? true) {
      new GrafanaDashboard(this, 'Dashboard', {
        name: `${workload.namespace ?? 'default'}-${workload.name}`,
        namespace: props.dashboardNamespace,
        labels: workload.labels,
        json: () => workloadDashboard(this.target, this.objectives),
      });
    }
  }

  /** The rule groups: golden signals, then each SLO's indicator and alerts. */
  private ruleGroups(): Record<string, unknown>[] {
    const prefix = `${this.target.namespace ?? 'default'}.${this.target.name}`;
    return [
      { name: `${prefix}.golden-signals`, rules: goldenSignalRules(this.target) },
      ...this.objectives.map((o) => ({ name: `${prefix}.slo-${o.kind}`, rules: [...sliRules(this.target, o), ...burnRateAlerts(this.target, o)] })),
    ];
  }

  private scrapeEndpoints(props: ObservedWorkloadProps): ScrapeEndpoint[] {
    const { workload } = props;
    const endpoints: ScrapeEndpoint[] = [];
    if (workload.mesh !== undefined) {
      endpoints.push(MESH_PROXY_ENDPOINTS[workload.mesh]);
    } else if (props.metricsPort === undefined) {
      throw new ValidationError(
        `${workload.kind} ${workload.name} is not in a mesh, so its metrics come from the app; pass metricsPort, the name of the container port that serves them`,
        this,
      );
    }
    if (props.metricsPort !== undefined) {
      if (workload.portNames !== undefined && !workload.portNames.includes(props.metricsPort)) {
        throw new ValidationError(
          `metricsPort '${props.metricsPort}' is not a port of ${workload.kind} ${workload.name} (its ports: ${workload.portNames.join(', ') || 'none'}); ` +
            'name one of its ports, or add a port for the metrics',
          this,
        );
      }
      endpoints.push({ port: props.metricsPort, path: props.metricsPath ?? '/metrics' });
    }
    return endpoints;
  }

  /** @throws ValidationError for a latency threshold that is not a bucket boundary of the histogram */
  private checkLatencyThresholds(): void {
    const { source } = this.target;
    for (const o of this.objectives.filter((x) => x.kind === 'latency')) {
      const bound = decimal(o.thresholdMilliseconds! / source.latencyUnitMilliseconds);
      if (!source.buckets.includes(bound)) {
        const unit = source.latencyUnitMilliseconds === 1 ? 'ms' : 's';
        throw new ValidationError(
          `slo.latency.thresholdMilliseconds ${o.thresholdMilliseconds} is not a bucket boundary of ${source.latency} (${source.name}), ` +
            `so the share of faster requests cannot be counted; use one of ${source.buckets.map((b) => `${decimal(b * source.latencyUnitMilliseconds)}`).join(', ')} (${unit === 's' ? 'declared in seconds' : 'ms'})`,
          this,
        );
      }
    }
  }

  /**
   * An Istio Telemetry for tracing and access logs.
   *
   * @throws ValidationError outside Istio: Linkerd has no such resource (its
   *   tracing and access logs are pod annotations), and no mesh, no proxy
   */
  private tracingTelemetry(
    props: ObservedWorkloadProps,
    metadata: { name: string; namespace?: string; labels: Record<string, string> },
  ): ApiObject | undefined {
    if (props.tracing === undefined && props.accessLogProvider === undefined) {
      return undefined;
    }
    const { workload } = props;
    const asked = props.tracing !== undefined ? 'tracing' : 'accessLogProvider';
    if (workload.mesh !== 'istio') {
      const why = workload.mesh === 'linkerd'
        ? 'Linkerd has no Telemetry resource: its tracing (linkerd-jaeger) and access logs are pod annotations, which would make new revisions'
        : workload.mesh === 'consul'
          ? "Consul has no per-service Telemetry resource: its Envoy's tracing and access logs are set for the whole datacenter (ProxyDefaults 'envoy_tracing_json', 'accessLogs')"
          : `${workload.kind} ${workload.name} is not in a mesh, so no proxy traces or logs its requests`;
      throw new ValidationError(`${asked} needs Istio's Telemetry resource, and ${why}; drop ${asked}, or put the ${workload.kind} in an Istio mesh`, this);
    }
    const sampling = props.tracing?.samplingPercentage;
    if (sampling !== undefined && !(sampling >= 0 && sampling <= 100)) {
      throw new ValidationError(`tracing.samplingPercentage must be 0-100, got ${sampling}`, this);
    }
    return emitObject(this, 'Telemetry', {
      apiVersion: 'telemetry.istio.io/v1',
      kind: 'Telemetry',
      metadata,
      spec: istioTelemetrySpec(workload.podSelector, props.tracing, props.accessLogProvider),
    });
  }
}
