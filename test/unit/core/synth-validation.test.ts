import { ApiObject, App, Chart, JsonPatch } from 'cdk8s';
import { ManifestSchemaError, Microservice, SynthValidationError } from '../../../lib';
import { claimObjectName, schemaErrors, validateManifestsAtSynth } from '../../../lib/internal';
import { synthObjects } from '../../../lib/testing';
import { digestImage, newChart, validationErrorOf } from '../../fixtures';

describe('schema validation of synthesized objects', () => {
  test('a valid built-in object passes', () => {
    expect(schemaErrors({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { k: 'v' } })).toBeUndefined();
  });

  test('a known CRD group is validated with its package', () => {
    const bad = { apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService', metadata: { name: 'a' }, spec: { hosts: 'x' } };
    expect(schemaErrors(bad)).toMatch(/hosts/);
  });

  test('an unknown kind in a known group is an error', () => {
    expect(schemaErrors({ apiVersion: 'apps/v1', kind: 'Deploymnet', metadata: { name: 'a' } })).toMatch(/no schema for kind Deploymnet/);
  });

  test('a kind served only at a newer version is checked with its stand-in schema, the same way every time', () => {
    const route = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GRPCRoute', metadata: { name: 'a' } };
    const bad = { ...route, spec: { hostnames: 'x' } };
    expect(schemaErrors(bad)).toMatch(/hostnames/);
    expect(schemaErrors(bad)).toBe(schemaErrors(bad));
    expect(schemaErrors({ ...route, spec: { hostnames: ['x.example.com'] } })).toBeUndefined();
    expect(bad.apiVersion).toBe('gateway.networking.k8s.io/v1');
  });

  test('a group the library has no schema for passes through', () => {
    expect(schemaErrors({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'a' } })).toBeUndefined();
  });

  test('fails when an object in the chart breaks its schema, naming kind, name, path and the schema error', () => {
    const chart = newChart();
    validateManifestsAtSynth(chart);
    new ApiObject(chart, 'broken', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'broken' }, spec: { replicas: 'three' } });
    expect(() => synthObjects(chart)).toThrow(/Deployment broken \(at test\/broken\) fails its schema: .*replicas/);
  });

  test('fails with one SynthValidationError listing the synth-time problem of every construct with its path', () => {
    const chart = newChart();
    const first = new ApiObject(chart, 'first', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } });
    const second = new ApiObject(chart, 'second', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' } });
    first.node.addValidation({ validate: () => ['first is wrong; fix it'] });
    second.node.addValidation({ validate: () => ['second is wrong; fix it'] });
    const error = validationErrorOf(() => synthObjects(chart));
    expect(error).toBeInstanceOf(SynthValidationError);
    expect(error.path).toBe('test/first');
    expect((error as SynthValidationError).problems.map((p) => [p.construct.node.path, p.message])).toEqual([
      ['test/first', 'first is wrong; fix it'],
      ['test/second', 'second is wrong; fix it'],
    ]);
    expect(error.message).toBe('synthesis found 2 problem(s):\n  [test/first] first is wrong; fix it\n  [test/second] second is wrong; fix it\n');
  });

  test('fails when a library object is rendered invalid (here by an escape-hatch patch), naming kind, name, path and the schema error', () => {
    const chart = newChart();
    const orders = new Microservice(chart, 'orders', { image: digestImage(), ports: [{ port: 80 }] });
    orders.apiObject!.addJsonPatch(JsonPatch.replace('/spec/ports/0/port', 'eighty'));
    expect(() => synthObjects(chart)).toThrow(ManifestSchemaError);
    expect(() => synthObjects(chart)).toThrow(/^Service orders \(at test\/orders\/Resource\) fails its schema: .*port/);
  });

  test('fails when two objects share kind, namespace and name, reporting every problem in one go', () => {
    const chart = newChart();
    validateManifestsAtSynth(chart);
    new ApiObject(chart, 'one', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'same' } });
    new ApiObject(chart, 'two', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'same' } });
    new ApiObject(chart, 'bad', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc' }, spec: { ports: 'no' } });
    let message = '';
    try {
      synthObjects(chart);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/ConfigMap same \(at test\/two\) has the same kind, namespace and name as the object at test\/one/);
    expect(message).toMatch(/Service svc \(at test\/bad\) fails its schema/);
  });

  test('reports the chart\'s duplicates before its objects\' own problems, each in tree order', () => {
    const chart = newChart();
    validateManifestsAtSynth(chart);
    new ApiObject(chart, 'bad', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc' }, spec: { ports: 'no' } });
    new ApiObject(chart, 'odd', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'odd', namespace: 'Not_A_Label' } });
    new ApiObject(chart, 'one', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'same' } });
    new ApiObject(chart, 'two', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'same' } });
    let message = '';
    try {
      synthObjects(chart);
    } catch (error) {
      message = (error as Error).message;
    }
    const at = (pattern: string) => message.indexOf(pattern);
    expect([at('(at test/two) has the same kind'), at('(at test/bad) fails its schema'), at('(at test/odd) has namespace')].every((i) => i >= 0)).toBe(true);
    expect(at('(at test/two) has the same kind')).toBeLessThan(at('(at test/bad) fails its schema'));
    expect(at('(at test/bad) fails its schema')).toBeLessThan(at('(at test/odd) has namespace'));
  });

  test('fails when two services claim the same name, naming the first owner', () => {
    const chart = newChart();
    new Microservice(chart, 'orders', { image: digestImage() });
    const error = validationErrorOf(() => new Microservice(chart, 'orders-v2', { name: 'orders', image: digestImage() }));
    expect(error.message).toMatch(/ServiceAccount name 'orders' is already used by test\/orders; give this construct another name \(at test\/orders-v2\)/);
  });

  test('claims are per app: charts of two apps may each use a name', () => {
    claimObjectName(newChart('a'), 'Service', 'test', 'x');
    expect(() => claimObjectName(newChart('b'), 'Service', 'test', 'x')).not.toThrow();
  });

  test('claims are per app: two charts of one app may not use one name in one namespace, but may in two', () => {
    const app = new App();
    claimObjectName(new Chart(app, 'a', { namespace: 'shop' }), 'Service', 'shop', 'x');
    expect(validationErrorOf(() => claimObjectName(new Chart(app, 'b', { namespace: 'shop' }), 'Service', 'shop', 'x')).message).toBe(
      "Service name 'x' is already used by a; give this construct another name (at b)",
    );
    expect(() => claimObjectName(new Chart(app, 'c', { namespace: 'shop-2' }), 'Service', 'shop-2', 'x')).not.toThrow();
  });
});
