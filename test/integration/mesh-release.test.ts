import { App } from 'cdk8s';
import { MESH_SCENARIOS, MeshScenario, MeshTrafficChart, MeshTrafficChartProps } from '../../examples/mesh-traffic';
import { Manifest } from '../../lib';
import { objectIdentity } from '../../lib/internal';
import { synthObjects } from '../../lib/testing';
import { deleteNamespace, getLive, kubectlOk, liveResourceVersion, resourceType } from './kubectl';
import { runRelease } from './release-runner';

type MeshName = MeshTrafficChartProps['mesh'];

/** The scenarios each mesh can express, in the order a team would go through them. */
const SEQUENCES: Record<MeshName, readonly MeshScenario[]> = {
  istio: MESH_SCENARIOS,
  linkerd: ['all-v1', 'user-v2', 'split-v1-v3', 'all-v3'],
  consul: ['all-v1', 'user-v2', 'split-v1-v3', 'all-v3'],
};

const namespaceOf = (mesh: MeshName) => `mesh-${mesh}`;
const synth = (mesh: MeshName, scenario: MeshScenario) =>
  synthObjects(new MeshTrafficChart(new App(), `${mesh}-${scenario}`, { mesh, scenario, namespace: namespaceOf(mesh) }));

const ROUTING_KINDS = new Set(['VirtualService', 'DestinationRule', 'HTTPRoute', 'ServiceRouter', 'ServiceSplitter', 'ServiceResolver']);
/** A service policy a scenario adds beside its routes (end-user authentication, a rate limit): a pointer, as routes are. */
const isServicePolicy = (o: Manifest) =>
  o.kind === 'RequestAuthentication' || o.kind === 'EnvoyFilter' || (o.kind === 'AuthorizationPolicy' && o.metadata.name!.endsWith('-require-token'));
const isRevisionObject = (o: Manifest) => (o.metadata.labels as Record<string, string> | undefined)?.['immutable-infra.dev/revision'] !== undefined;

/** Consul's routing of reviews: each ServiceRouter route's subset (the splitter's when it has none), the splitter's weights. */
function consulReviewsWeights(spec: (kind: 'ServiceRouter' | 'ServiceSplitter') => any): Record<string, string[]> {
  const weights: Record<string, string[]> = {};
  spec('ServiceRouter').routes.forEach((route: any, index: number) => {
    weights[`router/${index}`] = [route.destination.serviceSubset ?? 'splitter'];
  });
  weights.splitter = spec('ServiceSplitter').splits.map((split: any) => `${split.serviceSubset}:${split.weight}`);
  return weights;
}

/** What the live routing objects of the reviews service send where: route name → backend:weight. */
function liveReviewsWeights(mesh: MeshName, objects: readonly Manifest[]): Record<string, string[]> {
  const namespace = namespaceOf(mesh);
  const weights: Record<string, string[]> = {};
  if (mesh === 'consul') {
    return consulReviewsWeights((kind) => getLive(`${kind.toLowerCase()}s.consul.hashicorp.com`, 'reviews', namespace)!.spec);
  }
  if (mesh === 'istio') {
    const vs = getLive('virtualservices.networking.istio.io', 'reviews', namespace)!;
    for (const route of vs.spec.http) {
      weights[route.name] = route.route.map((d: any) => `${d.destination.subset}:${d.weight}`);
    }
    return weights;
  }
  for (const object of objects.filter((o) => o.kind === 'HTTPRoute' && (o.spec as any).parentRefs[0].name === 'reviews')) {
    const live = getLive(resourceType(object), object.metadata.name!, namespace)!;
    live.spec.rules.forEach((rule: any, index: number) => {
      weights[`${object.metadata.name}/${index}`] = rule.backendRefs.map((b: any) => `${b.name}:${b.weight ?? 1}`);
    });
  }
  return weights;
}

