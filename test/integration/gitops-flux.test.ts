import { execFileSync } from 'child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { synthApp } from '../../lib';
import { runCli } from '../../lib/release/cli/run-cli';
import { engines, REPO_ROOT } from './engines';
import { APP, commitAndPush, expectSameAsDeploy, gitIn, revisionOf, WebChart, WebRelease, WebRevision } from './gitops-stack';
import { deleteNamespace, kubectl, kubectlOk, pollFor } from './kubectl';
import { available, deleted, firstVersion, routedTo, startWatch, watchEvents } from './kubectl-watch';
import { freePort, LocalProcess, startLocalProcess } from './local-process';

/*
 * Flux's real source-controller and kustomize-controller (scripts/engines/build.sh
 * flux-source-controller flux-kustomize-controller), run as processes on this machine against
 * the suite's cluster, read four releases of a stack from a git repository served over smart
 * HTTP on 127.0.0.1, as `immutable-infra gitops --flavor flux` wrote them; then a release whose
 * new revision never turns healthy (kwok's `unready` pod stage), and the fixed release after it.
 */

const NAMESPACE = 'gitops-flux';
/** The same stack, deployed by `immutable-infra deploy`, to compare the final state with. */
const DEPLOYED = 'gitops-deploy';
const FLUX = 'flux-system';
const APP_PATH = 'gitops/app';
const VERSIONS = ['v1', 'v2', 'v3', 'v4'] as const;
type Version = (typeof VERSIONS)[number];
const RELEASES = Object.fromEntries(VERSIONS.map((v, i) => [v, { name: v, image: 'abcd'[i], config: v }])) as Record<Version, WebRelease>;
/** After v4: a new image whose pods never turn ready, then the fixed image with the same config. */
const BROKEN: WebRelease = { name: 'v5-broken', image: 'e', config: 'v5', unready: true };
const FIXED: WebRelease = { name: 'v5-fixed', image: 'f', config: 'v5' };
/** The Kustomizations' timeout in the failing case (`gitops --timeout`): how long the broken revision has to turn healthy. */
const SHORT_TIMEOUT = '45s';
const KUSTOMIZATIONS = [`${APP}-prepare`, `${APP}-revisions`, `${APP}-pointers`, `${APP}-retire`];

const REVISIONS = Object.fromEntries(VERSIONS.map((v) => [v, revisionOf(NAMESPACE, RELEASES[v])])) as Record<Version, WebRevision>;

const tmp = mkdtempSync(join(tmpdir(), 'immutable-infra-gitops-flux-'));
const work = join(tmp, 'work');
const { bin, home } = engines();
const processes: LocalProcess[] = [];
let repoUrl = '';

const git = gitIn(work, tmp);

/** Asks source-controller to fetch the repository now rather than at its next poll. */
function fetchNow(token: string): void {
  kubectlOk(['annotate', '--overwrite', '-n', FLUX, 'gitrepositories.source.toolkit.fluxcd.io', APP, `reconcile.fluxcd.io/requestedAt=${token}`]);
}

/** Writes the stack at `release` into a dist, and the dist as Flux output (`gitops` with `flags`) into the work tree. */
async function writeRelease(release: WebRelease, ...flags: string[]): Promise<void> {
  const dist = join(tmp, `dist-${release.name}`);
  const app = new App();
  new WebChart(app, NAMESPACE, release);
  synthApp(app, dist);
  let stderr = '';
  const code = await runCli(['gitops', dist, join(work, APP_PATH), '--flavor', 'flux', '--repo-url', repoUrl, '--path', APP_PATH, ...flags], {
    stdout: { write: () => undefined },
    stderr: { write: (text: string) => (stderr += text) },
    env: {},
  });
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
}

/** A watch of one kind in the stack's namespace from now on: every event kubectl saw, in order (in `watch-<kind>-<test>.json`). */
function watch(kind: string, test: string): LocalProcess {
  const watcher = startWatch(join(bin, 'kubectl'), kind, NAMESPACE, tmp, join(tmp, `watch-${kind}-${test}.json`));
  processes.push(watcher);
  return watcher;
}

/** A Kustomization of the app by its step (`revisions`…), as the API server has it. */
function kustomization(step: string): any {
  return JSON.parse(kubectlOk(['get', 'kustomizations.kustomize.toolkit.fluxcd.io', `${APP}-${step}`, '-n', FLUX, '-o', 'json']));
}
const readyCondition = (k: any) => (k.status?.conditions ?? []).find((c: any) => c.type === 'Ready');
const atCommit = (commit: string) => `main@sha1:${commit}`;

