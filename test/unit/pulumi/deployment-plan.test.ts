import { App } from 'cdk8s';
import { Microservice } from '../../../lib';
import { planDeployment, PlannedResource } from '../../../lib/pulumi/deployment-plan';
import { GatewayRoutingChart, InventoryChart } from '../../../examples/gateway-routing';
import { MeshTrafficChart } from '../../../examples/mesh-traffic';
import { NightlyCronChart } from '../../../examples/nightly-cron';
import { ThumbnailEventsChart } from '../../../examples/thumbnail-events';
import { ShopChart } from '../../../stacks/shop/shop-chart';
import { digestImage, newChart } from '../../fixtures';

const shop = (settings = {}) => new ShopChart(new App(), 'shop-prod', { environment: 'prod', settings });
const find = (plan: PlannedResource[], kind: string, name: RegExp | string) =>
  plan.find((p) => p.manifest.kind === kind && (typeof name === 'string' ? p.manifest.metadata.name === name : name.test(p.manifest.metadata.name!)))!;

const bookinfo = (mesh: 'istio' | 'linkerd') => new MeshTrafficChart(new App(), 'bookinfo', { mesh, scenario: 'split-v1-v3' });

describe('planDeployment', () => {
  test('one resource per object, named by construct path', () => {
    const chart = shop();
    const plan = planDeployment([chart]);
    expect(plan).toHaveLength(chart.toJson().length);
    expect(find(plan, 'Service', 'orders').logicalName).toBe('shop-prod/orders/Resource');
    expect(find(plan, 'Deployment', /^orders-/).logicalName).toBe('shop-prod/orders/stable/Resource');
    expect(new Set(plan.map((p) => p.logicalName)).size).toBe(plan.length);
  });

  test('a config change keeps the logical names of the changed slot, so Pulumi replaces rather than adds', () => {
    const before = planDeployment([shop()]);
    const after = planDeployment([shop({ orders: { MAX_ITEMS_PER_ORDER: '60' } })]);
    expect(after.map((p) => p.logicalName).sort()).toEqual(before.map((p) => p.logicalName).sort());
    const renamed = after.filter((p) => before.find((b) => b.logicalName === p.logicalName)!.manifest.metadata.name !== p.manifest.metadata.name);
    expect(renamed.map((p) => p.logicalName).sort()).toEqual([
      'shop-prod/orders/ConfigMap-settings/Resource',
      'shop-prod/orders/stable/Autoscaler',
      'shop-prod/orders/stable/DisruptionBudget',
      'shop-prod/orders/stable/Resource',
    ]);
    expect(renamed.every((p) => p.role === 'revision')).toBe(true);
  });

  test('revision objects are replace-only except for scale; pointers update in place', () => {
    const plan = planDeployment([shop()]);
    expect(find(plan, 'ConfigMap', /^orders-settings-/).replaceOnChanges).toEqual(['*']);
    expect(find(plan, 'PodDisruptionBudget', /^orders-/).replaceOnChanges).toEqual(['*']);
    const deployment = find(plan, 'Deployment', /^orders-/).replaceOnChanges;
    expect(deployment).toContain('spec.template');
    expect(deployment).toContain('metadata');
    expect(deployment).not.toContain('spec.replicas');
    expect(find(plan, 'HorizontalPodAutoscaler', /^orders-/).replaceOnChanges).toEqual(['metadata', 'spec.scaleTargetRef']);
    for (const kind of ['Service', 'ServiceAccount', 'Namespace']) {
      const pointer = plan.find((p) => p.manifest.kind === kind)!;
      expect(pointer.role).toBe('pointer');
      expect(pointer.replaceOnChanges).toEqual([]);
    }
  });

  test('dependency edges: pointer → revisions it selects, Deployment → its config, HPA/PDB → Deployment, all → Namespace', () => {
    const plan = planDeployment([shop()]);
    const name = (kind: string, n: RegExp | string) => find(plan, kind, n).logicalName;
    const namespace = name('Namespace', 'shop-prod');
    expect(find(plan, 'Service', 'orders').dependsOn.slice().sort()).toEqual([name('Deployment', /^orders-/), namespace].sort());
    expect(find(plan, 'Deployment', /^orders-/).dependsOn.slice().sort()).toEqual([name('ConfigMap', /^orders-settings-/), namespace].sort());
    expect(find(plan, 'HorizontalPodAutoscaler', /^orders-/).dependsOn.slice().sort()).toEqual([name('Deployment', /^orders-/), namespace].sort());
    expect(find(plan, 'PodDisruptionBudget', /^orders-/).dependsOn.slice().sort()).toEqual([name('Deployment', /^orders-/), namespace].sort());
    expect(find(plan, 'Namespace', 'shop-prod').dependsOn).toEqual([]);
  });

  test('every resource comes after what it depends on', () => {
    const plan = planDeployment([shop()]);
    const position = new Map(plan.map((p, i) => [p.logicalName, i]));
    for (const resource of plan) {
      for (const dependency of resource.dependsOn) {
        expect(position.get(dependency)!).toBeLessThan(position.get(resource.logicalName)!);
      }
    }
  });

  test('a Service spanning two live revisions waits for both', () => {
    const chart = newChart();
    const orders = new Microservice(chart, 'orders', { image: digestImage(), ports: [{ port: 80 }] });
    orders.addRevision('canary', { image: digestImage('ghcr.io/acme/app', 'b') });
    const plan = planDeployment([chart]);
    expect(find(plan, 'Service', 'orders').dependsOn.slice().sort()).toEqual(['test/orders/canary/Resource', 'test/orders/stable/Resource']);
  });

  test('Secret data is marked secret; skipAwait annotates every object only when asked', () => {
    const chart = newChart();
    new Microservice(chart, 'orders', { image: digestImage(), secrets: [{ name: 'db', literals: { password: 'x' }, mountPath: '/s' }] });
    expect(find(planDeployment([chart]), 'Secret', /^orders-db-/).secretFields).toEqual(['data']);
    expect(planDeployment([chart]).every((p) => (p.manifest.metadata.annotations as Record<string, string> | undefined)?.['pulumi.com/skipAwait'] === undefined)).toBe(true);
    expect(planDeployment([chart], { skipAwait: true }).every((p) => (p.manifest.metadata.annotations as any)['pulumi.com/skipAwait'] === 'true')).toBe(true);
  });

  test('routing edges, Istio: DestinationRule → the Deployments of its subsets, VirtualService → its DestinationRule and Service', () => {
    const plan = planDeployment([bookinfo('istio')]);
    const deployments = plan.filter((p) => p.manifest.kind === 'Deployment' && p.manifest.metadata.name!.startsWith('reviews-'));
    expect(deployments).toHaveLength(3);
    expect(find(plan, 'DestinationRule', 'reviews').dependsOn.slice().sort()).toEqual(deployments.map((d) => d.logicalName).sort());
    expect(find(plan, 'VirtualService', 'reviews').dependsOn.slice().sort()).toEqual(
      [find(plan, 'DestinationRule', 'reviews').logicalName, find(plan, 'Service', 'reviews').logicalName].sort(),
    );
  });

  test('routing edges, Linkerd: HTTPRoute → its backend Services; AuthorizationPolicy → its Server and authentication', () => {
    const plan = planDeployment([bookinfo('linkerd')]);
    const route = find(plan, 'HTTPRoute', 'reviews-http');
    const backends = (route.manifest.spec as any).rules.flatMap((r: any) => r.backendRefs.map((b: any) => find(plan, 'Service', b.name).logicalName));
    expect(backends).toHaveLength(2);
    expect(route.dependsOn.slice().sort()).toEqual([...new Set(backends)].sort());
    expect(find(plan, 'AuthorizationPolicy', 'reviews-http').dependsOn.slice().sort()).toEqual(
      [find(plan, 'Server', 'reviews-http').logicalName, find(plan, 'MeshTLSAuthentication', 'reviews').logicalName].sort(),
    );
  });

  test('routing edges, Gateway API: an HTTPRoute waits for the Services it mirrors to, as for its backends', () => {
    const app = new App();
    const inventory = new InventoryChart(app, 'inventory');
    const plan = planDeployment([inventory, new GatewayRoutingChart(app, 'gateway-routing', { inventory: inventory.inventory })]);
    const mirroring = plan.filter((p) => p.manifest.kind === 'HTTPRoute' && JSON.stringify(p.manifest.spec).includes('requestMirror'));
    expect(mirroring.length).toBeGreaterThan(0);
    for (const route of mirroring) {
      const mirrored = (route.manifest.spec as any).rules.flatMap((r: any) =>
        (r.filters ?? []).flatMap((f: any) => (f.requestMirror ? [f.requestMirror.backendRef] : [])));
      for (const ref of mirrored) {
        const target = plan.find((p) => p.manifest.kind === 'Service' && p.manifest.metadata.name === ref.name)!;
        expect(route.dependsOn).toContain(target.logicalName);
      }
    }
  });
});

