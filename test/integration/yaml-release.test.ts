import { App } from 'cdk8s';
import { canonicalJson, objectIdentity } from '../../lib/internal';
import { synthObjects } from '../../lib/testing';
import { ShopChart } from '../../stacks/shop/shop-chart';
import { deleteNamespace, getLive, kubectl, liveResourceVersion, resourceType } from './kubectl';
import { routedRevisions, runRelease } from './release-runner';

const NAMESPACE = 'release-shop';
const release = (settings = {}) => synthObjects(new ShopChart(new App(), NAMESPACE, { environment: 'dev', settings }));

afterAll(() => deleteNamespace(NAMESPACE));

test('two releases through YAML in release order: nothing immutable is ever modified, unchanged objects are never written, one complete revision is always routed', () => {
  const v1 = release();
  const v2 = release({ cart: { SESSION_TTL_MINUTES: '90' } });
  expect(runRelease([], v1).failed).toBeUndefined();
  const versions = new Map(v1.map((o) => [objectIdentity(o), liveResourceVersion(o)]));

  const v2Names = new Set(v2.map(objectIdentity));
  const retired = v1.filter((o) => !v2Names.has(objectIdentity(o)));
  const oldConfig = retired.find((o) => o.kind === 'ConfigMap')!;
  expect(oldConfig.metadata.name).toMatch(/^cart-settings-/);

  const checkBetweenSteps = (step: string) => {
    const routed = routedRevisions('cart', NAMESPACE);
    expect({ step, routed: routed.length > 0, allComplete: routed.every((r) => r.complete) }).toEqual({ step, routed: true, allComplete: true });
    if (step !== 'retire') {
      expect({ step, resourceVersion: liveResourceVersion(oldConfig) }).toEqual({ step, resourceVersion: versions.get(objectIdentity(oldConfig)) });
    }
  };
  checkBetweenSteps('before');

  const outcome = runRelease(v1, v2, (step) => {
    checkBetweenSteps(step);
    if (step === 'route') {
      const edit = kubectl(['patch', 'configmap', oldConfig.metadata.name!, '-n', NAMESPACE, '--type=merge', '-p', '{"data":{"SESSION_TTL_MINUTES":"90"}}']);
      expect(edit.status).not.toBe(0);
      expect(edit.stderr).toMatch(/field is immutable/);
      expect(liveResourceVersion(oldConfig)).toBe(versions.get(objectIdentity(oldConfig)));
    }
  });
  expect(outcome).toEqual({ completed: ['prepare', 'create', 'route', 'retire'] });

  // Every object the release does not change keeps its resourceVersion; the pointers that change are cart's Service (its selector)
  // and its DestinationRule (the subset of the new revision: the cart's session affinity lives there).
  const v2Json = new Map(v2.map((o) => [objectIdentity(o), canonicalJson(o)]));
  const changed = v1.filter((o) => v2Names.has(objectIdentity(o)) && v2Json.get(objectIdentity(o)) !== canonicalJson(o));
  expect(changed.map(objectIdentity)).toEqual(['/Service/release-shop/cart', 'networking.istio.io/DestinationRule/release-shop/cart']);
  for (const object of v1.filter((o) => v2Names.has(objectIdentity(o)) && !changed.includes(o))) {
    expect({ object: objectIdentity(object), resourceVersion: liveResourceVersion(object) }).toEqual({
      object: objectIdentity(object),
      resourceVersion: versions.get(objectIdentity(object)),
    });
  }
  for (const object of retired) {
    const live = getLive(resourceType(object), object.metadata.name!, NAMESPACE);
    expect({ object: objectIdentity(object), retired: live === undefined || live.metadata.deletionTimestamp !== undefined }).toEqual({
      object: objectIdentity(object),
      retired: true,
    });
  }
  expect(routedRevisions('cart', NAMESPACE).map((r) => r.deployment.split(' ')[0])).toEqual([v2.find((o) => o.kind === 'Deployment' && o.metadata.name!.startsWith('cart-'))!.metadata.name]);
});
