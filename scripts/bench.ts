/**
 * Synthesis benchmark (a report, not a test: it always exits 0).
 *
 * What is measured, for apps of 10, 100 and 1,000 services — each service a
 * digest-pinned image, one port, an env-mounted config, a file-mounted secret,
 * autoscaling 2-10 (so also a PodDisruptionBudget) and a readiness probe; 7
 * objects per service, no Namespace object:
 *
 * - ours:       `new Microservice(...)` per service in a namespaced `Chart`,
 *               then `chartYaml` per chart (what our cdk8s entry `synthApp`
 *               writes) — construct + full synth, including every validation
 *               (schema checks, identities) and the YAML dump.
 * - cdk8s-plus: the same object set built with cdk8s-plus-28 L2 constructs
 *               (Deployment, Service, ConfigMap, Secret, ServiceAccount,
 *               HorizontalPodAutoscaler; PDB via its `k8s` L1 export),
 *               construct + cdk8s's `App.synthYaml()`.
 * - floor:      `JSON.stringify` + our YAML writer over the final objects of
 *               our synth: what emitting the same manifests costs at least.
 *               cdk8s's own YAML dump of them is printed beside it.
 *
 * How: every (kind, size) case runs in a fresh child process (this script
 * forked with `--child <kind> <size>`), so the heap is clean
 * and peak RSS (`process.resourceUsage().maxRSS`) is per case. The child warms
 * up by doing the same work for a 10-service app (5 passes: the yaml package
 * needs a few before its per-object cost settles), then times 5 runs (10 and
 * 100 services) or 3 runs (1,000) and reports the median. No GC is forced
 * between runs: a forced full GC was found to slow the next run down 3-5× (lost
 * JIT state), and collecting the previous run's garbage is part of real synth
 * cost anyway. Cases run one after another, never in parallel. Every child runs
 * with the Node flags of the parent, which `npm run bench` starts like our cdk8s
 * entry (`cdk8s.yaml`): `--max-semi-space-size=32`, a larger young generation
 * that cuts scavenging of synth's short-lived objects by about a fifth.
 *
 * Usage: npm run bench [-- --json] [-- --sizes=10,100]
 */
import { fork } from 'child_process';
import { cpus, loadavg } from 'os';
import { CaseKind, CaseResult, runCase } from './bench/measure';

const DEFAULT_SIZES = [10, 100, 1000];
const KINDS: readonly CaseKind[] = ['ours', 'cdk8s-plus', 'floor'];

/** Targets checked at the end. */
const TARGET_MS_AT_1000 = 1500;
const MAX_RATIO_TO_BASELINE = 1.0;
const MAX_GROWTH_100_TO_1000 = 11;

/** The results of one app size, all three kinds. */
interface SizeRow {
  readonly size: number;
  readonly ours: CaseResult;
  readonly cdk8sPlus: CaseResult;
  readonly floor: CaseResult;
}

interface Check {
  readonly name: string;
  readonly pass: boolean;
  readonly detail: string;
}

