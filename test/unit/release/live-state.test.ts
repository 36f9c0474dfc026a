import { Manifest } from '../../../lib';
import { ApiResources } from '../../../lib/release/cluster/api-resources';
import { Kubectl } from '../../../lib/release/cluster/kubectl';
import { readLiveState } from '../../../lib/release/cluster/live-state';
import { advancedHistory, appliedTypes, recordedRelease, withAppliedTypes } from '../../../lib/release/cluster/release-history';
import { apiService } from './plan-fixtures';

const API_RESOURCES = [
  'NAME                   APIVERSION                     NAMESPACED  KIND',
  'configmaps             v1                             true        ConfigMap',
  'endpoints              v1                             true        Endpoints',
  'namespaces             v1                             false       Namespace',
  'pods                   v1                             true        Pod',
  'serviceaccounts        v1                             true        ServiceAccount',
  'services               v1                             true        Service',
  'deployments            apps/v1                        true        Deployment',
  'replicasets            apps/v1                        true        ReplicaSet',
  'poddisruptionbudgets   policy/v1                      true        PodDisruptionBudget',
  'networkpolicies        networking.k8s.io/v1           true        NetworkPolicy',
  'clusterroles           rbac.authorization.k8s.io/v1   false       ClusterRole',
].join('\n');

/** A kubectl that records each call and answers `get` with the live objects it is given (as if the namespace held them). */
class RecordingKubectl extends Kubectl {
  public readonly calls: Array<{ args: readonly string[]; input?: string }> = [];

  constructor(private readonly live: readonly Manifest[]) {
    super({ binary: '/nonexistent/kubectl' });
  }

  public override async outputAsync(args: readonly string[], input?: string): Promise<string> {
    this.calls.push({ args, input });
    const byName = args.includes('-f');
    const items = byName ? this.live.filter((m) => input!.includes(`name: ${m.metadata.name}\n`)) : this.live;
    return JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
  }
}

const resources = ApiResources.parse(API_RESOURCES);
const dist: Manifest[] = apiService().map((m) => ({ ...m, metadata: { ...m.metadata, namespace: 'shop' } }));
/** What `immutable-infra deploy` applied, as the API server's managedFields record it. */
const APPLIED = [{ apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': {} }, manager: 'immutable-infra', operation: 'Apply' }];
const labelLists = (kubectl: RecordingKubectl) => kubectl.calls.filter((c) => c.args.includes('-l')).map((c) => c.args[1].split(',')).flat().sort();

describe('readLiveState', () => {
  test('without recorded types: every served type by label, but never the ones controllers make (Pods, ReplicaSets, Endpoints)', async () => {
    const kubectl = new RecordingKubectl([]);
    await readLiveState(kubectl, resources, dist);
    expect(labelLists(kubectl)).toEqual([
      'clusterroles.rbac.authorization.k8s.io', 'configmaps', 'deployments.apps', 'namespaces',
      'networkpolicies.networking.k8s.io', 'poddisruptionbudgets.policy', 'serviceaccounts', 'services',
    ]);
  });

  test('with recorded types: only those and the synthesis\'s own', async () => {
    const kubectl = new RecordingKubectl([]);
    await readLiveState(kubectl, resources, dist, new Set(['poddisruptionbudgets.policy']));
    const synthesized = [...new Set(dist.map((m) => resources.typeOf(m)!))];
    expect(labelLists(kubectl)).toEqual([...new Set([...synthesized, 'poddisruptionbudgets.policy'])].sort());
  });

  test('objects the label lists found are not read again by name; the others are read with kubectl get -f -, in parallel batches', async () => {
    const [service] = dist.filter((m) => m.kind === 'Service');
    const kubectl = new RecordingKubectl([{ ...service, metadata: { ...service.metadata, managedFields: APPLIED } }]);
    const state = await readLiveState(kubectl, resources, dist);
    const byName = kubectl.calls.filter((c) => c.args.includes('-f'));
    expect(byName.length).toBeGreaterThan(0);
    for (const call of byName) {
      expect(call.args).toEqual(['get', '-f', '-', '--ignore-not-found', '-o', 'json', '--show-managed-fields']);
      expect(call.input).not.toContain('spec:');
    }
    const requested = byName.map((c) => c.input!).join('');
    expect(requested).not.toContain(`kind: Service\nmetadata:\n  name: ${service.metadata.name}\n`);
    expect(state.before.map((m) => m.kind)).toContain('Service');
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
