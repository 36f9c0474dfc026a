/**
 * Synthesis benchmark (a report, not a test: it always exits 0).
 *
 * What is measured, for apps of 100, 1,000 and 10,000 services — each service a
 * digest-pinned image, one port, an env-mounted config, a file-mounted secret,
 * autoscaling 2-10 (so also a PodDisruptionBudget) and a readiness probe, in
 * an Istio mesh with its routes, and a route on the app's gateway; 12 objects
 * per service plus 3 per app, no Namespace object (scripts/bench/apps.ts):
 *
 * - ours:       `Microservice`, `ServiceRoutes` and a gateway route per
 *               service in a namespaced `Chart` with a `Mesh` and a `Gateway`,
 *               then `chartYaml` per chart (what our cdk8s entry `synthApp`
 *               writes) — construct + full synth, including every validation
 *               (schema checks, identities) and the YAML dump.
 * - cdk8s-plus: the same object set built with cdk8s-plus-28 L2 constructs
 *               (Deployment, Service, ConfigMap, Secret, ServiceAccount,
 *               HorizontalPodAutoscaler; PDB via its `k8s` L1 export; the
 *               Istio and Gateway API objects as cdk8s `ApiObject`s),
 *               construct + cdk8s's `App.synthYaml()`.
 * - floor:      `JSON.stringify` + our YAML writer over the final objects of
 *               our synth: what emitting the same manifests costs at least.
 *               Printed beside it: cdk8s's own YAML dump of them, and the
 *               least any cdk8s app that checks each object against its
 *               schema pays (the YAML, an `ApiObject` per object, the checks).
 *
 * How: every (kind, size) case runs in a fresh child process (this script
 * forked with `--child <kind> <size>`), so the heap is clean
 * and peak RSS (`process.resourceUsage().maxRSS`) is per case. The child warms
 * up by doing the same work for a 10-service app (5 passes: the yaml package
 * needs a few before its per-object cost settles), then times 5 runs (up to
 * 100 services), 3 runs (1,000) or 1 (10,000) and reports the median. No GC is forced
 * between runs: a forced full GC was found to slow the next run down 3-5× (lost
 * JIT state), and collecting the previous run's garbage is part of real synth
 * cost anyway. Cases run one after another, never in parallel. Every child runs
 * with the Node flags of the parent, which `npm run bench` starts like our cdk8s
 * entry (`cdk8s.yaml`): `--max-semi-space-size=32`, a larger young generation
 * that cuts scavenging of synth's short-lived objects by about a fifth.
 *
 * CLI section (scripts/bench/cli-case.ts, one child process): `plan` of two
 * 1,000-service dists of the app above that differ in one service's config,
 * and `graph` (SVG) of 100- and 1,000-service dists, with the growth from the
 * one to the other. `--no-cli` skips it.
 *
 * `--quick`: synthesis at 10 and 100 services, CLI plan at 100 and graph at
 * 10 and 100 (a minute or so instead of many). `--sizes=1000,10000` picks the
 * synthesis sizes; `--plus-sizes=1000` measures cdk8s-plus only at those
 * (it takes many minutes at 10,000 services), and `--no-cli` skips the CLI:
 * `-- --sizes=1000,10000 --plus-sizes=1000 --no-cli` is the synthesis section
 * alone, as the targets are checked. Ours is timed in phases: construct,
 * validate (every construct's synth checks), render (`toJson()` and schema
 * checks) and YAML.
 *
 * Deploy section (`deployRelease` against a local control plane; see
 * scripts/bench/deploy-case.ts): for apps of 100 and 1,000 plain
 * Microservices (one replica, no mesh, no NetworkPolicy: 5 objects per
 * service, plus their Namespace; Services headless, as cluster.sh's service
 * range has only 254 addresses), each run into fresh namespaces of a cluster
 * started for the benchmark (`scripts/engines/cluster.sh start`: etcd,
 * kube-apiserver, kube-controller-manager, kube-scheduler and kwok's simulated
 * nodes, so pods become Ready without running):
 *
 * - ours:       `deployRelease` (parallelism 16), timed call to end; its
 *               waits (health gates: a `gate` event to the next `step`; the
 *               pointer check: the event before `pointers-checked` to it) are
 *               taken out for the comparison with the floor.
 * - floor:      `kubectl apply --server-side --field-manager=bench-floor -f
 *               <dir>` of the same objects, namespace rewritten, timed
 *               (process wall time; its pods are then left to become Ready,
 *               untimed).
 * - 2nd release: one service's config changed, deployed over the first:
 *               its time against the first's, and what it touched (its
 *               `object` events, and resourceVersions in the cluster).
 *
 * Each size runs in a fresh child process (`--deploy-child <size> <runs>`),
 * which warms up on a 10-service app and then does 3 runs (100 services) or 1
 * (1,000: its planning alone takes minutes, see the profile it prints); every
 * API request is recorded and reported by purpose. The cluster is stopped by
 * `cluster.sh stop` (by the pids it recorded) when the section ends, fails or
 * is interrupted. The section runs when asked: `--deploy` / `BENCH_DEPLOY=1`
 * (it needs the engines: $ENGINES_BIN/kube-apiserver, kube-scheduler, kwok …,
 * see scripts/engines/env.sh, and says on stderr when they are missing);
 * `--no-deploy` (the default) skips it,
 * `--deploy-only` skips the synthesis section. CLUSTER_NODES, CLUSTER_CRDS …
 * (cluster.sh's header) pass through to the cluster.
 *
 * Usage: npm run bench [-- --json] [-- --quick] [-- --sizes=10,100] [-- --plus-sizes=100] [-- --no-cli] [-- --deploy|--no-deploy|--deploy-only]
 *                      [-- --deploy-sizes=100,1000] [-- --deploy-runs=N]
 */
