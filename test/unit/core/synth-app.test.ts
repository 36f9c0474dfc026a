import { existsSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { GatewayRoutingChart, InventoryChart } from '../../../examples/gateway-routing';
import { HelloServiceChart } from '../../../examples/hello-service';
import { MESH_SCENARIOS, MeshTrafficChart } from '../../../examples/mesh-traffic';
import { TwoRevisionsChart } from '../../../examples/two-revisions';
import { SynthValidationError, synthApp } from '../../../lib';
import { appCharts, chartManifests, chartYaml, validateManifestsAtSynth } from '../../../lib/internal';
import { everyContentAddressedKind } from '../../escape-hatch-stack';
import { validationErrorOf } from '../../fixtures';

/** A chart's objects as exact JSON text, key order and object order included. */
function text(manifests: readonly unknown[]): string[] {
  return manifests.map((m) => JSON.stringify(m));
}

/** A chart of plain objects named `a`, `b` … in the order given. */
function objectsChart(scope: Construct, id: string, names: readonly string[]): Chart {
  const chart = new Chart(scope, id, { namespace: 'ns' });
  for (const name of names) {
    new ApiObject(chart, name, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { name } });
  }
  return chart;
}

/** The paths of charts, to compare two orders. */
function paths(charts: readonly Chart[]): string[] {
  return charts.map((c) => c.node.path);
}

describe('synthesis of a chart in one walk of the app', () => {
  const charts: Array<[string, () => Chart]> = [
    ['hello-service', () => new HelloServiceChart(new App(), 'hello')],
    ['two-revisions', () => new TwoRevisionsChart(new App(), 'two')],
    ...MESH_SCENARIOS.map((scenario): [string, () => Chart] => [
      `mesh-traffic ${scenario}`,
      () => new MeshTrafficChart(new App(), 'mesh', { mesh: 'istio', scenario }),
    ]),
    ['gateway-routing, two charts', () => {
      const app = new App();
      return new GatewayRoutingChart(app, 'edge', { inventory: new InventoryChart(app, 'inventory').inventory });
    }],
    ['every content-addressed kind', () => everyContentAddressedKind()],
  ];

  test.each(charts)('%s: the same objects in the same order, byte for byte, as cdk8s\'s chart.toJson()', (_name, make) => {
    const chart = make();
    const ours = text(chartManifests(chart));
    expect(ours.length).toBeGreaterThan(0);
    expect(ours).toEqual(text(chart.toJson()));
  });

  test('an object that depends on a later one comes after it, as cdk8s orders them', () => {
    const chart = objectsChart(new App(), 'deps', ['a', 'b', 'c']);
    const [a, , c] = chart.node.children as ApiObject[];
    a.addDependency(c);
    const names = chartManifests(chart).map((m) => m.metadata.name);
    expect(names).toEqual(['c', 'a', 'b']);
    expect(names).toEqual(chart.toJson().map((m: { metadata: { name: string } }) => m.metadata.name));
  });

  test('a chart inside a chart: each renders its own objects, as cdk8s does', () => {
    const app = new App();
    const outer = objectsChart(app, 'outer', ['a', 'b']);
    const inner = objectsChart(outer, 'inner', ['c']);
    expect(text(chartManifests(outer))).toEqual(text(outer.toJson()));
    expect(text(chartManifests(inner))).toEqual(text(inner.toJson()));
    expect(chartManifests(outer).map((m) => m.metadata.name)).toEqual(['a', 'b']);
  });

  test('a failing validation anywhere in the app is reported with its construct, as before', () => {
    const app = new App();
    const chart = objectsChart(app, 'one', ['a']);
    const other = objectsChart(app, 'two', ['b']);
    other.node.addValidation({ validate: () => ['two is wrong; fix it'] });
    const error = validationErrorOf(() => chartManifests(chart));
    expect(error).toBeInstanceOf(SynthValidationError);
    expect(error.message).toMatch(/two is wrong; fix it/);
    expect(error.path).toBe('two');
  });
});

