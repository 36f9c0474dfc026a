import { spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Chart, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { Manifest, Mesh, MeshProvider, Microservice, ServiceRoutes, synthApp } from '../../lib';
import { L1, toYaml } from '../../lib/internal';
import { synthObjects } from '../../lib/testing';
import { digestImage } from '../fixtures';
import { REPO_ROOT } from './engines';
import { deleteNamespace, getLive, kubectlOk, pollFor } from './kubectl';

const NAMESPACE = 'cli-deploy';
const MAIN = join(REPO_ROOT, 'lib', 'release', 'cli', 'main.ts');

/** A live revision of the test stack: its version (image and config) and its weight. */
type Version = 'v1' | 'v2' | 'v3' | 'v4';
const SEEDS: Record<Version, string> = { v1: 'a', v2: 'b', v3: 'c', v4: 'd' };

/** One service `web` in an Istio mesh, its live revisions routed by weight. */
class WebChart extends Chart {
  constructor(scope: Construct, live: ReadonlyArray<readonly [Version, number]>) {
    super(scope, NAMESPACE, { namespace: NAMESPACE });
    const namespace = new L1.Namespace(this, 'Namespace', { metadata: { name: NAMESPACE } });
    namespace.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    const mesh = new Mesh(this, 'Mesh', { provider: MeshProvider.istio() });
    const props = (version: Version) => ({
      image: digestImage('ghcr.io/acme/web', SEEDS[version]),
      configs: [{ name: 'settings', literals: { VERSION: version } }],
    });
    const [[first]] = live;
    const web = new Microservice(this, 'web', { ...props(first), track: first, ports: [{ port: 80, containerPort: 8080 }], mesh });
    for (const [version] of live.slice(1)) {
      web.addRevision(version, props(version));
    }
    const routes = new ServiceRoutes(this, 'Routes', { service: web });
    routes.addRoute('default', { backends: live.map(([, weight], i) => ({ revision: web.revisions[i], weight })) });
  }
}

const tmp = mkdtempSync(join(tmpdir(), 'immutable-infra-cli-deploy-'));
let dists = 0;

/** Writes a dist folder of the stack with these live revisions, optionally edited. */
function dist(live: ReadonlyArray<readonly [Version, number]>, edit?: (objects: Manifest[]) => void): string {
  const dir = join(tmp, `dist-${++dists}`);
  const app = new App();
  const chart = new WebChart(app, live);
  if (edit === undefined) {
    synthApp(app, dir);
  } else {
    const objects = JSON.parse(JSON.stringify(synthObjects(chart))) as Manifest[];
    edit(objects);
    mkdirSync(dir);
    writeFileSync(join(dir, `${NAMESPACE}.k8s.yaml`), toYaml(objects));
  }
  return dir;
}

/** The objects of one revision version, as the stack has them. */
function revisionObjects(version: Version): { deployment: string; config: string } {
  const objects = synthObjects(new WebChart(new App(), [[version, 1]]));
  const find = (kind: string) => objects.find((o) => o.kind === kind && o.metadata.name!.startsWith('web-'))!.metadata.name!;
  return { deployment: find('Deployment'), config: find('ConfigMap') };
}
const REVISIONS = Object.fromEntries((['v1', 'v2', 'v3', 'v4'] as const).map((v) => [v, revisionObjects(v)])) as Record<Version, { deployment: string; config: string }>;

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly lines: string[];
}

/** Runs the real command line tool (ts-node, no build) against the suite's cluster. */
function cli(...args: string[]): Run {
  const result = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', MAIN, ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, lines: result.stdout.split('\n') };
}
const deploy = (dir: string, ...flags: string[]) => cli('deploy', dir, '--kubeconfig', process.env.KUBECONFIG!, ...flags);
const livePlan = (dir: string, ...flags: string[]) => {
  const run = cli('plan', dir, '--kubeconfig', process.env.KUBECONFIG!, '--json', ...flags);
  expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
  return JSON.parse(run.stdout);
};