import { ChildProcess, fork } from 'child_process';
import { cpus, loadavg } from 'os';
import { CliCaseResult, CliSizes, runCliCase } from './bench/cli-case';
import { enginesBin, missingEngines, RunningCluster, startCluster } from './bench/cluster';
import { DEPLOY_PARALLELISM, DeployCaseResult, DeployRun, deployRunsFor, runDeployCase } from './bench/deploy-case';
import { Timeline } from './bench/deploy-timeline';
import { CaseKind, CaseResult, median, runCase } from './bench/measure';
import { CallSummary } from './bench/traced-api';

const DEFAULT_SIZES = [100, 1000, 10000];
const QUICK_SIZES = [10, 100];
const DEFAULT_CLI_SIZES: CliSizes = { plan: 1000, graph: [100, 1000] };
const QUICK_CLI_SIZES: CliSizes = { plan: 100, graph: [10, 100] };
const DEFAULT_DEPLOY_SIZES = [100, 1000];
const KINDS: readonly CaseKind[] = ['ours', 'cdk8s-plus', 'floor'];

/** Targets checked at the end (issue #19), at 1,000 services: ours against the floor and against cdk8s-plus. */
const MAX_RATIO_TO_FLOOR = 3;
const MAX_RATIO_TO_BASELINE = 0.3;
/** Linear growth: t(10n) ≤ 11 × t(n), for each pair of sizes measured ten times apart. */
const MAX_GROWTH_PER_TENFOLD = 11;
/** Peak RSS of our synthesis at 10,000 services. */
const MAX_RSS_MB_AT_10000 = 1536;
/** Deploy targets (issue #14): our deploy without its waits against the floor, and the second release against the first. */
const MAX_DEPLOY_RATIO_TO_FLOOR = 1.5;
const MAX_SECOND_RELEASE_FRACTION = 0.1;
/** The service the second release changes (`withChangedConfig`). */
const CHANGED_SERVICE = 'svc-0000';

/** The results of one app size, all three kinds. */
interface SizeRow {
  readonly size: number;
  readonly ours: CaseResult;
  /** Left out at sizes `--plus-sizes` does not list. */
  readonly cdk8sPlus?: CaseResult;
  readonly floor: CaseResult;
}

interface Check {
  readonly name: string;
  readonly pass: boolean;
  readonly detail: string;
}

/** The deploy section's results, or why it did not run. */
interface DeploySection {
  readonly rows: readonly DeployRow[];
  /** Why the section was skipped or stopped, if it was. */
  readonly note?: string;
}

/** The results of one deploy size: its runs and their medians. */
interface DeployRow {
  readonly size: number;
  readonly result: DeployCaseResult;
  readonly median: {
    readonly floorMs: number;
    readonly totalMs: number;
    readonly withoutWaitsMs: number;
    readonly gateMs: number;
    readonly pointerCheckMs: number;
    readonly planMs: number;
    readonly secondTotalMs: number;
    readonly secondWithoutWaitsMs: number;
  };
}

