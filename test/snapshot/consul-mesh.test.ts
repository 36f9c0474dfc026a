import { App } from 'cdk8s';
import { ConsulMeshChart } from '../../examples/consul-mesh';
import { MESH_SCENARIOS, MeshScenario, MeshTrafficChart } from '../../examples/mesh-traffic';
import { MeshProvider } from '../../lib';
import { objectIdentity, objectRole } from '../../lib/internal';
import { findObject, snapshotOf, synthObjects } from '../../lib/testing';
import { ShopChart } from '../../stacks/shop/shop-chart';
import { validationErrorOf } from '../fixtures';

const bookinfo = (scenario: MeshScenario) => new MeshTrafficChart(new App(), 'bookinfo', { mesh: 'consul', scenario });

/** The mesh-traffic scenarios Consul refuses, and the feature its error must name. */
const CONSUL_REFUSES: Partial<Record<MeshScenario, RegExp>> = {
  'faults': /fault injection/,
  'circuit-breaker': /maxRequestsPerConnection/,
  'mirror-v3': /mirrors requests/,
  'jwt-rate-limit': /outputClaimToHeaders/,
};

describe('Consul: the same stacks, one prop apart', () => {
  test('example consul-mesh', () => {
    expect(snapshotOf(new ConsulMeshChart(new App(), 'consul-mesh'))).toMatchSnapshot();
  });

  test('reference shop prod in a Consul mesh', () => {
    expect(snapshotOf(new ShopChart(new App(), 'shop-prod', { environment: 'prod', meshProvider: MeshProvider.consul() }))).toMatchSnapshot();
  });

  test.each(MESH_SCENARIOS.filter((s) => CONSUL_REFUSES[s] === undefined))('example mesh-traffic in Consul: %s', (scenario) => {
    expect(snapshotOf(bookinfo(scenario))).toMatchSnapshot();
  });

  test.each(Object.entries(CONSUL_REFUSES))('consul refuses mesh-traffic %s at synth, naming the feature, the provider and the construct', (scenario, feature) => {
    const error = validationErrorOf(() => synthObjects(bookinfo(scenario as MeshScenario)));
    expect(error.message).toMatch(feature!);
    expect(error.message).toMatch(/consul/);
    expect(error.message).toMatch(/bookinfo\/RatingsRoutes|bookinfo\/ReviewsRoutes/);
  });

  test('moving weights updates the ServiceRouter and ServiceSplitter only; nothing is added', () => {
    const sequence: MeshScenario[] = ['all-v1', 'user-v2', 'split-v1-v3', 'all-v3'];
    const releases = sequence.map((s) => synthObjects(bookinfo(s)));
    const changes = releases.slice(1).map((release, i) => {
      const before = new Map(releases[i].map((o) => [objectIdentity(o), JSON.stringify(o)]));
      const updated = release.filter((o) => before.has(objectIdentity(o)) && before.get(objectIdentity(o)) !== JSON.stringify(o));
      const added = release.filter((o) => !before.has(objectIdentity(o)));
      return { step: sequence[i + 1], updated: updated.map((o) => `${o.kind}/${o.metadata.name}`).sort(), added: added.map(objectRole) };
    });
    expect(changes).toEqual([
      { step: 'user-v2', updated: ['ServiceRouter/reviews'], added: [] },
      { step: 'split-v1-v3', updated: ['ServiceRouter/reviews', 'ServiceSplitter/reviews'], added: [] },
      { step: 'all-v3', updated: ['ServiceSplitter/reviews'], added: [] },
    ]);
  });

  test('the split is 50/50 and then 100% to v3, with v1 kept at 0 until it is removed', () => {
    const splits = (scenario: MeshScenario) =>
      (findObject(synthObjects(bookinfo(scenario)), { kind: 'ServiceSplitter', name: 'reviews' }).spec as any).splits.map((s: any) => `${s.serviceSubset}:${s.weight}`);
    expect(splits('all-v1')).toEqual(['v1:100']);
    expect(splits('split-v1-v3')).toEqual(['v1:50', 'v3:50']);
    expect(splits('all-v3')).toEqual(['v1:0', 'v3:100']);
    const router = (findObject(synthObjects(bookinfo('user-v2')), { kind: 'ServiceRouter', name: 'reviews' }).spec as any).routes;
    expect(router).toEqual([
      { match: { http: { header: [{ name: 'end-user', exact: 'jason' }] } }, destination: { serviceSubset: 'v2' } },
      { destination: {} },
    ]);
  });
});
