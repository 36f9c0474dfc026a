import { ApiObject, JsonPatch } from 'cdk8s';
import { SynthValidationError } from '../../../lib';
import { Manifest } from '../../../lib/core/manifest-schema';
import { objectRole } from '../../../lib/internal';
import { findObject, synthObjects } from '../../../lib/testing';
import { apiObjectsOf, everyContentAddressedKind } from '../../escape-hatch-stack';
import { validationErrorOf } from '../../fixtures';

/** Patches the object at `path` of a fresh chart with every content-addressed kind, and synthesizes the chart. */
function synthPatched(path: string, ...ops: JsonPatch[]) {
  const chart = everyContentAddressedKind();
  ApiObject.of(apiObjectsOf(chart).get(path)!).addJsonPatch(...ops);
  return () => synthObjects(chart);
}

/** The one object of this kind whose name starts with `prefix`. */
function objectNamed(objects: readonly Manifest[], kind: string, prefix: string): any {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name!.startsWith(prefix));
  expect(found).toHaveLength(1);
  return found[0];
}

/** The one problem the synth reports, which must be the object's at `path`. */
function refusalOf(synth: () => unknown, path: string): string {
  const error = validationErrorOf(synth);
  expect(error).toBeInstanceOf(SynthValidationError);
  const problems = (error as SynthValidationError).problems;
  expect(problems.map((p) => p.construct.node.path)).toEqual([path]);
  return problems[0].message;
}

const REVISION_OBJECTS = [...apiObjectsOf(everyContentAddressedKind()).values()]
  .map((o) => ({ path: o.node.path, manifest: o.toJson() }))
  .filter((o) => objectRole(o.manifest) === 'revision')
  .map((o) => [`${o.manifest.kind} ${o.manifest.metadata.name}`, o.path] as const);

describe('escape hatches on objects named after their content', () => {
  test('the stack under test has every kind the library names after its content', () => {
    expect([...new Set(REVISION_OBJECTS.map(([what]) => what.split(' ')[0]))].sort()).toEqual([
      'ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'ScaledObject', 'Secret', 'Service', 'TriggerAuthentication',
    ]);
  });

  test.each(REVISION_OBJECTS)('fails when a JSON patch changes %s under its name, naming the object, the field and the props to change', (what, path) => {
    const message = refusalOf(synthPatched(path, JsonPatch.add('/metadata/finalizers', ['example.com/keep'])), path);
    expect(message).toContain(`${what} (made by `);
    expect(message).toContain('changes /metadata/finalizers under that name; change ');
    expect(message).toMatch(/instead: new content then gets a new name/);
  });

  test('fails when a JSON patch changes a revision\'s pod template, pointing to the revision props', () => {
    const path = 'test/orders/stable/Resource';
    const message = refusalOf(synthPatched(path, JsonPatch.replace('/spec/template/spec/containers/0/image', 'nginx:latest')), path);
    expect(message).toMatch(/^Deployment orders-[0-9a-f]{10} \(made by Revision 'stable'\) is named after its content/);
    expect(message).toContain('changes /spec/template/spec/containers/0/image under that name');
    expect(message).toContain("change the revision's props (image, command, args, env, configs, secrets, resources, probes, security, podLabels)");
  });

  test('fails when a JSON patch changes the data of a content-hashed ConfigMap or Secret, pointing to its source', () => {
    for (const [path, field] of [['test/orders/ConfigMap-settings/Resource', '/data/LOG_LEVEL'], ['test/token/Resource', '/data/TOKEN']]) {
      const message = refusalOf(synthPatched(path, JsonPatch.replace(field, 'ZGVidWc=')), path);
      expect(message).toContain(`changes ${field} under that name; change the data of its source`);
    }
  });

  test('fails when a JSON patch changes the revision template of a Knative Service (a pointer), pointing to the function\'s revision props', () => {
    const path = 'test/resize/Resource';
    const message = refusalOf(synthPatched(path, JsonPatch.add('/spec/template/metadata/annotations/x', 'y')), path);
    expect(message).toMatch(/^Service resize \(made by ServerlessFunction 'resize'\) is named after its content/);
    expect(message).toContain('changes /spec/template/metadata/annotations/x under that name');
    expect(message).toContain("change the revision's props (image, env, configs, secrets, resources, scaling, timeout) on the ServerlessFunction");
  });

  test('fails when a metadata edit (not a patch) changes a revision object', () => {
    const chart = everyContentAddressedKind();
    const deployment = apiObjectsOf(chart).get('test/cart/stable/Resource')!;
    deployment.metadata.addAnnotation('owner', 'team-cart');
    expect(refusalOf(() => synthObjects(chart), deployment.node.path)).toContain('changes /metadata/annotations under that name');
  });

  test('a patch of a revision object\'s scale, which changes in place, is applied', () => {
    expect(objectNamed(synthPatched('test/cart/stable/Resource', JsonPatch.replace('/spec/replicas', 5))(), 'Deployment', 'cart-').spec.replicas).toBe(5);
    const autoscaler = findObject(synthPatched('test/orders/stable/Autoscaler', JsonPatch.replace('/spec/maxReplicas', 8))(), { kind: 'HorizontalPodAutoscaler' });
    expect((autoscaler.spec as any).maxReplicas).toBe(8);
  });

  test('a patch that leaves the content as it is (a test, a value replaced by itself) is applied', () => {
    const path = 'test/orders/stable/Resource';
    const objects = synthPatched(path, JsonPatch.test('/kind', 'Deployment'), JsonPatch.replace('/spec/template/spec/enableServiceLinks', false))();
    expect(objectNamed(objects, 'Deployment', 'orders-').spec.template.spec.enableServiceLinks).toBe(false);
  });

  test('patches of pointers are applied as before: a Service, a NetworkPolicy, a Knative Service outside its template', () => {
    const chart = everyContentAddressedKind();
    const objects = apiObjectsOf(chart);
    objects.get('test/orders/Resource')!.addJsonPatch(JsonPatch.add('/metadata/annotations', { 'example.com/owner': 'orders' }));
    objects.get('test/orders/NetworkPolicy/Resource')!.addJsonPatch(JsonPatch.add('/metadata/labels/team', 'orders'));
    objects.get('test/resize/Resource')!.addJsonPatch(JsonPatch.add('/metadata/labels/team', 'media'));
    const synthesized = synthObjects(chart);
    expect(findObject(synthesized, { kind: 'Service', name: 'orders' }).metadata.annotations).toEqual({ 'example.com/owner': 'orders' });
    expect((findObject(synthesized, { kind: 'NetworkPolicy', name: 'orders' }).metadata.labels as any).team).toBe('orders');
    expect(synthesized.find((o) => o.apiVersion.startsWith('serving.knative.dev/'))!.metadata.labels).toMatchObject({ team: 'media' });
  });
});