/** The revisions (label) of the pods behind the Service's ready endpoints: what serves. */
function servingRevisions(): string[] {
  const slices = JSON.parse(kubectlOk(['get', 'endpointslices.discovery.k8s.io', '-n', NAMESPACE, '-l', 'kubernetes.io/service-name=web', '-o', 'json'])).items as any[];
  const pods = slices.flatMap((s) => (s.endpoints ?? []) as any[]).filter((e) => e.conditions?.ready === true).map((e) => e.targetRef.name as string);
  return [...new Set(pods.map((pod) => JSON.parse(kubectlOk(['get', 'pod', pod, '-n', NAMESPACE, '-o', 'json'])).metadata.labels['immutable-infra.dev/revision'] as string))].sort();
}

/** Every Kustomization Ready at this commit, else `undefined`. */
function convergedAt(commit: string): string[] | undefined {
  const list = JSON.parse(kubectlOk(['get', 'kustomizations.kustomize.toolkit.fluxcd.io', '-n', FLUX, '-o', 'json'])).items as any[];
  const ready = list.filter((k) =>
    k.status?.lastAppliedRevision === atCommit(commit) && readyCondition(k)?.status === 'True');
  return ready.length === KUSTOMIZATIONS.length ? ready.map((k) => k.metadata.name).sort() : undefined;
}
function diagnostics(): string {
  return [
    kubectl(['get', 'gitrepositories,kustomizations', '-n', FLUX, '-o', 'yaml']).stdout,
    ...processes.filter((p) => !p.log.endsWith('.json')).map((p) => `--- ${p.log}\n${p.tail(3000)}`),
  ].join('\n');
}

/** Applies the CRDs build.sh keeps in crds-optional/<project>, and waits until they are served. */
function installCrds(project: string): string {
  const dir = join(home, 'crds-optional', project);
  kubectlOk(['apply', '--server-side', '--field-manager=immutable-infra-test', '-f', dir]);
  // A CRD just created has no conditions yet, which `kubectl wait` takes for an error.
  const established = pollFor(() => (kubectl(['wait', '--for=condition=Established', '--timeout=10s', '-f', dir]).status === 0 ? true : undefined));
  expect(established).toBe(true);
  return dir;
}

beforeAll(async () => {
  installCrds('flux-source');
  installCrds('flux-kustomize');
  kubectlOk(['create', 'namespace', FLUX]);

  const gitPort = await freePort();
  execFileSync('git', ['init', '--bare', '-b', 'main', join(tmp, 'repos', 'app.git')]);
  execFileSync('git', ['init', '-b', 'main', work]);
  git('remote', 'add', 'origin', join(tmp, 'repos', 'app.git'));
  repoUrl = `http://127.0.0.1:${gitPort}/app.git`;
  processes.push(startLocalProcess('git-http-server', process.execPath, ['-r', 'ts-node/register/transpile-only', join(__dirname, 'git-http-server.ts'), join(tmp, 'repos'), String(gitPort)], { NODE_PATH: join(REPO_ROOT, 'node_modules') }, join(tmp, 'git-http-server.log')));

  const env = { KUBECONFIG: process.env.KUBECONFIG!, RUNTIME_NAMESPACE: FLUX, HOME: tmp };
  mkdirSync(join(tmp, 'artifacts')); // source-controller refuses a storage path that does not exist
  const [storage, sourceMetrics, sourceHealth, kustomizeMetrics, kustomizeHealth] = await Promise.all([1, 2, 3, 4, 5].map(() => freePort()));
  processes.push(startLocalProcess('flux-source-controller', join(bin, 'flux-source-controller'), [
    `--storage-path=${join(tmp, 'artifacts')}`, `--storage-addr=127.0.0.1:${storage}`, `--storage-adv-addr=127.0.0.1:${storage}`,
    `--metrics-addr=127.0.0.1:${sourceMetrics}`, `--health-addr=127.0.0.1:${sourceHealth}`, '--enable-leader-election=false', `--watch-all-namespaces=false`,
  ], env, join(tmp, 'source-controller.log')));
  processes.push(startLocalProcess('flux-kustomize-controller', join(bin, 'flux-kustomize-controller'), [
    `--metrics-addr=127.0.0.1:${kustomizeMetrics}`, `--health-addr=127.0.0.1:${kustomizeHealth}`, '--enable-leader-election=false', `--watch-all-namespaces=false`,
    '--requeue-dependency=2s',
  ], env, join(tmp, 'kustomize-controller.log')));
}, 120_000);

