import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'fs';
import { join } from 'path';
import { App, Chart } from 'cdk8s';
import { DistError, readDist } from '../../../lib';
import { readWrittenYaml } from '../../../lib/internal';
import { synthObjects } from '../../../lib/testing';
import { ShopChart } from '../../../stacks/shop/shop-chart';
import { aliasBomb, TempDists } from './plan-fixtures';

const dists = new TempDists();
afterAll(() => dists.cleanUp());

const write = (files: Record<string, string>) => {
  const dir = dists.empty();
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(join(dir, name), text);
  }
  return dir;
};
const message = (dir: string) => {
  try {
    readDist(dir);
  } catch (error) {
    expect(error).toBeInstanceOf(DistError);
    return (error as Error).message;
  }
  throw new Error('expected a DistError');
};

describe('readDist', () => {
  test('reads what synth wrote: every chart, in file name order, each in synthesis order', () => {
    let charts: Chart[] = [];
    const dir = dists.write((app) => {
      charts = [new ShopChart(app, 'shop-prod', { environment: 'prod' }), new ShopChart(app, 'shop-dev', { environment: 'dev' })];
    });
    expect(readDist(dir)).toEqual([...synthObjects(charts[1]), ...synthObjects(charts[0])]);
  });

  test("reads the library's own YAML line by line, and the same objects written by any other YAML writer alike", () => {
    let app: App | undefined;
    const dir = dists.write((a) => {
      app = a;
      new ShopChart(a, 'shop-prod', { environment: 'prod' });
    });
    const written = readFileSync(join(dir, 'shop-prod.k8s.yaml'), 'utf8');
    expect(readWrittenYaml(written)).toHaveLength(written.split('\n---\n').length);
    // cdk8s's own writer (the yaml package) lays the same objects out another way: left to the yaml parser
    const cdk8sYaml = app!.synthYaml();
    expect(cdk8sYaml).not.toBe(written);
    expect(readWrittenYaml(cdk8sYaml)).toBeUndefined();
    expect(readDist(write({ 'shop-prod.k8s.yaml': cdk8sYaml }))).toEqual(readDist(dir));
  });

  test('multi-document files; empty documents skipped; .yml and any letter case too', () => {
    const dir = write({
      'b.yml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n',
      'a.yaml': '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a1\n---\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a2\n',
      'C.K8S.YAML': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n',
      'empty.yaml': '',
    });
    expect(readDist(dir).map((m) => m.metadata.name)).toEqual(['c', 'a1', 'a2', 'b']);
  });

  test('a symlink to a YAML file is read', () => {
    const target = write({ 'real.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: linked\n' });
    const dir = dists.empty();
    symlinkSync(join(target, 'real.yaml'), join(dir, 'app.k8s.yaml'));
    expect(readDist(dir).map((m) => m.metadata.name)).toEqual(['linked']);
  });

  test('refuses, never skips, what it does not read: other files, folders, a folder named *.yaml', () => {
    const dir = write({
      'a.k8s.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n',
      'b.json': '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b"}}',
      'notes.txt': 'not yaml: [',
    });
    mkdirSync(join(dir, 'sub.yaml'));
    mkdirSync(join(dir, 'per-resource'));
    expect(message(dir)).toBe(
      `${dir} holds entries the CLI does not read: b.json, notes.txt, per-resource/, sub.yaml/; ` +
        'a dist holds only the *.yaml (or *.yml) files cdk8s synth writes, one per chart: move the others out (their objects would count as retired)',
    );
    expect(message(write({ 'a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n', '.DS_Store': '' }))).toMatch(/ holds an entry the CLI does not read: \.DS_Store; /);
  });

  test('fails when the folder does not exist, is a file, or holds no YAML', () => {
    expect(message(join(dists.empty(), 'missing'))).toMatch(/missing is not a directory; pass the folder cdk8s synth wrote/);
    const file = join(write({ 'a.yaml': '' }), 'a.yaml');
    expect(message(file)).toBe(`${file} is not a directory; pass the folder cdk8s synth wrote (e.g. dist/)`);
    expect(message(dists.empty())).toMatch(/has no \*\.yaml files; run the synthesis first \(npm run synth\)$/);
  });

  test('fails when the files hold no object: an empty dist deploys nothing', () => {
    const dir = write({ 'a.k8s.yaml': '', 'b.k8s.yaml': '---\n# nothing\n---\n' });
    expect(message(dir)).toBe(`${dir} holds no Kubernetes objects (a.k8s.yaml, b.k8s.yaml: no documents); there is nothing to plan or deploy: run the synthesis first (npm run synth)`);
  });

  test('fails when a file is not valid YAML, naming the file and document, in one line', () => {
    const text = message(write({ 'a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\nkind: [\n' }));
    expect(text).toMatch(/a\.yaml, document 2 is not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a \] at line 7, column 1$/);
    expect(text).not.toContain('\n');
    expect(message(write({ 'a.yaml': 'a: b: c\n' }))).toMatch(/a\.yaml, document 1 is not valid YAML: Nested mappings are not allowed in compact mappings at line 1, column 4$/);
    expect(message(write({ 'a.yaml': 'a: *nowhere\n' }))).toMatch(/a\.yaml, document 1 is not valid YAML: Unresolved alias/);
  });

  test('fails on a YAML alias bomb instead of expanding it', () => {
    const dir = write({ 'bomb.yaml': aliasBomb() });
    expect(message(dir)).toBe(`${join(dir, 'bomb.yaml')}, document 1 is not valid YAML: Excessive alias count indicates a resource exhaustion attack`);
  });

  test('fails on a dangling symlink and a symlink loop, naming the path', () => {
    const dangling = dists.empty();
    symlinkSync(join(dangling, 'nowhere.yaml'), join(dangling, 'app.k8s.yaml'));
    expect(message(dangling)).toBe(`cannot read ${join(dangling, 'app.k8s.yaml')}: a dangling symlink (its target does not exist)`);
    const loop = dists.empty();
    symlinkSync(join(loop, 'b.yaml'), join(loop, 'a.yaml'));
    symlinkSync(join(loop, 'a.yaml'), join(loop, 'b.yaml'));
    expect(message(loop)).toBe(`cannot read ${join(loop, 'a.yaml')}: a symlink loop (too many levels of symbolic links)`);
    const loopDir = join(dists.empty(), 'dist');
    symlinkSync(loopDir, loopDir);
    expect(message(loopDir)).toBe(`cannot read ${loopDir}: a symlink loop (too many levels of symbolic links)`);
    const danglingDir = join(dists.empty(), 'dist');
    symlinkSync(join(danglingDir, '..', 'gone'), danglingDir);
    expect(message(danglingDir)).toBe(`cannot read ${danglingDir}: a dangling symlink (its target does not exist)`);
  });

  test('fails when a document is not a Kubernetes object', () => {
    expect(message(write({ 'a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n' }))).toMatch(
      /a\.yaml, document 1 is not a Kubernetes object \(apiVersion, kind and metadata\.name are required\)$/,
    );
  });

  test('fails when two documents are the same object', () => {
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: n\n';
    expect(message(write({ 'a.yaml': cm, 'b.yaml': cm }))).toMatch(/b\.yaml, document 1 is ConfigMap a again \(first in .*a\.yaml, document 1\); keep one$/);
  });
});

