import { Duration } from 'cdk8s';
import { BlueGreenRelease, CanaryRelease, HeaderMatch, Mesh, MeshProvider, Microservice, ServiceRoutes, UserRouting } from '../../../lib';
import { findObject, synthObjects } from '../../../lib/testing';
import { digestImage, newChart, validationErrorOf } from '../../fixtures';

function reviews() {
  const chart = newChart();
  const mesh = new Mesh(chart, 'mesh', { provider: MeshProvider.istio() });
  const service = new Microservice(chart, 'reviews', { image: digestImage(), ports: [{ port: 80, containerPort: 8080 }], mesh, track: 'blue' });
  const blue = service.revisions[0];
  const green = service.addRevision('green', { image: digestImage('ghcr.io/acme/app', 'b') });
  const routes = new ServiceRoutes(chart, 'routes', { service });
  return { chart, service, blue, green, routes };
}

const istioRoutes = (chart: ReturnType<typeof newChart>) =>
  (findObject(synthObjects(chart), { kind: 'VirtualService', name: 'reviews' }).spec as any).http.map((r: any) => ({
    name: r.name,
    match: r.match,
    to: r.route.map((d: any) => `${d.destination.subset}:${d.weight}`),
  }));

describe('CanaryRelease', () => {
  test.each([
    [0, ['blue:100', 'green:0']],
    [10, ['blue:90', 'green:10']],
    [100, ['blue:0', 'green:100']],
  ])('%i%% to the canary is one catch-all route with both revisions', (canaryPercent, to) => {
    const { chart, blue, green, routes } = reviews();
    new CanaryRelease(chart, 'canary', { routes, stable: blue, canary: green, canaryPercent });
    expect(istioRoutes(chart)).toEqual([{ name: 'canary', match: undefined, to }]);
  });

  test('targeted users go first, then the split', () => {
    const { chart, blue, green, routes } = reviews();
    new UserRouting(chart, 'testers', { routes, revision: green, header: 'End-User', users: ['jason', 'kim', 'jason'] });
    new CanaryRelease(chart, 'canary', { routes, stable: blue, canary: green, canaryPercent: 5 });
    expect(istioRoutes(chart)).toEqual([
      { name: 'users-green', match: [{ headers: { 'end-user': { exact: 'jason' } } }, { headers: { 'end-user': { exact: 'kim' } } }], to: ['green:100'] },
      { name: 'canary', match: undefined, to: ['blue:95', 'green:5'] },
    ]);
  });

  test.each([[-1], [101], [12.5]])('fails when canaryPercent is %p', (canaryPercent) => {
    const { chart, blue, green, routes } = reviews();
    const error = validationErrorOf(() => new CanaryRelease(chart, 'canary', { routes, stable: blue, canary: green, canaryPercent }));
    expect(error.message).toBe(`canaryPercent must be a whole number 0-100, got ${canaryPercent} (at test/canary)`);
  });

  test('fails when stable and canary are the same revision', () => {
    const { chart, blue, routes } = reviews();
    const error = validationErrorOf(() => new CanaryRelease(chart, 'canary', { routes, stable: blue, canary: blue, canaryPercent: 10 }));
    expect(error.message).toBe("stable and canary are the same revision 'blue'; add the canary with addRevision (at test/canary)");
  });
});

describe('BlueGreenRelease', () => {
  test('the preview header reaches the preview; every other request the active revision', () => {
    const { chart, blue, green, routes } = reviews();
    new BlueGreenRelease(chart, 'release', { routes, active: blue, preview: green });
    expect(istioRoutes(chart)).toEqual([
      { name: 'preview', match: [{ headers: { 'x-preview': { exact: 'true' } } }], to: ['green:100'] },
      { name: 'active', match: undefined, to: ['blue:100'] },
    ]);
  });

  test('promotion swaps the two: only the routing objects change', () => {
    const before = reviews();
    new BlueGreenRelease(before.chart, 'release', { routes: before.routes, active: before.blue, preview: before.green, previewHeader: HeaderMatch.exact('x-env', 'preview') });
    const after = reviews();
    new BlueGreenRelease(after.chart, 'release', { routes: after.routes, active: after.green, preview: after.blue, previewHeader: HeaderMatch.exact('x-env', 'preview') });
    expect(istioRoutes(after.chart).map((r: any) => r.to)).toEqual([['blue:100'], ['green:100']]);
    const changed = synthObjects(after.chart).filter((o) => !synthObjects(before.chart).some((b) => JSON.stringify(b) === JSON.stringify(o)));
    expect(changed.map((o) => o.kind)).toEqual(['VirtualService']);
  });

  test('fails when active and preview are the same revision', () => {
    const { chart, blue, routes } = reviews();
    const error = validationErrorOf(() => new BlueGreenRelease(chart, 'release', { routes, active: blue, preview: blue }));
    expect(error.message).toBe("active and preview are the same revision 'blue'; preview a revision added with addRevision (at test/release)");
  });
});