afterAll(async () => {
  // Flux's finalizers need kustomize-controller: delete its objects while it runs.
  kubectl(['delete', 'kustomizations.kustomize.toolkit.fluxcd.io,gitrepositories.source.toolkit.fluxcd.io', '--all', '-n', FLUX, '--wait=true', '--timeout=120s']);
  for (const process of processes.reverse()) {
    await process.stop();
  }
  deleteNamespace(NAMESPACE);
  deleteNamespace(DEPLOYED);
  deleteNamespace(FLUX);
  rmSync(tmp, { recursive: true, force: true });
}, 300_000);

test('four releases committed one after another converge in release order; the final state is what deploy makes', async () => {
  const deployments = watch('deployments', 'history');
  const services = watch('services', 'history');
  for (const [index, version] of VERSIONS.entries()) {
    await writeRelease(RELEASES[version]);
    const commit = commitAndPush(git, version);
    if (index === 0) {
      // The bootstrap: the GitRepository and the Kustomizations, checked by the API server against Flux's CRDs.
      kubectlOk(['apply', '--server-side', '--field-manager=immutable-infra-test', '--validate=strict', '-f', join(work, APP_PATH, 'sync', 'flux.yaml')]);
    }
    fetchNow(version);
    const converged = pollFor(() => convergedAt(commit), 300_000, 1000);
    if (converged === undefined) {
      throw new Error(`${version} did not converge:\n${diagnostics()}`);
    }

    const current = REVISIONS[version];
    const madeAvailable = firstVersion(deployments, available(current.deployment));
    const routed = firstVersion(services, routedTo('web', current.id));
    expect(madeAvailable).toBeLessThan(routed!);
    if (index > 0) {
      const previous = REVISIONS[VERSIONS[index - 1]];
      expect(firstVersion(deployments, deleted(previous.deployment))).toBeGreaterThan(routed!);
    }
    expect(kubectlOk(['get', 'deployments', '-n', NAMESPACE, '-o', 'name']).trim().split('\n')).toEqual([`deployment.apps/${current.deployment}`]);
    expect(kubectlOk(['get', 'configmaps', '-n', NAMESPACE, '-l', 'app.kubernetes.io/name=web', '-o', 'name']).trim().split('\n')).toEqual([`configmap/${current.config}`]);
  }

  // The controllers listened on 127.0.0.1 only.
  for (const process of processes.filter((p) => p.log.endsWith('controller.log') || p.log.endsWith('server.log'))) {
    expect(process.listening().length).toBeGreaterThan(0);
    expect(process.listening().filter((address) => !address.startsWith('127.0.0.1:'))).toEqual([]);
  }

  // The same last release through `immutable-infra deploy` (retired revisions not kept, as with Flux).
  expectSameAsDeploy(NAMESPACE, DEPLOYED, RELEASES.v4, join(tmp, 'dist-deploy'), 'kustomize.toolkit.fluxcd.io/');
});

