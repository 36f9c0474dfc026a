import { App } from 'cdk8s';
import { ConfigRolloutChart } from '../../examples/config-rollout';
import { HelloServiceChart } from '../../examples/hello-service';
import { MeshGatewayApiChart } from '../../examples/mesh-gateway-api';
import { TrafficPolicyChart } from '../../examples/traffic-policy';
import { TwoRevisionsChart } from '../../examples/two-revisions';
import { snapshotOf, synthObjects } from '../../lib/testing';

describe('examples', () => {
  test('hello-service', () => {
    expect(snapshotOf(new HelloServiceChart(new App(), 'hello-service'))).toMatchSnapshot();
  });

  test('config-rollout v1 and v2', () => {
    // two releases of one stack: an app each, as one app would emit their objects twice
    expect(snapshotOf(new ConfigRolloutChart(new App(), 'v1', { release: 'v1' }))).toMatchSnapshot('v1');
    expect(snapshotOf(new ConfigRolloutChart(new App(), 'v2', { release: 'v2' }))).toMatchSnapshot('v2');
  });

  test('config-rollout: v2 adds new revision objects, keeps the untouched config, and moves only the Service selector', () => {
    const v1 = synthObjects(new ConfigRolloutChart(new App(), 'rollout', { release: 'v1' }));
    const v2 = synthObjects(new ConfigRolloutChart(new App(), 'rollout', { release: 'v2' }));
    const names = (objects: typeof v1) => new Set(objects.map((o) => `${o.kind}/${o.metadata.name}`));
    const before = names(v1);
    const added = [...names(v2)].filter((n) => !before.has(n));
    expect(added.map((n) => n.replace(/-[0-9a-f]{10}$/, '-<hash>')).sort()).toEqual([
      'ConfigMap/checkout-settings-<hash>',
      'Deployment/checkout-<hash>',
      'PodDisruptionBudget/checkout-<hash>',
    ]);
    const revision = (objects: typeof v1) => (objects.find((o) => o.kind === 'Deployment')!.metadata.labels as Record<string, string>)['immutable-infra.dev/revision'];
    const service = (objects: typeof v1) => objects.find((o) => o.kind === 'Service')!;
    expect((service(v1).spec as any).selector['immutable-infra.dev/revision']).toBe(revision(v1));
    expect((service(v2).spec as any).selector['immutable-infra.dev/revision']).toBe(revision(v2));
    const kept = v2.filter((o) => !added.includes(`${o.kind}/${o.metadata.name}`) && o.kind !== 'Service');
    expect(kept.length).toBeGreaterThan(0);
    for (const object of kept) {
      expect(v1).toContainEqual(object);
    }
  });

  test('mesh-gateway-api: Istio reads the routing tables as an HTTPRoute and a TCPRoute', () => {
    expect(snapshotOf(new MeshGatewayApiChart(new App(), 'mesh-gateway-api'))).toMatchSnapshot();
  });

  test('traffic-policy: load balancing, locality failover, retries as written, TLS origination to an external host', () => {
    expect(snapshotOf(new TrafficPolicyChart(new App(), 'traffic-policy'))).toMatchSnapshot();
  });

  test('two-revisions', () => {
    expect(snapshotOf(new TwoRevisionsChart(new App(), 'two-revisions'))).toMatchSnapshot();
  });
});
