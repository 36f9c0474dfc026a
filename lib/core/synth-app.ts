import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { ApiObject, App, Chart, Names } from 'cdk8s';
import { IConstruct } from 'constructs';
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
  try {
    return synthesizedChart(chart);
  } catch (error) {
    const problems = validationProblems(App.of(chart));
    if (problems.length > 0) {
      throw new SynthValidationError(problems);
    }
    throw error;
  }
}

/** What the validations of every construct under `root` report, in tree order. */
function validationProblems(root: IConstruct): SynthProblem[] {
  return root.node.findAll().flatMap((construct) => construct.node.validate().map((message) => ({ construct, message })));
}

/**
 * What `chart.toJson()` returns (cdk8s 2.70's `App._synthChart`: resolve the
 * app's dependencies, validate every construct of the app, render the
 * chart's objects in dependency order), walking the app once: see
 * {@link validateApp} and {@link renderChart}.
 */
function synthesizedChart(chart: Chart): Manifest[] {
  const constructs = App.of(chart).node.findAll();
  if (!rendersInTreeOrder(chart, constructs)) {
    return chart.toJson() as Manifest[];
  }
  assertValid(constructs);
  return renderInTreeOrder(chart, constructs);
}

/**
 * Runs the validation of every construct of the app, as cdk8s's synthesis
 * does before rendering a chart.
 *
 * @throws Error with cdk8s's message (`chartManifests` turns it into a SynthValidationError)
 * @internal
 */
export function validateApp(app: IConstruct): void {
  assertValid(app.node.findAll());
}

/** The validation of these constructs (an app's, in pre-order), as cdk8s runs it. */
function assertValid(constructs: readonly IConstruct[]): void {
  const errors: string[] = [];
  for (const construct of constructs) {
    for (const error of construct.node.validate()) {
      errors.push(`[${construct.node.path}] ${error}`);
    }
  }
  if (errors.length > 0) {
    throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
  }
}

/**
 * The chart's objects rendered (`toJson()`) in cdk8s's order, without
 * validating the app: for a chart that {@link rendersInTreeOrder}, its own
 * objects in the tree's pre-order; otherwise cdk8s's `chart.toJson()`, which
 * validates too.
 *
 * @internal
 */
export function renderChart(chart: Chart): Manifest[] {
  const constructs = App.of(chart).node.findAll();
  return rendersInTreeOrder(chart, constructs) ? renderInTreeOrder(chart, constructs) : chart.toJson() as Manifest[];
}

/** The chart's own objects, rendered in pre-order, picked from the app's constructs (in pre-order: the chart's come in its own pre-order). */
function renderInTreeOrder(chart: Chart, appConstructs: readonly IConstruct[]): Manifest[] {
  const objects = appConstructs.filter((c): c is ApiObject => ApiObject.isApiObject(c) && Chart.of(c) === chart);
  return objects.map((object) => object.toJson() as Manifest);
}

/**
 * Whether cdk8s renders the chart's objects in tree order: its dependency
 * graph of the chart, sorted, is the tree's pre-order when nothing in the
 * app depends on anything and no chart is directly inside another (which
 * cdk8s turns into dependencies); and the chart's class keeps cdk8s's `toJson`.
 */
function rendersInTreeOrder(chart: Chart, appConstructs: readonly IConstruct[]): boolean {
  return chart.toJson === Chart.prototype.toJson && hasTreeOrder(appConstructs);
}

/**
 * Whether cdk8s's dependency order of these constructs (an app's, in
 * pre-order) is their tree order: no construct depends on another, and no
 * chart is a direct child of a chart.
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
 * every validation `app.synth()` runs.
 *
 * @returns the paths written, in chart order
 */
export function synthApp(app: App, outdir: string = app.outdir): string[] {
  mkdirSync(outdir, { recursive: true });
  return appCharts(app).map((chart) => {
    const file = join(outdir, `${Names.toDnsLabel(chart)}${app.outputFileExtension}`);
    writeFileSync(file, chartYaml(chart));
    return file;
  });
}
