import { App } from 'cdk8s';
import { Manifest } from '../../lib';
import { canonicalJson } from '../../lib/internal';
import { synthObjects } from '../../lib/testing';
import { ShopChart, ShopChartProps } from '../../stacks/shop/shop-chart';

function objectsByName(props: ShopChartProps): Map<string, Manifest> {
  const objects = synthObjects(new ShopChart(new App(), 'shop-prod', props));
  return new Map(objects.map((o) => [`${o.kind}/${o.metadata.name}`, o]));
}

test.each(['dev', 'prod'] as const)(
  'changing one service\'s config in %s renames exactly that service\'s revision objects and moves its Service selector; every other object is byte-identical',
  (environment) => {
    const before = objectsByName({ environment });
    const after = objectsByName({ environment, settings: { payments: { TIMEOUT_MS: '3000' } } });

    const removed = [...before.keys()].filter((k) => !after.has(k));
    const added = [...after.keys()].filter((k) => !before.has(k));
    const revisionObject = /^(ConfigMap\/payments-settings|Deployment\/payments|PodDisruptionBudget\/payments|HorizontalPodAutoscaler\/payments)-[0-9a-f]{10}$/;
    expect(added.length).toBeGreaterThanOrEqual(2);
    expect(added.length).toBe(removed.length);
    expect(added.every((k) => revisionObject.test(k))).toBe(true);
    expect(removed.every((k) => revisionObject.test(k))).toBe(true);
    expect(added.some((k) => k.startsWith('ConfigMap/'))).toBe(true);
    expect(added.some((k) => k.startsWith('Deployment/'))).toBe(true);

    const revision = (objects: Map<string, Manifest>) =>
      ([...objects.values()].find((o) => o.kind === 'Deployment' && o.metadata.name!.startsWith('payments-'))!.metadata.labels as Record<string, string>)['immutable-infra.dev/revision'];
    const selector = (objects: Map<string, Manifest>) => (objects.get('Service/payments')!.spec as any).selector;
    expect(selector(before)['immutable-infra.dev/revision']).toBe(revision(before));
    expect(selector(after)).toEqual({ ...selector(before), 'immutable-infra.dev/revision': revision(after) });

    for (const [key, object] of after) {
      if (!added.includes(key) && key !== 'Service/payments') {
        expect(canonicalJson(object)).toBe(canonicalJson(before.get(key)));
      }
    }
  },
);
