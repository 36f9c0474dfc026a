import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { App, Chart, Names } from 'cdk8s';
import { IConstruct } from 'constructs';
import { AppObjects, validatingApp } from './app-objects';
import { Manifest } from './manifest-schema';
import { SynthValidationError, SynthProblem } from './synth-validation-error';
import { toYaml } from './yaml';

/**
 * The manifests of one chart, validated and in dependency order.
 *
 * @throws SynthValidationError listing every problem the constructs' validations report
 * @internal
 */
export function chartManifests(chart: Chart): Manifest[] {
  return chartsManifests([chart])[0];
}

/**
 * The manifests of each chart, as {@link chartManifests} makes them, with
 * each app walked and validated once for all its charts. cdk8s validates
 * the whole app again for every chart it synthesizes, and each chart's own
 * checks look at the whole app, so synthesizing an app chart by chart takes
 * time that grows with the square of its charts; the validations give the
 * same answer every time.
 *
 * @throws SynthValidationError listing every problem the constructs' validations report
 * @internal
 */
export function chartsManifests(charts: readonly Chart[]): Manifest[][] {
  const walks = new Map<IConstruct, AppWalk>();
  return charts.map((chart) => {
    const app = App.of(chart);
    try {
      let walk = walks.get(app);
      if (walk === undefined) {
        walk = new AppWalk(app);
        walks.set(app, walk);
      }
      return walk.manifestsOf(chart);
    } catch (error) {
      const problems = validationProblems(app);
      if (problems.length > 0) {
        throw new SynthValidationError(problems);
      }
      throw error;
    }
  });
}

/**
 * What `chart.toJson()` returns (cdk8s 2.70's `App._synthChart`: resolve the
 * app's dependencies, validate every construct of the app, render the
 * chart's objects in dependency order) for the charts of one app, from one
 * walk of it: the app is validated once, before the first chart whose
 * objects it renders itself, and every chart takes its objects from the walk.
 */
class AppWalk {
  private readonly constructs: readonly IConstruct[];
  /** Whether cdk8s's dependency order of the app's objects is their tree order ({@link hasTreeOrder}). */
  private readonly treeOrder: boolean;
  /** The app's objects, from the walk. */
  private readonly objects: () => AppObjects;
  private validated = false;

  constructor(private readonly app: IConstruct) {
    this.constructs = app.node.findAll();
    this.treeOrder = hasTreeOrder(this.constructs);
    this.objects = objectsOf(this.constructs);
  }

  /** What `chart.toJson()` returns, the app validated first. */
  public manifestsOf(chart: Chart): Manifest[] {
    if (this.rendersInTreeOrder(chart) && !this.validated) {
      assertValid(this.app, this.constructs, this.objects);
      this.validated = true;
    }
    return this.render(chart);
  }

  /**
   * The chart's objects rendered in cdk8s's order, without validating the
   * app: its own objects in the tree's pre-order when cdk8s renders them in
   * that order; otherwise cdk8s's `chart.toJson()`, which validates too.
   */
  public render(chart: Chart): Manifest[] {
    if (!this.rendersInTreeOrder(chart)) {
      return chart.toJson() as Manifest[];
    }
    return this.objects().of(chart).map((object) => object.toJson() as Manifest);
  }

  /** Whether cdk8s renders the chart's objects in tree order: the app's order is, and the chart's class keeps cdk8s's `toJson`. */
  private rendersInTreeOrder(chart: Chart): boolean {
    return this.treeOrder && chart.toJson === Chart.prototype.toJson;
  }
}

/** What the validations of every construct of the app report, in tree order, in one pass ({@link validatingApp}). */
function validationProblems(app: IConstruct): SynthProblem[] {
  const constructs = app.node.findAll();
  const problemsOf = (construct: IConstruct) => construct.node.validate().map((message) => ({ construct, message }));
  return validatingApp(app, objectsOf(constructs), () => constructs.flatMap(problemsOf));
}

