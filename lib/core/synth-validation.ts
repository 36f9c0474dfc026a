import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { isSchemaChecked } from './checked-objects';
import { Manifest, schemaErrors } from './manifest-schema';
import { DNS_LABEL_MAX_LENGTH, isDnsLabel } from './names';
import { objectIdentity } from './object-identity';
import { describeValue } from './prop-schema';
import { ValidationError } from './validation-error';

const VALIDATED_CHARTS = new WeakSet<Chart>();
/**
 * The names claimed in each app (the root of the construct tree): the path of
 * the claiming construct by kind, namespace (`''` for none) and name, keyed by
 * those strings themselves (no key string made and kept per object).
 */
const CLAIMED_NAMES = new WeakMap<IConstruct, Map<string, Map<string, Map<string, string>>>>();

/**
 * Makes the chart of `scope` validate every object it synthesizes: no two may
 * share kind, namespace and name, and each must pass its schema. Problems are
 * collected, so one synth reports all of them. Idempotent.
 *
 * @internal
 */
export function validateManifestsAtSynth(scope: IConstruct): void {
  const chart = Chart.of(scope);
  if (VALIDATED_CHARTS.has(chart)) {
    return;
  }
  VALIDATED_CHARTS.add(chart);
  chart.node.addValidation({ validate: () => manifestProblems(chart) });
}

/**
 * Reserves a name for an object the library makes, so that two constructs of
 * one app (in one chart or in two charts of the same namespace) can never
 * emit the same kind/namespace/name. The kind alone counts, not its API
 * group: a Knative Service makes a Kubernetes Service of its name.
 *
 * @throws ValidationError naming both constructs when the name is taken.
 * @internal
 */
export function claimObjectName(scope: IConstruct, kind: string, namespace: string | undefined, name: string): void {
  const claims = claimsIn(scope.node.root, kind, namespace ?? '');
  const owner = claims.get(name);
  if (owner !== undefined) {
    throw new ValidationError(
      `${kind} name '${name}' is already used by ${owner}; give this construct another name`,
      scope,
    );
  }
  claims.set(name, scope.node.path);
}

/** The names of this kind claimed in this namespace of the app, with the paths of the claiming constructs. */
function claimsIn(app: IConstruct, kind: string, namespace: string): Map<string, string> {
  let byKind = CLAIMED_NAMES.get(app);
  if (byKind === undefined) {
    byKind = new Map();
    CLAIMED_NAMES.set(app, byKind);
  }
  return mapAt(mapAt(byKind, kind), namespace);
}

/** The map under `key`, added empty if missing. */
function mapAt<V>(maps: Map<string, Map<string, V>>, key: string): Map<string, V> {
  let map = maps.get(key);
  if (map === undefined) {
    map = new Map();
    maps.set(key, map);
  }
  return map;
}

/**
 * Problems of the chart as a whole: a namespace the API server refuses, an
 * object with the identity of another object of the app, and schema errors
 * of objects the library did not make (escape hatches, raw objects; the
 * library's own objects check their schema when rendered).
 */
function manifestProblems(chart: Chart): string[] {
  const problems: string[] = [];
  if (chart.namespace !== undefined && !isDnsLabel(chart.namespace, DNS_LABEL_MAX_LENGTH)) {
    problems.push(namespaceProblem(`chart ${chart.node.path}`, chart.namespace));
  }
  const objectProblems: string[] = [];
  const duplicates = new DuplicateObjects(chart);
  // One walk of the app: every object for duplicates, this chart's own objects (in its pre-order) for the rest.
  for (const construct of chart.node.root.node.findAll()) {
    if (!ApiObject.isApiObject(construct)) {
      continue;
    }
    const inChart = Chart.of(construct);
    duplicates.add(construct, inChart);
    if (inChart === chart) {
      objectProblems.push(...ownObjectProblems(construct, chart));
    }
  }
  return [...problems, ...duplicates.problems, ...objectProblems];
}

/** An object's namespace the API server refuses, and its schema errors unless it checks its schema when rendered. */
function ownObjectProblems(object: ApiObject, chart: Chart): string[] {
  const problems: string[] = [];
  const { kind, name } = object;
  const where = `${kind} ${name} (at ${object.node.path})`;
  const namespace = object.metadata.namespace;
  if (namespace !== undefined && namespace !== chart.namespace && !isDnsLabel(namespace, DNS_LABEL_MAX_LENGTH)) {
    problems.push(namespaceProblem(where, namespace));
  }
  if (!isSchemaChecked(object)) {
    const schemaProblem = schemaErrors(object.toJson() as Manifest);
    if (schemaProblem !== undefined) {
      problems.push(`${where} fails its schema: ${schemaProblem}`);
    }
  }
  return problems;
}

function namespaceProblem(what: string, namespace: string): string {
  return `${what} has namespace ${describeValue(namespace)}, which the API server refuses: a namespace is 1-${DNS_LABEL_MAX_LENGTH} ` +
    "lower-case letters, digits or '-', starting and ending with a letter or digit; use e.g. 'shop-prod'";
}

/**
 * The objects of a chart with the identity (API group, kind, namespace,
 * name) of an object before them in the app, in this chart or another; and
 * the objects before them in this chart whose twin is in a chart that does not
 * check itself. Each pair is reported once, by one chart. Fed every object of
 * the app in pre-order.
 */
class DuplicateObjects {
  public readonly problems: string[] = [];
  private readonly first = new Map<string, ApiObject>();

  constructor(private readonly chart: Chart) {}

  /** Takes the next object of the app and the chart it is in. */
  public add(object: ApiObject, inChart: Chart): void {
    const { apiVersion, kind, name } = object;
    const identity = objectIdentity({ apiVersion, kind, metadata: { name, namespace: object.metadata.namespace } });
    const earlier = this.first.get(identity);
    if (earlier === undefined) {
      this.first.set(identity, object);
      return;
    }
    if (inChart === this.chart || (Chart.of(earlier) === this.chart && !VALIDATED_CHARTS.has(inChart))) {
      this.problems.push(
        `${kind} ${name} (at ${object.node.path}) has the same kind, namespace and name as the object at ${earlier.node.path}; ` +
          'rename one of them (or, in two charts, give the charts different namespaces): the app would emit the object twice',
      );
    }
  }
}
