/**
 * Releases with pods running (kwok's simulated nodes): every deploy waits for
 * health before traffic moves, a failing revision never takes traffic, the
 * previous release stays live and `rollback` returns to it, config included.
 */
import { App, Chart, Duration, JsonPatch } from 'cdk8s';
import { CanaryRelease, Mesh, MeshProvider, Microservice, ServiceRoutes } from '../../lib';
import { L1 } from '../../lib/internal';
import { DEFAULT_SHOP_IMAGES } from '../../stacks/shop/images';
import { ShopChart } from '../../stacks/shop/shop-chart';
import { digestImage } from '../fixtures';
import { deleteNamespace, getLive, kubectlOk } from './kubectl';
import { cli, CliRun, distOf, failingPodLabels, routedRevisions, sampleRouting, startCli } from './release-runtime';

const WEB = 'runtime-web';
const SHOP = 'runtime-shop';
const CANARY = 'runtime-canary';

afterAll(() => {
  deleteNamespace(WEB);
  deleteNamespace(SHOP);
  deleteNamespace(CANARY);
});

/** One service `web` without a mesh: its image and its config are the release. */
function webDist(release: { image: string; greeting: string; fault?: 'unready' | 'crashloop' }): { dist: string; revision: string } {
  let revision = '';
  const dist = distOf((app) => {
    const chart = new Chart(app, WEB, { namespace: WEB });
    const namespace = new L1.Namespace(chart, 'Namespace', { metadata: { name: WEB } });
    namespace.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    const web = new Microservice(chart, 'web', {
      image: digestImage('ghcr.io/acme/web', release.image),
      ports: [{ port: 80, containerPort: 8080 }],
      replicas: 2,
      configs: [{ name: 'settings', literals: { GREETING: release.greeting } }],
      podLabels: release.fault === undefined ? undefined : failingPodLabels(release.fault),
    });
    revision = web.revisions[0].revisionId;
  });
  return { dist, revision };
}

const ok = (run: CliRun) => expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
/** `deploy <dist>`, with a timeout of two minutes unless the flags give one. */
const deployArgs = (dist: string, ...flags: string[]) => ['deploy', dist, ...(flags.includes('--timeout') ? [] : ['--timeout', '2m']), ...flags];

/** The GREETING the pods behind the Service read: Service → ready endpoints → pods → their ConfigMap. */
function servedGreetings(namespace: string, service: string): string[] {
  const slices = JSON.parse(kubectlOk(['get', 'endpointslices.discovery.k8s.io', '-n', namespace, '-l', `kubernetes.io/service-name=${service}`, '-o', 'json'])).items as any[];
  const pods = slices.flatMap((s) => (s.endpoints ?? []) as any[]).filter((e) => e.conditions?.ready === true).map((e) => e.targetRef.name as string);
  return [...new Set(pods.map((pod) => {
    const spec = getLive('pod', pod, namespace)!.spec;
    const configMap = spec.containers[0].envFrom.find((f: any) => f.configMapRef !== undefined).configMapRef.name;
    return getLive('configmap', configMap, namespace)!.data.GREETING as string;
  }))].sort();
}

