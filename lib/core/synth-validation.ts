import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { appObjects, DuplicateObject } from './app-objects';
import { isSchemaChecked } from './checked-objects';
import { Manifest, schemaErrors } from './manifest-schema';
import { DNS_LABEL_MAX_LENGTH, isDnsLabel } from './names';
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
 * library's own objects check their schema when rendered). The app's objects
 * come from one walk, shared by every chart while one pass validates the app.
 */
function manifestProblems(chart: Chart): string[] {
  const problems: string[] = [];
  if (chart.namespace !== undefined && !isDnsLabel(chart.namespace, DNS_LABEL_MAX_LENGTH)) {
    problems.push(namespaceProblem(`chart ${chart.node.path}`, chart.namespace));
  }
  const objects = appObjects(chart.node.root);
  problems.push(...objects.duplicates.filter((duplicate) => reportedBy(chart, duplicate)).map(duplicateProblem));
  for (const object of objects.of(chart)) {
    problems.push(...ownObjectProblems(object, chart));
  }
  return problems;
}

/**
 * Whether the chart reports a duplicate object: one in the chart, or one
 * whose twin before it is in the chart while the duplicate's own chart does
 * not check itself. Each pair is reported once, by one chart.
 */
function reportedBy(chart: Chart, { inChart, earlier }: DuplicateObject): boolean {
  return inChart === chart || (Chart.of(earlier) === chart && !VALIDATED_CHARTS.has(inChart));
}

function duplicateProblem({ object, earlier }: DuplicateObject): string {
  return `${object.kind} ${object.name} (at ${object.node.path}) has the same kind, namespace and name as the object at ${earlier.node.path}; ` +
    'rename one of them (or, in two charts, give the charts different namespaces): the app would emit the object twice';
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
