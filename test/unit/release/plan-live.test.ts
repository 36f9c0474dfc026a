import { appliedView, KubeApi, Manifest, planRelease, retainedObjects } from '../../../lib';
import { ApiResources } from '../../../lib/release/cluster/api-resources';
import { appLabelSelector, appScope, isAppObject } from '../../../lib/release/cluster/app-scope';
import { withNamespaces } from '../../../lib/release/cluster/namespace-defaults';
import { FakeApiServer, statusAnswer } from './fake-api-server';
import { apiService, objectOf } from './plan-fixtures';

const LABELS = { 'app.kubernetes.io/managed-by': 'immutable-infra', 'app.kubernetes.io/name': 'cart', 'app.kubernetes.io/part-of': 'shop' };
const applied = (fieldsV1: unknown, manager = 'immutable-infra') => [{ apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1, manager, operation: 'Apply', time: '2026-11-21T04:51:41Z' }];

/** A live Service as the API server returns it after `immutable-infra deploy` applied it (taken from a real one). */
function liveService(selector: Record<string, string>): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      creationTimestamp: '2026-11-21T04:51:41Z',
      labels: LABELS,
      managedFields: applied({
        'f:metadata': { 'f:labels': { 'f:app.kubernetes.io/managed-by': {}, 'f:app.kubernetes.io/name': {}, 'f:app.kubernetes.io/part-of': {} } },
        'f:spec': {
          'f:ports': { 'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:name': {}, 'f:port': {}, 'f:protocol': {}, 'f:targetPort': {} } },
          'f:selector': {},
          'f:type': {},
        },
      }),
      name: 'cart',
      namespace: 'shop-dev',
      resourceVersion: '494',
      uid: '3fd74416-e83e-4ee9-9f55-fbdcdd9926d8',
    },
    spec: {
      clusterIP: '10.0.0.177',
      clusterIPs: ['10.0.0.177'],
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' }],
      selector,
      sessionAffinity: 'None',
      type: 'ClusterIP',
    },
    status: { loadBalancer: {} },
  };
}

const desiredService = (selector: Record<string, string>): Manifest => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'cart', namespace: 'shop-dev', labels: LABELS },
  spec: { type: 'ClusterIP', selector, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] },
});

describe('appliedView', () => {
  test('the fields the field manager owns: no status, no server metadata, no defaults', () => {
    const selector = { 'app.kubernetes.io/name': 'cart' };
    expect(appliedView(liveService(selector), 'immutable-infra', desiredService(selector))).toEqual(desiredService(selector));
  });

  test('a selector key the synthesis dropped shows as a change', () => {
    const live = liveService({ 'app.kubernetes.io/name': 'cart', track: 'stable' });
    const desired = desiredService({ 'app.kubernetes.io/name': 'cart' });
    const [update] = planRelease([appliedView(live, 'immutable-infra', desired)], [desired]).updated;
    expect(update.selectors).toEqual([{ path: 'spec.selector', before: { 'app.kubernetes.io/name': 'cart', track: 'stable' }, after: { 'app.kubernetes.io/name': 'cart' } }]);
  });

  test('an owned field the server did not store takes the zero value the synthesis gives it', () => {
    const live: Manifest = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'n', managedFields: applied({ 'f:spec': { 'f:enableServiceLinks': {}, 'f:priority': {} } }) },
      spec: {},
    };
    const desired: Manifest = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'n' }, spec: { enableServiceLinks: false, priority: 0 } };
    expect(appliedView(live, 'immutable-infra', desired).spec).toEqual({ enableServiceLinks: false, priority: 0 });
  });

  test('applied by another tool: read in the shape of the synthesis', () => {
    const selector = { 'app.kubernetes.io/name': 'cart' };
    const live = { ...liveService(selector), metadata: { ...liveService(selector).metadata, managedFields: applied({ 'f:spec': {} }, 'kubectl') } };
    expect(appliedView(live, 'immutable-infra', desiredService(selector))).toEqual(desiredService(selector));
  });

  test('a whole synthesized object round-trips: apply-like defaults added, then the view equals the synthesis', () => {
    const desired = objectOf(apiService(), 'Deployment', /^api-/) as any;
    const live = JSON.parse(JSON.stringify(desired));
    live.metadata = { ...live.metadata, uid: 'u', resourceVersion: '1', generation: 1, creationTimestamp: '2026-01-01T00:00:00Z' };
    live.spec.progressDeadlineSeconds = 600;
    live.spec.template.spec.containers[0].terminationMessagePath = '/dev/termination-log';
    live.status = { replicas: 1 };
    expect(appliedView(live, 'immutable-infra', desired)).toEqual(desired);
  });
});

