import { Duration } from 'cdk8s';
import fc from 'fast-check';
import {
  BlueGreenRelease,
  CanaryRelease,
  HeaderMatch,
  HeaderRewrite,
  Manifest,
  Mesh,
  MeshProvider,
  Microservice,
  RetryPolicy,
  Revision,
  ServiceRoutes,
  UserRouting,
} from '../../lib';
import { findObject } from '../../lib/testing';
import { newChart } from '../fixtures';
import { checkConstructProperty, ScenarioBuild } from './harness/check-property';
import { checkDeterministic } from './harness/deterministic';
import { headerMatches, headers, retries, timeout } from './traffic-generators';
import { digest, gen, optionalGen, withDefect } from './workload-generators';

/** Generated releases (canary, blue-green, user routing) of one service: for properties 1-3, and built twice for determinism. */
const NUM_RUNS = { valid: 800, deterministic: 150 };
/** Percent of releases with one invalid prop. */
const DEFECT_PERCENT = 15;

/** A revision by track: the live ones, and one of another service (refused). */
type Track = 'blue' | 'green' | 'preview' | 'foreign';

interface Shared {
  readonly timeout?: Duration;
  readonly retries?: RetryPolicy;
  readonly headers?: HeaderRewrite;
}

interface ReleaseScenario {
  readonly provider: 'istio' | 'linkerd';
  /** Header-based routing of chosen users, ahead of the split. */
  readonly users?: { readonly revision: Track; readonly header: string; readonly users: string[]; readonly routeName?: string };
  readonly release:
    | ({ readonly kind: 'canary'; readonly stable: Track; readonly canary: Track; readonly canaryPercent: number; readonly routeName?: string } & Shared)
    | ({ readonly kind: 'blue-green'; readonly active: Track; readonly preview: Track; readonly previewHeader?: HeaderMatch } & Shared);
  /** A second catch-all release after the first (refused at synth). */
  readonly twice: boolean;
}

const track = (...tracks: Track[]) => fc.constantFrom(...tracks);
/** Two different live revisions; invalid: one revision twice, or one of another service. */
const pair = gen<[Track, Track]>(
  fc.constantFrom<[Track, Track]>(['blue', 'green'], ['green', 'blue'], ['blue', 'preview'], ['preview', 'green']),
  fc.constantFrom<[Track, Track]>(['blue', 'blue'], ['blue', 'foreign'], ['foreign', 'green']),
);
const shared = {
  timeout: optionalGen(timeout),
  // only what every mesh expresses, so Linkerd's refusals stay the traffic property's
  retries: optionalGen(gen(retries.valid.filter((r) => (r.retryOn ?? []).every((c) => c === '5xx' || c === 'gateway-error')), retries.invalid)),
  headers: optionalGen(headers),
};

const canary = withDefect(
  {
    pair,
    canaryPercent: gen(fc.integer({ min: 0, max: 100 }), fc.constantFrom(-1, 101, 12.5)),
    routeName: optionalGen(gen(fc.constantFrom('split', 'rollout'), fc.constantFrom('Split', ''))),
    ...shared,
  },
  DEFECT_PERCENT,
).map(({ pair: [stable, canaryTrack], ...rest }) => ({ kind: 'canary' as const, stable, canary: canaryTrack, ...rest }));

const blueGreen = withDefect(
  {
    pair,
    previewHeader: optionalGen(gen(fc.constantFrom(HeaderMatch.exact('x-preview', '1'), HeaderMatch.regex('x-env', 'staging|qa')), headerMatches.invalid!.map((h) => h[0]))),
    ...shared,
  },
  DEFECT_PERCENT,
).map(({ pair: [active, preview], ...rest }) => ({ kind: 'blue-green' as const, active, preview, ...rest }));

const users = withDefect(
  {
    revision: gen(track('green', 'preview'), track('foreign')),
    header: gen(fc.constantFrom('end-user', 'X-User'), fc.constantFrom('bad header', '')),
    users: gen(fc.array(fc.constantFrom('jason', 'kim', 'ana'), { minLength: 1, maxLength: 3 }), fc.constantFrom<string[]>([], [''], ['a\nb'])),
    // 'canary' and 'active' are the names of the release's routes: a clash is refused
    routeName: optionalGen(gen(fc.constantFrom('testers', 'beta'), fc.constantFrom('canary', 'active', 'Testers'))),
  },
  DEFECT_PERCENT,
);