/**
 * Runs the validation of every construct of the app, as cdk8s's synthesis
 * does before rendering a chart.
 *
 * @throws Error with cdk8s's message (`chartManifests` turns it into a SynthValidationError)
 * @internal
 */
export function validateApp(app: IConstruct): void {
  const constructs = app.node.findAll();
  assertValid(app, constructs, objectsOf(constructs));
}

/** The app's objects from these constructs, made when first asked for. */
function objectsOf(constructs: readonly IConstruct[]): () => AppObjects {
  let objects: AppObjects | undefined;
  return () => (objects ??= new AppObjects(constructs));
}

/** The validation of the app's constructs (in pre-order), as cdk8s runs it, in one pass ({@link validatingApp}). */
function assertValid(app: IConstruct, constructs: readonly IConstruct[], objects: () => AppObjects): void {
  const errors: string[] = [];
  validatingApp(app, objects, () => {
    for (const construct of constructs) {
      for (const error of construct.node.validate()) {
        errors.push(`[${construct.node.path}] ${error}`);
      }
    }
  });
  if (errors.length > 0) {
    throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
  }
}

/**
 * The chart's objects rendered (`toJson()`) in cdk8s's order, without
 * validating the app: see {@link AppWalk.render}.
 *
 * @internal
 */
export function renderChart(chart: Chart): Manifest[] {
  return new AppWalk(App.of(chart)).render(chart);
}

/**
 * Whether cdk8s's dependency order of these constructs (an app's, in
 * pre-order) is their tree order: its dependency graph, sorted, is the
 * tree's pre-order when no construct depends on another and no chart is a
 * direct child of a chart (which cdk8s turns into a dependency).
 */
function hasTreeOrder(constructs: readonly IConstruct[]): boolean {
  const inChart = (construct: IConstruct) => construct.node.scope !== undefined && Chart.isChart(construct.node.scope);
  return constructs.every((construct) => construct.node.dependencies.length === 0 && !(Chart.isChart(construct) && inChart(construct)));
}

/**
 * The app's charts in the order of cdk8s's `app.charts` (a dependency
 * graph of the whole app, sorted), in one walk when the app has no
 * dependencies: then cdk8s's order is its graph's vertices in the order of
 * a plain object keyed by construct path, which is pre-order except that a
 * path that is an array index (a top-level id such as `'0'`) comes first,
 * in numeric order.
 *
 * @internal
 */
export function appCharts(app: App): Chart[] {
  const constructs = app.node.findAll();
  if (!hasTreeOrder(constructs)) {
    return app.charts;
  }
  const charts = constructs.filter(Chart.isChart);
  const indexed = charts.filter((chart) => isArrayIndex(chart.node.path)).sort((a, b) => Number(a.node.path) - Number(b.node.path));
  return [...indexed, ...charts.filter((chart) => !isArrayIndex(chart.node.path))];
}

/** Whether an object key is an array index, which JavaScript orders before every other key. */
function isArrayIndex(key: string): boolean {
  return /^(?:0|[1-9]\d*)$/.test(key) && Number(key) < 2 ** 32 - 1;
}

/**
 * The multi-document YAML of one chart.
 *
 * @internal
 */
export function chartYaml(chart: Chart): string {
  return toYaml(chartManifests(chart));
}

/**
 * Synthesizes every chart of the app to `<outdir>/<chart>.k8s.yaml`, like
 * `app.synth()` but with the library's fast, deterministic YAML writer. Runs
 * every validation `app.synth()` runs, once (see {@link chartsManifests}),
 * and writes no file when one fails.
 *
 * @returns the paths written, in chart order
 */
export function synthApp(app: App, outdir: string = app.outdir): string[] {
  const charts = appCharts(app);
  const manifests = chartsManifests(charts);
  mkdirSync(outdir, { recursive: true });
  return charts.map((chart, i) => {
    const file = join(outdir, `${Names.toDnsLabel(chart)}${app.outputFileExtension}`);
    writeFileSync(file, toYaml(manifests[i]));
    return file;
  });
}
