import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { isSchemaChecked } from './checked-objects';
import { Manifest, schemaErrors } from './manifest-schema';
import { DNS_LABEL_MAX_LENGTH, isDnsLabel } from './names';
import { objectIdentity } from './object-identity';
import { describeValue } from './prop-schema';
import { ValidationError } from './validation-error';

const VALIDATED_CHARTS = new WeakSet<Chart>();
/** The names claimed in each app (the root of the construct tree), by `<kind>/<namespace>/<name>`. */
const CLAIMED_NAMES = new WeakMap<IConstruct, Map<string, string>>();

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
  const app = scope.node.root;
  let claims = CLAIMED_NAMES.get(app);
  if (claims === undefined) {
    claims = new Map();
    CLAIMED_NAMES.set(app, claims);
  }
  const key = `${kind}/${namespace ?? ''}/${name}`;
  const owner = claims.get(key);
  if (owner !== undefined) {
    throw new ValidationError(
      `${kind} name '${name}' is already used by ${owner}; give this construct another name`,
      scope,
    );
  }
  claims.set(key, scope.node.path);
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
  problems.push(...duplicateProblems(chart));
  for (const construct of chart.node.findAll()) {
    if (!ApiObject.isApiObject(construct) || Chart.of(construct) !== chart) {
      continue;
    }
    const { kind, name } = construct;
    const where = `${kind} ${name} (at ${construct.node.path})`;
    const namespace = construct.metadata.namespace;
    if (namespace !== undefined && namespace !== chart.namespace && !isDnsLabel(namespace, DNS_LABEL_MAX_LENGTH)) {
      problems.push(namespaceProblem(where, namespace));
    }
    if (!isSchemaChecked(construct)) {
      const schemaProblem = schemaErrors(construct.toJson() as Manifest);
      if (schemaProblem !== undefined) {
        problems.push(`${where} fails its schema: ${schemaProblem}`);
      }
    }
  }
  return problems;
}

function namespaceProblem(what: string, namespace: string): string {
  return `${what} has namespace ${describeValue(namespace)}, which the API server refuses: a namespace is 1-${DNS_LABEL_MAX_LENGTH} ` +
    "lower-case letters, digits or '-', starting and ending with a letter or digit; use e.g. 'shop-prod'";
}

/**
 * The objects of this chart with the identity (API group, kind, namespace,
 * name) of an object before them in the app, in this chart or another; and
 * the objects before them in this chart whose twin is in a chart that does not
 * check itself. Each pair is reported once, by one chart.
 */
function duplicateProblems(chart: Chart): string[] {
  const problems: string[] = [];
  const first = new Map<string, ApiObject>();
  for (const construct of chart.node.root.node.findAll()) {
    if (!ApiObject.isApiObject(construct)) {
      continue;
    }
    const { apiVersion, kind, name } = construct;
    const identity = objectIdentity({ apiVersion, kind, metadata: { name, namespace: construct.metadata.namespace } });
    const earlier = first.get(identity);
    if (earlier === undefined) {
      first.set(identity, construct);
      continue;
    }
    const laterChart = Chart.of(construct);
    if (laterChart === chart || (Chart.of(earlier) === chart && !VALIDATED_CHARTS.has(laterChart))) {
      problems.push(
        `${kind} ${name} (at ${construct.node.path}) has the same kind, namespace and name as the object at ${earlier.node.path}; ` +
          'rename one of them (or, in two charts, give the charts different namespaces): the app would emit the object twice',
      );
    }
  }
  return problems;
}
