import { Manifest } from '../../../lib';
import { diffValues, formatPath, sameValue } from '../../../lib/release/plan/manifest-diff';
import { selectorChanges } from '../../../lib/release/plan/selector-changes';
import { trafficChanges } from '../../../lib/release/plan/traffic-changes';

const object = (kind: string, spec: unknown, apiVersion = 'v1'): Manifest => ({ apiVersion, kind, metadata: { name: 'x', namespace: 'ns' }, spec });

describe('diffValues', () => {
  test('maps key by key (sorted), keys that are not identifiers quoted', () => {
    expect(diffValues({ b: 1, labels: { 'app.kubernetes.io/name': 'a' } }, { a: 2, b: 1, labels: { 'app.kubernetes.io/name': 'b' } })).toEqual([
      { path: 'a', after: 2 },
      { path: 'labels["app.kubernetes.io/name"]', before: 'a', after: 'b' },
    ]);
  });

  test('lists of named items name by name, in any order', () => {
    const before = { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] };
    const after = { containers: [{ name: 'b', image: 'z' }, { name: 'c', image: 'w' }] };
    expect(diffValues(before, after)).toEqual([
      { path: 'containers[name=a]', before: { name: 'a', image: 'x' } },
      { path: 'containers[name=b].image', before: 'y', after: 'z' },
      { path: 'containers[name=c]', after: { name: 'c', image: 'w' } },
    ]);
  });

  test('other lists item by item when the length holds, else whole', () => {
    expect(diffValues({ a: [1, 2] }, { a: [1, 3] })).toEqual([{ path: 'a[1]', before: 2, after: 3 }]);
    expect(diffValues({ a: [1, 2] }, { a: [1, 2, 3] })).toEqual([{ path: 'a', before: [1, 2], after: [1, 2, 3] }]);
  });

  test('null, empty maps and empty lists are unset, as the API reads them', () => {
    expect(diffValues({ a: null, b: {}, c: [], d: { e: {} } }, {})).toEqual([]);
    expect(sameValue({ labels: {} }, {})).toBe(true);
    expect(sameValue({ replicas: 0 }, {})).toBe(false);
  });

  test('formatPath quotes what is not an identifier and names list items', () => {
    expect(formatPath(['spec', 'http', { name: 'canary' }, 'route', 0, 'weight'])).toBe('spec.http[name=canary].route[0].weight');
    expect(formatPath(['metadata', 'annotations', 'a/b'])).toBe('metadata.annotations["a/b"]');
  });
});

describe('trafficChanges', () => {
  test('Knative traffic: revisions by name (tags shown), percentages', () => {
    const before = object('Service', { traffic: [{ revisionName: 'f-00001', percent: 100 }] }, 'serving.knative.dev/v1');
    const after = object('Service', {
      traffic: [{ revisionName: 'f-00001', percent: 80 }, { revisionName: 'f-00002', percent: 20, tag: 'canary' }, { latestRevision: true, percent: 0, tag: 'latest' }],
    }, 'serving.knative.dev/v1');
    expect(trafficChanges(before, after)).toEqual([{
      path: 'spec.traffic',
      backends: [
        { backend: 'f-00001', before: 100, after: 80 },
        { backend: 'f-00002 (tag canary)', after: 20 },
        { backend: 'latest revision (tag latest)', after: 0 },
      ],
    }]);
  });

  test('Gateway API backendRefs: weight 1 when unset, the namespace when given', () => {
    const before = object('HTTPRoute', { rules: [{ backendRefs: [{ name: 'a' }] }] }, 'gateway.networking.k8s.io/v1');
    const after = object('HTTPRoute', { rules: [{ backendRefs: [{ name: 'a', weight: 9 }, { name: 'b', namespace: 'other', weight: 1 }] }] }, 'gateway.networking.k8s.io/v1');
    expect(trafficChanges(before, after)).toEqual([{
      path: 'spec.rules[0].backendRefs',
      backends: [{ backend: 'a', before: 1, after: 9 }, { backend: 'other/b', after: 1 }],
    }]);
  });

  test('Istio: one destination without weight takes 100; hosts by their short name; unchanged splits left out', () => {
    const route = (weight?: number) => ({ destination: { host: 'orders.shop.svc.cluster.local' }, ...(weight === undefined ? {} : { weight }) });
    const before = object('VirtualService', { http: [{ name: 'a', route: [route()] }, { name: 'b', route: [route(100)] }] }, 'networking.istio.io/v1');
    const after = object('VirtualService', { http: [{ name: 'a', route: [route(100)] }, { name: 'b', route: [route(70), { destination: { host: 'api.example.com' }, weight: 30 }] }] }, 'networking.istio.io/v1');
    expect(trafficChanges(before, after)).toEqual([{
      path: 'spec.http[name=b].route',
      backends: [{ backend: 'orders', before: 100, after: 70 }, { backend: 'api.example.com', after: 30 }],
    }]);
  });
});

describe('selectorChanges', () => {
  test('Istio subsets\' labels are selectors; pod templates are not searched', () => {
    const rule = (revision: string) => object('DestinationRule', { subsets: [{ name: 'v1', labels: { rev: revision } }] }, 'networking.istio.io/v1');
    expect(selectorChanges(rule('a'), rule('b'))).toEqual([{ path: 'spec.subsets[name=v1].labels', before: { rev: 'a' }, after: { rev: 'b' } }]);
    const deployment = (app: string) => object('Deployment', { selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app } } } }, 'apps/v1');
    expect(selectorChanges(deployment('x'), deployment('y'))).toEqual([]);
  });

  test('a selector that appears', () => {
    expect(selectorChanges(object('Service', { type: 'ExternalName' }), object('Service', { selector: { app: 'a' } }))).toEqual([
      { path: 'spec.selector', after: { app: 'a' } },
    ]);
  });
});
