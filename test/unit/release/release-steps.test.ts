import { App } from 'cdk8s';
import { MeshTrafficChart } from '../../../examples/mesh-traffic';
import { Manifest, releaseSteps } from '../../../lib';
import { synthObjects } from '../../../lib/testing';
import { ShopChart } from '../../../stacks/shop/shop-chart';
import { apiService, edited } from './plan-fixtures';

const shop = (settings = {}) => synthObjects(new ShopChart(new App(), 'shop-dev', { environment: 'dev', settings }));
const names = (objects: readonly { kind: string; metadata: { name?: string } }[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`);

describe('releaseSteps', () => {
  test('a first release: prerequisites, every revision object, then the pointers; nothing retired', () => {
    const after = shop();
    const [prepare, create, route, retire] = releaseSteps([], after);
    expect(names(prepare.objects).every((n) => /^(Namespace|ServiceAccount|NetworkPolicy|PeerAuthentication|AuthorizationPolicy|Sidecar|ServiceEntry)\//.test(n))).toBe(true);
    expect(names(create.objects).every((n) => /^(ConfigMap|Secret|Deployment)\//.test(n))).toBe(true);
    // the shop's routing tables and their policies (orders-db's TCP route, cart's affinity, frontend's rate limit) are pointers too
    expect(names(route.objects).every((n) => /^(Service|Broker|Trigger|DestinationRule|VirtualService|EnvoyFilter)\//.test(n))).toBe(true);
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

  test('a live revision that only grows is scaled with the new revisions, before traffic moves', () => {
    const [, create, route] = releaseSteps(apiService({ replicas: 2 }), apiService({ replicas: 4 }));
    expect(names(create.objects).map((n) => n.replace(/[0-9a-f]{10}$/, '#'))).toEqual(['Deployment/api-#']);
    expect(names(route.objects)).toEqual(['Service/api']);
  });

  test('a live revision that shrinks is scaled after the pointers', () => {
    const before = apiService({ autoscaling: { minReplicas: 3, maxReplicas: 9 } });
    const [, create, route] = releaseSteps(before, apiService({ autoscaling: { minReplicas: 2, maxReplicas: 9 } }));
    expect(create.objects).toEqual([]);
    expect(names(route.objects).map((n) => n.replace(/[0-9a-f]{10}$/, '#'))).toEqual(['Service/api', 'HorizontalPodAutoscaler/api-#']);
  });

  test('Namespaces are prepared first, whatever the synthesis order', () => {
    const objects: Manifest[] = [
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'a', namespace: 'n' } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' } },
    ];
    expect(names(releaseSteps([], objects)[0].objects)).toEqual(['Namespace/n', 'ServiceAccount/a']);
  });

  test('a revision object whose content changed under its name is not applied (the guard refuses it)', () => {
    const before = apiService();
    const after = edited(before, 'ConfigMap', /^api-settings-/, (c) => { c.data.LOG_LEVEL = 'debug'; });
    const [, create, route] = releaseSteps(before, after);
    expect([create.objects, names(route.objects)]).toEqual([[], ['Service/api']]);
  });
});