describe('planDeployment of serverless objects', () => {
  test('a Knative Service waits for its config, Secrets and ServiceAccount; a Trigger for its Broker and subscriber', () => {
    const plan = planDeployment([shop()]);
    const ksvc = plan.find((p) => p.manifest.apiVersion === 'serving.knative.dev/v1')!;
    expect(ksvc.role).toBe('pointer');
    expect(ksvc.dependsOn).toEqual(expect.arrayContaining([
      find(plan, 'ConfigMap', /^order-confirmation-settings-/).logicalName,
      find(plan, 'ServiceAccount', 'order-confirmation').logicalName,
    ]));
    const trigger = find(plan, 'Trigger', 'order-placed');
    expect(trigger.dependsOn).toEqual(expect.arrayContaining([find(plan, 'Broker', 'shop-events').logicalName, ksvc.logicalName]));
    expect(plan.indexOf(trigger)).toBeGreaterThan(plan.indexOf(ksvc));
  });

  test('a PingSource and a dead-letter delivery wait for their sinks', () => {
    const cron = planDeployment([new NightlyCronChart(new App(), 'cron')]);
    expect(find(cron, 'PingSource', 'every-night').dependsOn).toContain(cron.find((p) => p.manifest.apiVersion === 'serving.knative.dev/v1')!.logicalName);
    const thumbs = planDeployment([new ThumbnailEventsChart(new App(), 'thumbs')]);
    const deadLetters = thumbs.find((p) => p.manifest.apiVersion === 'serving.knative.dev/v1' && p.manifest.metadata.name === 'failed-events')!;
    expect(find(thumbs, 'Trigger', 'thumbnails').dependsOn).toContain(deadLetters.logicalName);
  });
});