async function main(argv: readonly string[]): Promise<void> {
  const childAt = argv.indexOf('--child');
  if (childAt >= 0) {
    runChild(argv[childAt + 1] as CaseKind, Number(argv[childAt + 2]));
    return;
  }
  if (argv.includes('--cli-child')) {
    await runCliChild(argv.includes('--quick') ? QUICK_CLI_SIZES : DEFAULT_CLI_SIZES);
    return;
  }
  const deployChildAt = argv.indexOf('--deploy-child');
  if (deployChildAt >= 0) {
    await runDeployChild(Number(argv[deployChildAt + 1]), Number(argv[deployChildAt + 2]));
    return;
  }
  const quick = argv.includes('--quick');
  const sizes = argv.includes('--deploy-only') ? [] : parseSizes(argv, '--sizes', quick ? QUICK_SIZES : DEFAULT_SIZES);
  const runCli = !argv.includes('--deploy-only') && !argv.includes('--no-cli');
  const json = argv.includes('--json');
  const deployMode = parseDeployMode(argv, process.env);
  const deploySizes = parseSizes(argv, '--deploy-sizes', DEFAULT_DEPLOY_SIZES);
  const deployRuns = parseRuns(argv);
  const plusSizes = parseSizes(argv, '--plus-sizes', sizes);
  const loadBefore = loadavg()[0];
  const rows: SizeRow[] = [];
  for (const size of sizes) {
    if (!json) {
      process.stderr.write(`measuring ${size} services…\n`);
    }
    const kinds = plusSizes.includes(size) ? KINDS : KINDS.filter((kind) => kind !== 'cdk8s-plus');
    const results = await sequentially(kinds.map((kind) => () => forkCase(kind, size)));
    const of = (kind: CaseKind) => results.find((r) => r.kind === kind);
    rows.push({ size, ours: of('ours')!, cdk8sPlus: of('cdk8s-plus'), floor: of('floor')! });
  }
  if (runCli && !json) {
    process.stderr.write('measuring the CLI (plan, graph)…\n');
  }
  const cli = runCli ? await forkCliCase(quick) : undefined;
  const deploy = deployMode === 'off'
    ? { rows: [], note: 'skipped (ask for it with --deploy or BENCH_DEPLOY=1)' }
    : await runDeploySection(deploySizes, deployRuns, json);
  const checks = [...evaluate(rows), ...evaluateDeploy(deploy.rows)];
  if (cli !== undefined) {
    checks.push(...evaluateCli(cli));
  }
  const machine = { node: process.version, cpus: cpus().length, loadAverage1m: { before: loadBefore, after: loadavg()[0] } };
  if (json) {
    process.stdout.write(`${JSON.stringify({ machine, rows, cli, deploy, checks }, null, 2)}\n`);
  } else {
    printReport(machine, rows, cli, deploy, checks);
  }
}

/**
 * Whether to run the deploy section: `--deploy` / `--deploy-only` /
 * BENCH_DEPLOY=1 ask for it; otherwise it is skipped (it takes about an hour
 * at 1,000 services today, see the README).
 */
function parseDeployMode(argv: readonly string[], env: NodeJS.ProcessEnv): 'on' | 'off' {
  if (argv.includes('--no-deploy')) {
    return 'off';
  }
  if (argv.includes('--deploy') || argv.includes('--deploy-only')) {
    return 'on';
  }
  return env.BENCH_DEPLOY === '1' ? 'on' : 'off';
}

/**
 * Starts the cluster, runs each size in a child process, stops the cluster
 * whatever happens. Without the engines: skipped with a note, also on stderr.
 */
async function runDeploySection(sizes: readonly number[], runs: number | undefined, quiet: boolean): Promise<DeploySection> {
  const bin = enginesBin();
  const missing = missingEngines(bin);
  if (missing.length > 0) {
    const note = `skipped: ${missing.join(', ')} not built in ${bin} (run scripts/engines/build.sh)`;
    process.stderr.write(`deploy section: ${note}\n`);
    return { rows: [], note };
  }
  let child: ChildProcess | undefined;
  if (!quiet) {
    process.stderr.write('deploy section: starting the local cluster (scripts/engines/cluster.sh)…\n');
  }
  let cluster: RunningCluster;
  try {
    cluster = startCluster(bin, () => child?.kill('SIGKILL'));
  } catch (error) {
    return { rows: [], note: `not run: ${(error as Error).message}` };
  }
  const rows: DeployRow[] = [];
  let note: string | undefined;
  try {
    for (const size of sizes) {
      if (!quiet) {
        process.stderr.write(`deploying ${size} services…\n`);
      }
      const result = await forkDeployCase(size, runs ?? deployRunsFor(size), cluster, quiet, (c) => {
        child = c;
      });
      rows.push(deployRow(result));
    }
  } catch (error) {
    note = `stopped: ${(error as Error).message}`;
    process.stderr.write(`deploy section ${note}\n`);
  } finally {
    child = undefined;
    cluster.stop(note !== undefined);
  }
  return note === undefined ? { rows } : { rows, note };
}

/** The medians of a deploy size's runs. */
function deployRow(result: DeployCaseResult): DeployRow {
  const of = (value: (run: DeployRun) => number) => median(result.runs.map(value));
  return {
    size: result.size,
    result,
    median: {
      floorMs: of((r) => r.floorMs),
      totalMs: of((r) => r.first.totalMs),
      withoutWaitsMs: of((r) => r.first.withoutWaitsMs),
      gateMs: of((r) => r.first.gateMs),
      pointerCheckMs: of((r) => r.first.pointerCheckMs),
      planMs: of((r) => r.first.planMs),
      secondTotalMs: of((r) => r.second.totalMs),
      secondWithoutWaitsMs: of((r) => r.second.withoutWaitsMs),
    },
  };
}

