import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { serviceLabels } from '../core/labels';
import { assertDnsLabel, DNS_LABEL_MAX_LENGTH } from '../core/names';
import { checkProps } from '../core/prop-schema';
import { validateManifestsAtSynth } from '../core/synth-validation';
import { ValidationError } from '../core/validation-error';
import type { ServerlessFunction } from '../serverless/function/serverless-function';
import type { Microservice } from '../workload/microservice';
import { appDashboard } from './dashboard-model';
import { GrafanaDashboard } from './grafana-dashboard';
import { observabilityTargetSchema, monitoringPropsSchema, observePropsSchema } from './observability-schemas';
import { observableWorkload } from './observable-workload';
import { ObserveProps } from './observe-props';
import { ObservedWorkload } from './observed-workload';

/** Props of {@link Monitoring}. */
export interface MonitoringProps {
  /**
   * The app's name: the title and name of the app dashboard.
   * @default - the id of the enclosing chart
   */
  readonly appName?: string;
  /**
   * Labels on every PodMonitor and PrometheusRule, e.g. the ones a
   * Prometheus's `podMonitorSelector` and `ruleSelector` pick (`{ release: 'prometheus' }`).
   * @default - none
   */
  readonly monitorLabels?: Record<string, string>;
  /**
   * How often pods are scraped, in seconds.
   * @default 30
   */
  readonly scrapeIntervalSeconds?: number;
  /**
   * The namespace of the dashboards' ConfigMaps, where Grafana's sidecar looks.
   * @default - the namespace of the chart of the Monitoring construct
   */
  readonly dashboardNamespace?: string;
}

/**
 * Observability derived from the stack: `observe()` a service or function
 * and get a prometheus-operator PodMonitor (every series labelled with its
 * service and revision), recording rules of its golden signals per service
 * and per revision, SLO burn-rate alerts, a Grafana dashboard, and Istio
 * tracing and access logs. In a mesh the queries read the mesh proxy's
 * standard metrics; outside one, the app's own. One dashboard covers the app.
 *
 * @example
 *   const monitoring = new Monitoring(chart, 'monitoring');
 *   monitoring.observe(orders, { slo: { availabilityPercent: 99.9 } });
 */
export class Monitoring extends Construct {
  /** The app dashboard. */
  public readonly appDashboard: GrafanaDashboard;
  private readonly props: MonitoringProps;
  private readonly observed: ObservedWorkload[] = [];
  private readonly dashboardNamespace: string | undefined;

  constructor(scope: Construct, id: string, props: MonitoringProps = {}) {
    super(scope, id);
    checkProps(monitoringPropsSchema, props, this, { name: 'Monitoring props' });
    const interval = props.scrapeIntervalSeconds ?? 30;
    if (!Number.isInteger(interval) || interval < 1) {
      throw new ValidationError(`scrapeIntervalSeconds must be a whole number of seconds ≥ 1, got ${interval}`, this);
    }
    this.props = props;
    const appName = props.appName ?? Chart.of(this).node.id;
    assertDnsLabel('appName', appName, DNS_LABEL_MAX_LENGTH, this);
    if (props.dashboardNamespace !== undefined) {
      assertDnsLabel('dashboardNamespace', props.dashboardNamespace, DNS_LABEL_MAX_LENGTH, this);
    }
    this.dashboardNamespace = props.dashboardNamespace;
    validateManifestsAtSynth(this);
    this.appDashboard = new GrafanaDashboard(this, 'AppDashboard', {
      name: `app-${appName}`,
      namespace: this.dashboardNamespace,
      labels: serviceLabels(appName, appName),
      json: () => appDashboard(appName, this.observed.map((o) => o.target)),
    });
    this.node.addValidation({
      validate: () => (this.observed.length === 0 ? ['Monitoring observes nothing; call observe() with a service or function, or remove it'] : []),
    });
  }

  /** The workloads observed, in order. */
  public get workloads(): readonly ObservedWorkload[] {
    return [...this.observed];
  }

  /**
   * Observes a service or function: a PodMonitor, recording rules of its
   * golden signals, its SLOs' alerts, a dashboard, and tracing if asked.
   *
   * @throws ValidationError for a workload observed twice, or props it cannot have (see {@link ObserveProps})
   */
  public observe(workload: Microservice | ServerlessFunction, props: ObserveProps = {}): ObservedWorkload {
    checkProps(observabilityTargetSchema, workload, this, { name: 'observed workload' });
    checkProps(observePropsSchema, props, this, { prefix: 'observe' });
    const observable = observableWorkload(workload);
    const id = `${observable.namespace ?? 'default'}-${observable.name}`;
    if (this.node.tryFindChild(id) !== undefined) {
      throw new ValidationError(`${observable.kind} ${observable.name} is observed twice; call observe() once per workload`, this);
    }
    const observed = new ObservedWorkload(this, id, {
      ...props,
      workload: observable,
      monitorLabels: this.props.monitorLabels ?? {},
      scrapeIntervalSeconds: this.props.scrapeIntervalSeconds ?? 30,
      dashboardNamespace: this.dashboardNamespace,
    });
    this.observed.push(observed);
    return observed;
  }
}