describe('a service without a mesh', () => {
  const v1 = webDist({ image: 'a', greeting: 'hello' });
  const v2 = webDist({ image: 'a', greeting: 'bonjour' });
  const broken = webDist({ image: 'b', greeting: 'hello', fault: 'unready' });
  const v4 = webDist({ image: 'c', greeting: 'hallo' });

  test('a deploy moves the Service only once the new revision is available; the previous one stays live', async () => {
    const first = startCli(...deployArgs(v1.dist));
    const firstSamples = sampleRouting(WEB, first.done);
    ok(await first.done);
    expect((await firstSamples).violations).toEqual([]);
    expect((await first.done).stdout).toMatch(new RegExp(`✓ Deployment ${WEB}/web-${v1.revision}: 2/2 ready`));
    expect(servedGreetings(WEB, 'web')).toEqual(['hello']);

    // A config-only change: a new revision; the Service moves to it after it is ready.
    const second = startCli(...deployArgs(v2.dist));
    const samples = await sampleRouting(WEB, second.done);
    const run = await second.done;
    ok(run);
    expect(samples.violations).toEqual([]);
    expect(samples.samples).toBeGreaterThan(2);
    const lines = run.stdout.split('\n');
    const ready = lines.findIndex((l) => l.includes(`✓ Deployment ${WEB}/web-${v2.revision}: 2/2 ready`));
    const moved = lines.findIndex((l) => /~ Service runtime-web\/web \(updated\)/.test(l));
    expect(ready).toBeGreaterThan(0);
    expect(moved).toBeGreaterThan(ready);
    expect(run.stdout).toContain(`= Deployment ${WEB}/web-${v1.revision} (kept`);
    expect(servedGreetings(WEB, 'web')).toEqual(['bonjour']);
    expect(getLive('deployment', `web-${v1.revision}`, WEB)!.status.readyReplicas).toBe(2);
  });

  test('rollback of a config-only change serves the old config again, by moving the Service back: no new objects', async () => {
    const objectsBefore = kubectlOk(['get', 'deployments,configmaps,secrets', '-n', WEB, '-o', 'name']).split('\n').sort();
    const run = await cli('rollback', v2.dist);
    ok(run);
    expect(run.stdout).toContain('Rolled back.');
    expect(getLive('service', 'web', WEB)!.spec.selector['immutable-infra.dev/revision']).toBe(v1.revision);
    expect(servedGreetings(WEB, 'web')).toEqual(['hello']);
    expect(kubectlOk(['get', 'deployments,configmaps,secrets', '-n', WEB, '-o', 'name']).split('\n').sort().filter((n) => !n.includes('immutable-infra-releases'))).toEqual(objectsBefore.filter((n) => !n.includes('immutable-infra-releases')));
    // A second rollback goes forward again.
    ok(await cli('rollback', v2.dist));
    expect(servedGreetings(WEB, 'web')).toEqual(['bonjour']);
  });

  test('a revision whose pods never become ready never takes traffic: the gate fails, says why, and the live release is untouched', async () => {
    const deploy = startCli(...deployArgs(broken.dist, '--timeout', '15s'));
    const samples = await sampleRouting(WEB, deploy.done);
    const run = await deploy.done;
    expect(run.status).toBe(1);
    expect(samples.violations).toEqual([]);
    expect(samples.routed.has(broken.revision)).toBe(false);
    expect(run.stderr).toContain(`error: health gate: Deployment ${WEB}/web-${broken.revision}: not healthy after 15s: 0/2 ready`);
    expect(run.stderr).toMatch(/pod web-[a-z0-9]+-[a-z0-9]+-[a-z0-9]+: Running, .*Ready=False/);
    expect(run.stderr).toContain('error: the release is not healthy; traffic stays on the previous release');
    expect(run.stdout).not.toMatch(/\[3\/4\] route/);
    expect(getLive('service', 'web', WEB)!.spec.selector['immutable-infra.dev/revision']).toBe(v2.revision);
    expect(servedGreetings(WEB, 'web')).toEqual(['bonjour']);
    // Left for inspection; --remove-failed deletes it.
    expect(getLive('deployment', `web-${broken.revision}`, WEB)).toBeDefined();
    const again = await cli(...deployArgs(broken.dist, '--timeout', '5s', '--remove-failed'));
    expect(again.status).toBe(1);
    expect(again.stdout).toMatch(/objects? of the failed revisions deleted/);
    const gone = getLive('deployment', `web-${broken.revision}`, WEB);
    expect(gone === undefined || gone.metadata.deletionTimestamp !== undefined).toBe(true);
  });

  test('a deploy killed between creating and routing converges when run again', async () => {
    const killed = startCli(...deployArgs(v4.dist));
    await killed.printed(/gate: waiting/);
    killed.kill();
    expect((await killed.done).signal).toBe('SIGKILL');
    expect(getLive('service', 'web', WEB)!.spec.selector['immutable-infra.dev/revision']).toBe(v2.revision);
    const rerun = startCli(...deployArgs(v4.dist));
    const samples = await sampleRouting(WEB, rerun.done);
    ok(await rerun.done);
    expect(samples.violations).toEqual([]);
    expect(servedGreetings(WEB, 'web')).toEqual(['hallo']);
    const plan = JSON.parse((await cli('plan', v4.dist, '--json')).stdout);
    expect(plan.summary).toMatchObject({ created: 0, updated: 0, retired: 0, violations: 0 });
  });
});