const scenario: fc.Arbitrary<ReleaseScenario> = fc.record({
  provider: fc.constantFrom('istio' as const, 'linkerd' as const),
  users: fc.option(users, { nil: undefined }),
  release: fc.oneof(canary, blueGreen),
  twice: fc.oneof({ arbitrary: fc.constant(false), weight: 15 }, { arbitrary: fc.constant(true), weight: 1 }),
});

const build: ScenarioBuild<ReleaseScenario> = (s, b) => {
  const chart = newChart();
  const mesh = b.step('test/mesh', () => new Mesh(chart, 'mesh', { provider: s.provider === 'istio' ? MeshProvider.istio() : MeshProvider.linkerd() }));
  const reviews = b.step('test/reviews', () =>
    new Microservice(chart, 'reviews', { image: digest('a'), ports: [{ port: 80, containerPort: 8080 }], mesh, track: 'blue', networkPolicy: false }),
  );
  let ratings: Microservice | undefined;
  const revisions: Record<Track, () => Revision> = {
    blue: () => reviews.revisions[0],
    green: () => reviews.revisions.find((r) => r.track === 'green') ?? b.step('test/reviews', () => reviews.addRevision('green', { image: digest('b') })),
    preview: () => reviews.revisions.find((r) => r.track === 'preview') ?? b.step('test/reviews', () => reviews.addRevision('preview', { image: digest('c') })),
    foreign: () => (ratings ??= b.step('test/ratings', () => new Microservice(chart, 'ratings', { image: digest('f'), networkPolicy: false }))).revisions[0],
  };
  const routes = b.step('test/routes', () => new ServiceRoutes(chart, 'routes', { service: reviews }));
  // a release adds its routes to the table, so a refused route may name the table
  if (s.users !== undefined) {
    const { revision, ...props } = s.users;
    const target = revisions[revision]();
    b.step(['test/users', 'test/routes'], () => new UserRouting(chart, 'users', { routes, revision: target, ...props }));
  }
  const release = (id: string, renamed?: string) => {
    const r = s.release;
    const shared = { timeout: r.timeout, retries: r.retries, headers: r.headers };
    if (r.kind === 'canary') {
      const [stable, canaryRevision] = [revisions[r.stable](), revisions[r.canary]()];
      b.step([`test/${id}`, 'test/routes'], () => new CanaryRelease(chart, id, { routes, stable, canary: canaryRevision, canaryPercent: r.canaryPercent, routeName: renamed ?? r.routeName, ...shared }));
    } else {
      const [active, preview] = [revisions[r.active](), revisions[r.preview]()];
      b.step([`test/${id}`, 'test/routes'], () => new BlueGreenRelease(chart, id, { routes, active, preview, previewHeader: r.previewHeader, ...shared }));
    }
  };
  release('release');
  if (s.twice) {
    // a second catch-all: a canary under its own route name is refused at synth, a blue-green's routes are taken
    release('again', 'again');
  }
  return chart;
};

const spec = (o: Manifest) => o.spec as any;

/** Istio's VirtualService carries what the release asked for: the split, the preview header, the users. */
function checkRelease(s: ReleaseScenario, objects: readonly Manifest[]): void {
  if (s.provider !== 'istio') {
    return;
  }
  const http = spec(findObject(objects, { kind: 'VirtualService', name: 'reviews' })).http as any[];
  const r = s.release;
  if (s.users !== undefined) {
    expect(http[0].match).toHaveLength(new Set(s.users.users).size);
  }
  const last = http[http.length - 1];
  if (r.kind === 'canary') {
    expect(last.route.map((d: any) => [d.destination.subset, d.weight])).toEqual([[r.stable, 100 - r.canaryPercent], [r.canary, r.canaryPercent]]);
  } else {
    expect(last.route.map((d: any) => d.destination.subset)).toEqual([r.active]);
    expect(http[http.length - 2].route.map((d: any) => d.destination.subset)).toEqual([r.preview]);
  }
}

describe('Release strategies under generated props, rendered by Istio and by Linkerd', () => {
  test('the routes each strategy promises, schema-valid, or a ValidationError naming the strategy or its table; nothing else escapes', () => {
    const tally = checkConstructProperty(scenario, build, { numRuns: NUM_RUNS.valid, seed: 5150, check: checkRelease });
    tally.expectBothWays();
    tally.expectRefusals(
      /^canaryPercent must be/,
      /are the same revision/,
      /^users is empty/,
      /is not a live revision/,
      /already exists on reviews/,
      /comes after the catch-all/,
      /header name must be an HTTP token/,
    );
  });

  test('the same release synthesizes byte-identical YAML, or the same refusal', () => {
    checkDeterministic(scenario, build, { numRuns: NUM_RUNS.deterministic, seed: 5151 });
  });
});
