import { execFileSync } from 'child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App } from 'cdk8s';
import { synthApp } from '../../lib';
import { runCli } from '../../lib/release/cli/run-cli';
import { engines, REPO_ROOT } from './engines';
import { APP, commitAndPush, expectSameAsDeploy, gitIn, revisionOf, WebChart, WebRelease, WebRevision } from './gitops-stack';
import { deleteNamespace, kubectl, kubectlOk, pollFor } from './kubectl';
import { available, created, deleted, firstVersion, routedTo, startWatch } from './kubectl-watch';
import { freePorts, LocalProcess, sleep, startLocalProcess, waitForProcesses } from './local-process';

/*
 * Argo CD's real application-controller and repo-server (one `argocd` binary, built by
 * scripts/engines/build.sh argocd at ARGO_CD_CONTROLLERS_VERSION), with a Redis server, run as
 * processes on this machine against the suite's cluster, sync releases of a stack from a git
 * repository served over smart HTTP on 127.0.0.1, as `immutable-infra gitops --flavor argocd`
 * wrote them: four releases in sync-wave order, then a release whose pods never turn Ready,
 * which stops before its pointers wave.
 */

const NAMESPACE = 'gitops-argocd';
/** The same stack, deployed by `immutable-infra deploy`, to compare the final state with. */
const DEPLOYED = 'gitops-argocd-deploy';
const ARGOCD = 'argocd';
const APP_PATH = 'gitops/app';
const VERSIONS = ['v1', 'v2', 'v3', 'v4', 'v5'] as const;
type Version = (typeof VERSIONS)[number];
/** The release whose pods kwok never makes Ready (scripts/engines/kwok/pod-fault-stages.yaml). */
const FAILING: Version = 'v5';
/** How long the failing release is watched standing still at its revisions wave. */
const HOLD_MS = 20_000;

/** Each version's release: the failing one's pods never turn Ready. */
const RELEASES = Object.fromEntries(VERSIONS.map((v, i) => [v, { name: v, image: 'abcde'[i], config: v, unready: v === FAILING }])) as Record<Version, WebRelease>;
const REVISIONS = Object.fromEntries(VERSIONS.map((v) => [v, revisionOf(NAMESPACE, RELEASES[v])])) as Record<Version, WebRevision>;

const tmp = mkdtempSync(join(tmpdir(), 'immutable-infra-gitops-argocd-'));
const work = join(tmp, 'work');
const { bin, home } = engines();
/** The Application and AppProject CRDs build.sh keeps beside the binary (a link into its store, which kubectl does not follow). */
const CRDS = realpathSync(join(home, 'argocd-crds'));
const processes: LocalProcess[] = [];
let repoUrl = '';

const git = gitIn(work, tmp);

/** Writes the stack at `version` as Argo CD output into the work tree, commits and pushes it; returns the commit. */
async function commitRelease(version: Version): Promise<string> {
  const dist = join(tmp, `dist-${version}`);
  const app = new App();
  new WebChart(app, NAMESPACE, RELEASES[version]);
  synthApp(app, dist);
  let stderr = '';
  const code = await runCli(['gitops', dist, join(work, APP_PATH), '--flavor', 'argocd', '--repo-url', repoUrl, '--path', APP_PATH], {
    stdout: { write: () => undefined },
    stderr: { write: (text: string) => (stderr += text) },
    env: {},
  });
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  return commitAndPush(git, `release ${version}`);
}

/** A watch of one kind in the stack's namespace: every event kubectl saw, in order. */
function watch(kind: string): LocalProcess {
  const watcher = startWatch(join(bin, 'kubectl'), kind, NAMESPACE, tmp, join(tmp, `watch-${kind}.json`));
  processes.push(watcher);
  return watcher;
}

/** The Application as the API server has it. */
const application = (): Record<string, any> => JSON.parse(kubectlOk(['get', 'applications.argoproj.io', APP, '-n', ARGOCD, '-o', 'json']));

