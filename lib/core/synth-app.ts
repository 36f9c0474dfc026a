import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { App, Chart, Names } from 'cdk8s';
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
    return chart.toJson() as Manifest[];
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
  return app.charts.map((chart) => {
    const file = join(outdir, `${Names.toDnsLabel(chart)}${app.outputFileExtension}`);
    writeFileSync(file, chartYaml(chart));
    return file;
  });
}
