/**
 * The stack both GitOps engine tests release (gitops-flux.test.ts,
 * gitops-argocd.test.ts): one service `web` with one live revision, its image
 * and config the release's, and the git work tree the releases are committed
 * to and pushed from.
 */
import { execFileSync } from 'child_process';
import { App, Chart, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { Microservice } from '../../lib';
import { L1 } from '../../lib/internal';
import { synthObjects } from '../../lib/testing';
import { digestImage } from '../fixtures';
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