describe('the charts of an app', () => {
  test('in cdk8s\'s order: top-level ids that are array indexes first, in numeric order, then the rest in tree order', () => {
    // A construct's children are kept in a plain object too: array-index ids first, so '7/3' comes before 'b'.
    const app = new App();
    for (const id of ['b', '10', 'a', '2', '01', '0']) {
      objectsChart(app, id, ['x']);
    }
    const group = new Construct(app, '7');
    objectsChart(group, '3', ['y']);
    expect(paths(appCharts(app))).toEqual(['0', '2', '10', '7/3', 'b', 'a', '01']);
    expect(paths(appCharts(app))).toEqual(paths(app.charts));
  });

  test('with dependencies between charts: cdk8s\'s dependency order', () => {
    const app = new App();
    const first = objectsChart(app, 'first', ['a']);
    const second = objectsChart(app, 'second', ['b']);
    first.addDependency(second);
    expect(paths(appCharts(app))).toEqual(['second', 'first']);
    expect(paths(appCharts(app))).toEqual(paths(app.charts));
  });
});

describe('an app of many charts', () => {
  /** An app of charts `c0` … (one namespace, objects named apart), with a validation on the app that counts its runs. */
  function manyCharts(count: number): { app: App; charts: Chart[]; validations: () => number } {
    const app = new App();
    const charts = Array.from({ length: count }, (_, i) => objectsChart(app, `c${i}`, [`a${i}`, `b${i}`]));
    charts.forEach(validateManifestsAtSynth);
    let runs = 0;
    app.node.addValidation({ validate: () => { runs++; return []; } });
    return { app, charts, validations: () => runs };
  }

  test('synthApp validates the app once, and writes each chart byte for byte as chartYaml and cdk8s render it', () => {
    const apps = [manyCharts(4), manyCharts(4)];
    const outdir = mkdtempSync(join(tmpdir(), 'synth-app-'));
    try {
      const walks = jest.spyOn(apps[0].app.node, 'findAll');
      const files = synthApp(apps[0].app, outdir);
      expect(apps[0].validations()).toBe(1);
      // the charts' order, and the synthesis (whose walk the charts' own checks share), however many charts
      expect(walks).toHaveBeenCalledTimes(2);
      expect(files.map((f) => f.slice(outdir.length + 1))).toEqual(['c0.k8s.yaml', 'c1.k8s.yaml', 'c2.k8s.yaml', 'c3.k8s.yaml']);
      expect(files.map((f) => readFileSync(f, 'utf8'))).toEqual(apps[1].charts.map(chartYaml));
      expect(apps[1].charts.map((c) => text(chartManifests(c)))).toEqual(apps[1].charts.map((c) => text(c.toJson())));
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  test('objects with one identity in two charts are still reported, by the chart of the second', () => {
    const app = new App();
    const [first, second] = [objectsChart(app, 'first', ['a']), objectsChart(app, 'second', ['a'])];
    validateManifestsAtSynth(first);
    validateManifestsAtSynth(second);
    const error = validationErrorOf(() => synthApp(app, join(tmpdir(), 'never-written')));
    expect(error).toBeInstanceOf(SynthValidationError);
    expect(error.message).toMatch(/ConfigMap a \(at second\/a\) has the same kind, namespace and name as the object at first\/a/);
  });

  test('a failing validation: a SynthValidationError, and no file written', () => {
    const { app, charts } = manyCharts(3);
    charts[2].node.addValidation({ validate: () => ['c2 is wrong; fix it'] });
    const outdir = join(mkdtempSync(join(tmpdir(), 'synth-app-')), 'out');
    const error = validationErrorOf(() => synthApp(app, outdir));
    expect(error).toBeInstanceOf(SynthValidationError);
    expect(error.path).toBe('c2');
    expect(existsSync(outdir)).toBe(false);
  });
});