/** In a deploy child: run one size against the cluster the parent started. */
async function runDeployChild(size: number, runs: number): Promise<void> {
  if (!(size > 0) || !(runs > 0)) {
    throw new Error(`usage: bench.ts --deploy-child <size> <runs>, got ${size} ${runs}`);
  }
  let result: DeployCaseResult;
  try {
    result = await runDeployCase(size, runs);
  } catch (error) {
    // Hand the cause to the parent, which reports it and stops the cluster.
    if (process.send !== undefined) {
      process.send({ error: (error as Error).message });
      return;
    }
    throw error;
  }
  if (process.send !== undefined) {
    process.send(result);
  } else {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  }
}

/** Runs one deploy size in a fresh child process, pointed at the cluster. */
function forkDeployCase(
  size: number,
  runs: number,
  cluster: RunningCluster,
  quiet: boolean,
  started: (child: ChildProcess) => void,
): Promise<DeployCaseResult> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['--deploy-child', String(size), String(runs)], {
      execArgv: process.execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, BENCH_KUBECONFIG: cluster.kubeconfig, BENCH_KUBECTL: cluster.kubectl, BENCH_QUIET: quiet ? '1' : '0' },
    });
    started(child);
    let result: DeployCaseResult | { error: string } | undefined;
    child.on('message', (message) => {
      result = message as DeployCaseResult | { error: string };
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (result === undefined) {
        reject(new Error(`deploy case ${size} exited with code ${code} without a result`));
      } else if ('error' in result) {
        reject(new Error(`deploy case ${size}: ${result.error}`));
      } else {
        resolve(result);
      }
    });
  });
}

/** In the child: run the case and hand the result to the parent (or print it when run by hand). */
function runChild(kind: CaseKind, size: number): void {
  if (!['ours', 'cdk8s-plus', 'floor'].includes(kind) || !(size > 0)) {
    throw new Error(`usage: bench.ts --child <ours|cdk8s-plus|floor> <size>, got ${kind} ${size}`);
  }
  const result = runCase(kind, size);
  if (process.send !== undefined) {
    process.send(result);
  } else {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  }
}

/** In the CLI child: run the CLI section and hand the result to the parent. */
async function runCliChild(sizes: CliSizes): Promise<void> {
  const result = await runCliCase(sizes);
  if (process.send !== undefined) {
    process.send(result);
  } else {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  }
}

/** Runs the CLI section in a fresh child process. */
function forkCliCase(quick: boolean): Promise<CliCaseResult> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['--cli-child', ...(quick ? ['--quick'] : [])], {
      execArgv: process.execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: CliCaseResult | undefined;
    child.on('message', (message) => {
      result = message as CliCaseResult;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (result !== undefined) {
        resolve(result);
      } else {
        reject(new Error(`CLI case exited with code ${code} without a result`));
      }
    });
  });
}

/** Runs one case in a fresh child process. */
function forkCase(kind: CaseKind, size: number): Promise<CaseResult> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['--child', kind, String(size)], {
      execArgv: process.execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: CaseResult | undefined;
    child.on('message', (message) => {
      result = message as CaseResult;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (result !== undefined) {
        resolve(result);
      } else {
        reject(new Error(`case ${kind}/${size} exited with code ${code} without a result`));
      }
    });
  });
}

async function sequentially<T>(tasks: ReadonlyArray<() => Promise<T>>): Promise<T[]> {
  const results: T[] = [];
  for (const task of tasks) {
    results.push(await task());
  }
  return results;
}

function parseSizes(argv: readonly string[], name: string, defaults: readonly number[]): number[] {
  const flag = argv.find((a) => a.startsWith(`${name}=`));
  if (flag === undefined) {
    return [...defaults];
  }
  const sizes = flag.slice(name.length + 1).split(',').map(Number);
  if (sizes.some((s) => !Number.isInteger(s) || s < 1)) {
    throw new Error(`${name} takes positive whole numbers, got '${flag}'`);
  }
  return sizes;
}

/** `--deploy-runs=N`: timed runs per deploy size, instead of `deployRunsFor`. */
function parseRuns(argv: readonly string[]): number | undefined {
  const flag = argv.find((a) => a.startsWith('--deploy-runs='));
  if (flag === undefined) {
    return undefined;
  }
  const runs = Number(flag.slice('--deploy-runs='.length));
  if (!Number.isInteger(runs) || runs < 1) {
    throw new Error(`--deploy-runs takes a positive whole number, got '${flag}'`);
  }
  return runs;
}

