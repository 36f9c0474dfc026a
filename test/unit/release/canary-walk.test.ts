import { CanaryRelease, Manifest, Mesh, MeshProvider, Microservice, ServiceRoutes } from '../../../lib';
import { objectIdentity } from '../../../lib/core/object-identity';
import { canaryStages } from '../../../lib/release/deploy/canary-walk';
import { synthObjects } from '../../../lib/testing';
import { digestImage, newChart } from '../../fixtures';

/** The pointers of a service with a stepped canary (10%, 50% on the way to `canaryPercent`), in the mesh given. */
function pointers(provider: 'istio' | 'linkerd', canaryPercent = 100): Manifest[] {
  const chart = newChart();
  const mesh = new Mesh(chart, 'mesh', { provider: provider === 'istio' ? MeshProvider.istio() : MeshProvider.linkerd() });
  const service = new Microservice(chart, 'reviews', { image: digestImage(), ports: [{ port: 80, containerPort: 8080 }], mesh, track: 'blue' });
  const green = service.addRevision('green', { image: digestImage('ghcr.io/acme/app', 'b') });
  const routes = new ServiceRoutes(chart, 'routes', { service });
  new CanaryRelease(chart, 'canary', { routes, stable: service.revisions[0], canary: green, canaryPercent, steps: [{ percent: 10 }, { percent: 50 }] });
  return synthObjects(chart).filter((o) => o.kind === 'VirtualService' || o.kind === 'HTTPRoute');
}

const weights = (pointer: Manifest) => (pointer.kind === 'VirtualService'
  ? (pointer.spec as any).http[0].route.map((r: any) => `${r.destination.subset}:${r.weight}`)
  : (pointer.spec as any).rules[0].backendRefs.map((b: any) => `${b.name.replace(/-[0-9a-f]{10}$/, '')}:${b.weight}`));
const live = (objects: Manifest[]) => new Map(objects.map((o) => [objectIdentity(o), o]));

describe('canaryStages', () => {
  test.each(['istio', 'linkerd'] as const)('%s: a new canary walks every step, each a copy of the pointer with the split moved', (provider) => {
    const [pointer] = pointers(provider);
    const stages = canaryStages([pointer], new Map());
    expect(stages.map((s) => [s.percents, s.pauseSeconds, s.pointers.map(weights)])).toEqual([
      [[10], 0, [provider === 'istio' ? ['blue:90', 'green:10'] : ['reviews:90', 'reviews:10']]],
      [[50], 0, [provider === 'istio' ? ['blue:50', 'green:50'] : ['reviews:50', 'reviews:50']]],
    ]);
    expect(weights(pointer)).toEqual(provider === 'istio' ? ['blue:0', 'green:100'] : ['reviews:0', 'reviews:100']);
  });

  test('walks on from the share the live pointer has: at 10%, only the 50% step is left; at 50% or beyond, none', () => {
    const [pointer] = pointers('istio');
    const [atTen, atFifty] = canaryStages([pointer], new Map()).map((s) => s.pointers[0]);
    expect(canaryStages([pointer], live([atTen])).map((s) => s.percents)).toEqual([[50]]);
    expect(canaryStages([pointer], live([atFifty]))).toEqual([]);
    expect(canaryStages([pointer], live([pointer]))).toEqual([]);
  });

  test('a pointer without steps has no stages', () => {
    const plain = pointers('istio').map((p) => ({ ...p, metadata: { ...p.metadata, annotations: undefined } }));
    expect(canaryStages(plain, new Map())).toEqual([]);
  });
});