/** The same, read from the synthesized objects. */
function expectedReviewsWeights(mesh: MeshName, objects: readonly Manifest[]): Record<string, string[]> {
  const weights: Record<string, string[]> = {};
  if (mesh === 'consul') {
    return consulReviewsWeights((kind) => objects.find((o) => o.kind === kind && o.metadata.name === 'reviews')!.spec);
  }
  if (mesh === 'istio') {
    const vs = objects.find((o) => o.kind === 'VirtualService' && o.metadata.name === 'reviews')!;
    for (const route of (vs.spec as any).http) {
      weights[route.name] = route.route.map((d: any) => `${d.destination.subset}:${d.weight}`);
    }
    return weights;
  }
  for (const object of objects.filter((o) => o.kind === 'HTTPRoute' && (o.spec as any).parentRefs[0].name === 'reviews')) {
    (object.spec as any).rules.forEach((rule: any, index: number) => {
      weights[`${object.metadata.name}/${index}`] = rule.backendRefs.map((b: any) => `${b.name}:${b.weight ?? 1}`);
    });
  }
  return weights;
}

afterAll(() => {
  for (const mesh of Object.keys(SEQUENCES) as MeshName[]) {
    deleteNamespace(namespaceOf(mesh));
  }
});

describe.each(Object.keys(SEQUENCES) as MeshName[])('%s: the example app through its scenarios, each a release', (mesh) => {
  test('every step updates only routing objects and adds only revision objects; no revision object is ever written again; the live weights are the declared ones', () => {
    kubectlOk(['create', 'namespace', namespaceOf(mesh)]);
    let before: Manifest[] = [];
    const firstVersions = new Map<string, string | undefined>();
    for (const scenario of SEQUENCES[mesh]) {
      const after = synth(mesh, scenario);
      const outcome = runRelease(before, after);
      expect({ scenario, outcome }).toEqual({ scenario, outcome: { completed: ['prepare', 'create', 'route', 'retire'] } });

      for (const object of after.filter(isRevisionObject)) {
        const id = objectIdentity(object);
        if (!firstVersions.has(id)) {
          firstVersions.set(id, liveResourceVersion(object));
        }
        expect({ scenario, id, resourceVersion: liveResourceVersion(object) }).toEqual({ scenario, id, resourceVersion: firstVersions.get(id) });
      }
      if (before.length > 0) {
        const previous = new Map(before.map((o) => [objectIdentity(o), JSON.stringify(o)]));
        const updated = after.filter((o) => previous.has(objectIdentity(o)) && previous.get(objectIdentity(o)) !== JSON.stringify(o));
        const added = after.filter((o) => !previous.has(objectIdentity(o)));
        expect({
          scenario,
          updatedKinds: [...new Set(updated.map((o) => o.kind))].filter((k) => !ROUTING_KINDS.has(k)),
          addedPointers: added.filter((o) => !isRevisionObject(o) && !isServicePolicy(o)).map(objectIdentity),
        }).toEqual({ scenario, updatedKinds: [], addedPointers: [] });
      }
      expect({ scenario, weights: liveReviewsWeights(mesh, after) }).toEqual({ scenario, weights: expectedReviewsWeights(mesh, after) });
      before = after;
    }
  });
});

test('istio: every subset a live VirtualService routes or mirrors to exists in its live DestinationRule', () => {
  const namespace = namespaceOf('istio');
  for (const service of ['reviews', 'ratings']) {
    const subsets = new Set(getLive('destinationrules.networking.istio.io', service, namespace)!.spec.subsets.map((s: any) => s.name));
    const vs = getLive('virtualservices.networking.istio.io', service, namespace)!;
    const used = vs.spec.http.flatMap((r: any) => [...r.route.map((d: any) => d.destination.subset), ...(r.mirror ? [r.mirror.subset] : [])]);
    expect({ service, missing: used.filter((s: string) => !subsets.has(s)) }).toEqual({ service, missing: [] });
  }
});

test('istio: the live authorization of ratings admits reviews only; details, which declares no dependency on it, is denied', () => {
  const policy = getLive('authorizationpolicies.security.istio.io', 'ratings', namespaceOf('istio'))!;
  const principals = policy.spec.rules.flatMap((r: any) => r.from.flatMap((f: any) => f.source.principals ?? []));
  expect(principals).toEqual([`cluster.local/ns/${namespaceOf('istio')}/sa/reviews`]);
  expect(getLive('authorizationpolicies.security.istio.io', 'deny-by-default', namespaceOf('istio'))!.spec).toEqual({});
  expect(getLive('peerauthentications.security.istio.io', 'default', namespaceOf('istio'))!.spec.mtls.mode).toBe('STRICT');
});
