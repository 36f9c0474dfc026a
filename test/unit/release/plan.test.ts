import { App } from 'cdk8s';
import { MeshTrafficChart, MeshScenario } from '../../../examples/mesh-traffic';
import { planRelease } from '../../../lib';
import { synthObjects } from '../../../lib/testing';
import { DEFAULT_SHOP_IMAGES } from '../../../stacks/shop/images';
import { ShopChart, ShopChartProps } from '../../../stacks/shop/shop-chart';
import { apiService, edited, objectOf } from './plan-fixtures';

const shop = (props: Partial<ShopChartProps> = {}) => synthObjects(new ShopChart(new App(), 'shop', { environment: 'dev', ...props }));
const bookinfo = (mesh: 'istio' | 'linkerd', scenario: MeshScenario) => synthObjects(new MeshTrafficChart(new App(), 'bookinfo', { mesh, scenario }));
const names = (objects: readonly { kind: string; name: string }[]) => objects.map((o) => `${o.kind}/${o.name}`);
const hashless = (list: readonly string[]) => list.map((n) => n.replace(/[0-9a-f]{10}$/, '#'));

describe('planRelease', () => {
  test('the same synthesis twice: everything unchanged, nothing restarts, the guard passes', () => {
    const objects = shop();
    const plan = planRelease(objects, shop());
    expect(plan.unchanged).toHaveLength(objects.length);
    expect([plan.created, plan.updated, plan.retired, plan.kept, plan.restarts, plan.violations]).toEqual([[], [], [], [], [], []]);
  });

  test('a changed image digest: a new Deployment, the old one retired, the Service selector moved, and the restart names the container and both digests', () => {
    const before = shop();
    const after = shop({ images: { ...DEFAULT_SHOP_IMAGES, payments: 'ghcr.io/immutable-infra/shop-payments@sha256:' + '9a8b7c6d'.repeat(8) } });
    const plan = planRelease(before, after);
    expect(hashless(names(plan.created))).toEqual(['Deployment/payments-#']);
    expect(hashless(names(plan.retired))).toEqual(['Deployment/payments-#']);
    const revisionOf = (name: string) => name.slice('payments-'.length);
    expect(plan.updated.map((u) => [u.kind, u.name, u.changes])).toEqual([
      ['Service', 'payments', [{ path: 'spec.selector["immutable-infra.dev/revision"]', before: revisionOf(plan.retired[0].name), after: revisionOf(plan.created[0].name) }]],
    ]);
    expect(plan.violations).toEqual([]);
    expect(plan.restarts).toEqual([{
      workload: 'payments',
      namespace: 'shop',
      retired: [plan.retired[0].name],
      started: [{
        name: plan.created[0].name,
        comparedWith: plan.retired[0].name,
        reasons: [{ kind: 'image', container: 'payments', message: 'image digest changed: payments sha256:4d5e6f704d5e → sha256:9a8b7c6d9a8b' }],
      }],
    }]);
  });

  test('a changed config: new ConfigMap and Deployment, and the reason maps the hashed names back to the config\'s logical name', () => {
    const plan = planRelease(shop(), shop({ settings: { orders: { TIMEOUT_MS: '3000' } } }));
    expect(hashless(names(plan.created))).toEqual(['ConfigMap/orders-settings-#', 'Deployment/orders-#']);
    expect(hashless(names(plan.retired))).toEqual(['ConfigMap/orders-settings-#', 'Deployment/orders-#']);
    expect(plan.created.map((o) => o.role)).toEqual(['revision', 'revision']);
    const [oldConfig, newConfig] = [plan.retired[0].name, plan.created[0].name];
    expect(plan.restarts.map((r) => [r.workload, r.started.map((s) => s.reasons.map((x) => x.message))])).toEqual([
      ['orders', [[`config 'settings' content changed (${oldConfig} → ${newConfig})`]]],
    ]);
  });

  test('a moved weight in Istio: the VirtualService is the one update, its weights shown per subset; nothing restarts', () => {
    const plan = planRelease(bookinfo('istio', 'split-v1-v3'), bookinfo('istio', 'all-v3'));
    expect(plan.created).toEqual([]);
    expect(plan.retired).toEqual([]);
    expect(plan.restarts).toEqual([]);
    expect(plan.updated.map((u) => [u.kind, u.name, u.role])).toEqual([['VirtualService', 'reviews', 'pointer']]);
    expect(plan.updated[0].traffic).toEqual([{
      path: 'spec.http[name=canary].route',
      backends: [{ backend: 'v1', before: 50, after: 0 }, { backend: 'v3', before: 50, after: 100 }],
    }]);
    expect(plan.updated[0].changes.map((c) => c.path)).toEqual(['spec.http[name=canary].route[0].weight', 'spec.http[name=canary].route[1].weight']);
  });

  test('a moved weight in Linkerd: the HTTPRoute\'s backendRefs, by revision Service', () => {
    const plan = planRelease(bookinfo('linkerd', 'split-v1-v3'), bookinfo('linkerd', 'all-v3'));
    expect(plan.updated.map((u) => `${u.kind}/${u.name}`)).toEqual(['HTTPRoute/reviews-http']);
    const [split] = plan.updated[0].traffic;
    expect(split.path).toBe('spec.rules[0].backendRefs');
    expect(split.backends.map((b) => [b.backend.replace(/[0-9a-f]{10}$/, '#'), b.before, b.after])).toEqual([['reviews-#', 50, 0], ['reviews-#', 50, 100]]);
  });

  test('a canary added beside the stable revision: one new Deployment, nothing retired, compared with the stable one', () => {
    const before = apiService();
    const after = apiService({}, { revisions: (api) => api.addRevision('canary', { image: 'ghcr.io/acme/api@sha256:' + 'b'.repeat(64) }) });
    const plan = planRelease(before, after);
    expect(plan.retired).toEqual([]);
    expect(plan.restarts).toHaveLength(1);
    expect(plan.restarts[0].retired).toEqual([]);
    expect(plan.restarts[0].started.map((s) => [s.comparedWith, s.reasons.map((r) => r.kind)])).toEqual([[objectOf(before, 'Deployment', /^api-/).metadata.name, ['image']]]);
  });

  test('scaling is not a violation: the revision\'s Deployment is updated in place, nothing restarts', () => {
    const plan = planRelease(apiService({ replicas: 2 }), apiService({ replicas: 5 }));
    expect(plan.violations).toEqual([]);
    expect(plan.restarts).toEqual([]);
    expect(plan.updated.map((u) => [u.kind, u.role, u.changes])).toEqual([['Deployment', 'revision', [{ path: 'spec.replicas', before: 2, after: 5 }]]]);
  });

  test('a Service selector change is shown as a selector change', () => {
    const before = apiService();
    const after = edited(before, 'Service', 'api', (s) => { s.spec.selector = { 'app.kubernetes.io/name': 'api-v2' }; });
    const [update] = planRelease(before, after).updated;
    expect(update.selectors).toEqual([{
      path: 'spec.selector',
      before: {
        'app.kubernetes.io/managed-by': 'immutable-infra',
        'app.kubernetes.io/name': 'api',
        'app.kubernetes.io/part-of': 'app',
        'immutable-infra.dev/revision': (objectOf(before, 'Deployment', /^api-/).metadata.labels as Record<string, string>)['immutable-infra.dev/revision'],
      },
      after: { 'app.kubernetes.io/name': 'api-v2' },
    }]);
  });

  test('retired objects named in `kept` are listed as kept', () => {
    const before = apiService();
    const after = apiService({ env: { FEATURE: 'on' } });
    const old = objectOf(before, 'Deployment', /^api-/);
    const plan = planRelease(before, after, { kept: new Set([`apps/Deployment/app/${old.metadata.name}`]) });
    expect(names(plan.kept)).toEqual([`Deployment/${old.metadata.name}`]);
    expect(plan.retired).toEqual([]);
  });
});