describe('UserRouting', () => {
  test('fails when no user is named', () => {
    const { chart, green, routes } = reviews();
    const error = validationErrorOf(() => new UserRouting(chart, 'testers', { routes, revision: green, header: 'end-user', users: [] }));
    expect(error.message).toBe('users is empty, so the route would take no request; name at least one user (at test/testers)');
  });

  test('fails when it comes after the catch-all (reported at synth)', () => {
    const { chart, blue, green, routes } = reviews();
    new CanaryRelease(chart, 'canary', { routes, stable: blue, canary: green, canaryPercent: 5 });
    new UserRouting(chart, 'testers', { routes, revision: green, header: 'end-user', users: ['jason'] });
    expect(validationErrorOf(() => synthObjects(chart)).message).toContain("comes after the catch-all route 'canary'");
  });
});

describe('CanaryRelease steps', () => {
  const annotationOf = (chart: ReturnType<typeof newChart>, kind: string, name: string) =>
    JSON.parse((findObject(synthObjects(chart), { kind, name }).metadata.annotations as Record<string, string>)['immutable-infra.dev/canary-steps']);

  test('are written on the route pointers for deploy to walk: the route, both backends, the shares and pauses', () => {
    const { chart, blue, green, routes } = reviews();
    new UserRouting(chart, 'testers', { routes, revision: green, header: 'End-User', users: ['jason'] });
    new CanaryRelease(chart, 'canary', { routes, stable: blue, canary: green, canaryPercent: 100, steps: [{ percent: 10, pause: Duration.minutes(5) }, { percent: 50 }] });
    expect(annotationOf(chart, 'VirtualService', 'reviews')).toEqual({
      route: 1,
      stable: { track: 'blue', name: blue.name },
      canary: { track: 'green', name: green.name },
      steps: [{ percent: 10, pauseSeconds: 300 }, { percent: 50 }],
    });
    expect(istioRoutes(chart)[1]).toEqual({ name: 'canary', match: undefined, to: ['blue:0', 'green:100'] });
  });

  test('go on Linkerd\'s HTTPRoutes too', () => {
    const chart = newChart();
    const mesh = new Mesh(chart, 'mesh', { provider: MeshProvider.linkerd() });
    const service = new Microservice(chart, 'reviews', { image: digestImage(), ports: [{ port: 80, containerPort: 8080 }], mesh, track: 'blue' });
    const green = service.addRevision('green', { image: digestImage('ghcr.io/acme/app', 'b') });
    const routes = new ServiceRoutes(chart, 'routes', { service });
    new CanaryRelease(chart, 'canary', { routes, stable: service.revisions[0], canary: green, canaryPercent: 60, steps: [{ percent: 20 }] });
    expect(annotationOf(chart, 'HTTPRoute', 'reviews-http').steps).toEqual([{ percent: 20 }]);
  });

  test('without steps, no annotation', () => {
    const { chart, blue, green, routes } = reviews();
    new CanaryRelease(chart, 'canary', { routes, stable: blue, canary: green, canaryPercent: 10 });
    expect(findObject(synthObjects(chart), { kind: 'VirtualService', name: 'reviews' }).metadata.annotations).toBeUndefined();
  });

  test.each([
    [[{ percent: 50 }, { percent: 20 }], 'got 20 after 50'],
    [[{ percent: 0 }], 'got 0 after 0'],
    [[{ percent: 60 }], 'got 60 after 0'],
    [[{ percent: 12.5 }], 'got 12.5 after 0'],
  ])('fail when the shares are %j', (steps, got) => {
    const { chart, blue, green, routes } = reviews();
    const error = validationErrorOf(() => new CanaryRelease(chart, 'canary', { routes, stable: blue, canary: green, canaryPercent: 60, steps: steps as any }));
    expect(error.message).toBe(`steps must have whole-number percents, increasing, between 1 and canaryPercent (60) exclusive; ${got} (at test/canary)`);
  });

  test('fail when a share is a string', () => {
    const { chart, blue, green, routes } = reviews();
    const error = validationErrorOf(() => new CanaryRelease(chart, 'canary', { routes, stable: blue, canary: green, canaryPercent: 60, steps: [{ percent: '10' as any }] }));
    expect(error.message).toBe("steps[0].percent must be a number, got '10' (a string); write it without quotes: 10 (at test/canary)");
  });

  test('fail when a pause is not a Duration', () => {
    const { chart, blue, green, routes } = reviews();
    const error = validationErrorOf(() => new CanaryRelease(chart, 'canary', { routes, stable: blue, canary: green, canaryPercent: 60, steps: [{ percent: 10, pause: 300 as any }] }));
    expect(error.message).toBe('steps[0].pause must be a Duration such as Duration.minutes(5), got 300 (a number); pass Duration.seconds(300) if seconds are meant (at test/canary)');
  });
});
