import { spawn } from 'child_process';
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Chart } from 'cdk8s';
import { synthApp } from '../../lib';
import { engines, REPO_ROOT } from './engines';

const KUBECTL = join(engines().bin, 'kubectl');
const MAIN = join(REPO_ROOT, 'lib', 'release', 'cli', 'main.ts');

/** The pod label kwok's fault stages read (scripts/engines/kwok/): pods that never become ready, or crash. */
export const SIMULATE_LABEL = 'immutable-infra.dev/simulate';

/**
 * The pod labels (a revision's `podLabels`) that make its pods fail on the kwok cluster (a real,
 * observed cluster state). Part of the revision's identity: the failing revision has names of its own.
 */
export function failingPodLabels(how: 'unready' | 'crashloop'): Record<string, string> {
  return { [SIMULATE_LABEL]: how };
}

/** Synthesizes the charts `build` adds to a fresh app into a new dist folder. */
export function distOf(build: (app: App) => Chart | void): string {
  const dir = mkdtempSync(join(tmpdir(), 'immutable-infra-runtime-dist-'));
  const app = new App();
  build(app);
  synthApp(app, dir);
  return dir;
}

/** A finished run of the command line tool. */
export interface CliRun {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running command line tool (ts-node, no build) against the suite's cluster. */
export interface RunningCli {
  readonly done: Promise<CliRun>;
  /** Resolves once stdout has a line matching `pattern`. */
  readonly printed: (pattern: RegExp) => Promise<void>;
  readonly kill: () => void;
}

/** Starts `immutable-infra <args>` with the suite's kubeconfig. */
export function startCli(...args: string[]): RunningCli {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', MAIN, ...args, '--kubeconfig', process.env.KUBECONFIG!], {
    cwd: REPO_ROOT,
    env: { ...process.env, NO_COLOR: '1' },
  });
  let stdout = '';
  let stderr = '';
  const waiters: Array<{ pattern: RegExp; resolve: () => void }> = [];
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    for (const waiter of waiters.filter((w) => w.pattern.test(stdout))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const done = new Promise<CliRun>((resolve) => child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr })));
  return {
    done,
    printed: (pattern) => (pattern.test(stdout) ? Promise.resolve() : new Promise((resolve) => waiters.push({ pattern, resolve }))),
    kill: () => child.kill('SIGKILL'),
  };
}

/** Runs `immutable-infra <args>` to the end. */
export function cli(...args: string[]): Promise<CliRun> {
  return startCli(...args).done;
}

/** kubectl get … -o json, asynchronously (so samples run while a deploy runs). */
export function getJson(args: readonly string[]): Promise<Record<string, any>> {
  return new Promise((resolve, reject) => {
    const child = spawn(KUBECTL, ['get', ...args, '-o', 'json'], { env: process.env });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    child.on('close', (status) => (status === 0 ? resolve(JSON.parse(out)) : reject(new Error(`kubectl get ${args.join(' ')}: ${err}`))));
  });
}

/** A revision that takes traffic, and how it is reached. */
export interface RoutedRevision {
  /** `Service <name>` (its selector names the revision) or `VirtualService <name>` (a subset with weight > 0). */
  readonly via: string;
  readonly revision: string;
}

const REVISION = 'immutable-infra.dev/revision';

/**
 * The revisions that take traffic in a namespace now: those a Service's
 * selector names, and those an Istio VirtualService sends a share to (through
 * its DestinationRule's subset labels).
 */
export async function routedRevisions(namespace: string): Promise<RoutedRevision[]> {
  const [services, virtualServices, destinationRules] = await Promise.all([
    getJson(['services', '-n', namespace]),
    getJson(['virtualservices.networking.istio.io', '-n', namespace]),
    getJson(['destinationrules.networking.istio.io', '-n', namespace]),
  ]);
  const routed: RoutedRevision[] = [];
  for (const service of services.items as any[]) {
    const revision = service.spec?.selector?.[REVISION];
    if (revision !== undefined) {
      routed.push({ via: `Service ${service.metadata.name}`, revision });
    }
  }
  const subsets = new Map<string, string>();
  for (const rule of destinationRules.items as any[]) {
    for (const subset of rule.spec?.subsets ?? []) {
      if (subset.labels?.[REVISION] !== undefined) {
        subsets.set(`${rule.spec.host.split('.')[0]}/${subset.name}`, subset.labels[REVISION]);
      }
    }
  }
  for (const virtualService of virtualServices.items as any[]) {
    for (const http of virtualService.spec?.http ?? []) {
      const routes = (http.route ?? []) as any[];
      for (const route of routes) {
        const revision = subsets.get(`${String(route.destination?.host).split('.')[0]}/${route.destination?.subset}`);
        if (revision !== undefined && (routes.length === 1 || (route.weight ?? 0) > 0)) {
          routed.push({ via: `VirtualService ${virtualService.metadata.name}`, revision });
        }
      }
    }
  }
  return routed;
}

/** Ready pods of each revision in a namespace, by revision id. */
export async function readyPodsByRevision(namespace: string): Promise<Map<string, number>> {
  const deployments = await getJson(['deployments.apps', '-n', namespace]);
  return new Map((deployments.items as any[]).map((d) => [d.metadata.labels?.[REVISION], d.status?.readyReplicas ?? 0]));
}

/**
 * Samples a namespace in a loop until `stop` resolves: at every sample, each
 * revision that takes traffic must have ready pods.
 *
 * @returns the samples taken and every violation seen
 */
export async function sampleRouting(
  namespace: string,
  stop: Promise<unknown>,
): Promise<{ samples: number; violations: string[]; routed: Set<string> }> {
  let stopped = false;
  void stop.then(() => (stopped = true));
  let samples = 0;
  const violations: string[] = [];
  const routed = new Set<string>();
  while (!stopped) {
    const [routes, ready] = await Promise.all([routedRevisions(namespace), readyPodsByRevision(namespace)]);
    samples++;
    for (const { via, revision } of routes) {
      routed.add(revision);
      if ((ready.get(revision) ?? 0) === 0) {
        violations.push(`${via} routes to revision ${revision}, which has no ready pod (sample ${samples})`);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { samples, violations, routed };
}