/** Asks the controller to compare with git now (instead of at its next resync). */
const refresh = () => kubectlOk(['annotate', '--overwrite', '-n', ARGOCD, 'applications.argoproj.io', APP, 'argocd.argoproj.io/refresh=normal']);

/** The Application once a sync of `commit` succeeded and left it Synced and Healthy, else `undefined`. */
function syncedAt(commit: string): Record<string, any> | undefined {
  const app = application();
  const status = app.status ?? {};
  const done = status.operationState?.phase === 'Succeeded' && status.operationState?.syncResult?.revision === commit;
  return done && status.sync?.status === 'Synced' && status.sync?.revision === commit && status.health?.status === 'Healthy' ? app : undefined;
}

function diagnostics(): string {
  return [
    kubectl(['get', 'applications.argoproj.io', '-n', ARGOCD, '-o', 'yaml']).stdout,
    ...processes.filter((p) => !p.log.endsWith('.json')).map((p) => `--- ${p.log}\n${p.tail(3000)}`),
  ].join('\n');
}

/** Applies the CRDs build.sh keeps beside the argocd binary (Application, AppProject), and waits until they are served. */
function installCrds(): string {
  const dir = CRDS;
  kubectlOk(['apply', '--server-side', '--field-manager=immutable-infra-test', '-f', dir]);
  // A CRD just created has no conditions yet, which `kubectl wait` takes for an error.
  const established = pollFor(() => (kubectl(['wait', '--for=condition=Established', '--timeout=10s', '-f', dir]).status === 0 ? true : undefined));
  expect(established).toBe(true);
  return dir;
}

/**
 * What an Argo CD installation has in its namespace besides its processes: the settings the
 * controller reads (argocd-cm, argocd-secret, argocd-rbac-cm, found by their
 * `app.kubernetes.io/part-of: argocd` label) and the `default` AppProject, which Argo CD's API
 * server (not run here) would create: every repository, destination and kind allowed.
 */
function argocdSettings(): string {
  const partOf = { 'app.kubernetes.io/part-of': 'argocd' };
  const objects = [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'argocd-cm', namespace: ARGOCD, labels: { ...partOf, 'app.kubernetes.io/name': 'argocd-cm' } } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'argocd-rbac-cm', namespace: ARGOCD, labels: { ...partOf, 'app.kubernetes.io/name': 'argocd-rbac-cm' } } },
    { apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name: 'argocd-secret', namespace: ARGOCD, labels: { ...partOf, 'app.kubernetes.io/name': 'argocd-secret' } } },
    {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AppProject',
      metadata: { name: 'default', namespace: ARGOCD },
      spec: { sourceRepos: ['*'], destinations: [{ server: '*', namespace: '*' }], clusterResourceWhitelist: [{ group: '*', kind: '*' }] },
    },
  ];
  return objects.map((o) => JSON.stringify(o)).join('\n');
}