describe('the reference shop in an Istio mesh, four releases', () => {
  const shop = (images: Partial<typeof DEFAULT_SHOP_IMAGES>, catalogCache: string, fault?: 'payments') => {
    let revisions: Record<string, string> = {};
    const dist = distOf((app: App) => {
      const chart = new ShopChart(app, SHOP, {
        environment: 'dev',
        images: { ...DEFAULT_SHOP_IMAGES, ...images },
        settings: { catalog: { CACHE_TTL_SECONDS: catalogCache } },
        podLabels: fault === undefined ? undefined : { payments: failingPodLabels('crashloop') },
      });
      const microservices = { ...chart.services, 'orders-db': chart.ordersDb };
      revisions = Object.fromEntries(Object.entries(microservices).map(([name, service]) => [name, service.revisions[0].revisionId]));
    });
    return { dist, revisions };
  };
  const r1 = shop({}, '300');
  const r2 = shop({}, '600');
  const r3 = shop({ orders: digestImage('ghcr.io/immutable-infra/shop-orders', 'e') }, '600');
  const r4 = shop({ orders: digestImage('ghcr.io/immutable-infra/shop-orders', 'e'), payments: digestImage('ghcr.io/immutable-infra/shop-payments', 'f') }, '600', 'payments');
  const routedTo = async () => new Set((await routedRevisions(SHOP)).map((r) => r.revision));

  test('every sampled moment of every deploy routes only to revisions with ready pods; a crash-looping revision is never routed; rollback returns to the release before', async () => {
    for (const release of [r1, r2, r3]) {
      const deploy = startCli(...deployArgs(release.dist, '--skip-function-gate'));
      const samples = await sampleRouting(SHOP, deploy.done);
      ok(await deploy.done);
      expect(samples.violations).toEqual([]);
      expect(await routedTo()).toEqual(new Set(Object.values(release.revisions)));
    }

    const failing = startCli(...deployArgs(r4.dist, '--skip-function-gate', '--timeout', '20s'));
    const samples = await sampleRouting(SHOP, failing.done);
    const run = await failing.done;
    expect(run.status).toBe(1);
    expect(samples.violations).toEqual([]);
    expect(samples.routed.has(r4.revisions.payments)).toBe(false);
    expect(run.stderr).toContain(`Deployment ${SHOP}/payments-${r4.revisions.payments}`);
    expect(run.stderr).toMatch(/container payments waiting CrashLoopBackOff, ready=false, restarts=[1-9]/);
    expect(await routedTo()).toEqual(new Set(Object.values(r3.revisions)));

    // Back to r2: orders' r2 revision was kept live by the r3 deploy.
    const rollback = startCli('rollback', r3.dist);
    const rollbackSamples = await sampleRouting(SHOP, rollback.done);
    ok(await rollback.done);
    expect(rollbackSamples.violations).toEqual([]);
    expect(await routedTo()).toEqual(new Set(Object.values(r2.revisions)));
  });
});

describe('a stepped canary in an Istio mesh', () => {
  /** `reviews` at v1 alone, or with v2 as a canary walked through 10% and 50% (a 2 s pause) to 100%. */
  const release = (canary: boolean) => distOf((app) => {
    const chart = new Chart(app, CANARY, { namespace: CANARY });
    const namespace = new L1.Namespace(chart, 'Namespace', { metadata: { name: CANARY } });
    namespace.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    const mesh = new Mesh(chart, 'Mesh', { provider: MeshProvider.istio() });
    const reviews = new Microservice(chart, 'reviews', { image: digestImage('ghcr.io/acme/reviews', 'a'), ports: [{ port: 80, containerPort: 8080 }], mesh, track: 'v1' });
    const routes = new ServiceRoutes(chart, 'Routes', { service: reviews });
    if (canary) {
      const v2 = reviews.addRevision('v2', { image: digestImage('ghcr.io/acme/reviews', 'b') });
      new CanaryRelease(chart, 'Canary', { routes, stable: reviews.revisions[0], canary: v2, canaryPercent: 100, steps: [{ percent: 10 }, { percent: 50, pause: Duration.seconds(2) }] });
    } else {
      routes.addRoute('canary', { backends: [{ revision: reviews.revisions[0] }] });
    }
  });
  const weights = () => Object.fromEntries((getLive('virtualservice.networking.istio.io', 'reviews', CANARY)!.spec.http[0].route as any[])
    .map((r) => [r.destination.subset, r.weight ?? 100]));

  test('deploy walks the steps, each gated; --until pauses the walk and the next deploy walks on from the live share', async () => {
    ok(await cli(...deployArgs(release(false))));
    expect(weights()).toEqual({ v1: 100 });

    const steps = release(true);
    const paused = startCli(...deployArgs(steps, '--until', '10'));
    const pausedSamples = await sampleRouting(CANARY, paused.done);
    const first = await paused.done;
    ok(first);
    expect(pausedSamples.violations).toEqual([]);
    expect(first.stdout).toContain('canary step 1/2: 10% to the canary');
    expect(first.stdout).toContain('Paused at canary step 1/2 (10%); deploy the same dist again to walk on.');
    expect(first.stdout).not.toMatch(/\[4\/4\] retire/);
    expect(weights()).toEqual({ v1: 90, v2: 10 });

    const rest = startCli(...deployArgs(steps));
    const samples = await sampleRouting(CANARY, rest.done);
    const run = await rest.done;
    ok(run);
    expect(samples.violations).toEqual([]);
    const lines = run.stdout.split('\n');
    const step = lines.findIndex((l) => l.includes('canary step 1/1: 50% to the canary, then 2s'));
    const holding = lines.findIndex((l) => l.includes('holding for 2s'));
    const final = lines.map((l) => l.includes(`~ VirtualService ${CANARY}/reviews (updated)`)).lastIndexOf(true);
    expect(step).toBeGreaterThan(0);
    expect(holding).toBeGreaterThan(step);
    expect(final).toBeGreaterThan(holding);
    expect(run.stdout).toContain('Done.');
    expect(weights()).toEqual({ v1: 0, v2: 100 });
  });
});
