import { App } from 'cdk8s';
import { objectIdentity } from '../../lib/internal';
import { synthObjects } from '../../lib/testing';
import { ShopChart } from '../../stacks/shop/shop-chart';
import { deleteNamespace, liveResourceVersion } from './kubectl';
import { routedRevisions, runRelease } from './release-runner';

const NAMESPACE = 'rejected-shop';
const release = (settings = {}) => synthObjects(new ShopChart(new App(), NAMESPACE, { environment: 'dev', settings }));

afterAll(() => deleteNamespace(NAMESPACE));

test('a release the API server refuses leaves the previous revision complete and routed: nothing lost', () => {
  const v1 = release();
  expect(runRelease([], v1).failed).toBeUndefined();
  const versions = new Map(v1.map((o) => [objectIdentity(o), liveResourceVersion(o)]));
  const before = routedRevisions('orders', NAMESPACE);

  // v2 changes orders, and its new Deployment is one the API server refuses
  // (a selector that does not match the pod template: a semantic rule no
  // offline schema checks).
  const v2 = release({ orders: { MAX_ITEMS_PER_ORDER: '75' } }).map((o) =>
    o.kind === 'Deployment' && o.metadata.name!.startsWith('orders-') && !versions.has(objectIdentity(o))
      ? { ...o, spec: { ...(o.spec as object), selector: { matchLabels: { 'app.kubernetes.io/name': 'not-orders' } } } }
      : o,
  );
  const outcome = runRelease(v1, v2);
  expect(outcome.completed).toEqual(['prepare']);
  expect(outcome.failed?.step).toBe('create');
  expect(outcome.failed?.error).toMatch(/selector.*does not match template labels|`selector` does not match/);

  expect(routedRevisions('orders', NAMESPACE)).toEqual(before);
  expect(before.length).toBe(1);
  expect(before[0].complete).toBe(true);
  for (const object of v1) {
    expect({ object: objectIdentity(object), resourceVersion: liveResourceVersion(object) }).toEqual({
      object: objectIdentity(object),
      resourceVersion: versions.get(objectIdentity(object)),
    });
  }
});
