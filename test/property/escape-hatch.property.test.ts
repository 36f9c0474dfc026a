import { ApiObject, JsonPatch } from 'cdk8s';
import fc from 'fast-check';
import { SynthValidationError } from '../../lib';
import { Manifest } from '../../lib/core/manifest-schema';
import { withoutScale } from '../../lib/core/scale-fields';
import { canonicalJson, objectRole } from '../../lib/internal';
import { synthObjects } from '../../lib/testing';
import { apiObjectsOf, everyContentAddressedKind } from '../escape-hatch-stack';
import { runParameters } from './harness/run-options';

/** Generated patches, each on a fresh chart with every kind of object the library names after its content. */
const RUN = runParameters({ numRuns: 250, seed: 2202 });

/** Every object of that chart as the library builds it, by construct path. */
const BUILT = new Map([...apiObjectsOf(everyContentAddressedKind())].map(([path, object]) => [path, object.toJson() as Manifest]));

/**
 * The content a name stands for, as the design states it: all of a revision
 * object (content-hashed, or labelled with a revision id) but its API version
 * and its scale; the revision template of a Knative Service (named after it).
 * `undefined` for the other objects, pointers that may change in place.
 */
function namedContent(manifest: Manifest): unknown {
  if (objectRole(manifest) === 'revision') {
    const { apiVersion: _apiVersion, ...content } = withoutScale(manifest);
    return content;
  }
  return manifest.apiVersion.startsWith('serving.knative.dev/') ? (manifest.spec as any)?.template : undefined;
}

interface Field {
  readonly pointer: string;
  readonly value: unknown;
}

/** Every field of a document at any depth, as JSON pointers. */
function fieldsOf(value: unknown, pointer = ''): Field[] {
  if (value === null || typeof value !== 'object') {
    return [];
  }
  return Object.entries(value).flatMap(([key, member]) => {
    const at = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    return [{ pointer: at, value: member }, ...fieldsOf(member, at)];
  });
}

/** Another value of the same type. */
function changed(value: unknown): unknown {
  switch (typeof value) {
    case 'number':
      return value + 1;
    case 'boolean':
      return !value;
    case 'string':
      return `${value}-patched`;
    default:
      return 'patched';
  }
}

interface PatchCase {
  /** The construct path of the patched object. */
  readonly path: string;
  readonly op: 'add' | 'replace' | 'remove';
  readonly pointer: string;
  readonly value?: unknown;
}

/** A patch of one object: a field (but its API version and kind) replaced by another value or by itself, removed, or a member added to a map. */
const patchCase: fc.Arbitrary<PatchCase> = fc.constantFrom(...BUILT.keys()).chain((path) => {
  const fields = fieldsOf(BUILT.get(path));
  // what the object is (its API version and kind) stays: a patch of those is no escape hatch but another object
  const leaves = fields.filter((f) => (f.value === null || typeof f.value !== 'object') && !['/apiVersion', '/kind'].includes(f.pointer));
  const maps = [{ pointer: '', value: BUILT.get(path) }, ...fields.filter((f) => f.value !== null && typeof f.value === 'object' && !Array.isArray(f.value))];
  return fc.oneof(
    fc.constantFrom(...leaves).map((f): PatchCase => ({ path, op: 'replace', pointer: f.pointer, value: changed(f.value) })),
    fc.constantFrom(...leaves).map((f): PatchCase => ({ path, op: 'replace', pointer: f.pointer, value: f.value })),
    fc.constantFrom(...leaves).map((f): PatchCase => ({ path, op: 'remove', pointer: f.pointer })),
    fc.tuple(fc.constantFrom(...maps), fc.constantFrom('team', 'example.com~1patched')).map(([f, key]): PatchCase => ({ path, op: 'add', pointer: `${f.pointer}/${key}`, value: 'patched' })),
  );
});

function jsonPatch(c: PatchCase): JsonPatch {
  switch (c.op) {
    case 'add':
      return JsonPatch.add(c.pointer, c.value);
    case 'replace':
      return JsonPatch.replace(c.pointer, c.value);
    case 'remove':
      return JsonPatch.remove(c.pointer);
  }
}

describe('escape hatches under generated JSON patches', () => {
  test('a patch that changes what a name stands for is refused at synth, naming the object; any other patch is applied', () => {
    const outcomes = { refused: 0, applied: 0, schemaRefused: 0 };
    fc.assert(
      fc.property(patchCase, (c) => {
        const built = BUILT.get(c.path)!;
        const expected = JsonPatch.apply(structuredClone(built), jsonPatch(c)) as Manifest;
        const changesNamedContent = canonicalJson(namedContent(built)) !== canonicalJson(namedContent(expected));
        const chart = everyContentAddressedKind();
        ApiObject.of(apiObjectsOf(chart).get(c.path)!).addJsonPatch(jsonPatch(c));
        let objects: Manifest[] | undefined;
        let error: unknown;
        try {
          objects = synthObjects(chart);
        } catch (e) {
          error = e;
        }
        if (changesNamedContent) {
          expect(error).toBeInstanceOf(SynthValidationError);
          const problems = (error as SynthValidationError).problems;
          expect(problems.map((p) => p.construct.node.path)).toEqual([c.path]);
          expect(problems[0].message).toContain(`${built.kind} ${built.metadata.name} (made by `);
          outcomes.refused++;
        } else if (objects === undefined) {
          // a pointer (or a revision object's scale) patched into something its schema refuses: refused as before
          expect(error).not.toBeInstanceOf(SynthValidationError);
          expect(String(error)).toMatch(/fails its schema/);
          outcomes.schemaRefused++;
        } else {
          expect(objects.some((o) => canonicalJson(o) === canonicalJson(expected))).toBe(true);
          outcomes.applied++;
        }
      }),
      RUN,
    );
    // neither side of the property is vacuous
    expect(outcomes.refused).toBeGreaterThan(RUN.numRuns / 10);
    expect(outcomes.applied).toBeGreaterThan(RUN.numRuns / 10);
  });
});
