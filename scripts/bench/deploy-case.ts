/**
 * One size of the deploy benchmark, run inside a fresh child process against
 * a running cluster (its kubeconfig and kubectl in BENCH_KUBECONFIG and
 * BENCH_KUBECTL): warm up, then per run, each into fresh namespaces,
 * - floor: `kubectl apply --server-side --field-manager=bench-floor -f <dir>`
 *   of the same objects, namespace rewritten (wall time of that process, and
 *   its peak RSS when /usr/bin/time is there); its Deployments are then left
 *   to become Available, untimed, so its pods do not load the cluster while
 *   ours is timed;
 * - ours: `deployRelease` of the synthesis, timed from the call to its end,
 *   with its events (see `timelineOf`) and every API request recorded;
 * - second release: the synthesis with one service's config changed,
 *   deployed over the first; what it touched, from its events and from the
 *   resourceVersions in the cluster;
 * the floor first in even runs, ours first in odd ones; then both namespaces
 * are deleted (waiting until they are gone) so every run starts from the
 * same cluster.
 */
import { spawnSync } from 'child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { performance } from 'perf_hooks';
import { deployRelease, DeployEvent, Manifest, readKubeconfig } from '../../lib';
import { toYaml } from '../../lib/internal';
import { serviceSpecs } from './apps';
import { deployDist, inNamespace, withChangedConfig } from './deploy-app';
import { TimedEvent, Timeline, timelineOf } from './deploy-timeline';
import { CallSummary, TracedApi } from './traced-api';

/** The field manager of the floor's apply. */
const FLOOR_FIELD_MANAGER = 'bench-floor';
/** How many requests our deploy writes at once (its default). */
export const DEPLOY_PARALLELISM = 16;
/** How long a gate, a settle or a namespace deletion may take. */
const TIMEOUT_SECONDS = 1800;
/** The warm-up: a small deploy and floor, untimed (kubectl's discovery cache, the JIT, the API server's caches). */
const WARM_UP_SIZE = 10;
/** The resource types of the app's objects, for the cluster-side check and the list-instead comparison. */
const APP_TYPES = ['serviceaccounts', 'services', 'configmaps', 'secrets', 'deployments.v1.apps'];

/** Timed runs per size: fewer for the slow size. */
export function deployRunsFor(size: number): number {
  return size >= 1000 ? 1 : 3;
}

/** One deploy of ours: its timeline and its API requests. */
export interface DeployMeasure extends Timeline {
  readonly calls: readonly CallSummary[];
}

/** One run of one size. */
export interface DeployRun {
  readonly order: 'floor first' | 'ours first';
  /** Wall time of the floor's `kubectl apply`, ms. */
  readonly floorMs: number;
  /** Peak RSS of the floor's kubectl, MB (`undefined` without /usr/bin/time). */
  readonly floorKubectlRssMb?: number;
  readonly first: DeployMeasure;
  readonly second: DeployMeasure;
  /** The app's objects whose resourceVersion the second release changed, created or deleted (`kind/name`). */
  readonly secondClusterChanges: readonly string[];
  /**
   * What-if for the planning reads: listing each of the app's resource types
   * in the namespace once (`kubectl get <type> -n <ns> -o json
   * --show-managed-fields`, one after another) after the second release, ms.
   */
  readonly listPerTypeMs: number;
}

/** The result of one size. */
export interface DeployCaseResult {
  readonly size: number;
  /** Objects of the synthesis (the Namespace included). */
  readonly objects: number;
  readonly runs: readonly DeployRun[];
  /** Peak RSS of the child process (synthesis of both releases included), MB. */
  readonly peakRssMb: number;
  /** RSS once both releases were synthesized, before any deploy, MB. */
  readonly rssAfterSynthMb: number;
}

/** Runs one size and returns its result. */
export async function runDeployCase(size: number, runs: number): Promise<DeployCaseResult> {
  const kubeconfig = requiredEnv('BENCH_KUBECONFIG');
  const binary = requiredEnv('BENCH_KUBECTL');
  const specs = serviceSpecs(size);
  const first = deployDist(specs);
  const second = deployDist(withChangedConfig(specs));
  const rssAfterSynthMb = process.memoryUsage().rss / 1024 / 1024;
  const cluster = new Cluster(binary, kubeconfig);

  const warmUpSpecs = serviceSpecs(WARM_UP_SIZE);
  await runOnce(cluster, deployDist(warmUpSpecs), deployDist(withChangedConfig(warmUpSpecs)), `bench-warm-${size}`, 0);

  const results: DeployRun[] = [];
  for (let run = 0; run < runs; run++) {
    progress(`deploy ${size} services: run ${run + 1}/${runs}`);
    results.push(await runOnce(cluster, first, second, `bench-${size}-r${run}`, run));
  }
  return {
    size,
    objects: first.length,
    runs: results,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    rssAfterSynthMb,
  };
}

/** One run: floor and ours (order by `run`), the second release, then both namespaces deleted. */
async function runOnce(cluster: Cluster, first: readonly Manifest[], second: readonly Manifest[], prefix: string, run: number): Promise<DeployRun> {
  const oursNamespace = `${prefix}-ours`;
  const floorNamespace = `${prefix}-floor`;
  const floorFirst = run % 2 === 0;
  try {
    let floor: { ms: number; rssMb?: number } | undefined;
    if (floorFirst) {
      floor = cluster.floor(inNamespace(first, floorNamespace), floorNamespace);
    }
    const firstDeploy = await deploy(cluster, inNamespace(first, oursNamespace));
    if (!floorFirst) {
      floor = cluster.floor(inNamespace(first, floorNamespace), floorNamespace);
    }
    const before = cluster.resourceVersions(oursNamespace);
    const secondDeploy = await deploy(cluster, inNamespace(second, oursNamespace));
    const after = cluster.resourceVersions(oursNamespace);
    return {
      order: floorFirst ? 'floor first' : 'ours first',
      floorMs: floor!.ms,
      ...(floor!.rssMb === undefined ? {} : { floorKubectlRssMb: floor!.rssMb }),
      first: firstDeploy,
      second: secondDeploy,
      secondClusterChanges: changedObjects(before, after),
      listPerTypeMs: cluster.listPerType(oursNamespace),
    };
  } finally {
    cluster.deleteNamespaces([oursNamespace, floorNamespace]);
  }
}