const live = (kind: string, name: string) => getLive(kind, name, NAMESPACE);
const gone = (kind: string, name: string) => {
  const object = live(kind, name);
  return object === undefined || object.metadata.deletionTimestamp !== undefined;
};
/** The live weights of the VirtualService, by subset. */
const weights = () => Object.fromEntries((live('virtualservice.networking.istio.io', 'web')!.spec.http[0].route as any[]).map((r) => [r.destination.subset, r.weight]));
/** Where the first line matching `pattern` is in the output (-1 when none). */
const lineOf = (run: Run, pattern: RegExp) => run.lines.findIndex((line) => pattern.test(line));
const noChanges = { created: 0, updated: 0, retired: 0, violations: 0 };

afterAll(() => {
  deleteNamespace(NAMESPACE);
  rmSync(tmp, { recursive: true, force: true });
});

test('releases through the CLI in release order; --keep 1 keeps the last retired revision; the plan of the live app then shows no changes', () => {
  const first = deploy(dist([['v1', 100]]));
  expect({ status: first.status, stderr: first.stderr }).toEqual({ status: 0, stderr: '' });
  expect(first.lines.filter((l) => /^\[\d\/4\]/.test(l)).map((l) => l.replace(/: \d+ objects?$/, ''))).toEqual(['[1/4] prepare', '[2/4] create', '[3/4] route', '[4/4] retire']);
  expect(live('deployment', REVISIONS.v1.deployment)).toBeDefined();
  expect(livePlan(dist([['v1', 100]])).summary).toMatchObject(noChanges);

  expect(deploy(dist([['v1', 90], ['v2', 10]])).status).toBe(0);
  expect(weights()).toEqual({ v1: 90, v2: 10 });

  // A new revision (v3), a weight move, and a retired revision (v1), kept by --keep 1.
  const release = dist([['v2', 50], ['v3', 50]]);
  const planned = cli('plan', release, '--kubeconfig', process.env.KUBECONFIG!);
  expect(planned.stdout).toContain('      traffic spec.http[name=default].route: v1 90 → –, v2 10 → 50, v3 – → 50');
  expect(planned.stdout).toContain(`  web (${NAMESPACE}): ${REVISIONS.v1.deployment} → ${REVISIONS.v3.deployment}\n`);
  const third = deploy(release, '--keep', '1');
  expect({ status: third.status, stderr: third.stderr }).toEqual({ status: 0, stderr: '' });
  const created = lineOf(third, new RegExp(`^  \\+ Deployment ${NAMESPACE}/${REVISIONS.v3.deployment} \\(created\\)$`));
  const routed = lineOf(third, new RegExp(`^  ~ VirtualService ${NAMESPACE}/web \\(updated\\)$`));
  const kept = lineOf(third, new RegExp(`^  = Deployment ${NAMESPACE}/${REVISIONS.v1.deployment} \\(kept`));
  expect(created).toBeGreaterThan(0);
  expect(routed).toBeGreaterThan(created);
  expect(kept).toBeGreaterThan(routed);
  expect(lineOf(third, /\(deleted\)$/)).toBe(-1);
  // The API server saw them in that order too: the new (never updated) ConfigMap was written before the route moved.
  expect(Number(live('configmap', REVISIONS.v3.config)!.metadata.resourceVersion)).toBeLessThan(Number(live('virtualservice.networking.istio.io', 'web')!.metadata.resourceVersion));
  expect(weights()).toEqual({ v2: 50, v3: 50 });
  expect(live('deployment', REVISIONS.v1.deployment)).toBeDefined();
  expect(live('configmap', REVISIONS.v1.config)).toBeDefined();
  expect(livePlan(release, '--keep', '1').summary).toMatchObject({ ...noChanges, kept: 2 });
  expect(livePlan(release, '--keep', '0').summary).toMatchObject({ created: 0, updated: 0, retired: 2, kept: 0 });

  // v2 retires too: of v1 and v2, --keep 1 keeps v2, the most recent, and deletes v1 with its ConfigMap.
  const last = dist([['v3', 100]]);
  const fourth = deploy(last, '--keep', '1');
  expect(fourth.status).toBe(0);
  expect(gone('deployment', REVISIONS.v1.deployment) && gone('configmap', REVISIONS.v1.config)).toBe(true);
  expect(live('deployment', REVISIONS.v2.deployment)).toBeDefined();
  expect(live('configmap', REVISIONS.v2.config)).toBeDefined();
  expect(lineOf(fourth, new RegExp(`^  = Deployment ${NAMESPACE}/${REVISIONS.v2.deployment} \\(kept`))).toBeGreaterThan(0);

  // With --keep 0, v2 goes: pruning by the app's labels.
  const fifth = deploy(last, '--keep', '0');
  expect(fifth.status).toBe(0);
  expect(fifth.lines.filter((l) => l.endsWith('(deleted)')).sort()).toEqual([
    `  - ConfigMap ${NAMESPACE}/${REVISIONS.v2.config} (deleted)`,
    `  - Deployment ${NAMESPACE}/${REVISIONS.v2.deployment} (deleted)`,
  ]);
  expect(gone('deployment', REVISIONS.v2.deployment) && gone('configmap', REVISIONS.v2.config)).toBe(true);
  expect(weights()).toEqual({ v3: 100 });
  expect(livePlan(last).summary).toMatchObject(noChanges);
  // The Namespace (no app labels), and the Endpoints and ReplicaSets the controllers copied the app's labels to, are not the app's.
  expect(live('namespace', NAMESPACE)).toBeDefined();
  expect(live('endpoints', 'web')?.metadata.labels['app.kubernetes.io/part-of']).toBe(NAMESPACE);
  const owners = () => (JSON.parse(kubectlOk(['get', 'replicasets', '-n', NAMESPACE, '-o', 'json'])).items as any[]).map((r) => r.metadata.ownerReferences[0].name);
  expect(pollFor(() => (owners().join() === REVISIONS.v3.deployment ? owners() : undefined))).toEqual([REVISIONS.v3.deployment]);
});