async function main(argv: readonly string[]): Promise<void> {
  const childAt = argv.indexOf('--child');
  if (childAt >= 0) {
    runChild(argv[childAt + 1] as CaseKind, Number(argv[childAt + 2]));
    return;
  }
  const sizes = parseSizes(argv);
  const json = argv.includes('--json');
  const loadBefore = loadavg()[0];
  const rows: SizeRow[] = [];
  for (const size of sizes) {
    if (!json) {
      process.stderr.write(`measuring ${size} services…\n`);
    }
    const [ours, cdk8sPlus, floor] = await sequentially(KINDS.map((kind) => () => forkCase(kind, size)));
    rows.push({ size, ours, cdk8sPlus, floor });
  }
  const checks = evaluate(rows);
  const machine = { node: process.version, cpus: cpus().length, loadAverage1m: { before: loadBefore, after: loadavg()[0] } };
  if (json) {
    process.stdout.write(`${JSON.stringify({ machine, rows, checks }, null, 2)}\n`);
  } else {
    printReport(machine, rows, checks);
  }
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

function parseSizes(argv: readonly string[]): number[] {
  const flag = argv.find((a) => a.startsWith('--sizes='));
  if (flag === undefined) {
    return DEFAULT_SIZES;
  }
  const sizes = flag.slice('--sizes='.length).split(',').map(Number);
  if (sizes.some((s) => !Number.isInteger(s) || s < 1)) {
    throw new Error(`--sizes takes positive whole numbers, got '${flag}'`);
  }
  return sizes;
}

/** The target checks; a check whose sizes were not measured is left out. */
function evaluate(rows: readonly SizeRow[]): Check[] {
  const checks: Check[] = [];
  const at = (size: number) => rows.find((r) => r.size === size);
  const largest = at(1000);
  if (largest !== undefined) {
    const ms = largest.ours.medianMs;
    checks.push({
      name: `1,000 services synthesize in ≤ ${TARGET_MS_AT_1000} ms`,
      pass: ms <= TARGET_MS_AT_1000,
      detail: `${ms.toFixed(0)} ms`,
    });
  }
  for (const row of rows) {
    const ratio = row.ours.medianMs / row.cdk8sPlus.medianMs;
    checks.push({
      name: `${row.size} services: ours not slower than cdk8s-plus (ratio ≤ ${MAX_RATIO_TO_BASELINE.toFixed(1)})`,
      pass: ratio <= MAX_RATIO_TO_BASELINE,
      detail: `${ratio.toFixed(2)}× (${row.ours.medianMs.toFixed(1)} vs ${row.cdk8sPlus.medianMs.toFixed(1)} ms)`,
    });
  }
  const hundred = at(100);
  if (hundred !== undefined && largest !== undefined) {
    const growth = largest.ours.medianMs / hundred.ours.medianMs;
    checks.push({
      name: `linear growth: t(1000) ≤ ${MAX_GROWTH_100_TO_1000} × t(100)`,
      pass: growth <= MAX_GROWTH_100_TO_1000,
      detail: `${growth.toFixed(2)}×`,
    });
  }
  return checks;
}

/** Where the benchmark ran: other load on the machine inflates every number. */
interface Machine {
  readonly node: string;
  readonly cpus: number;
  readonly loadAverage1m: { readonly before: number; readonly after: number };
}

function printReport(machine: Machine, rows: readonly SizeRow[], checks: readonly Check[]): void {
  const header = ['services', 'objects', 'ours ms', 'cdk8s-plus ms', 'floor ms', 'ours/plus', 'ours/floor', 'RSS ours MB', 'RSS plus MB', 'RSS floor MB'];
  const body = rows.map((r) => [
    String(r.size),
    objectsCell(r),
    r.ours.medianMs.toFixed(1),
    r.cdk8sPlus.medianMs.toFixed(1),
    r.floor.medianMs.toFixed(1),
    (r.ours.medianMs / r.cdk8sPlus.medianMs).toFixed(2),
    (r.ours.medianMs / r.floor.medianMs).toFixed(1),
    r.ours.peakRssMb.toFixed(0),
    r.cdk8sPlus.peakRssMb.toFixed(0),
    r.floor.peakRssMb.toFixed(0),
  ]);
  const load = `${machine.loadAverage1m.before.toFixed(1)} → ${machine.loadAverage1m.after.toFixed(1)}`;
  console.log(`\nSynthesis benchmark: construct + App.synthYaml(); median of ${describeRuns(rows)}`);
  console.log(`node ${machine.node}, ${machine.cpus} CPUs, 1-min load average ${load}\n`);
  console.log(formatTable([header, ...body]));
  console.log('\nours split (median): ' + rows.map((r) => `${r.size}: construct ${r.ours.partsMs.construct.toFixed(1)} + synth ${r.ours.partsMs.synth.toFixed(1)} ms`).join('; '));
  console.log('floor split (median): ' + rows.map((r) => `${r.size}: JSON ${r.floor.partsMs.json.toFixed(1)} + YAML ${r.floor.partsMs.yaml.toFixed(1)} ms (cdk8s's YAML: ${r.floor.partsMs.cdk8sYaml.toFixed(1)} ms)`).join('; '));
  console.log('(floor RSS includes the untimed synth that produced its objects)\n');
  for (const check of checks) {
    console.log(`${check.pass ? 'PASS' : 'FAIL'}  ${check.name}: ${check.detail}`);
  }
}

/** The object count, flagged when the two builders do not emit the same number. */
function objectsCell(row: SizeRow): string {
  return row.ours.objects === row.cdk8sPlus.objects ? String(row.ours.objects) : `${row.ours.objects} (plus: ${row.cdk8sPlus.objects})`;
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