describe('retainedObjects', () => {
  const revision = (name: string, revisionId: string, created: string, config?: string): Manifest[] => [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: 'ns', creationTimestamp: created, labels: { ...LABELS, 'immutable-infra.dev/revision': revisionId } },
      spec: { template: { spec: { containers: [{ name: 'cart', envFrom: config === undefined ? [] : [{ configMapRef: { name: config } }] }] } } },
    },
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name, namespace: 'ns', creationTimestamp: created, labels: { ...LABELS, 'immutable-infra.dev/revision': revisionId } },
    },
  ];
  const config = (name: string): Manifest => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns', labels: LABELS }, immutable: true });
  const retired = [
    ...revision('cart-aaaaaaaaaa', 'aaaaaaaaaa', '2026-11-21T10:00:00Z', 'cart-settings-1111111111'),
    ...revision('cart-bbbbbbbbbb', 'bbbbbbbbbb', '2026-11-21T11:00:00Z', 'cart-settings-2222222222'),
    config('cart-settings-1111111111'),
    config('cart-settings-2222222222'),
  ];

  test('keeps the most recent revision with its objects and the config its pods use', () => {
    expect([...retainedObjects(retired, 1)].sort()).toEqual([
      '/ConfigMap/ns/cart-settings-2222222222',
      'apps/Deployment/ns/cart-bbbbbbbbbb',
      'policy/PodDisruptionBudget/ns/cart-bbbbbbbbbb',
    ]);
  });

  test('keeps none with 0, all with more than there are', () => {
    expect(retainedObjects(retired, 0).size).toBe(0);
    expect(retainedObjects(retired, 5).size).toBe(retired.length);
  });

  test('ties on creation time go to the name that sorts first', () => {
    const tied = [...revision('cart-bbbbbbbbbb', 'bbbbbbbbbb', '2026-11-21T10:00:00Z'), ...revision('cart-aaaaaaaaaa', 'aaaaaaaaaa', '2026-11-21T10:00:00Z')];
    expect([...retainedObjects(tied, 1)].sort()).toEqual(['apps/Deployment/ns/cart-aaaaaaaaaa', 'policy/PodDisruptionBudget/ns/cart-aaaaaaaaaa']);
  });
});

describe('the app in the cluster', () => {
  const dist = apiService();
  const scope = appScope(dist);
  const live = (overrides: Partial<Manifest['metadata']>, kind = 'ConfigMap'): Manifest => ({
    apiVersion: 'v1',
    kind,
    metadata: {
      name: 'api-old-0123456789',
      namespace: 'app',
      labels: { 'app.kubernetes.io/managed-by': 'immutable-infra', 'app.kubernetes.io/part-of': 'app' },
      managedFields: applied({ 'f:data': {} }),
      ...overrides,
    },
  });

  test('is named by the part-of labels and the namespaces of the synthesis', () => {
    expect(scope).toEqual({ partOf: ['app'], namespaces: ['app'] });
    expect(appLabelSelector(scope)).toBe('app.kubernetes.io/managed-by=immutable-infra,app.kubernetes.io/part-of in (app)');
    expect(appLabelSelector({ partOf: [], namespaces: ['app'] })).toBeUndefined();
  });

  test('holds what deploy applied with its labels in its namespaces, and nothing else', () => {
    expect(isAppObject(live({}), scope)).toBe(true);
    expect(isAppObject(live({ namespace: 'app-prod' }), scope)).toBe(false);
    expect(isAppObject(live({ managedFields: applied({ 'f:subsets': {} }, 'endpoint-controller') }), scope)).toBe(false);
    expect(isAppObject(live({ ownerReferences: [{ kind: 'Service', name: 'api' }] }), scope)).toBe(false);
    expect(isAppObject(live({ deletionTimestamp: '2026-11-21T10:00:00Z' }), scope)).toBe(false);
    expect(isAppObject(live({ labels: { 'app.kubernetes.io/part-of': 'app' } }), scope)).toBe(false);
  });
});