/** Our deploy of `dist`, timed, its events and API requests recorded. */
async function deploy(cluster: Cluster, dist: readonly Manifest[]): Promise<DeployMeasure> {
  const api = cluster.traced();
  const events: TimedEvent[] = [];
  const start = performance.now();
  const outcome = await deployRelease({
    api,
    dist,
    timeoutSeconds: TIMEOUT_SECONDS,
    parallelism: DEPLOY_PARALLELISM,
    gateFunctions: false,
    onEvent: (event: DeployEvent) => {
      api.notice(event);
      events.push({ atMs: performance.now() - start, event });
    },
  }).finally(() => api.close());
  const totalMs = performance.now() - start;
  if (outcome.result !== 'done') {
    const why = events.filter((e) => e.event.type === 'failed' || e.event.type === 'gate-failed').map((e) => JSON.stringify(e.event)).join('\n');
    throw new Error(`deploy ended '${outcome.result}' (violations: ${outcome.plan.violations.length})\n${why.slice(0, 4000)}`);
  }
  return { ...timelineOf(events, totalMs, outcome.result), calls: api.take() };
}

/** `kind/name` of the objects created, deleted or changed between two resourceVersion maps. */
function changedObjects(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): string[] {
  const changed = [...after].filter(([key, version]) => before.get(key) !== version).map(([key]) => key);
  const deleted = [...before.keys()].filter((key) => !after.has(key)).map((key) => `${key} (deleted)`);
  return [...changed, ...deleted].sort();
}

/** The cluster, through kubectl, for everything around the timed deploys. */
class Cluster {
  private readonly time = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

  constructor(private readonly binary: string, private readonly kubeconfig: string) {}

  /** A fresh API client of the cluster (its own connections, as a deploy from the CLI has), recording its requests. */
  public traced(): TracedApi {
    return new TracedApi(readKubeconfig({ kubeconfig: this.kubeconfig }, process.env));
  }

  /**
   * The floor: the objects written to a folder, then one
   * `kubectl apply --server-side -f <dir>` timed; then, untimed, its
   * Deployments left to become Available.
   */
  public floor(objects: readonly Manifest[], namespace: string): { ms: number; rssMb?: number } {
    const dir = mkdtempSync(join(tmpdir(), 'bench-floor-'));
    try {
      writeFileSync(join(dir, 'objects.yaml'), toYaml(objects));
      const rssFile = join(dir, 'rss');
      const args = ['--kubeconfig', this.kubeconfig, 'apply', '--server-side', `--field-manager=${FLOOR_FIELD_MANAGER}`, '-f', join(dir, 'objects.yaml')];
      const [command, commandArgs] = this.time === undefined
        ? [this.binary, args]
        : [this.time, ['-f', '%M', '-o', rssFile, this.binary, ...args]];
      const start = performance.now();
      const result = spawnSync(command, commandArgs, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
      const ms = performance.now() - start;
      if (result.status !== 0) {
        throw new Error(`floor apply failed (exit ${result.status}): ${(result.stderr ?? '').slice(0, 2000)}`);
      }
      const rssKb = this.time === undefined ? NaN : Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop());
      this.kubectl(['wait', '--for=condition=Available', 'deployments', '--all', '-n', namespace, `--timeout=${TIMEOUT_SECONDS}s`]);
      return Number.isFinite(rssKb) ? { ms, rssMb: rssKb / 1024 } : { ms };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** `kind/name` → resourceVersion of the app's objects in a namespace. */
  public resourceVersions(namespace: string): Map<string, string> {
    const list = JSON.parse(this.kubectl(['get', APP_TYPES.join(','), '-n', namespace, '-o', 'json'])) as { items: Manifest[] };
    return new Map(list.items.map((item) => [`${item.kind}/${item.metadata.name}`, String(item.metadata.resourceVersion)]));
  }

  /** Lists each of the app's resource types in the namespace once, one after another; ms. */
  public listPerType(namespace: string): number {
    const start = performance.now();
    for (const type of APP_TYPES) {
      this.kubectl(['get', type, '-n', namespace, '-o', 'json', '--show-managed-fields']);
    }
    return performance.now() - start;
  }

  /** Deletes namespaces and waits until they are gone. */
  public deleteNamespaces(namespaces: readonly string[]): void {
    this.kubectl(['delete', 'namespace', ...namespaces, '--ignore-not-found', '--wait=true', `--timeout=${TIMEOUT_SECONDS}s`]);
  }

  private kubectl(args: readonly string[]): string {
    const result = spawnSync(this.binary, ['--kubeconfig', this.kubeconfig, ...args], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
    if (result.status !== 0) {
      throw new Error(`kubectl ${args.join(' ')} failed (exit ${result.status}): ${(result.stderr ?? '').slice(0, 2000)}`);
    }
    return result.stdout;
  }
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`${name} is not set: the deploy case runs in a child of scripts/bench.ts, which starts the cluster`);
  }
  return value;
}

function progress(message: string): void {
  if (process.env.BENCH_QUIET !== '1') {
    process.stderr.write(`${message}…\n`);
  }
}
