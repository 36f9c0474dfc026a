import { KubeApi, Manifest } from '../../../lib';
import { ApiResource, ApiResources } from '../../../lib/release/cluster/api-resources';
import { readLiveState } from '../../../lib/release/cluster/live-state';
import { advancedHistory, appliedTypes, recordedRelease, withAppliedTypes } from '../../../lib/release/cluster/release-history';
import { FakeApiServer, ReceivedRequest, statusAnswer } from './fake-api-server';
import { apiService } from './plan-fixtures';

const resource = (name: string, apiVersion: string, namespaced: boolean, kind: string): ApiResource => {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  return { name, group, version, namespaced, kind };
};
const resources = ApiResources.from([
  resource('configmaps', 'v1', true, 'ConfigMap'),
  resource('endpoints', 'v1', true, 'Endpoints'),
  resource('namespaces', 'v1', false, 'Namespace'),
  resource('pods', 'v1', true, 'Pod'),
  resource('serviceaccounts', 'v1', true, 'ServiceAccount'),
  resource('services', 'v1', true, 'Service'),
  resource('deployments', 'apps/v1', true, 'Deployment'),
  resource('replicasets', 'apps/v1', true, 'ReplicaSet'),
  resource('poddisruptionbudgets', 'policy/v1', true, 'PodDisruptionBudget'),
  resource('networkpolicies', 'networking.k8s.io/v1', true, 'NetworkPolicy'),
  resource('clusterroles', 'rbac.authorization.k8s.io/v1', false, 'ClusterRole'),
]);
const dist: Manifest[] = apiService().map((m) => ({ ...m, metadata: { ...m.metadata, namespace: 'shop' } }));
/** What `immutable-infra deploy` applied, as the API server's managedFields record it. */
const APPLIED = [{ apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': {} }, manager: 'immutable-infra', operation: 'Apply' }];

/** What a request's path names: the type, as `resourceArgument` does (`deployments.apps`, `services`), and the object's name, if any. */
function pathTarget(path: string): { type: string; name?: string } {
  const parts = path.split('/').filter((p) => p !== '');
  const group = parts[0] === 'api' ? '' : parts[1];
  const rest = parts.slice(parts[0] === 'api' ? 2 : 3);
  const [resource, name] = rest[0] === 'namespaces' && rest.length > 2 ? rest.slice(2) : rest;
  return { type: group === '' ? resource : `${resource}.${group}`, name };
}

let server: FakeApiServer;
let api: KubeApi;
/** Answers lists with every live object of the type (as if the namespace held them), GETs by name from them. */
const holding = (live: readonly Manifest[]) => (request: ReceivedRequest) => {
  const { type, name: byName } = pathTarget(request.path);
  const ofType = live.filter((m) => resources.typeOf(m) === type);
  if (byName === undefined) {
    return { status: 200, body: { kind: 'List', items: ofType.map(({ apiVersion: _a, kind: _k, ...rest }) => rest) } };
  }
  const found = ofType.find((m) => m.metadata.name === byName);
  return found === undefined ? statusAnswer(404, 'NotFound', `"${byName}" not found`) : { status: 200, body: found };
};
beforeAll(async () => {
  server = await FakeApiServer.start(holding([]));
  api = KubeApi.connect({ kubeconfig: server.kubeconfig({ token: 't' }).file });
});
beforeEach(() => server.requests.splice(0));
afterAll(async () => {
  api.close();
  await server.close();
});
const labelLists = () => server.requests.filter((r) => r.query.has('labelSelector')).map((r) => pathTarget(r.path).type).sort();

describe('readLiveState', () => {
  test('without recorded types: every served type by label, but never the ones controllers make (Pods, ReplicaSets, Endpoints)', async () => {
    server.answer(holding([]));
    await readLiveState(api, resources, dist);
    expect(labelLists()).toEqual([
      'clusterroles.rbac.authorization.k8s.io', 'configmaps', 'deployments.apps', 'namespaces',
      'networkpolicies.networking.k8s.io', 'poddisruptionbudgets.policy', 'serviceaccounts', 'services',
    ]);
    const namespaced = server.requests.filter((r) => r.query.has('labelSelector') && r.path.includes('/namespaces/'));
    expect(namespaced.every((r) => r.path.includes('/namespaces/shop/'))).toBe(true);
  });

  test('with recorded types: only those and the synthesis\'s own', async () => {
    server.answer(holding([]));
    await readLiveState(api, resources, dist, new Set(['poddisruptionbudgets.policy']));
    const synthesized = [...new Set(dist.map((m) => resources.typeOf(m)!))];
    expect(labelLists()).toEqual([...new Set([...synthesized, 'poddisruptionbudgets.policy'])].sort());
  });

  test('objects the label lists found are not read again by name; the others are read by name at their own version, a missing one is absent', async () => {
    const [service] = dist.filter((m) => m.kind === 'Service');
    server.answer(holding([{ ...service, metadata: { ...service.metadata, managedFields: APPLIED } }]));
    const state = await readLiveState(api, resources, dist);
    const byName = server.requests.filter((r) => !r.query.has('labelSelector'));
    const served = dist.filter((m) => m !== service && resources.of(m.apiVersion, m.kind) !== undefined);
    expect(served.length).toBeGreaterThan(1);
    expect(byName.map((r) => r.path).sort()).toEqual(served.map((m) =>
      `${m.apiVersion.includes('/') ? `/apis/${m.apiVersion}` : `/api/${m.apiVersion}`}/namespaces/shop/${resources.of(m.apiVersion, m.kind)!.name}/${m.metadata.name}`).sort());
    expect(byName.every((r) => r.method === 'GET')).toBe(true);
    expect(state.before.map((m) => `${m.apiVersion} ${m.kind}`)).toEqual([`${service.apiVersion} ${service.kind}`]);
  });
});

describe('the applied types of a release history', () => {
  const release = recordedRelease(dist, 'shop');

  test('are added once, sorted, and reported unchanged when all are there', () => {
    const history = withAppliedTypes({}, ['services', 'configmaps', 'services'])!;
    expect(history.appliedTypes).toEqual(['configmaps', 'services']);
    expect(withAppliedTypes(history, ['configmaps'])).toBeUndefined();
    expect(withAppliedTypes(history, ['deployments.apps'])!.appliedTypes).toEqual(['configmaps', 'deployments.apps', 'services']);
  });

  test('survive the history advancing', () => {
    const history = withAppliedTypes({}, ['services'])!;
    expect(advancedHistory(history, release).appliedTypes).toEqual(['services']);
    expect(advancedHistory(advancedHistory(history, release), { ...release, id: 'other' }).appliedTypes).toEqual(['services']);
  });

  test('count only when every namespace records them', () => {
    expect(appliedTypes(new Map())).toBeUndefined();
    expect(appliedTypes(new Map([['a', { appliedTypes: ['services'] }], ['b', {}]]))).toBeUndefined();
    expect(appliedTypes(new Map([['a', { appliedTypes: ['services'] }], ['b', { appliedTypes: ['configmaps'] }]]))).toEqual(new Set(['services', 'configmaps']));
  });
});
