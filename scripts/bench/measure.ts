/**
 * One benchmark case, run inside a fresh child process: warm up, then time a
 * few runs and report their median plus the process's peak RSS.
 */
import { performance } from 'perf_hooks';
import { ApiObject, App, Chart } from 'cdk8s';
import * as YAML from 'yaml';
import { appCharts, renderChart, schemaErrors, toYaml, validateApp } from '../../lib/internal';
import { AppKind, buildApp, serviceSpecs, ServiceSpec } from './apps';

/** What a child process measures. */
export type CaseKind = AppKind | 'floor';

/** The result of one case. */
export interface CaseResult {
  readonly kind: CaseKind;
  readonly size: number;
  /** Objects in the synthesized output. */
  readonly objects: number;
  /** Wall time of each timed run, ms. */
  readonly runsMs: readonly number[];
  /** Median of `runsMs`. */
  readonly medianMs: number;
  /** Median of the parts of a run, ms (construct + synth, or JSON + YAML for the floor). */
  readonly partsMs: Readonly<Record<string, number>>;
  /**
   * CPU time (user + system) of the process during each timed run, ms: what
   * the run cost, which other load on the machine inflates far less than
   * wall time (it includes V8's helper threads, such as parallel GC).
   */
  readonly cpuRunsMs: readonly number[];
  /** Median of `cpuRunsMs`. */
  readonly medianCpuMs: number;
  /** Median CPU time of the parts of a run, ms, as `partsMs`. */
  readonly partsCpuMs: Readonly<Record<string, number>>;
  /** Peak resident set size of the child process, MB. */
  readonly peakRssMb: number;
}

/**
 * The warm-up before timing: the same work on a 10-service app, a few times
 * over, so module loading, schema compilation and the JIT's first tiers are
 * not charged to the first timed run (yaml's stringify alone needs ~4 passes
 * before its per-object cost settles).
 */
const WARM_UP_SIZE = 10;
const WARM_UP_PASSES = 5;

/** The options cdk8s's `Yaml.stringify` uses (node_modules/cdk8s/lib/yaml.js). */
const CDK8S_YAML_OPTIONS = { keepUndefined: true, lineWidth: 0, version: '1.1' } as const;

/** Timed runs per size: more for the quick sizes, one at 10,000 services. */
export function runsFor(size: number): number {
  if (size >= 10000) {
    return 1;
  }
  return size >= 1000 ? 3 : 5;
}

