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

  constructor(app: IConstruct) {
    const first = new Map<string, ApiObject>();
    for (const construct of app.node.findAll()) {
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

/** The app one validation pass is running over, and the walk of it its checks share once made. */
let pass: { readonly app: IConstruct; objects?: AppObjects } | undefined;

/**
 * Runs `validate`, the validation of every construct of `app` in one pass,
 * with one {@link AppObjects} walk shared by all of the app's charts: each
 * chart's checks look at the whole app, so without it a pass over an app of
 * many charts would walk the app once per chart.
 *
 * @internal
 */
export function validatingApp<T>(app: IConstruct, validate: () => T): T {
  const outer = pass;
  pass = { app };
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
    return new AppObjects(app);
  }
  pass.objects ??= new AppObjects(app);
  return pass.objects;
}