beforeAll(async () => {
  installCrds();
  kubectlOk(['create', 'namespace', ARGOCD]);
  kubectlOk(['apply', '--server-side', '--field-manager=immutable-infra-test', '--validate=strict', '-f', '-'], argocdSettings());

  const [gitPort, redisPort, repoPort, repoMetrics, controllerMetrics] = await freePorts(5);
  execFileSync('git', ['init', '--bare', '-b', 'main', join(tmp, 'repos', 'app.git')]);
  execFileSync('git', ['init', '-b', 'main', work]);
  git('remote', 'add', 'origin', join(tmp, 'repos', 'app.git'));
  repoUrl = `http://127.0.0.1:${gitPort}/app.git`;
  processes.push(startLocalProcess('git-http-server', process.execPath, ['-r', 'ts-node/register/transpile-only', join(__dirname, 'git-http-server.ts'), join(tmp, 'repos'), String(gitPort)], { NODE_PATH: join(REPO_ROOT, 'node_modules') }, join(tmp, 'git-http-server.log')));

  // Argo CD's cache: a Redis server of its own, in memory only.
  const redis = startLocalProcess('redis-server', 'redis-server', ['--bind', '127.0.0.1', '--port', String(redisPort), '--save', '', '--appendonly', 'no', '--dir', tmp], {}, join(tmp, 'redis-server.log'));
  processes.push(redis);
  await waitForProcesses('redis-server', () => redis.listening().length > 0, [redis], 30_000);

  const scratch = join(tmp, 'argocd-tmp');
  mkdirSync(scratch);
  const common = { HOME: tmp, TMPDIR: scratch, ARGOCD_GPG_ENABLED: 'false' };
  const repoServer = startLocalProcess('argocd-repo-server', join(bin, 'argocd'), [
    '--address', '127.0.0.1', '--port', String(repoPort), '--metrics-address', '127.0.0.1', '--metrics-port', String(repoMetrics),
    // Plain gRPC on 127.0.0.1 (no client CA then: the default path is refused with --disable-tls).
    '--disable-tls', '--client-ca-path', '', '--redis', `127.0.0.1:${redisPort}`, '--logformat', 'text',
  ], {
    ...common,
    ARGOCD_BINARY_NAME: 'argocd-repo-server',
    ARGOCD_ASK_PASS_SOCK: join(tmp, 'reposerver-ask-pass.sock'),
    // git-verify-wrapper.sh, which it runs for every revision it reads (Argo CD's image has it in /usr/local/bin).
    PATH: `${join(home, 'argocd-bin')}:${process.env.PATH ?? ''}`,
  }, join(tmp, 'repo-server.log'));
  processes.push(repoServer);
  // The in-cluster destination (https://kubernetes.default.svc) is the suite's cluster: Argo CD
  // takes its address and credentials from KUBECONFIG when ARGOCD_FAKE_IN_CLUSTER is set.
  const controller = startLocalProcess('argocd-application-controller', join(bin, 'argocd'), [
    '--kubeconfig', process.env.KUBECONFIG!, '--namespace', ARGOCD, '--repo-server', `127.0.0.1:${repoPort}`, '--repo-server-plaintext',
    '--redis', `127.0.0.1:${redisPort}`, '--metrics-port', String(controllerMetrics), '--logformat', 'text',
  ], { ...common, ARGOCD_BINARY_NAME: 'argocd-application-controller', KUBECONFIG: process.env.KUBECONFIG!, ARGOCD_FAKE_IN_CLUSTER: 'true' }, join(tmp, 'application-controller.log'));
  processes.push(controller);
  const healthy = async (port: number) => {
    try {
      return (await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200;
    } catch {
      return false;
    }
  };
  await waitForProcesses('argocd', async () => (await healthy(repoMetrics)) && (await healthy(controllerMetrics)), [redis, repoServer, controller], 120_000);
}, 180_000);

afterAll(async () => {
  kubectl(['delete', 'applications.argoproj.io', '--all', '-n', ARGOCD, '--wait=true', '--timeout=60s']);
  for (const process of processes.reverse()) {
    await process.stop();
  }
  deleteNamespace(NAMESPACE);
  deleteNamespace(DEPLOYED);
  deleteNamespace(ARGOCD);
  kubectl(['delete', '--ignore-not-found', '-f', CRDS]);
  rmSync(tmp, { recursive: true, force: true });
}, 300_000);

const deployments = () => processes.find((p) => p.log.endsWith('watch-deployments.json'))!;
const services = () => processes.find((p) => p.log.endsWith('watch-services.json'))!;

test('four releases committed one after another sync wave by wave; the final state is what deploy makes', async () => {
  watch('deployments');
  watch('services');
  for (const [index, version] of VERSIONS.filter((v) => v !== FAILING).entries()) {
    const commit = await commitRelease(version);
    if (index === 0) {
      // The bootstrap: the Application, checked by the API server against Argo CD's CRD.
      kubectlOk(['apply', '--server-side', '--field-manager=immutable-infra-test', '--validate=strict', '-f', join(work, APP_PATH, 'sync', 'application.yaml')]);
    }
    refresh();
    if (pollFor(() => syncedAt(commit), 300_000, 1000) === undefined) {
      throw new Error(`${version} did not sync:\n${diagnostics()}`);
    }

    // Wave 3 (the Service's selector) only once wave 2 (the revision's Deployment) was healthy;
    // the retired revision pruned after the last wave.
    const current = REVISIONS[version];
    const madeAvailable = firstVersion(deployments(), available(current.deployment));
    const routed = firstVersion(services(), routedTo('web', current.id));
    expect(madeAvailable).toBeDefined();
    expect(routed).toBeDefined();
    expect(madeAvailable).toBeLessThan(routed!);
    if (index > 0) {
      const previous = REVISIONS[VERSIONS[index - 1]];
      expect(firstVersion(deployments(), deleted(previous.deployment))).toBeGreaterThan(routed!);
    }
    expect(kubectlOk(['get', 'deployments', '-n', NAMESPACE, '-o', 'name']).trim().split('\n')).toEqual([`deployment.apps/${current.deployment}`]);
    expect(kubectlOk(['get', 'configmaps', '-n', NAMESPACE, '-l', 'app.kubernetes.io/name=web', '-o', 'name']).trim().split('\n')).toEqual([`configmap/${current.config}`]);
  }

  // Every process listened on 127.0.0.1 only.
  for (const process of processes.filter((p) => !p.log.endsWith('.json'))) {
    expect(process.listening().length).toBeGreaterThan(0);
    expect(process.listening().filter((address) => !address.startsWith('127.0.0.1:'))).toEqual([]);
  }

  // The same last release through `immutable-infra deploy` (retired revisions not kept, as with Argo CD).
  expectSameAsDeploy(NAMESPACE, DEPLOYED, RELEASES.v4, join(tmp, 'dist-deploy'));
});

test('a release whose pods never turn Ready stops at its revisions wave: the pointers stay, nothing is pruned', async () => {
  const commit = await commitRelease(FAILING);
  refresh();
  const failing = REVISIONS[FAILING];
  const live = REVISIONS.v4;
  // The sync of the commit applied wave 2 (the new revision's Deployment) and waits for it.
  const waiting = (app: Record<string, any>) => {
    const state = app.status?.operationState;
    return state?.phase === 'Running' && state.operation?.sync?.revision === commit && state.message === `waiting for healthy state of apps/Deployment/${failing.deployment}`;
  };
  const reachedWave = () => firstVersion(deployments(), created(failing.deployment)) !== undefined && waiting(application());
  if (pollFor(() => (reachedWave() ? true : undefined), 300_000, 1000) === undefined) {
    throw new Error(`${FAILING} did not reach its revisions wave:\n${diagnostics()}`);
  }
  await sleep(HOLD_MS);

  const app = application();
  expect(waiting(app)).toBe(true);
  expect(app.status.health.status).toBe('Progressing');
  expect(firstVersion(deployments(), available(failing.deployment))).toBeUndefined();
  expect(firstVersion(services(), routedTo('web', failing.id))).toBeUndefined();
  expect(JSON.parse(kubectlOk(['get', 'service', 'web', '-n', NAMESPACE, '-o', 'json'])).spec.selector['immutable-infra.dev/revision']).toBe(live.id);
  expect(kubectlOk(['get', 'deployments', '-n', NAMESPACE, '-o', 'name']).trim().split('\n').sort()).toEqual([`deployment.apps/${failing.deployment}`, `deployment.apps/${live.deployment}`].sort());
  expect(kubectlOk(['get', 'configmaps', '-n', NAMESPACE, '-l', 'app.kubernetes.io/name=web', '-o', 'name']).trim().split('\n').sort()).toEqual([`configmap/${failing.config}`, `configmap/${live.config}`].sort());
});
