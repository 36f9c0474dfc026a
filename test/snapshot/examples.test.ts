import { App } from 'cdk8s';
import { ConfigRolloutChart } from '../../examples/config-rollout';
import { HelloServiceChart } from '../../examples/hello-service';
import { TwoRevisionsChart } from '../../examples/two-revisions';
import { snapshotOf, synthObjects } from '../../lib/testing';

describe('examples', () => {
  test('hello-service', () => {
    expect(snapshotOf(new HelloServiceChart(new App(), 'hello-service'))).toMatchSnapshot();
  });

  test('config-rollout v1 and v2', () => {
    const app = new App();
    expect(snapshotOf(new ConfigRolloutChart(app, 'v1', { release: 'v1' }))).toMatchSnapshot('v1');
    expect(snapshotOf(new ConfigRolloutChart(app, 'v2', { release: 'v2' }))).toMatchSnapshot('v2');
  });

  test('config-rollout: v2 adds new revision objects, keeps the untouched config and the Service', () => {
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
    const kept = v2.filter((o) => !added.includes(`${o.kind}/${o.metadata.name}`));
    expect(kept.length).toBeGreaterThan(0);
    for (const object of kept) {
      expect(v1).toContainEqual(object);
    }
  });

  test('two-revisions', () => {
    expect(snapshotOf(new TwoRevisionsChart(new App(), 'two-revisions'))).toMatchSnapshot();
  });
});