test('a release whose new revision never turns healthy stops at the revisions step: the pointers stay, the previous release serves, nothing is pruned; the fixed release then converges', async () => {
  const previous = REVISIONS.v4;
  const previousCommit = git('rev-parse', 'HEAD');
  expect(servingRevisions()).toEqual([previous.id]);
  const broken = revisionOf(NAMESPACE, BROKEN);
  const fixed = revisionOf(NAMESPACE, FIXED);
  const deployments = watch('deployments', 'failing');
  const services = watch('services', 'failing');

  // A shorter timeout is a change of sync/flux.yaml: applied again, as the bootstrap was.
  await writeRelease(BROKEN, '--timeout', SHORT_TIMEOUT);
  const brokenCommit = commitAndPush(git, BROKEN.name);
  const sync = join(work, APP_PATH, 'sync', 'flux.yaml');
  expect(parseAllDocuments(readFileSync(sync, 'utf8')).slice(1).map((d) => d.toJS().spec.timeout)).toEqual(KUSTOMIZATIONS.map(() => SHORT_TIMEOUT));
  kubectlOk(['apply', '--server-side', '--field-manager=immutable-infra-test', '--validate=strict', '-f', sync]);
  fetchNow(BROKEN.name);

  // The revisions step applied the commit, waited its timeout for the new Deployment, and failed.
  const failed = pollFor(() => {
    const revisions = kustomization('revisions');
    const ready = readyCondition(revisions);
    return revisions.status?.lastAttemptedRevision === atCommit(brokenCommit) && ready?.status === 'False' && ready.reason === 'HealthCheckFailed' ? ready : undefined;
  }, 240_000, 1000);
  if (failed === undefined) {
    throw new Error(`${BROKEN.name} did not fail its health check:\n${diagnostics()}`);
  }
  expect(failed.message).toContain(`timeout waiting for: [Deployment/${NAMESPACE}/${broken.deployment} status: 'InProgress'`);
  expect(kustomization('revisions').status.lastAppliedRevision).not.toBe(atCommit(brokenCommit));
  expect(kustomization('prepare').status.lastAppliedRevision).toBe(atCommit(brokenCommit));
  // The steps after it never applied the commit: they wait for it, still at the previous release.
  for (const step of ['pointers', 'retire']) {
    const waiting = kustomization(step);
    expect([step, waiting.status.lastAppliedRevision, readyCondition(waiting).reason]).toEqual([step, atCommit(previousCommit), 'DependencyNotReady']);
  }
  expect(JSON.parse(kubectlOk(['get', 'deployment', broken.deployment, '-n', NAMESPACE, '-o', 'json'])).status.readyReplicas ?? 0).toBe(0);
  // The Service never selected the broken revision; the previous one still serves, and all of it is still there.
  expect(watchEvents(services).filter(routedTo('web', broken.id))).toEqual([]);
  expect(JSON.parse(kubectlOk(['get', 'service', 'web', '-n', NAMESPACE, '-o', 'json'])).spec.selector['immutable-infra.dev/revision']).toBe(previous.id);
  expect(servingRevisions()).toEqual([previous.id]);
  expect(watchEvents(deployments).filter((e) => e.type === 'DELETED')).toEqual([]);
  expect(kubectlOk(['get', 'deployments', '-n', NAMESPACE, '-o', 'name']).trim().split('\n').sort()).toEqual([broken.deployment, previous.deployment].map((d) => `deployment.apps/${d}`).sort());
  expect(kubectlOk(['get', 'configmap', previous.config, '-n', NAMESPACE, '-o', 'name']).trim()).toBe(`configmap/${previous.config}`);

  // The fix: the same config, an image whose pods turn ready.
  await writeRelease(FIXED, '--timeout', SHORT_TIMEOUT);
  const fixedCommit = commitAndPush(git, FIXED.name);
  fetchNow(FIXED.name);
  const converged = pollFor(() => convergedAt(fixedCommit), 300_000, 1000);
  if (converged === undefined) {
    throw new Error(`${FIXED.name} did not converge:\n${diagnostics()}`);
  }
  const routed = firstVersion(services, routedTo('web', fixed.id));
  expect(firstVersion(deployments, available(fixed.deployment))).toBeLessThan(routed!);
  expect(firstVersion(deployments, deleted(previous.deployment))).toBeGreaterThan(routed!);
  expect(servingRevisions()).toEqual([fixed.id]);
  // The broken revision stays: the retire step never owned it (the README's "delete it by hand").
  expect(kubectlOk(['get', 'deployments', '-n', NAMESPACE, '-o', 'name']).trim().split('\n').sort()).toEqual([broken.deployment, fixed.deployment].map((d) => `deployment.apps/${d}`).sort());
  expect(kubectlOk(['get', 'configmaps', '-n', NAMESPACE, '-l', 'app.kubernetes.io/name=web', '-o', 'name']).trim().split('\n')).toEqual([`configmap/${fixed.config}`]);
});

test('the Argo CD output passes the API server\'s strict check against Argo CD\'s Application CRD', async () => {
  const dir = installCrds('argocd');
  kubectlOk(['create', 'namespace', 'argocd']);
  try {
    const out = join(tmp, 'argocd');
    const code = await runCli(['gitops', join(tmp, 'dist-v4'), out, '--flavor', 'argocd', '--repo-url', repoUrl, '--path', 'gitops/argocd'], {
      stdout: { write: () => undefined },
      stderr: { write: () => undefined },
      env: {},
    });
    expect(code).toBe(0);
    const file = join(out, 'sync', 'application.yaml');
    expect(parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS().kind)).toEqual(['Application']);
    const checked = kubectl(['apply', '--server-side', '--dry-run=server', '--validate=strict', '--field-manager=immutable-infra-test', '-f', file]);
    expect({ status: checked.status, stderr: checked.stderr }).toEqual({ status: 0, stderr: '' });
    expect(checked.stdout).toBe('application.argoproj.io/shop serverside-applied (server dry run)\n');
  } finally {
    deleteNamespace('argocd');
    kubectl(['delete', '--ignore-not-found', '-f', dir]);
  }
});