test('a deploy that fails half way deletes nothing, a corrected run converges; the guard refuses before applying anything', () => {
  const v4 = dist([['v4', 100]]);
  const broken = dist([['v4', 100]], (objects) => {
    const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === 'web') as any;
    service.spec.ports[0].port = 70000;
  });
  const failed = deploy(broken);
  expect(failed.status).toBe(1);
  expect(failed.stderr).toMatch(/^error: route step: Service cli-deploy\/web failed: .*70000/);
  expect(failed.stderr).toContain('error: deploy stopped; nothing was deleted. Fix the error and run it again: it picks up where it stopped\n');
  // The pointers of the same batch that did apply (the VirtualService) are put back.
  expect(failed.stdout).toMatch(/↺ \d+ pointers? put back as the previous release had them/);
  expect(lineOf(failed, /^\[4\/4\]/)).toBe(-1);
  expect(live('deployment', REVISIONS.v4.deployment)).toBeDefined();
  expect(live('deployment', REVISIONS.v3.deployment)?.metadata.deletionTimestamp).toBeUndefined();
  expect(live('configmap', REVISIONS.v3.config)?.metadata.deletionTimestamp).toBeUndefined();
  expect(weights()).toEqual({ v3: 100 });

  const fixed = deploy(v4, '--keep', '0');
  expect({ status: fixed.status, stderr: fixed.stderr }).toEqual({ status: 0, stderr: '' });
  expect(fixed.lines).toContain('[2/4] create: 0 objects');
  expect(gone('deployment', REVISIONS.v3.deployment) && gone('configmap', REVISIONS.v3.config)).toBe(true);
  expect(weights()).toEqual({ v4: 100 });
  expect(livePlan(v4).summary).toMatchObject(noChanges);

  const watched = [['configmap', REVISIONS.v4.config], ['deployment', REVISIONS.v4.deployment], ['service', 'web'], ['virtualservice.networking.istio.io', 'web']];
  const versions = () => watched.map(([kind, name]) => live(kind, name)!.metadata.resourceVersion);
  const before = versions();
  const tampered = dist([['v4', 100]], (objects) => {
    const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === REVISIONS.v4.config) as any;
    config.data.VERSION = 'v4-edited';
  });
  const refused = deploy(tampered);
  expect(refused.status).toBe(1);
  expect(refused.stderr).toContain(`error: ConfigMap ${NAMESPACE}/${REVISIONS.v4.config} is immutable (immutable: true) but its content changes under the same name (data.VERSION)`);
  expect(refused.stderr).toContain('error: deploy refused by the guard; nothing was applied\n');
  expect(lineOf(refused, /^\[1\/4\]/)).toBe(-1);
  expect(versions()).toEqual(before);
});