/** Runs one case and returns its result. */
export function runCase(kind: CaseKind, size: number): CaseResult {
  const measureOnce = kind === 'floor' ? measureFloor : (specs: ServiceSpec[]) => measureSynth(kind, specs);
  const warmUpSpecs = serviceSpecs(WARM_UP_SIZE);
  for (let i = 0; i < WARM_UP_PASSES; i++) {
    measureOnce(warmUpSpecs);
  }
  const specs = serviceSpecs(size);
  const runs: RunResult[] = [];
  for (let i = 0; i < runsFor(size); i++) {
    runs.push(measureOnce(specs));
  }
  return {
    kind,
    size,
    objects: runs[0].objects,
    runsMs: runs.map((r) => r.totalMs),
    medianMs: median(runs.map((r) => r.totalMs)),
    partsMs: medianParts(runs, (r) => r.parts),
    cpuRunsMs: runs.map((r) => r.totalCpuMs),
    medianCpuMs: median(runs.map((r) => r.totalCpuMs)),
    partsCpuMs: medianParts(runs, (r) => r.partsCpu),
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

interface RunResult {
  readonly objects: number;
  readonly totalMs: number;
  readonly totalCpuMs: number;
  readonly parts: Record<string, number>;
  readonly partsCpu: Record<string, number>;
}

/** Wall and CPU clocks read together, or the time between two such readings, ms. */
interface Instant {
  readonly wall: number;
  readonly cpu: number;
}

function now(): Instant {
  const { user, system } = process.cpuUsage();
  return { wall: performance.now(), cpu: (user + system) / 1000 };
}

/**
 * A run from its instants: the first starts it, the last ends it, each in
 * between ends the part named before it. `extra` parts are reported, not
 * counted in the total.
 */
function timedRun(objects: number, start: Instant, parts: ReadonlyArray<readonly [string, Instant]>, extra: Record<string, Instant> = {}): RunResult {
  const end = parts[parts.length - 1][1];
  const wall: Record<string, number> = {};
  const cpu: Record<string, number> = {};
  let from = start;
  for (const [name, to] of parts) {
    wall[name] = to.wall - from.wall;
    cpu[name] = to.cpu - from.cpu;
    from = to;
  }
  for (const [name, spent] of Object.entries(extra)) {
    wall[name] = spent.wall;
    cpu[name] = spent.cpu;
  }
  return { objects, totalMs: end.wall - start.wall, totalCpuMs: end.cpu - start.cpu, parts: wall, partsCpu: cpu };
}

/** The time `work` takes, wall and CPU, ms. */
function spent(work: () => void): Instant {
  const from = now();
  work();
  const to = now();
  return { wall: to.wall - from.wall, cpu: to.cpu - from.cpu };
}

/**
 * Construct the app and synthesize it to YAML: dependency resolution, every
 * construct's validations (ours included), topological ordering and
 * `toJson()` of every object, then the YAML dump: ours as `synthApp`, our
 * cdk8s entry, writes it (`chartYaml` of each chart), in its phases —
 * construct, validate (every construct's synth checks, once for the app),
 * render (each object's `toJson()`, with its schema check) and YAML; the
 * baseline through cdk8s's `App.synthYaml()`.
 */
function measureSynth(kind: AppKind, specs: readonly ServiceSpec[]): RunResult {
  const start = now();
  const app = buildApp(kind, specs);
  const built = now();
  if (kind !== 'ours') {
    const yaml = app.synthYaml();
    return timedRun(countDocuments(yaml), start, [['construct', built], ['synth', now()]]);
  }
  const charts = appCharts(app);
  validateApp(app);
  const validated = now();
  const manifests = charts.map(renderChart);
  const rendered = now();
  const yaml = manifests.map(toYaml).join('---\n');
  const end = now();
  const run = timedRun(countDocuments(yaml), start, [['construct', built], ['validate', validated], ['render', rendered], ['yaml', end]]);
  return { ...run, parts: { ...run.parts, synth: end.wall - built.wall }, partsCpu: { ...run.partsCpu, synth: end.cpu - built.cpu } };
}

/**
 * The serialization floor: `JSON.stringify` plus our YAML writer over the
 * final objects of our synth (made untimed beforehand). Reported beside it,
 * not in the total: cdk8s's YAML dump of the same objects (`cdk8sYaml`), and
 * what any cdk8s app that checks each object against its schema pays on top
 * of the YAML, however it builds them: a construct (`ApiObject`) per object
 * in one chart (`tree`) and the schema check of each (`schema`).
 */
function measureFloor(specs: readonly ServiceSpec[]): RunResult {
  const objects = buildApp('ours', specs).charts.flatMap((chart) => chart.toJson());
  const start = now();
  JSON.stringify(objects);
  const jsonDone = now();
  toYaml(objects);
  const end = now();
  const cdk8sYaml = spent(() => objects.map((o) => YAML.stringify(o, CDK8S_YAML_OPTIONS)).join('---\n'));
  const tree = spent(() => {
    const chart = new Chart(new App(), 'objects');
    objects.forEach((object, i) => new ApiObject(chart, String(i), object));
  });
  const schema = spent(() => objects.forEach((object) => schemaErrors(object)));
  return timedRun(objects.length, start, [['json', jsonDone], ['yaml', end]], { cdk8sYaml, tree, schema });
}

/** Documents in a cdk8s multi-document YAML string. */
function countDocuments(yaml: string): number {
  return yaml.split('\n').filter((line) => line === '---').length + 1;
}

function medianParts(runs: readonly RunResult[], partsOf: (run: RunResult) => Record<string, number>): Record<string, number> {
  const parts: Record<string, number> = {};
  for (const key of Object.keys(partsOf(runs[0]))) {
    parts[key] = median(runs.map((r) => partsOf(r)[key]));
  }
  return parts;
}

/** The median of some numbers (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
