import { App } from 'cdk8s';
import { MESH_SCENARIOS, MeshScenario, MeshTrafficChart, MeshTrafficChartProps } from '../../examples/mesh-traffic';
import { objectIdentity, objectRole } from '../../lib/internal';
import { findObject, snapshotOf, synthObjects } from '../../lib/testing';
import { validationErrorOf } from '../fixtures';

const chart = (mesh: MeshTrafficChartProps['mesh'], scenario: MeshScenario) => new MeshTrafficChart(new App(), 'bookinfo', { mesh, scenario });

/** The scenarios Linkerd refuses, and the feature its error must name. */
const LINKERD_REFUSES: Partial<Record<MeshScenario, RegExp>> = {
  'faults': /fault injection/i,
  'circuit-breaker': /maxConnections|connection/i,
  'mirror-v3': /mirror/i,
  'jwt-rate-limit': /JWT validation/,
};

describe('example mesh-traffic', () => {
  test.each(MESH_SCENARIOS)('istio: %s', (scenario) => {
    expect(snapshotOf(chart('istio', scenario))).toMatchSnapshot();
  });

  test.each(MESH_SCENARIOS.filter((s) => LINKERD_REFUSES[s] === undefined))('linkerd: %s', (scenario) => {
    expect(snapshotOf(chart('linkerd', scenario))).toMatchSnapshot();
  });

  test.each(Object.entries(LINKERD_REFUSES))('linkerd refuses %s at synth, naming the feature and the provider', (scenario, feature) => {
    const error = validationErrorOf(() => synthObjects(chart('linkerd', scenario as MeshScenario)));
    expect(error.message).toMatch(feature!);
    expect(error.message).toMatch(/linkerd/i);
    expect(error.message).toMatch(/bookinfo\/RatingsRoutes|bookinfo\/ReviewsRoutes/);
  });

  test.each(['istio', 'linkerd'] as const)('%s: moving weights updates routing objects only; anything new is a revision object', (mesh) => {
    const sequence: MeshScenario[] = ['all-v1', 'user-v2', 'split-v1-v3', 'all-v3'];
    const releases = sequence.map((s) => synthObjects(chart(mesh, s)));
    for (let i = 1; i < releases.length; i++) {
      const before = new Map(releases[i - 1].map((o) => [objectIdentity(o), JSON.stringify(o)]));
      const updated = releases[i].filter((o) => before.has(objectIdentity(o)) && before.get(objectIdentity(o)) !== JSON.stringify(o));
      const added = releases[i].filter((o) => !before.has(objectIdentity(o)));
      expect({ step: sequence[i], updated: [...new Set(updated.map((o) => o.kind))], addedRoles: [...new Set(added.map(objectRole))] }).toEqual({
        step: sequence[i],
        updated: mesh === 'istio' ? ['VirtualService'] : ['HTTPRoute'],
        addedRoles: mesh === 'linkerd' && added.length > 0 ? ['revision'] : [],
      });
    }
  });

  test('istio: the split is 50/50 and then 100% to v3, with v1 kept at 0 until it is removed', () => {
    const weights = (scenario: MeshScenario) => {
      const vs = findObject(synthObjects(chart('istio', scenario)), { kind: 'VirtualService', name: 'reviews' });
      return (vs.spec as any).http.map((r: any) => r.route.map((d: any) => `${d.destination.subset}:${d.weight}`));
    };
    expect(weights('all-v1')).toEqual([['v1:100']]);
    expect(weights('user-v2')).toEqual([['v2:100'], ['v1:100']]);
    expect(weights('split-v1-v3')).toEqual([['v1:50', 'v3:50']]);
    expect(weights('all-v3')).toEqual([['v1:0', 'v3:100']]);
  });

  test('istio: ratings admits reviews only; the undeclared call from details is denied by default', () => {
    const objects = synthObjects(chart('istio', 'all-v1'));
    const ratings = findObject(objects, { kind: 'AuthorizationPolicy', name: 'ratings' });
    expect((ratings.spec as any).rules).toEqual([
      { from: [{ source: { principals: ['cluster.local/ns/bookinfo/sa/reviews'] } }], to: [{ operation: { ports: ['9080'] } }] },
    ]);
    expect(findObject(objects, { kind: 'AuthorizationPolicy', name: 'deny-by-default' }).spec).toEqual({});
    expect(findObject(objects, { kind: 'PeerAuthentication', name: 'default' }).spec).toEqual({ mtls: { mode: 'STRICT' } });
  });

  test('istio: the test user gets a 7 s delay and an HTTP 500 from ratings, everyone else the plain route', () => {
    const vs = findObject(synthObjects(chart('istio', 'faults')), { kind: 'VirtualService', name: 'ratings' });
    const [testUser, rest] = (vs.spec as any).http;
    expect(testUser.match).toEqual([{ headers: { 'end-user': { exact: 'jason' } } }]);
    expect(testUser.fault).toEqual({ delay: { fixedDelay: '7s', percentage: { value: 100 } }, abort: { httpStatus: 500, percentage: { value: 100 } } });
    expect(rest.fault).toBeUndefined();
  });
});
