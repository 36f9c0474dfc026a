import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { App, Chart, Names } from 'cdk8s';
import { Manifest } from './manifest-schema';
import { toYaml } from './yaml';

/** The manifests of one chart, validated and in dependency order. */
export function chartManifests(chart: Chart): Manifest[] {
  return chart.toJson() as Manifest[];
}

/** The multi-document YAML of one chart. */
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
