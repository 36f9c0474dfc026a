/**
 * The command line section of the benchmark, run inside a fresh child
 * process: `plan` of two dists of the synthesis benchmark's app that differ
 * in one service's config, and `graph` (SVG, laid out with dagre) of dists of
 * two sizes, so the growth of the layout shows. Each command runs in-process
 * through `runCli` (no process start, no TypeScript compilation), its output
 * captured; warmed up on 10-service dists first, then the median of 3 runs
 * (below 1,000 services) or one run.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { performance } from 'perf_hooks';
import { chartYaml } from '../../lib/internal';
import { runCli } from '../../lib/release/cli/run-cli';
import { buildApp, serviceSpecs, ServiceSpec } from './apps';
import { withChangedConfig } from './deploy-app';
import { median } from './measure';

/** The CLI section's sizes: plan at one size, graph at two. */
export interface CliSizes {
  readonly plan: number;
  readonly graph: readonly [number, number];
}

/** One timed command. */
export interface CliTiming {
  readonly command: string;
  readonly size: number;
  readonly runsMs: readonly number[];
  readonly medianMs: number;
  /** Bytes the command printed. */
  readonly outputBytes: number;
  readonly exitCode: number;
}

/** The CLI section's result. */
export interface CliCaseResult {
  readonly plan: CliTiming;
  readonly graph: readonly CliTiming[];
  /** Peak resident set size of the child process, MB (the dists' synthesis included). */
  readonly peakRssMb: number;
}

const WARM_UP_SIZE = 10;
const WARM_UP_PASSES = 2;

/** Timed runs of a command on a dist of `size` services. */
function runsFor(size: number): number {
  return size >= 1000 ? 1 : 3;
}

/** Writes the dists, times the commands, removes the dists. */
export async function runCliCase(sizes: CliSizes): Promise<CliCaseResult> {
  const root = mkdtempSync(join(tmpdir(), 'bench-cli-'));
  try {
    const warmBefore = writeDist(root, 'warm-before', serviceSpecs(WARM_UP_SIZE));
    const warmAfter = writeDist(root, 'warm-after', withChangedConfig(serviceSpecs(WARM_UP_SIZE)));
    for (let i = 0; i < WARM_UP_PASSES; i++) {
      await timeCommand(['plan', warmBefore, warmAfter], WARM_UP_SIZE, 1);
      await timeCommand(['graph', warmBefore], WARM_UP_SIZE, 1);
    }
    const specs = serviceSpecs(sizes.plan);
    const before = writeDist(root, 'before', specs);
    const after = writeDist(root, 'after', withChangedConfig(specs));
    const plan = await timeCommand(['plan', before, after], sizes.plan, runsFor(sizes.plan));
    const graph: CliTiming[] = [];
    for (const size of sizes.graph) {
      const dist = size === sizes.plan ? before : writeDist(root, `graph-${size}`, serviceSpecs(size));
      graph.push(await timeCommand(['graph', dist], size, runsFor(size)));
    }
    return { plan, graph, peakRssMb: process.resourceUsage().maxRSS / 1024 };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Synthesizes our app of `specs` into `<root>/<name>/bench.k8s.yaml`. */
function writeDist(root: string, name: string, specs: readonly ServiceSpec[]): string {
  const dir = join(root, name);
  const app = buildApp('ours', specs);
  mkdirSync(dir);
  writeFileSync(join(dir, 'bench.k8s.yaml'), app.charts.map(chartYaml).join('---\n'));
  return dir;
}

/** Runs `immutable-infra <argv>` in-process `runs` times. */
async function timeCommand(argv: readonly string[], size: number, runs: number): Promise<CliTiming> {
  const runsMs: number[] = [];
  let outputBytes = 0;
  let exitCode = 0;
  for (let i = 0; i < runs; i++) {
    let bytes = 0;
    const io = {
      stdout: { write: (text: string) => (bytes += Buffer.byteLength(text)) },
      stderr: { write: (text: string) => (bytes += Buffer.byteLength(text)) },
      env: { NO_COLOR: '1' },
    };
    const start = performance.now();
    exitCode = await runCli(argv, io);
    runsMs.push(performance.now() - start);
    outputBytes = bytes;
  }
  return { command: argv[0], size, runsMs, medianMs: median(runsMs), outputBytes, exitCode };
}