/**
 * The target checks, on CPU time (the process's user + system time of each
 * run: on a shared machine wall time mostly measures the other load; the
 * wall-time ratio is in each detail); a check whose sizes were not measured
 * is left out.
 */
function evaluate(rows: readonly SizeRow[]): Check[] {
  const checks: Check[] = [];
  const at = (size: number) => rows.find((r) => r.size === size);
  const ratio = (a: CaseResult, b: CaseResult) =>
    `${(a.medianCpuMs / b.medianCpuMs).toFixed(2)}× CPU (${a.medianCpuMs.toFixed(0)} vs ${b.medianCpuMs.toFixed(0)} ms); wall ${(a.medianMs / b.medianMs).toFixed(2)}×`;
  const thousand = at(1000);
  if (thousand !== undefined) {
    const { ours, cdk8sPlus, floor } = thousand;
    checks.push({
      name: `1,000 services: ours ≤ ${MAX_RATIO_TO_FLOOR}× the serialization floor`,
      pass: ours.medianCpuMs <= MAX_RATIO_TO_FLOOR * floor.medianCpuMs,
      detail: ratio(ours, floor),
    });
    if (cdk8sPlus !== undefined) {
      checks.push({
        name: `1,000 services: ours ≤ ${MAX_RATIO_TO_BASELINE}× cdk8s-plus`,
        pass: ours.medianCpuMs <= MAX_RATIO_TO_BASELINE * cdk8sPlus.medianCpuMs,
        detail: ratio(ours, cdk8sPlus),
      });
    }
  }
  for (const row of rows) {
    const larger = at(row.size * 10);
    if (larger !== undefined) {
      const growth = larger.ours.medianCpuMs / row.ours.medianCpuMs;
      checks.push({
        name: `linear growth: t(${larger.size}) ≤ ${MAX_GROWTH_PER_TENFOLD} × t(${row.size})`,
        pass: growth <= MAX_GROWTH_PER_TENFOLD,
        detail: `${growth.toFixed(2)}× CPU, wall ${(larger.ours.medianMs / row.ours.medianMs).toFixed(2)}× ` +
          `(${plusGrowth(row, larger)}floor ${(larger.floor.medianCpuMs / row.floor.medianCpuMs).toFixed(2)}×)`,
      });
    }
  }
  const tenThousand = at(10000);
  if (tenThousand !== undefined) {
    checks.push({
      name: `10,000 services: peak RSS of ours ≤ ${MAX_RSS_MB_AT_10000} MB`,
      pass: tenThousand.ours.peakRssMb <= MAX_RSS_MB_AT_10000,
      detail: `${tenThousand.ours.peakRssMb.toFixed(0)} MB`,
    });
  }
  return checks;
}

/** cdk8s-plus's growth from one row to the other, when both measured it. */
function plusGrowth(row: SizeRow, larger: SizeRow): string {
  return row.cdk8sPlus === undefined || larger.cdk8sPlus === undefined
    ? ''
    : `cdk8s-plus ${(larger.cdk8sPlus.medianCpuMs / row.cdk8sPlus.medianCpuMs).toFixed(2)}×, `;
}

/** The CLI's results as checks: every command succeeded; the graph's growth is reported, its bound is linear growth. */
function evaluateCli(cli: CliCaseResult): Check[] {
  const [small, large] = cli.graph;
  const growth = large.medianMs / small.medianMs;
  const sizeRatio = large.size / small.size;
  return [
    {
      name: `plan of two ${cli.plan.size}-service dists (one service changed) succeeds`,
      pass: cli.plan.exitCode === 0,
      detail: `exit ${cli.plan.exitCode}, ${cli.plan.medianMs.toFixed(0)} ms, ${cli.plan.outputBytes} bytes of output`,
    },
    {
      name: `graph of ${large.size} services grows at most linearly from ${small.size} (≤ ${(sizeRatio * 1.1).toFixed(0)}×)`,
      pass: small.exitCode === 0 && large.exitCode === 0 && growth <= sizeRatio * 1.1,
      detail: `${growth.toFixed(2)}× (${small.medianMs.toFixed(0)} → ${large.medianMs.toFixed(0)} ms; SVG ${small.outputBytes} → ${large.outputBytes} bytes)`,
    },
  ];
}