describe('ApiResources', () => {
  const LIST_DELETE = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch'];
  /** Discovery as an API server serves it: two groups serve HTTPRoute, one type only at a non-preferred version, a subresource, a type that cannot be listed. */
  const DISCOVERY: Record<string, unknown> = {
    '/api': { versions: ['v1'] },
    '/apis': {
      groups: [
        { name: 'gateway.networking.k8s.io', versions: [{ version: 'v1' }, { version: 'v1beta1' }], preferredVersion: { version: 'v1' } },
        { name: 'policy.linkerd.io', versions: [{ version: 'v1beta2' }, { version: 'v1beta3' }], preferredVersion: { version: 'v1beta3' } },
      ],
    },
    '/api/v1': {
      resources: [
        { name: 'configmaps', namespaced: true, kind: 'ConfigMap', verbs: LIST_DELETE },
        { name: 'namespaces', namespaced: false, kind: 'Namespace', verbs: LIST_DELETE },
        { name: 'pods/log', namespaced: true, kind: 'Pod', verbs: ['get'] },
        { name: 'bindings', namespaced: true, kind: 'Binding', verbs: ['create'] },
      ],
    },
    '/apis/gateway.networking.k8s.io/v1': { resources: [{ name: 'httproutes', namespaced: true, kind: 'HTTPRoute', verbs: LIST_DELETE }] },
    '/apis/gateway.networking.k8s.io/v1beta1': {
      resources: [
        { name: 'httproutes', namespaced: true, kind: 'HTTPRoute', verbs: LIST_DELETE },
        { name: 'referencegrants', namespaced: true, kind: 'ReferenceGrant', verbs: LIST_DELETE },
      ],
    },
    '/apis/policy.linkerd.io/v1beta2': { resources: [{ name: 'httproutes', namespaced: true, kind: 'HTTPRoute', verbs: LIST_DELETE }] },
    '/apis/policy.linkerd.io/v1beta3': { resources: [{ name: 'httproutes', namespaced: true, kind: 'HTTPRoute', verbs: LIST_DELETE }] },
  };
  let resources: ApiResources;
  beforeAll(async () => {
    const server = await FakeApiServer.start((r) => (r.path in DISCOVERY ? { status: 200, body: DISCOVERY[r.path] } : statusAnswer(404, 'NotFound', 'not found')));
    const api = KubeApi.connect({ kubeconfig: server.kubeconfig({ token: 't' }).file });
    resources = await ApiResources.discover(api);
    api.close();
    await server.close();
  });

  test('are discovered like kubectl api-resources --verbs=list,delete: each type once, at its group\'s preferred version when it serves it', () => {
    expect(resources.all).toEqual([
      { name: 'configmaps', group: '', version: 'v1', namespaced: true, kind: 'ConfigMap' },
      { name: 'namespaces', group: '', version: 'v1', namespaced: false, kind: 'Namespace' },
      { name: 'httproutes', group: 'gateway.networking.k8s.io', version: 'v1', namespaced: true, kind: 'HTTPRoute' },
      { name: 'referencegrants', group: 'gateway.networking.k8s.io', version: 'v1beta1', namespaced: true, kind: 'ReferenceGrant' },
      { name: 'httproutes', group: 'policy.linkerd.io', version: 'v1beta3', namespaced: true, kind: 'HTTPRoute' },
    ]);
  });

  test('finds a kind by its group, whatever the version', () => {
    expect(resources.of('policy.linkerd.io/v1beta2', 'HTTPRoute')?.group).toBe('policy.linkerd.io');
    expect(resources.of('example.com/v1', 'HTTPRoute')).toBeUndefined();
  });

  test('namespaced objects that name no namespace get the context\'s', () => {
    const objects: Manifest[] = [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'b' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'x' } },
    ];
    expect(withNamespaces(objects, resources, () => 'dev').map((o) => o.metadata.namespace)).toEqual(['dev', undefined, 'x']);
  });

  test('the context\'s namespace is asked for only when an object names none', () => {
    const named: Manifest[] = [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'x' } }];
    const ask = jest.fn(() => 'dev');
    expect(withNamespaces(named, resources, ask)).toEqual(named);
    expect(ask).not.toHaveBeenCalled();
  });
});
