import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { isSchemaChecked } from './checked-objects';
import { Manifest, schemaErrors } from './manifest-schema';
import { objectIdentity } from './object-identity';
import { ValidationError } from './validation-error';

const VALIDATED_CHARTS = new WeakSet<Chart>();
const CLAIMED_NAMES = new WeakMap<Chart, Map<string, string>>();

/**
 * Makes the chart of `scope` validate every object it synthesizes: no two may
 * share kind, namespace and name, and each must pass its schema. Problems are
 * collected, so one synth reports all of them. Idempotent.
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
 * Reserves a name for an object the library makes, so that two constructs can
 * never emit the same kind/namespace/name.
 *
 * @throws ValidationError naming both constructs when the name is taken.
 */
export function claimObjectName(scope: IConstruct, kind: string, namespace: string | undefined, name: string): void {
  const chart = Chart.of(scope);
  let claims = CLAIMED_NAMES.get(chart);
  if (claims === undefined) {
    claims = new Map();
    CLAIMED_NAMES.set(chart, claims);
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
 * Problems of the chart as a whole: two objects with one identity, and schema
 * errors of objects the library did not make (escape hatches, raw objects;
 * the library's own objects check their schema when rendered).
 */
function manifestProblems(chart: Chart): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const construct of chart.node.findAll()) {
    if (!ApiObject.isApiObject(construct) || Chart.of(construct) !== chart) {
      continue;
    }
    const { apiVersion, kind, name } = construct;
    const where = `${kind} ${name} (at ${construct.node.path})`;
    const identity = objectIdentity({ apiVersion, kind, metadata: { name, namespace: construct.metadata.namespace } });
    const first = seen.get(identity);
    if (first !== undefined) {
      problems.push(`${where} has the same kind, namespace and name as the object at ${first}; rename one of them`);
    } else {
      seen.set(identity, construct.node.path);
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
