import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { objectIdentity } from './object-identity';

/** An object with the identity (API group, kind, namespace, name) of an object before it in the app. */
export interface DuplicateObject {
  readonly object: ApiObject;
  /** The chart the object is in. */
  readonly inChart: Chart;
  /** The first object of the app with that identity. */
  readonly earlier: ApiObject;
}

/**
 * The API objects of an app, from one walk in pre-order: each chart's own
 * objects, and every object with the identity of an earlier one.
 *
 * @internal
 */
export class AppObjects {
  /** Every object with the identity of an object before it in the app, in pre-order. */
  public readonly duplicates: DuplicateObject[] = [];
  private readonly byChart = new Map<Chart, ApiObject[]>();

  /** @param constructs the app's constructs, in pre-order */
  constructor(constructs: readonly IConstruct[]) {
    const first = new Map<string, ApiObject>();
    for (const construct of constructs) {
      if (!ApiObject.isApiObject(construct)) {
        continue;
      }
      const inChart = Chart.of(construct);
      const objects = this.byChart.get(inChart);
      if (objects === undefined) {
        this.byChart.set(inChart, [construct]);
      } else {
        objects.push(construct);
      }
      const { apiVersion, kind, name } = construct;
      const identity = objectIdentity({ apiVersion, kind, metadata: { name, namespace: construct.metadata.namespace } });
      const earlier = first.get(identity);
      if (earlier === undefined) {
        first.set(identity, construct);
      } else {
        this.duplicates.push({ object: construct, inChart, earlier });
      }
    }
  }

  /** The chart's own objects, in pre-order. */
  public of(chart: Chart): readonly ApiObject[] {
    return this.byChart.get(chart) ?? [];
  }
}

/** The app one validation pass is running over, its constructs, and the {@link AppObjects} its checks share once made. */
let pass: { readonly app: IConstruct; readonly constructs: readonly IConstruct[]; objects?: AppObjects } | undefined;

/**
 * Runs `validate`, the validation of every construct of `app` in one pass,
 * with one {@link AppObjects} shared by all of the app's charts: each
 * chart's checks look at the whole app, so without it a pass over an app of
 * many charts would walk the app once per chart.
 *
 * @param constructs the app's constructs, in pre-order: the walk the pass validates
 * @internal
 */
export function validatingApp<T>(app: IConstruct, constructs: readonly IConstruct[], validate: () => T): T {
  const outer = pass;
  pass = { app, constructs };
  try {
    return validate();
  } finally {
    pass = outer;
  }
}

/**
 * The objects of the app: the walk of the running validation pass over it
 * ({@link validatingApp}), or a walk of its own outside one.
 *
 * @internal
 */
export function appObjects(app: IConstruct): AppObjects {
  if (pass?.app !== app) {
    return new AppObjects(app.node.findAll());
  }
  pass.objects ??= new AppObjects(pass.constructs);
  return pass.objects;
}
