import * as pulumi from '@pulumi/pulumi';
import { App, Chart, Duration } from 'cdk8s';
import { Microservice } from '../../../lib';
import { digestImage, newChart } from '../../fixtures';
import { Registered, registered } from './mocked-pulumi';

// Import the bridge only after the mocks are in place.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ChartDeployment, planDeployment, registerManifest } = require('../../../lib/pulumi') as typeof import('../../../lib/pulumi');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ShopChart } = require('../../../stacks/shop/shop-chart') as typeof import('../../../stacks/shop/shop-chart');

// Synthesizing the shop and registering its resources takes seconds on a busy machine.
jest.setTimeout(60_000);

function outputOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

beforeEach(() => {
  registered.length = 0;
});

describe('ChartDeployment (Pulumi mocks)', () => {
  test('registers one resource per object with the Kubernetes provider types, under the component', async () => {
    const chart = new ShopChart(new App(), 'shop-dev', { environment: 'dev' });
    const deployment = new ChartDeployment('shop', { charts: [chart] });
    await outputOf(deployment.urn);
    await new Promise((resolve) => setImmediate(resolve));
    const types = new Set(registered.map((r) => r.type));
    expect(types).toEqual(new Set([
      'immutable-infra:index:ChartDeployment',
      'kubernetes:core/v1:Namespace',
      'kubernetes:core/v1:ServiceAccount',
      'kubernetes:core/v1:Service',
      'kubernetes:core/v1:ConfigMap',
      'kubernetes:core/v1:Secret',
      'kubernetes:apps/v1:Deployment',
      'kubernetes:networking.k8s.io/v1:NetworkPolicy',
      'kubernetes:security.istio.io/v1beta1:PeerAuthentication',
      'kubernetes:security.istio.io/v1beta1:AuthorizationPolicy',
      'kubernetes:networking.istio.io/v1beta1:Sidecar',
      'kubernetes:networking.istio.io/v1beta1:ServiceEntry',
      'kubernetes:networking.istio.io/v1beta1:DestinationRule',
      'kubernetes:networking.istio.io/v1beta1:VirtualService',
      'kubernetes:networking.istio.io/v1alpha3:EnvoyFilter',
      'kubernetes:serving.knative.dev/v1:Service',
      'kubernetes:eventing.knative.dev/v1:Broker',
      'kubernetes:eventing.knative.dev/v1:Trigger',
    ]));
    expect(registered.filter((r) => r.type !== 'immutable-infra:index:ChartDeployment')).toHaveLength(chart.toJson().length);
    expect(Object.keys(deployment.resources)).toContain('shop-dev/orders/Resource');
    const urn = await outputOf(deployment.resources['shop-dev/orders/Resource'].urn);
    expect(urn).toContain('immutable-infra:index:ChartDeployment$kubernetes:core/v1:Service::shop-dev/orders/Resource');
    // A revision object's resource is named by the object; `resources` keys it by its construct path.
    const revisionName = chart.toJson().find((o: any) => o.kind === 'Deployment' && /^orders-[0-9a-f]{10}$/.test(o.metadata.name)).metadata.name;
    const revisionUrn = await outputOf(deployment.resources['shop-dev/orders/stable/Resource'].urn);
    expect(deployment.resourceNames['shop-dev/orders/stable/Resource']).toBe(`Deployment/shop-dev/${revisionName}`);
    expect(deployment.resourceNames['shop-dev/orders/Resource']).toBe('shop-dev/orders/Resource');
    expect(Object.keys(deployment.resourceNames)).toEqual(Object.keys(deployment.resources));
    expect(revisionUrn).toMatch(new RegExp(`::immutable-infra:index:ChartDeployment\\$kubernetes:apps/v1:Deployment::Deployment/shop-dev/${revisionName}$`));
  });

  test('registers a CRD object as a CustomResource with its own type token', async () => {
    const chart = newChart();
    new Microservice(chart, 'orders', { image: digestImage(), ports: [{ port: 80 }] });
    const { ApiObject } = await import('cdk8s');
    new ApiObject(chart, 'route', {
      apiVersion: 'networking.istio.io/v1beta1',
      kind: 'VirtualService',
      metadata: { name: 'orders' },
      spec: { hosts: ['orders'], http: [{ route: [{ destination: { host: 'orders' } }] }] },
    });
    const deployment = new ChartDeployment('crd', { charts: [chart] });
    await outputOf(deployment.resources['test/route'].urn);
    expect(registered.map((r) => r.type)).toContain('kubernetes:networking.istio.io/v1beta1:VirtualService');
  });

  test('passes the plan\'s options to Pulumi: revision resources named by the object with an alias to their construct path, no replaceOnChanges or deleteBeforeReplace, dependencies, Secret data as secret outputs', async () => {
    const options = new Map<string, pulumi.CustomResourceOptions>();
    const capture: pulumi.ResourceTransformation = (args) => {
      options.set(args.name, args.opts as pulumi.CustomResourceOptions);
      return undefined;
    };
    const chart = newChart();
    new Microservice(chart, 'orders', {
      image: digestImage(),
      ports: [{ port: 80 }],
      configs: [{ name: 'settings', literals: { A: '1' } }],
      secrets: [{ name: 'db', literals: { password: 'x' }, mountPath: '/s' }],
    });
    const objectName = (kind: string, prefix: string) =>
      chart.toJson().find((o: any) => o.kind === kind && o.metadata.name.startsWith(prefix)).metadata.name as string;
    const deployment = new ChartDeployment('options', { charts: [chart] }, { transformations: [capture] });
    await outputOf(deployment.urn);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect([...options.keys()].filter((n) => n !== 'options').sort()).toEqual([
      `ConfigMap/test/${objectName('ConfigMap', 'orders-settings-')}`,
      `Deployment/test/${objectName('Deployment', 'orders-')}`,
      `Secret/test/${objectName('Secret', 'orders-db-')}`,
      'test/orders/NetworkPolicy/Resource',
      'test/orders/Resource',
      'test/orders/ServiceAccount',
    ].sort());
    const service = options.get('test/orders/Resource')!;
    const revision = options.get(`Deployment/test/${objectName('Deployment', 'orders-')}`)!;
    const config = options.get(`ConfigMap/test/${objectName('ConfigMap', 'orders-settings-')}`)!;
    const secret = options.get(`Secret/test/${objectName('Secret', 'orders-db-')}`)!;
    // Aliases that rename (the typed classes add their own, of earlier API versions' types).
    const renames = (opts: pulumi.CustomResourceOptions) => (opts.aliases ?? []).filter((a: any) => typeof a === 'object' && 'name' in a);
    expect(renames(service)).toEqual([]);
    expect(service.dependsOn).toEqual([deployment.resources['test/orders/stable/Resource']]);
    expect(renames(revision)).toEqual([{ name: 'test/orders/stable/Resource' }]);
    expect(renames(config)).toEqual([{ name: 'test/orders/ConfigMap-settings/Resource' }]);
    expect(renames(secret)).toEqual([{ name: 'test/orders/Secret-db/Resource' }]);
    // A replacement would keep the object's name: created first, it would take over the live object, which deleting the replaced one then deletes.
    for (const opts of options.values()) {
      const replacement = { replaceOnChanges: opts.replaceOnChanges, deleteBeforeReplace: opts.deleteBeforeReplace };
      expect(replacement).toEqual({ replaceOnChanges: undefined, deleteBeforeReplace: undefined });
    }
    expect(revision.dependsOn).toEqual(expect.arrayContaining([deployment.resources['test/orders/ConfigMap-settings/Resource'], deployment.resources['test/orders/Secret-db/Resource']]));
    expect(secret.additionalSecretOutputs).toEqual(expect.arrayContaining(['data']));
  });

  test('a revision resource\'s alias is the URN the earlier bridge gave the object (its construct path under the component), so the first up after upgrading renames it', async () => {
    const chart = () => {
      const c = newChart();
      new Microservice(c, 'orders', { image: digestImage(), ports: [{ port: 80 }], configs: [{ name: 'settings', literals: { A: '1' } }] });
      return c;
    };
    // The earlier bridge: the same component type, every object named by its construct path.
    class EarlierChartDeployment extends pulumi.ComponentResource {
      public readonly urns: Record<string, pulumi.Output<string>> = {};
      constructor(name: string, charts: Chart[]) {
        super('immutable-infra:index:ChartDeployment', name, {}, {});
        for (const planned of planDeployment(charts)) {
          this.urns[planned.logicalName] = registerManifest(planned.logicalName, planned.manifest, { parent: this }).urn;
        }
      }
    }
    const earlier = new EarlierChartDeployment('shop', [chart()]);
    const current = new ChartDeployment('shop', { charts: [chart()] });
    const revisions = planDeployment([chart()]).filter((p) => p.role === 'revision');
    expect(revisions.map((p) => p.manifest.kind).sort()).toEqual(['ConfigMap', 'Deployment']);
    for (const planned of revisions) {
      const resource = current.resources[planned.logicalName] as unknown as { __aliases: pulumi.Output<string>[] };
      // The SDK's collapse of the alias: the defaults the engine applies too (this resource's type and parent, the stack, the project).
      // (A typed class adds aliases of its own: its kind's earlier API versions, under the same name.)
      const urn = await outputOf(current.resources[planned.logicalName].urn);
      const renamedFrom = (await Promise.all(resource.__aliases.map(outputOf))).filter((urn) => !urn.endsWith(`::${planned.resourceName}`));
      const earlierUrn = await outputOf(earlier.urns[planned.logicalName]);
      expect({ slot: planned.logicalName, renamedFrom }).toEqual({ slot: planned.logicalName, renamedFrom: [earlierUrn] });
      expect(urn).toMatch(new RegExp(`::${planned.resourceName}$`));
    }
  });

  test('Secret data is a Pulumi secret', async () => {
    const chart = newChart();
    new Microservice(chart, 'orders', { image: digestImage(), secrets: [{ name: 'db', literals: { password: 'hunter2' }, mountPath: '/s' }] });
    const deployment = new ChartDeployment('secrets', { charts: [chart] });
    const secretName = Object.keys(deployment.resources).find((n) => n.includes('Secret-db'))!;
    const secret = deployment.resources[secretName] as unknown as { data: pulumi.Output<Record<string, string>> };
    expect(await pulumi.isSecret(secret.data)).toBe(true);
    expect(await outputOf(secret.data)).toEqual({ password: Buffer.from('hunter2').toString('base64') });
  });

  test('skipAwait is off by default and on only when asked', async () => {
    const chart = () => {
      const c = newChart();
      new Microservice(c, 'orders', { image: digestImage() });
      return c;
    };
    const annotationsOf = (r: Registered) => r.inputs.metadata?.annotations ?? {};
    new ChartDeployment('await', { charts: [chart()] });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(registered.filter((r) => r.type.startsWith('kubernetes:')).every((r) => !('pulumi.com/skipAwait' in annotationsOf(r)))).toBe(true);
    registered.length = 0;
    new ChartDeployment('skip', { charts: [chart()], skipAwait: true });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const k8sResources = registered.filter((r) => r.type.startsWith('kubernetes:'));
    expect(k8sResources.length).toBeGreaterThan(0);
    expect(k8sResources.every((r) => annotationsOf(r)['pulumi.com/skipAwait'] === 'true')).toBe(true);
  });

  test('awaitTimeout sets the create and update timeouts of every resource (not the objects); none by default; whole seconds only', async () => {
    const timeouts = new Map<string, pulumi.CustomTimeouts | undefined>();
    const capture: pulumi.ResourceTransformation = (args) => {
      if (args.type.startsWith('kubernetes:')) {
        timeouts.set(args.name, (args.opts as pulumi.CustomResourceOptions).customTimeouts);
      }
      return undefined;
    };
    const chart = () => {
      const c = newChart();
      new Microservice(c, 'orders', { image: digestImage(), ports: [{ port: 80 }], configs: [{ name: 'settings', literals: { A: '1' } }] });
      return c;
    };
    const withDefault = new ChartDeployment('default-timeouts', { charts: [chart()] }, { transformations: [capture] });
    await outputOf(withDefault.urn);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(timeouts.size).toBe(Object.keys(withDefault.resources).length);
    expect([...timeouts.values()].every((t) => t === undefined)).toBe(true);

    timeouts.clear();
    registered.length = 0;
    const short = new ChartDeployment('short-timeouts', { charts: [chart()], awaitTimeout: Duration.seconds(45) }, { transformations: [capture] });
    await outputOf(short.urn);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(timeouts.size).toBe(Object.keys(short.resources).length);
    expect([...timeouts.values()].every((t) => t?.create === '45s' && t.update === '45s' && t.delete === undefined)).toBe(true);
    const k8sResources = registered.filter((r) => r.type.startsWith('kubernetes:'));
    expect(k8sResources.some((r) => JSON.stringify(r.inputs).includes('timeoutSeconds'))).toBe(false);

    expect(() => new ChartDeployment('fraction', { charts: [chart()], awaitTimeout: Duration.millis(1500) })).toThrow(/awaitTimeout must be whole seconds, at least one; got 1.5s/);
    expect(() => new ChartDeployment('zero', { charts: [chart()], awaitTimeout: Duration.seconds(0) })).toThrow(/got 0s/);
    expect(new ChartDeployment('minutes', { charts: [chart()], awaitTimeout: Duration.minutes(2) })).toBeDefined();
  });
});
