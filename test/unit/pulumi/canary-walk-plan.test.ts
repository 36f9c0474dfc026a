import { Duration } from 'cdk8s';
import { CANARY_STEPS_ANNOTATION } from '../../../lib/core/canary-steps';
import { planCanaryWalks } from '../../../lib/pulumi/canary-walk-plan';
import { planDeployment, PlannedResource } from '../../../lib/pulumi/deployment-plan';
import { digestImage } from '../../fixtures';
import { steppedCanaryChart, SteppedCanaryOptions } from './stepped-canary';

const plan = (options: SteppedCanaryOptions = {}, skipAwait = false) => planDeployment([steppedCanaryChart(options)], { skipAwait });
const find = (resources: PlannedResource[], kind: string, name: RegExp | string) =>
  resources.find((p) => p.manifest.kind === kind && (typeof name === 'string' ? p.manifest.metadata.name === name : name.test(p.manifest.metadata.name!)))!;
const routingOf = (options: SteppedCanaryOptions) => planCanaryWalks(plan(options))[0].routing;

describe('planCanaryWalks', () => {
  test('Istio: one walk per stepped canary, named under its routes, with its VirtualService as registered, its two revisions and what they wait for', () => {
    const resources = plan();
    const walks = planCanaryWalks(resources);
    expect(walks).toHaveLength(1);
    const [walk] = walks;
    const route = find(resources, 'VirtualService', 'reviews');
    const deployments = resources.filter((p) => p.manifest.kind === 'Deployment' && p.manifest.metadata.name!.startsWith('reviews-'));
    expect(deployments).toHaveLength(2);
    expect(walk).toMatchObject({
      logicalName: 'shop/ReviewsRoutes/Mesh/Routing/CanaryWalk',
      pointers: [route.logicalName],
      manifests: [route.manifest],
      analysedService: 'shop/reviews',
    });
    expect(walk.manifests[0].metadata.annotations).toMatchObject({ 'pulumi.com/patchFieldManager': 'immutable-infra', [CANARY_STEPS_ANNOTATION]: expect.any(String) });
    expect(walk.revisions).toEqual(deployments.map((d) => ({ kind: 'Deployment', namespace: 'shop', name: d.manifest.metadata.name, minReady: 0 })));
    // What the VirtualService waits for (its DestinationRule and Service), and the Deployments of its revisions.
    expect([...walk.dependsOn].sort()).toEqual([...route.dependsOn, ...deployments.map((d) => d.logicalName)].sort());
    // The plain route of ratings is not walked.
    expect(walks.flatMap((w) => w.pointers)).not.toContain(find(resources, 'VirtualService', 'ratings').logicalName);
  });

  test('Linkerd: the walk moves the HTTPRoute and waits for the revisions\' Services and Deployments', () => {
    const resources = plan({ mesh: 'linkerd' });
    const [walk] = planCanaryWalks(resources);
    const route = find(resources, 'HTTPRoute', 'reviews-http');
    expect(walk.pointers).toEqual([route.logicalName]);
    const revisions = resources.filter((p) => p.role === 'revision' && /^reviews-[0-9a-f]{10}$/.test(p.manifest.metadata.name!));
    expect(revisions.map((p) => p.manifest.kind).sort()).toEqual(['Deployment', 'Deployment', 'Service', 'Service']);
    expect([...walk.dependsOn].sort()).toEqual(revisions.map((p) => p.logicalName).sort());
    expect(JSON.parse(walk.routing)).toEqual({
      stable: walk.revisions[0].name,
      canary: walk.revisions[1].name,
      pointers: [{
        pointer: 'policy.linkerd.io/HTTPRoute/shop/reviews-http',
        backends: walk.revisions.map((r, i) => ({ kind: 'Service', name: r.name, port: 80, weight: i === 0 ? 0 : 100 })),
      }],
    });
  });

  test('its routing is the revisions and the canary route\'s backends: it changes with the weights or the canary revision, not with another setting of the route', () => {
    const resources = plan();
    const routing = planCanaryWalks(resources)[0].routing;
    const [stable, canary] = ['a', 'b'].map((seed) => resources.find((p) =>
      p.manifest.kind === 'Deployment' && JSON.stringify(p.manifest.spec).includes(digestImage('ghcr.io/acme/reviews', seed)))!.manifest.metadata.name);
    expect(JSON.parse(routing)).toEqual({
      stable,
      canary,
      pointers: [{
        pointer: 'networking.istio.io/VirtualService/shop/reviews',
        backends: [
          { destination: { host: 'reviews.shop.svc.cluster.local', subset: 'v1' }, weight: 0 },
          { destination: { host: 'reviews.shop.svc.cluster.local', subset: 'v2' }, weight: 100 },
        ],
      }],
    });
    expect(routingOf({})).toBe(routing);
    expect(routingOf({ timeout: Duration.seconds(3) })).toBe(routing);
    expect(routingOf({ analysed: false })).toBe(routing);
    expect(routingOf({ canaryPercent: 50 })).not.toBe(routing);
    // Another canary image: the same subsets and weights, but another canary revision.
    expect(routingOf({ canarySeed: 'c' })).not.toBe(routing);
  });

  test('no walk without steps; an unanalysed walk names no service; skipAwait gates no revision', () => {
    const plain = planDeployment([steppedCanaryChart()]).map((p) => {
      const annotations = { ...(p.manifest.metadata.annotations as Record<string, string> | undefined) };
      delete annotations[CANARY_STEPS_ANNOTATION];
      return { ...p, manifest: { ...p.manifest, metadata: { ...p.manifest.metadata, annotations } } };
    });
    expect(planCanaryWalks(plain)).toEqual([]);
    expect(planCanaryWalks(plan({ analysed: false }))[0].analysedService).toBeUndefined();
    expect(planCanaryWalks(plan({}, true), { skipAwait: true })[0].revisions).toEqual([]);
  });
});

describe('planDeployment: the field manager of routes', () => {
  test('every VirtualService and HTTPRoute, walked or not, is written as field manager immutable-infra; no other object is', () => {
    for (const mesh of ['istio', 'linkerd'] as const) {
      const resources = plan({ mesh });
      const manager = (p: PlannedResource) => (p.manifest.metadata.annotations as Record<string, string> | undefined)?.['pulumi.com/patchFieldManager'];
      const routes = resources.filter((p) => ['VirtualService', 'HTTPRoute'].includes(p.manifest.kind));
      expect(routes).toHaveLength(2);
      expect(routes.map(manager)).toEqual(['immutable-infra', 'immutable-infra']);
      expect(resources.filter((p) => !routes.includes(p)).map(manager).filter((m) => m !== undefined)).toEqual([]);
    }
  });
});
