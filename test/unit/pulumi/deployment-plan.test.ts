import { App } from 'cdk8s';
import { GatewayRoutingChart, InventoryChart } from '../../../examples/gateway-routing';
import { MeshTrafficChart } from '../../../examples/mesh-traffic';
import { NightlyCronChart } from '../../../examples/nightly-cron';
import { ThumbnailEventsChart } from '../../../examples/thumbnail-events';
import { Microservice } from '../../../lib';
import { planDeployment, PlannedResource } from '../../../lib/pulumi/deployment-plan';
import { ShopChart } from '../../../stacks/shop/shop-chart';
import { digestImage, newChart } from '../../fixtures';

const shop = (settings = {}) => new ShopChart(new App(), 'shop-prod', { environment: 'prod', settings });
const find = (plan: PlannedResource[], kind: string, name: RegExp | string) =>
  plan.find((p) => p.manifest.kind === kind && (typeof name === 'string' ? p.manifest.metadata.name === name : name.test(p.manifest.metadata.name!)))!;

const bookinfo = (mesh: 'istio' | 'linkerd') => new MeshTrafficChart(new App(), 'bookinfo', { mesh, scenario: 'split-v1-v3' });

describe('planDeployment', () => {
  test('one resource per object: a pointer named by its construct path, a revision object by its kind, namespace and name', () => {
    const chart = shop();
    const plan = planDeployment([chart]);
    expect(plan).toHaveLength(chart.toJson().length);
    const service = find(plan, 'Service', 'orders');
    expect(service).toMatchObject({ role: 'pointer', logicalName: 'shop-prod/orders/Resource', resourceName: 'shop-prod/orders/Resource', aliases: [] });
    const deployment = find(plan, 'Deployment', /^orders-[0-9a-f]{10}$/);
    const name = deployment.manifest.metadata.name!;
    expect(name).toMatch(/^orders-[0-9a-f]{10}$/);
    expect(deployment).toMatchObject({ role: 'revision', logicalName: 'shop-prod/orders/stable/Resource', resourceName: `Deployment/shop-prod/${name}` });
    expect(find(plan, 'HorizontalPodAutoscaler', name).resourceName).toBe(`HorizontalPodAutoscaler/shop-prod/${name}`);
    const config = find(plan, 'ConfigMap', /^orders-settings-/);
    expect(config.resourceName).toBe(`ConfigMap/shop-prod/${config.manifest.metadata.name}`);
    for (const resource of plan) {
      expect(resource.resourceName).toBe(resource.role === 'revision' ? `${resource.manifest.kind}/shop-prod/${resource.manifest.metadata.name}` : resource.logicalName);
    }
    // Unique keys, and unique URNs (the URN adds the type).
    expect(new Set(plan.map((p) => p.logicalName)).size).toBe(plan.length);
    expect(new Set(plan.map((p) => `${p.manifest.apiVersion}:${p.manifest.kind}::${p.resourceName}`)).size).toBe(plan.length);
  });

  test('a revision resource has an alias to its construct path, its name under earlier versions of the bridge; a pointer has none', () => {
    const plan = planDeployment([shop()]);
    expect(plan.filter((p) => p.role === 'revision').length).toBeGreaterThan(10);
    for (const resource of plan) {
      expect({ name: resource.resourceName, aliases: resource.aliases }).toEqual({ name: resource.resourceName, aliases: resource.role === 'revision' ? [resource.logicalName] : [] });
    }
    // No alias is another resource's name, and no two resources alias the same name.
    const names = new Set(plan.map((p) => p.resourceName));
    const aliases = plan.flatMap((p) => p.aliases);
    expect(aliases.filter((a) => names.has(a))).toEqual([]);
    expect(new Set(aliases).size).toBe(aliases.length);
  });

  test('a config change makes new resources for that service\'s revision objects (the old ones leave the plan); every other resource keeps its name', () => {
    const before = planDeployment([shop()]);
    const after = planDeployment([shop({ orders: { MAX_ITEMS_PER_ORDER: '60' } })]);
    const names = (plan: PlannedResource[]) => new Set(plan.map((p) => p.resourceName));
    const added = after.filter((p) => !names(before).has(p.resourceName));
    const removed = before.filter((p) => !names(after).has(p.resourceName));
    const slots = (resources: PlannedResource[]) => resources.map((p) => p.logicalName).sort();
    const ordersSlots = [
      'shop-prod/orders/ConfigMap-settings/Resource',
      'shop-prod/orders/stable/Autoscaler',
      'shop-prod/orders/stable/DisruptionBudget',
      'shop-prod/orders/stable/Resource',
    ];
    expect(slots(added)).toEqual(ordersSlots);
    expect(slots(removed)).toEqual(ordersSlots);
    expect([...added, ...removed].every((p) => p.role === 'revision')).toBe(true);
    expect(added.map((p) => p.resourceName)).toEqual(expect.arrayContaining([expect.stringMatching(/^Deployment\/shop-prod\/orders-[0-9a-f]{10}$/)]));
    // The new revision's aliases name the slots, as the old one's did: once the state holds no resource of
    // that name (after the first \`pulumi up\` of this bridge renamed it), they match nothing.
    expect(added.flatMap((p) => p.aliases).sort()).toEqual(ordersSlots);
    // Pointers keep their names: the orders Service, whose selector moves, updates in place.
    const service = after.find((p) => p.manifest.kind === 'Service' && p.manifest.metadata.name === 'orders')!;
    expect(service.resourceName).toBe('shop-prod/orders/Resource');
    expect(before.find((p) => p.resourceName === service.resourceName)!.manifest.spec).not.toEqual(service.manifest.spec);
  });

  test('a canary: each revision is its own resource, with an alias to its own slot; promoting it keeps its resource', () => {
    const withCanary = () => {
      const chart = newChart();
      const orders = new Microservice(chart, 'orders', { image: digestImage(), ports: [{ port: 80 }] });
      orders.addRevision('canary', { image: digestImage('ghcr.io/acme/app', 'b') });
      return chart;
    };
    const canary = planDeployment([withCanary()]);
    const deployments = canary.filter((p) => p.manifest.kind === 'Deployment');
    expect(deployments.map((p) => ({ slot: p.logicalName, name: p.resourceName, aliases: p.aliases }))).toEqual([
      { slot: 'test/orders/stable/Resource', name: `Deployment/test/${deployments[0].manifest.metadata.name}`, aliases: ['test/orders/stable/Resource'] },
      { slot: 'test/orders/canary/Resource', name: `Deployment/test/${deployments[1].manifest.metadata.name}`, aliases: ['test/orders/canary/Resource'] },
    ]);
    expect(deployments[0].resourceName).not.toBe(deployments[1].resourceName);

    const promotedChart = newChart();
    new Microservice(promotedChart, 'orders', { image: digestImage('ghcr.io/acme/app', 'b'), ports: [{ port: 80 }] });
    const promoted = planDeployment([promotedChart]).filter((p) => p.manifest.kind === 'Deployment');
    expect(promoted.map((p) => [p.logicalName, p.resourceName])).toEqual([['test/orders/stable/Resource', deployments[1].resourceName]]);
  });

  test('a revision object\'s fields that make a new object: all but scale; pointers have none', () => {
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
    const orders = /^orders-[0-9a-f]{10}$/; // not orders-db's
    expect(find(plan, 'Service', 'orders').dependsOn.slice().sort()).toEqual([name('Deployment', orders), namespace].sort());
    expect(find(plan, 'Deployment', orders).dependsOn.slice().sort()).toEqual([name('ConfigMap', /^orders-settings-/), namespace].sort());
    expect(find(plan, 'HorizontalPodAutoscaler', /^orders-/).dependsOn.slice().sort()).toEqual([name('Deployment', orders), namespace].sort());
    expect(find(plan, 'PodDisruptionBudget', /^orders-/).dependsOn.slice().sort()).toEqual([name('Deployment', orders), namespace].sort());
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
