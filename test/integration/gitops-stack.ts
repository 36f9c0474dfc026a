/**
 * The stack both GitOps engine tests release (gitops-flux.test.ts,
 * gitops-argocd.test.ts): one service `web` with one live revision, its image
 * and config the release's, and the git work tree the releases are committed
 * to and pushed from.
 */
import { execFileSync, spawnSync } from 'child_process';
import { join } from 'path';
import { App, Chart, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { Microservice, synthApp } from '../../lib';
import { L1 } from '../../lib/internal';
import { synthObjects } from '../../lib/testing';
import { digestImage } from '../fixtures';
import { REPO_ROOT } from './engines';
import { kubectlOk } from './kubectl';
import { failingPodLabels } from './release-runtime';

/** The app (`app.kubernetes.io/part-of`, the chart's id): the name of its GitRepository or Application. */
export const APP = 'shop';

/** A release of the stack: its image (a digest seed) and config, and whether its pods never turn ready. */
export interface WebRelease {
  readonly name: string;
  readonly image: string;
  readonly config: string;
  /**
   * Pods kwok never makes Ready (scripts/engines/kwok/pod-fault-stages.yaml).
   * @default false
   */
  readonly unready?: boolean;
}

/** One service `web` with one live revision: its image and config are the release's. */
export class WebChart extends Chart {
  constructor(scope: Construct, namespace: string, release: WebRelease) {
    super(scope, APP, { namespace });
    const ns = new L1.Namespace(this, 'Namespace', { metadata: { name: namespace } });
    ns.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    new Microservice(this, 'web', {
      image: digestImage('ghcr.io/acme/web', release.image),
      ports: [{ port: 80, containerPort: 8080 }],
      configs: [{ name: 'settings', literals: { VERSION: release.config } }],
      podLabels: release.unready === true ? failingPodLabels('unready') : undefined,
    });
  }
}

/** What a release's revision is called: its id, Deployment and ConfigMap. */
export interface WebRevision {
  readonly id: string;
  readonly deployment: string;
  readonly config: string;
}

/** The revision of a release in `namespace`. */
export function revisionOf(namespace: string, release: WebRelease): WebRevision {
  const objects = synthObjects(new WebChart(new App(), namespace, release));
  const deployment = objects.find((o) => o.kind === 'Deployment')!;
  return {
    id: (deployment.metadata.labels as Record<string, string>)['immutable-infra.dev/revision'],
    deployment: deployment.metadata.name!,
    config: objects.find((o) => o.kind === 'ConfigMap')!.metadata.name!,
  };
}

/** `git` in the work tree `work`, with no user or system configuration (HOME is `home`). */
export function gitIn(work: string, home: string): (...args: string[]) => string {
  return (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=immutable-infra test', '-c', 'user.email=test@example.invalid', '-c', 'init.defaultBranch=main', ...args], {
      cwd: work,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: home, GIT_CONFIG_NOSYSTEM: '1' },
    }).trim();
}

/** Commits and pushes the whole work tree of `git`; returns the commit. */
export function commitAndPush(git: (...args: string[]) => string, message: string): string {
  git('add', '-A');
  git('commit', '-q', '-m', message);
  git('push', '-q', 'origin', 'main');
  return git('rev-parse', 'HEAD');
}

/**
 * The app's objects in a namespace as a deploy would compare them: spec, data,
 * labels and selector, without what the cluster adds (a Service's cluster IPs)
 * nor the labels a GitOps engine adds for itself (`engineLabelPrefix`).
 */
function appState(namespace: string, engineLabelPrefix: string | undefined): Record<string, unknown> {
  const state: Record<string, unknown> = {};
  for (const kind of ['deployments', 'services', 'configmaps', 'serviceaccounts', 'networkpolicies']) {
    for (const o of JSON.parse(kubectlOk(['get', kind, '-n', namespace, '-o', 'json'])).items as any[]) {
      const ownLabel = ([key]: [string, unknown]) => engineLabelPrefix === undefined || !key.startsWith(engineLabelPrefix);
      const labels = Object.fromEntries(Object.entries<unknown>(o.metadata.labels ?? {}).filter(ownLabel));
      if (labels['app.kubernetes.io/part-of'] !== APP) {
        continue; // kube-root-ca.crt, the default ServiceAccount, deploy's release history
      }
      const spec = o.spec === undefined ? undefined : { ...o.spec };
      if (kind === 'services') {
        delete spec.clusterIP;
        delete spec.clusterIPs;
      }
      state[`${o.kind}/${o.metadata.name}`] = JSON.parse(JSON.stringify({ labels, spec, data: o.data }).split(namespace).join('<namespace>'));
    }
  }
  return state;
}

/**
 * Deploys `release` into `deployed` with `immutable-infra deploy --keep 0`
 * (retired revisions not kept, as a GitOps engine prunes them; its dist in
 * `dist`), and expects the engine to have left `synced` as deploy left
 * `deployed`: exactly the release's revision and the service's own objects.
 */
export function expectSameAsDeploy(
  synced: string,
  deployed: string,
  release: WebRelease,
  dist: string,
  engineLabelPrefix?: string,
): void {
  const app = new App();
  new WebChart(app, deployed, release);
  synthApp(app, dist);
  const main = join(REPO_ROOT, 'lib', 'release', 'cli', 'main.ts');
  const deploy = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', main, 'deploy', dist, '--kubeconfig', process.env.KUBECONFIG!, '--keep', '0'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  expect({ status: deploy.status, stderr: deploy.stderr }).toEqual({ status: 0, stderr: '' });
  expect(appState(synced, engineLabelPrefix)).toEqual(appState(deployed, engineLabelPrefix));
  const revision = revisionOf(synced, release);
  expect(Object.keys(appState(synced, engineLabelPrefix)).sort()).toEqual([
    `ConfigMap/${revision.config}`, `Deployment/${revision.deployment}`, 'NetworkPolicy/web', 'Service/web', 'ServiceAccount/web',
  ]);
}
