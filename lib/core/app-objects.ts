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
 * objects, and (when asked) every object with the identity of an earlier one.
 *
 * @internal
 */
export class AppObjects {
  private readonly all: ApiObject[] = [];
  private readonly byChart = new Map<Chart, ApiObject[]>();
  private found: DuplicateObject[] | undefined;

  /** @param constructs the app's constructs, in pre-order */
  constructor(constructs: readonly IConstruct[]) {
    for (const construct of constructs) {
      if (!ApiObject.isApiObject(construct)) {
        continue;
      }
      this.all.push(construct);
      const chart = Chart.of(construct);
      const objects = this.byChart.get(chart);
      if (objects === undefined) {
        this.byChart.set(chart, [construct]);
      } else {
        objects.push(construct);
      }
    }
  }

  /** The chart's own objects, in pre-order. */
  public of(chart: Chart): readonly ApiObject[] {
    return this.byChart.get(chart) ?? [];
  }

  /** Every object with the identity of an object before it in the app, in pre-order. */
  public get duplicates(): readonly DuplicateObject[] {
    if (this.found === undefined) {
      this.found = [];
      const first = new Map<string, ApiObject>();
      for (const object of this.all) {
        const { apiVersion, kind, name } = object;
        const identity = objectIdentity({ apiVersion, kind, metadata: { name, namespace: object.metadata.namespace } });
        const earlier = first.get(identity);
        if (earlier === undefined) {
          first.set(identity, object);
        } else {
          this.found.push({ object, inChart: Chart.of(object), earlier });
        }
      }
    }
    return this.found;
  }
}

/** The app one validation pass is running over, and the {@link AppObjects} its checks share. */
let pass: { readonly app: IConstruct; readonly objects: () => AppObjects } | undefined;

/**
 * Runs `validate`, the validation of every construct of `app` in one pass,
 * with one {@link AppObjects} shared by all of the app's charts: each
 * chart's checks look at the whole app, so without it a pass over an app of
 * many charts would walk the app once per chart.
 *
 * @param objects the app's objects, from the walk the pass validates (asked for when a check needs them)
 * @internal
 */
export function validatingApp<T>(app: IConstruct, objects: () => AppObjects, validate: () => T): T {
  const outer = pass;
  pass = { app, objects };
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
  return pass?.app === app ? pass.objects() : new AppObjects(app.node.findAll());
}