/** The deploy targets, per size measured. */
function evaluateDeploy(rows: readonly DeployRow[]): Check[] {
  return rows.flatMap(({ size, result, median: m }) => {
    const ratio = m.withoutWaitsMs / m.floorMs;
    const fraction = m.secondTotalMs / m.totalMs;
    const foreign = result.runs.flatMap((run) => [
      ...run.second.touched.map(shortIdentity),
      ...run.secondClusterChanges.filter((c) => !c.startsWith('ConfigMap/immutable-infra-releases-')),
    ]).filter((name) => !ofService(name, CHANGED_SERVICE));
    const touched = result.runs.every((run) => run.second.touched.length > 0);
    return [
      {
        name: `${size} services: deploy without its waits ≤ ${MAX_DEPLOY_RATIO_TO_FLOOR}× the floor`,
        pass: ratio <= MAX_DEPLOY_RATIO_TO_FLOOR,
        detail: `${ratio.toFixed(2)}× (${(m.withoutWaitsMs / 1000).toFixed(1)} vs ${(m.floorMs / 1000).toFixed(1)} s; with waits ${(m.totalMs / 1000).toFixed(1)} s)`,
      },
      {
        name: `${size} services: second release (one service changed) ≤ ${MAX_SECOND_RELEASE_FRACTION * 100}% of the first deploy`,
        pass: fraction <= MAX_SECOND_RELEASE_FRACTION,
        detail: `${(100 * fraction).toFixed(0)}% (${(m.secondTotalMs / 1000).toFixed(1)} vs ${(m.totalMs / 1000).toFixed(1)} s; without waits ${(100 * m.secondWithoutWaitsMs / m.withoutWaitsMs).toFixed(0)}%)`,
      },
      {
        name: `${size} services: second release touches only ${CHANGED_SERVICE}'s objects`,
        pass: touched && foreign.length === 0,
        detail: !touched ? 'it touched nothing' : foreign.length === 0 ? 'yes' : `also ${[...new Set(foreign)].slice(0, 5).join(', ')}`,
      },
    ];
  });
}

/** Whether `Kind/name` is one of the service's objects (its name, or its name and a suffix). */
function ofService(kindAndName: string, service: string): boolean {
  const name = kindAndName.slice(kindAndName.indexOf('/') + 1).replace(/ \(deleted\)$/, '');
  return name === service || name.startsWith(`${service}-`);
}

/** Where the benchmark ran: other load on the machine inflates every number. */
interface Machine {
  readonly node: string;
  readonly cpus: number;
  readonly loadAverage1m: { readonly before: number; readonly after: number };
}

function printReport(
  machine: Machine,
  rows: readonly SizeRow[],
  cli: CliCaseResult | undefined,
  deploy: DeploySection,
  checks: readonly Check[],
): void {
  const load = `${machine.loadAverage1m.before.toFixed(1)} → ${machine.loadAverage1m.after.toFixed(1)}`;
  if (rows.length > 0) {
    const header = ['services', 'objects', 'ours ms', 'cdk8s-plus ms', 'floor ms', 'ours CPU ms', 'plus CPU ms', 'floor CPU ms', 'ours/plus CPU', 'ours/floor CPU',
      'RSS ours MB', 'RSS plus MB', 'RSS floor MB'];
    const body = rows.map((r) => [
      String(r.size),
      objectsCell(r),
      r.ours.medianMs.toFixed(1),
      r.cdk8sPlus?.medianMs.toFixed(1) ?? '-',
      r.floor.medianMs.toFixed(1),
      r.ours.medianCpuMs.toFixed(1),
      r.cdk8sPlus?.medianCpuMs.toFixed(1) ?? '-',
      r.floor.medianCpuMs.toFixed(1),
      r.cdk8sPlus === undefined ? '-' : (r.ours.medianCpuMs / r.cdk8sPlus.medianCpuMs).toFixed(2),
      (r.ours.medianCpuMs / r.floor.medianCpuMs).toFixed(1),
      r.ours.peakRssMb.toFixed(0),
      r.cdk8sPlus?.peakRssMb.toFixed(0) ?? '-',
      r.floor.peakRssMb.toFixed(0),
    ]);
    console.log(`\nSynthesis benchmark: construct + App.synthYaml(); median of ${describeRuns(rows)}; wall time and the process's CPU time`);
    console.log(`node ${machine.node}, ${machine.cpus} CPUs, 1-min load average ${load}\n`);
    console.log(formatTable([header, ...body]));
    console.log('\nours split (median CPU ms): ' + rows.map((r) => `${r.size}: ${oursSplit(r.ours)}`).join('; '));
    const byRun = rows.flatMap((r) => (r.cdk8sPlus === undefined ? [] : [`${r.size}: ${runByRunRatios(r.ours, r.cdk8sPlus)}`]));
    if (byRun.length > 0) {
      console.log(`ours / cdk8s-plus run by run (CPU; V8 is still compiling the library in the first runs): ${byRun.join('; ')}`);
    }
    console.log('floor split (median): ' + rows.map((r) => `${r.size}: JSON ${r.floor.partsMs.json.toFixed(1)} + YAML ${r.floor.partsMs.yaml.toFixed(1)} ms (cdk8s's YAML: ${r.floor.partsMs.cdk8sYaml.toFixed(1)} ms)`).join('; '));
    console.log('least any cdk8s app that checks each object against its schema pays (median CPU ms: the YAML, an ApiObject per object, the schema checks): ' +
      rows.map((r) => {
        const least = leastCdk8sCpuMs(r.floor);
        return `${r.size}: ${least.toFixed(1)} ms, ${(least / r.floor.medianCpuMs).toFixed(1)}× the floor; ours ${(r.ours.medianCpuMs / least).toFixed(1)}× it`;
      }).join('; '));
    console.log('(floor RSS includes the untimed synth that produced its objects)');
  }
  if (cli !== undefined) {
    printCliReport(cli);
  }
  printDeployReport(machine, load, deploy);
  console.log('');
  for (const check of checks) {
    console.log(`${check.pass ? 'PASS' : 'FAIL'}  ${check.name}: ${check.detail}`);
  }
}

