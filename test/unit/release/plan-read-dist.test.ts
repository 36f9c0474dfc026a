import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { Chart } from 'cdk8s';
import { DistError, readDist } from '../../../lib';
import { synthObjects } from '../../../lib/testing';
import { ShopChart } from '../../../stacks/shop/shop-chart';
import { TempDists } from './plan-fixtures';

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

  test('multi-document files; empty documents skipped; .yml too; other files and folders ignored', () => {
    const dir = write({
      'b.yml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n',
      'a.yaml': '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a1\n---\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a2\n',
      'notes.txt': 'not yaml: [',
    });
    mkdirSync(join(dir, 'sub.yaml'));
    expect(readDist(dir).map((m) => m.metadata.name)).toEqual(['a1', 'a2', 'b']);
  });

  test('fails when the folder does not exist or holds no YAML', () => {
    expect(message(join(dists.empty(), 'missing'))).toMatch(/missing is not a directory; pass the folder cdk8s synth wrote/);
    expect(message(write({ 'x.txt': '' }))).toMatch(/has no \*\.yaml files; run the synthesis first \(npm run synth\)$/);
  });

  test('fails when a file is not valid YAML, naming the file and document', () => {
    expect(message(write({ 'a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\nkind: [\n' }))).toMatch(/a\.yaml, document 2 is not valid YAML: /);
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
