/**
 * `immutable-infra/testing`: synthesize a chart in a jest test, find its objects, snapshot it.
 *
 * @packageDocumentation
 * @module immutable-infra/testing
 */
import { Chart } from 'cdk8s';
import { Manifest } from '../core/manifest-schema';
import { chartManifests, chartYaml } from '../core/synth-app';

/** What to look for with {@link findObjects}; every given field must match. */
export interface ObjectQuery {
  /**
   * The object kind, e.g. 'Deployment'.
   * @default - any kind
   */
  readonly kind?: string;
  /**
   * The exact object name.
   * @default - any name
   */
  readonly name?: string;
  /**
   * Labels the object must carry (with these values).
   * @default - any labels
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * Synthesizes a chart to its objects, running every validation a real synth
 * runs (schema, duplicates, cross-resource checks).
 */
export function synthObjects(chart: Chart): Manifest[] {
  return chartManifests(chart);
}

/** Synthesizes a chart to the multi-document YAML `cdk8s synth` writes. */
export function synthYaml(chart: Chart): string {
  return chartYaml(chart);
}

/** The objects that match the query, in synthesis order. */
export function findObjects(objects: readonly Manifest[], query: ObjectQuery): Manifest[] {
  return objects.filter((object) => {
    if (query.kind !== undefined && object.kind !== query.kind) {
      return false;
    }
    if (query.name !== undefined && object.metadata.name !== query.name) {
      return false;
    }
    const labels = (object.metadata.labels ?? {}) as Record<string, string>;
    return Object.entries(query.labels ?? {}).every(([key, value]) => labels[key] === value);
  });
}

/**
 * The one object that matches the query.
 *
 * @throws Error listing the objects there are when none or several match
 */
export function findObject(objects: readonly Manifest[], query: ObjectQuery): Manifest {
  const found = findObjects(objects, query);
  if (found.length !== 1) {
    const present = objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ');
    throw new Error(`expected exactly one object matching ${JSON.stringify(query)}, found ${found.length}; objects: ${present}`);
  }
  return found[0];
}

/**
 * A snapshot of a chart keyed by `Kind namespace/name`, so that a changed
 * snapshot names the object that changed. Use with jest's
 * `expect(snapshotOf(chart)).toMatchSnapshot()`.
 */
export function snapshotOf(chart: Chart): Record<string, Manifest> {
  const snapshot: Record<string, Manifest> = {};
  for (const object of synthObjects(chart)) {
    snapshot[`${object.kind} ${object.metadata.namespace ?? ''}/${object.metadata.name}`] = object;
  }
  return snapshot;
}