function printCliReport(cli: CliCaseResult): void {
  console.log(`\nCLI benchmark (in-process runCli, median of the runs listed; peak RSS ${cli.peakRssMb.toFixed(0)} MB, the dists' synthesis included)\n`);
  const header = ['command', 'services', 'median ms', 'runs ms', 'output bytes', 'exit'];
  const body = [cli.plan, ...cli.graph].map((t) => [
    t.command === 'plan' ? 'plan <before> <after>' : 'graph <dist>',
    String(t.size),
    t.medianMs.toFixed(0),
    t.runsMs.map((ms) => ms.toFixed(0)).join(', '),
    String(t.outputBytes),
    String(t.exitCode),
  ]);
  console.log(formatTable([header, ...body]));
}

function printDeployReport(machine: Machine, load: string, deploy: DeploySection): void {
  console.log(`\nDeploy benchmark: deployRelease (parallelism ${DEPLOY_PARALLELISM}) vs the floor \`kubectl apply --server-side -f <dir>\` of the same objects; local control plane, kwok nodes`);
  if (deploy.rows.length === 0) {
    console.log(deploy.note ?? 'no sizes');
    return;
  }
  console.log(`median of ${deploy.rows.map((r) => `${r.result.runs.length} run${r.result.runs.length === 1 ? '' : 's'} @${r.size}`).join(', ')}; node ${machine.node}, ${machine.cpus} CPUs, 1-min load average ${load}\n`);
  const s = secondsText;
  const header = ['services', 'objects', 'floor s', 'ours s', 'waits s', 'ours−waits s', '(ours−waits)/floor', 'ours/floor', 'planning s', '2nd release s', '2nd/1st', '2nd−waits/1st−waits', 'RSS ours MB', 'RSS floor kubectl MB'];
  const body = deploy.rows.map(({ size, result, median: m }) => {
    const rss = result.runs.map((r) => r.floorKubectlRssMb).filter((v): v is number => v !== undefined);
    return [
      String(size),
      String(result.objects),
      s(m.floorMs),
      s(m.totalMs),
      s(m.gateMs + m.pointerCheckMs),
      s(m.withoutWaitsMs),
      (m.withoutWaitsMs / m.floorMs).toFixed(1),
      (m.totalMs / m.floorMs).toFixed(1),
      s(m.planMs),
      s(m.secondTotalMs),
      `${(100 * m.secondTotalMs / m.totalMs).toFixed(0)}%`,
      `${(100 * m.secondWithoutWaitsMs / m.withoutWaitsMs).toFixed(0)}%`,
      result.peakRssMb.toFixed(0),
      rss.length === 0 ? '-' : Math.max(...rss).toFixed(0),
    ];
  });
  console.log(formatTable([header, ...body]));
  console.log('(waits: health gates + pointer check; RSS ours: the child process, synthesis of both releases included)');
  for (const { size, result } of deploy.rows) {
    const list = (value: (run: DeployRun) => number) => result.runs.map((r) => s(value(r))).join(', ');
    console.log(`runs @${size}: floor ${list((r) => r.floorMs)} s; ours ${list((r) => r.first.totalMs)} s, without waits ${list((r) => r.first.withoutWaitsMs)} s; 2nd release ${list((r) => r.second.totalMs)} s`);
  }
  for (const row of deploy.rows) {
    const run = medianRun(row);
    const f = run.first;
    console.log(`\n${row.size} services, run ${row.result.runs.indexOf(run) + 1} (${run.order}): first deploy ${timeSplit(f)}; floor ${s(run.floorMs)} s`);
    console.log(`second release ${timeSplit(run.second)}`);
    console.log('API requests of the first deploy | of the second release:');
    console.log(formatTable(callsTable(f.calls, run.second.calls)));
    const byName = run.second.calls.find((c) => c.purpose === 'get synthesis objects by name');
    if (byName !== undefined) {
      console.log(`planning reads by name: ${byName.objects} objects in ${byName.calls} requests, ${s(byName.ms)} s in the second release; listing the app's 5 types in the namespace once each instead: ${s(run.listPerTypeMs)} s`);
    }
    const o = run.second.objects;
    const app = run.secondClusterChanges.filter((c) => !c.startsWith('ConfigMap/immutable-infra-releases-'));
    console.log(`second release (${CHANGED_SERVICE}'s config changed): ${o.created} created, ${o.updated} updated, ${o.deleted} deleted, ${o.kept} kept, ${o.unchanged} unchanged (not sent), ${o.reapplied} re-applied unchanged; touched: ${run.second.touched.map(shortIdentity).join(', ') || 'none'}`);
    console.log(`  in the cluster (resourceVersion): ${app.join(', ') || 'nothing'}${app.length < run.secondClusterChanges.length ? ' (+ the release history ConfigMap)' : ''}`);
  }
  if (deploy.note !== undefined) {
    console.log(`\n${deploy.note}`);
  }
}

