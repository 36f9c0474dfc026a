import { App } from 'cdk8s';
import { releaseSteps } from '../../../lib';
import { synthObjects } from '../../../lib/testing';
import { MeshTrafficChart } from '../../../examples/mesh-traffic';
import { ShopChart } from '../../../stacks/shop/shop-chart';

const shop = (settings = {}) => synthObjects(new ShopChart(new App(), 'shop-dev', { environment: 'dev', settings }));
const names = (objects: readonly { kind: string; metadata: { name?: string } }[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`);

describe('releaseSteps', () => {
  test('a first release: prerequisites, every revision object, then the pointers; nothing retired', () => {
    const after = shop();
    const [prepare, create, route, retire] = releaseSteps([], after);
    expect(names(prepare.objects).every((n) => /^(Namespace|ServiceAccount|NetworkPolicy|PeerAuthentication|AuthorizationPolicy|Sidecar|ServiceEntry)\//.test(n))).toBe(true);
    expect(names(create.objects).every((n) => /^(ConfigMap|Secret|Deployment)\//.test(n))).toBe(true);
    expect(names(route.objects).every((n) => n.startsWith('Service/'))).toBe(true);
    expect(prepare.objects.length + create.objects.length + route.objects.length).toBe(after.length);
    expect(retire.objects).toEqual([]);
  });

  test('a config change creates only that service\'s new revision objects and retires only its old ones', () => {
    const before = shop();
    const after = shop({ cart: { SESSION_TTL_MINUTES: '90' } });
    const [, create, , retire] = releaseSteps(before, after);
    expect(names(create.objects).map((n) => n.replace(/[0-9a-f]{10}$/, '#'))).toEqual(['ConfigMap/cart-settings-#', 'Deployment/cart-#']);
    expect(names(retire.objects).map((n) => n.replace(/[0-9a-f]{10}$/, '#'))).toEqual(['Deployment/cart-#', 'ConfigMap/cart-settings-#']);
    expect(retire.action).toBe('delete');
  });

  test('an unchanged release creates and retires nothing', () => {
    const [, create, , retire] = releaseSteps(shop(), shop());
    expect(create.objects).toEqual([]);
    expect(retire.objects).toEqual([]);
  });

  test('Linkerd: its policies come first, the per-revision Services with their revisions, the HTTPRoutes with the pointers', () => {
    const after = synthObjects(new MeshTrafficChart(new App(), 'bookinfo', { mesh: 'linkerd', scenario: 'split-v1-v3' }));
    const [prepare, create, route] = releaseSteps([], after);
    const kinds = (objects: readonly { kind: string }[]) => [...new Set(objects.map((o) => o.kind))].sort();
    expect(kinds(prepare.objects)).toEqual(['AuthorizationPolicy', 'MeshTLSAuthentication', 'NetworkAuthentication', 'NetworkPolicy', 'Server', 'ServiceAccount']);
    expect(kinds(create.objects)).toEqual(['Deployment', 'Service']);
    expect(kinds(route.objects)).toEqual(['HTTPRoute', 'Service']);
  });
});
