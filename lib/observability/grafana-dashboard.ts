import { ApiObject, Chart, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { L1 } from '../core/checked-objects';
import { claimObjectName } from '../core/synth-validation';

/** The label Grafana's dashboard sidecar looks for (its default `label` and `labelValue`). */
export const GRAFANA_DASHBOARD_LABEL = { key: 'grafana_dashboard', value: '1' } as const;

/** Props of {@link GrafanaDashboard}. */
export interface GrafanaDashboardProps {
  /** The dashboard's name: the ConfigMap is `grafana-dashboard-<name>`, its file `<name>.json`. */
  readonly name: string;
  /** The ConfigMap's namespace, where Grafana's sidecar looks; `undefined` for the chart's. */
  readonly namespace: string | undefined;
  /** Labels besides the sidecar's. */
  readonly labels: Readonly<Record<string, string>>;
  /** The dashboard JSON, read at synth (the model may grow until then). */
  readonly json: () => string;
}

/**
 * A Grafana dashboard as a ConfigMap that Grafana's dashboard sidecar loads
 * (label `grafana_dashboard: "1"`). A pointer, not a revision object: it is
 * updated in place when the model changes.
 */
export class GrafanaDashboard extends Construct {
  /** The ConfigMap. */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: GrafanaDashboardProps) {
    super(scope, id);
    const name = `grafana-dashboard-${props.name}`;
    claimObjectName(this, 'ConfigMap', props.namespace ?? Chart.of(this).namespace, name);
    this.apiObject = new L1.ConfigMap(this, 'Resource', {
      metadata: {
        name,
        ...(props.namespace === undefined ? {} : { namespace: props.namespace }),
        labels: { ...props.labels, [GRAFANA_DASHBOARD_LABEL.key]: GRAFANA_DASHBOARD_LABEL.value },
      },
      data: Lazy.any({ produce: () => ({ [`${props.name}.json`]: props.json() }) }),
    });
  }
}
