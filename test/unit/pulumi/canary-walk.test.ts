import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import * as pulumi from '@pulumi/pulumi';
import { App, Duration } from 'cdk8s';
import { registered } from './mocked-pulumi';
import { steppedCanaryChart, SteppedCanaryOptions } from './stepped-canary';

// Import the bridge only after the mocks are in place.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { CanaryWalk, ChartDeployment } = require('../../../lib/pulumi') as typeof import('../../../lib/pulumi');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { canaryWalkProvider } = require('../../../lib/pulumi/canary-walk') as typeof import('../../../lib/pulumi/canary-walk');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ShopChart } = require('../../../stacks/shop/shop-chart') as typeof import('../../../stacks/shop/shop-chart');

const WALK_TYPE = 'pulumi-nodejs:dynamic/immutable-infra:CanaryWalk';
const PROMETHEUS = 'http://prometheus.monitoring:9090';
/** A secret input as the mock monitor receives it. */
const secretInput = (value: string) => ({ [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value });

// Synthesizing a chart and registering its resources takes seconds on a busy machine.
jest.setTimeout(60_000);

function outputOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

/** Deploys the stepped canary chart, recording each child's `dependsOn` by resource name. */
type DeployArgs = { prometheusUrl?: string; awaitTimeout?: Duration; kubeconfig?: string };

async function deploy(name: string, args: DeployArgs = {}, chart: SteppedCanaryOptions = {}) {
  const dependsOn = new Map<string, unknown[]>();
  const record: pulumi.ResourceTransformation = (transformed) => {
    dependsOn.set(transformed.name, [(transformed.opts as pulumi.CustomResourceOptions).dependsOn ?? []].flat());
    return undefined;
  };
  const deployment = new ChartDeployment(name, { charts: [steppedCanaryChart(chart)], ...args }, { transformations: [record] });
  await outputOf(deployment.urn);
  await new Promise((resolve) => setTimeout(resolve, 100));
  return { deployment, dependsOn };
}

beforeEach(() => {
  registered.length = 0;
});

afterEach(() => {
  pulumi.runtime.setAllConfig({});
});

describe('ChartDeployment canary walks (Pulumi mocks)', () => {
  test('a stepped canary registers one CanaryWalk under the component: its pointers as registered, its routing and revisions, Prometheus as a secret, the await timeout', async () => {
    const { deployment } = await deploy('walked', { prometheusUrl: PROMETHEUS, awaitTimeout: Duration.minutes(2) });
    const walkName = 'shop/ReviewsRoutes/Mesh/Routing/CanaryWalk';
    expect(Object.keys(deployment.canaryWalks)).toEqual([walkName]);
    const walk = deployment.canaryWalks[walkName];
    expect(walk).toBeInstanceOf(CanaryWalk);
    expect(await outputOf(walk.urn)).toContain(`immutable-infra:index:ChartDeployment$${WALK_TYPE}::${walkName}`);
    const registeredWalks = registered.filter((r) => r.type === WALK_TYPE);
    expect(registeredWalks.map((r) => r.name)).toEqual([walkName]);
    const { inputs } = registeredWalks[0];
    const route = registered.find((r) => r.name === 'shop/ReviewsRoutes/Mesh/Routing/VirtualService')!;
    expect(inputs.pointers).toEqual([route.inputs]);
    expect(inputs.pointers[0].metadata.annotations['pulumi.com/patchFieldManager']).toBe('immutable-infra');
    expect(JSON.parse(inputs.routing)).toMatchObject({ pointers: [{ pointer: 'networking.istio.io/VirtualService/shop/reviews' }] });
    expect(inputs.revisions.map((r: any) => r.name)).toEqual(registered.filter((r) => r.type === 'kubernetes:apps/v1:Deployment' && r.name.includes('reviews-'))
      .map((r) => r.inputs.metadata.name));
    expect(inputs).toMatchObject({ prometheusUrl: secretInput(PROMETHEUS), timeoutSeconds: 120 });
    expect(inputs.__provider).toEqual(expect.any(String));
    expect(await pulumi.isSecret((walk as unknown as { prometheusUrl: pulumi.Output<string> }).prometheusUrl)).toBe(true);
    expect('kubeconfig' in inputs || 'kubeconfigContext' in inputs).toBe(false);
  });

  test('the walked route waits for the walk; the walk waits for what the route waits for and for its revisions; nothing else waits for it', async () => {
    const { deployment, dependsOn } = await deploy('wiring', { prometheusUrl: PROMETHEUS });
    const walk = deployment.canaryWalks['shop/ReviewsRoutes/Mesh/Routing/CanaryWalk'];
    const { resources } = deployment;
    const resourceName = (resource: unknown) => Object.keys(resources).find((n) => resources[n] === resource) ?? (resource === walk ? 'walk' : 'unknown');
    const waitsFor = (name: string) => dependsOn.get(name)!.map(resourceName).sort();
    const route = 'shop/ReviewsRoutes/Mesh/Routing/VirtualService';
    expect(waitsFor(route)).toEqual(['shop/ReviewsRoutes/Mesh/DestinationRule', 'shop/reviews/Resource', 'walk']);
    expect(waitsFor('shop/ReviewsRoutes/Mesh/Routing/CanaryWalk')).toEqual([
      'shop/ReviewsRoutes/Mesh/DestinationRule', 'shop/reviews/Resource', 'shop/reviews/v1/Resource', 'shop/reviews/v2/Resource',
    ]);
    const waiting = [...dependsOn.entries()].filter(([, deps]) => deps.includes(walk)).map(([name]) => name);
    expect(waiting).toEqual([route]);
  });

  test('an unanalysed stepped canary is walked without Prometheus', async () => {
    const { deployment } = await deploy('unanalysed', {}, { analysed: false });
    expect(Object.keys(deployment.canaryWalks)).toEqual(['shop/ReviewsRoutes/Mesh/Routing/CanaryWalk']);
    expect(registered.find((r) => r.type === WALK_TYPE)!.inputs).not.toHaveProperty('prometheusUrl');
  });

  test('a chart without stepped canaries (the shop) has no walk', async () => {
    const shop = new ChartDeployment('shop', { charts: [new ShopChart(new App(), 'shop-dev', { environment: 'dev' })] });
    await outputOf(shop.urn);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(shop.canaryWalks).toEqual({});
    expect(registered.filter((r) => r.type === WALK_TYPE)).toEqual([]);
  });

  test('fails when a step is analysed and no Prometheus URL is given, before anything is registered', () => {
    expect(() => new ChartDeployment('refused', { charts: [steppedCanaryChart()] })).toThrow(
      'shop/ReviewsRoutes/Mesh/Routing/CanaryWalk: its canary steps are analysed in Prometheus (CanaryStep.analysis of shop/reviews); ' +
      'pass Prometheus\'s URL (ChartDeployment\'s prometheusUrl, or `pulumi config set immutable-infra:prometheusUrl <url>`). Nothing was applied',
    );
    expect(registered.filter((r) => r.name === 'refused')).toEqual([]);
  });

  test('fails when the Prometheus URL is not an http(s) base URL', () => {
    expect(() => new ChartDeployment('bad-url', { charts: [steppedCanaryChart()], prometheusUrl: 'prometheus:9090' })).toThrow(
      'prometheusUrl: the Prometheus URL must start with http:// or https://',
    );
    expect(registered.filter((r) => r.name === 'bad-url')).toEqual([]);
  });

  test('Prometheus, kubeconfig and context come from the stack config when not given: immutable-infra:prometheusUrl, kubernetes:kubeconfig and kubernetes:context', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'canary-walk-'));
    try {
      const kubeconfig = join(dir, 'config');
      writeFileSync(kubeconfig, 'apiVersion: v1\n');
      pulumi.runtime.setConfig('immutable-infra:prometheusUrl', PROMETHEUS);
      pulumi.runtime.setConfig('kubernetes:kubeconfig', kubeconfig);
      pulumi.runtime.setConfig('kubernetes:context', 'staging');
      await deploy('from-config');
      expect(registered.find((r) => r.type === WALK_TYPE)!.inputs).toMatchObject({ prometheusUrl: secretInput(PROMETHEUS), kubeconfig, kubeconfigContext: 'staging' });
      registered.length = 0;
      await deploy('given', { prometheusUrl: 'https://prometheus.example.com', kubeconfig: '/etc/walk/kubeconfig' });
      expect(registered.find((r) => r.type === WALK_TYPE)!.inputs).toMatchObject({
        prometheusUrl: secretInput('https://prometheus.example.com'), kubeconfig: '/etc/walk/kubeconfig', kubeconfigContext: 'staging',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('fails when the stack config kubernetes:kubeconfig holds a kubeconfig\'s contents, not a file', () => {
    pulumi.runtime.setConfig('kubernetes:kubeconfig', 'apiVersion: v1\nclusters: []\n');
    expect(() => new ChartDeployment('contents', { charts: [steppedCanaryChart()], prometheusUrl: PROMETHEUS })).toThrow(
      'the stack config kubernetes:kubeconfig is no kubeconfig file on this machine',
    );
  });
});

describe('canaryWalkProvider', () => {
  const provider = canaryWalkProvider('/nowhere/canary-walk-run.js');

  test('diff: a change only when the routing changes', async () => {
    const walked = { routing: 'a', walked: [[20]] };
    const inputs = { routing: 'a', pointers: [], revisions: [], timeoutSeconds: 60 };
    expect(await provider.diff!('id', walked, { ...inputs, timeoutSeconds: 5, prometheusUrl: 'http://other:9090' })).toEqual({ changes: false });
    expect(await provider.diff!('id', walked, { ...inputs, routing: 'b' })).toEqual({ changes: true });
  });

  test('delete does nothing and loads nothing (the runner file does not exist here)', async () => {
    await expect(provider.delete!('id', { routing: 'a', walked: [] })).resolves.toBeUndefined();
  });

  test('Pulumi serializes it: the closure captures the runner\'s path, not the deploy path\'s modules', async () => {
    const serialized = await pulumi.runtime.serializeFunction(() => provider);
    expect(serialized.text).toContain('/nowhere/canary-walk-run.js');
    expect(serialized.text).not.toMatch(/KubeApi|ReleaseWriter|walkCanaryStages/);
    expect(serialized.text.length).toBeLessThan(5_000);
  });
});