describe('the guard', () => {
  test('fails when an immutable ConfigMap keeps its name but changes content', () => {
    const before = apiService();
    const after = edited(before, 'ConfigMap', /^api-settings-/, (c) => { c.data.LOG_LEVEL = 'debug'; });
    const plan = planRelease(before, after);
    expect(plan.violations).toHaveLength(1);
    const [violation] = plan.violations;
    expect(violation).toMatchObject({ kind: 'ConfigMap', role: 'revision', changes: [{ path: 'data.LOG_LEVEL', before: 'info', after: 'debug' }] });
    expect(violation.message).toBe(
      `ConfigMap app/${violation.name} is immutable (immutable: true) but its content changes under the same name (data.LOG_LEVEL); ` +
        'new content needs a new name: derive the name from the content (as ImmutableConfigMap, ImmutableSecret and revisions do) or restore the old content',
    );
    expect(plan.updated).toEqual([]);
  });

  test('fails when a revision\'s Deployment keeps its name but its pod template changes, naming the revision', () => {
    const before = apiService();
    const after = edited(before, 'Deployment', /^api-/, (d) => { d.spec.template.spec.containers[0].image = 'ghcr.io/acme/api@sha256:' + 'c'.repeat(64); });
    const [violation] = planRelease(before, after).violations;
    expect(violation.message).toMatch(/^Deployment app\/api-[0-9a-f]{10} is immutable \(revision [0-9a-f]{10}\)/);
    expect(violation.changes.map((c) => c.path)).toEqual(['spec.template.spec.containers[name=api].image']);
  });

  test('fails when an immutable Secret changes, without showing its data', () => {
    const before = apiService();
    const after = edited(before, 'Secret', /^api-db-/, (s) => { s.data.url = Buffer.from('postgres://other').toString('base64'); });
    const [violation] = planRelease(before, after).violations;
    expect(violation.changes).toEqual([{ path: 'data.url', before: '(redacted)', after: '(redacted)' }]);
    expect(JSON.stringify(violation)).not.toContain(Buffer.from('postgres://db').toString('base64'));
  });

  test('a pointer may change; an object that was not immutable may become so', () => {
    const before = edited(apiService(), 'ConfigMap', /^api-settings-/, (c) => { delete c.immutable; delete c.metadata.labels; });
    const after = apiService();
    const plan = planRelease(before, after);
    expect(plan.violations).toEqual([]);
    expect(plan.updated.map((u) => u.kind)).toEqual(['ConfigMap']);
  });
});