/** Where a deploy's time went: planning, each step, and the waits inside them. */
function timeSplit(t: Timeline): string {
  const s = secondsText;
  const steps = Object.entries(t.stepsMs).map(([step, ms]) => `${step} ${s(ms)}`).join(' + ');
  return `${s(t.totalMs)} s = planning ${s(t.planMs)} + ${steps} s; gate ${s(t.gateMs)} s, pointer check ${s(t.pointerCheckMs)} s`;
}

/** Milliseconds as seconds with one decimal. */
function secondsText(ms: number): string {
  return (ms / 1000).toFixed(1);
}

/** The run whose first deploy took the median time (the lower one for an even count). */
function medianRun(row: DeployRow): DeployRun {
  const sorted = [...row.result.runs].sort((a, b) => a.first.totalMs - b.first.totalMs);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/** Rows of API requests by purpose, first deploy and second release side by side. */
function callsTable(first: readonly CallSummary[], second: readonly CallSummary[]): string[][] {
  const purposes = [...new Set([...first, ...second].map((c) => c.purpose))];
  const cells = (c: CallSummary | undefined) => (c === undefined ? ['-', '-', '-'] : [String(c.calls), String(c.objects), (c.ms / 1000).toFixed(1)]);
  return [
    ['purpose', 'requests', 'objects', 'Σ s', '2nd requests', '2nd objects', '2nd Σ s'],
    ...purposes.map((p) => [p, ...cells(first.find((c) => c.purpose === p)), ...cells(second.find((c) => c.purpose === p))]),
  ];
}

/** `group/kind/namespace/name` without the namespace (one namespace per run). */
function shortIdentity(identity: string): string {
  const parts = identity.split('/');
  return `${parts[parts.length - 3]}/${parts[parts.length - 1]}`;
}

/** The object count, flagged when the two builders do not emit the same number. */
function objectsCell(row: SizeRow): string {
  const plus = row.cdk8sPlus?.objects ?? row.ours.objects;
  return row.ours.objects === plus ? String(row.ours.objects) : `${row.ours.objects} (plus: ${plus})`;
}

/** What any cdk8s app that checks each object against its schema pays at least, median CPU ms: the YAML, an `ApiObject` per object, the schema checks. */
function leastCdk8sCpuMs(floor: CaseResult): number {
  const { yaml, tree, schema } = floor.partsCpuMs;
  return yaml + tree + schema;
}

/** Our run's phases in CPU time (medians, so they need not add up to the median total), with their shares of the total. */
function oursSplit(ours: CaseResult): string {
  const { construct, synth, validate, render, yaml } = ours.partsCpuMs;
  const part = (name: string, ms: number) => `${name} ${ms.toFixed(1)} (${(100 * ms / ours.medianCpuMs).toFixed(0)}%)`;
  const synthParts = validate === undefined ? part('synth', synth) : [part('validate', validate), part('render', render), part('YAML', yaml)].join(' + ');
  return `${part('construct', construct)} + ${synthParts} ms`;
}

/** `ours`'s CPU time over `baseline`'s, timed run by timed run, in order. */
function runByRunRatios(ours: CaseResult, baseline: CaseResult): string {
  return ours.cpuRunsMs.map((ms, i) => (ms / baseline.cpuRunsMs[i]).toFixed(2)).join(', ');
}

function describeRuns(rows: readonly SizeRow[]): string {
  return rows.map((r) => `${r.ours.runsMs.length} runs @${r.size}`).join(', ');
}

function formatTable(lines: readonly string[][]): string {
  const widths = lines[0].map((_, col) => Math.max(...lines.map((line) => line[col].length)));
  const render = (line: readonly string[]) => line.map((cell, col) => cell.padStart(widths[col])).join('  ');
  return [render(lines[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.slice(1).map(render)].join('\n');
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 0;
});
