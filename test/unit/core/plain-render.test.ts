import { ApiObject, App, Chart, IResolver, JsonPatch, Lazy, ResolutionContext } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { GatewayRoutingChart, InventoryChart } from '../../../examples/gateway-routing';
import { HelloServiceChart } from '../../../examples/hello-service';
import { MESH_SCENARIOS, MeshTrafficChart } from '../../../examples/mesh-traffic';
import { TrafficPolicyChart } from '../../../examples/traffic-policy';
import { TwoRevisionsChart } from '../../../examples/two-revisions';
import { L1 } from '../../../lib/core/checked-objects';
import * as plainRender from '../../../lib/core/plain-render';
import * as typedRender from '../../../lib/core/typed-render';
import { apiObjectsOf, everyContentAddressedKind } from '../../escape-hatch-stack';

/** Every object's `toJson()` as exact JSON text (key order included). */
function renderedText(objects: readonly ApiObject[]): string[] {
  return objects.map((o) => JSON.stringify(o.toJson()));
}

/** The same, with the one-pass rendering turned off: what cdk8s's own `toJson()` and the typed classes' converters make. */
function cdk8sRenderedText(objects: readonly ApiObject[]): string[] {
  const plain = jest.spyOn(plainRender, 'renderPlainApiObject').mockReturnValue(undefined);
  const typed = jest.spyOn(typedRender, 'renderTypedApiObject').mockReturnValue(undefined);
  try {
    return renderedText(objects);
  } finally {
    plain.mockRestore();
    typed.mockRestore();
  }
}

function apiObjects(chart: Chart): ApiObject[] {
  return chart.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c));
}

/** A chart with one raw object of the given spec, made through the library's checked L1 class. */
function oneObject(spec: unknown, app: App = new App()): ApiObject {
  const chart = new Chart(app, 'test', { namespace: 'ns' });
  return new L1.ApiObject(chart, 'object', {
    apiVersion: 'example.com/v1',
    kind: 'Thing',
    metadata: { name: 'thing', labels: { b: '2', a: '1' }, annotations: {} },
    spec,
  });
}

describe('one-pass rendering of plain data', () => {
  const charts: Array<[string, () => Chart]> = [
    ['hello-service', () => new HelloServiceChart(new App(), 'hello')],
    ['two-revisions', () => new TwoRevisionsChart(new App(), 'two')],
    ['traffic-policy', () => new TrafficPolicyChart(new App(), 'policy')],
    ...MESH_SCENARIOS.map((scenario): [string, () => Chart] => [
      `mesh-traffic ${scenario}`,
      () => new MeshTrafficChart(new App(), 'mesh', { mesh: 'istio', scenario }),
    ]),
    ['gateway-routing', () => {
      const app = new App();
      return new GatewayRoutingChart(app, 'edge', { inventory: new InventoryChart(app, 'inventory').inventory });
    }],
    ['every content-addressed kind', () => everyContentAddressedKind()],
  ];

  test.each(charts)('%s: every object renders byte for byte as cdk8s renders it', (_name, make) => {
    const objects = apiObjects(make());
    expect(objects.length).toBeGreaterThan(0);
    expect(renderedText(objects)).toEqual(cdk8sRenderedText(objects));
  });

  test('the library\'s own objects take the one-pass path', () => {
    const objects = [...apiObjectsOf(everyContentAddressedKind()).values()].map((o) => ApiObject.of(o));
    expect(objects.map((o) => plainRender.renderPlainApiObject(o) === undefined)).not.toContain(true);
  });

  test('Lazy values, IntOrString, Quantity, nulls, empty maps and lists, unsorted and integer-like keys', () => {
    const object = oneObject({
      z: Lazy.any({ produce: () => ({ y: [3, null, { b: undefined, a: k8s.Quantity.fromString('1Gi') }], x: Lazy.any({ produce: () => undefined }) }) }),
      port: k8s.IntOrString.fromNumber(8080),
      name: k8s.IntOrString.fromString('http'),
      nothing: null,
      empty: {},
      none: [],
      10: 'ten',
      2: 'two',
      B: true,
      a: 0,
    });
    expect(plainRender.renderPlainApiObject(object)).toBeDefined();
    expect(renderedText([object])).toEqual(cdk8sRenderedText([object]));
  });

  test('top-level keys: apiVersion, kind and metadata first, then the rest sorted; metadata with attributes of its own', () => {
    const chart = new Chart(new App(), 'test', { namespace: 'ns' });
    const object = new L1.ApiObject(chart, 'object', {
      apiVersion: 'example.com/v1',
      kind: 'Thing',
      metadata: { name: 'thing', generateName: 'thing-', labels: { b: '2', a: '1' }, finalizers: ['example.com/f'] },
      spec: { b: 1, a: 2 },
      aaa: Lazy.any({ produce: () => ({ z: 1, y: [] }) }),
      data: {},
    } as ConstructorParameters<typeof L1.ApiObject>[2]);
    expect(plainRender.renderPlainApiObject(object)).toBeDefined();
    expect(renderedText([object])).toEqual(cdk8sRenderedText([object]));
    expect(renderedText([object])).toEqual([
      '{"apiVersion":"example.com/v1","kind":"Thing","metadata":{"finalizers":["example.com/f"],"generateName":"thing-",' +
        '"labels":{"a":"1","b":"2"},"name":"thing","namespace":"ns"},"aaa":{"y":[],"z":1},"data":{},"spec":{"a":2,"b":1}}',
    ]);
  });

  test('props with a constructor or resolve member: as cdk8s renders them, or left to cdk8s', () => {
    const chart = new Chart(new App(), 'test', { namespace: 'ns' });
    const make = (key: string) => new ApiObject(chart, `with-${key}`, { apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: key }, [key]: 'x' });
    const withResolve = make('resolve');
    expect(JSON.stringify(plainRender.renderPlainApiObject(withResolve))).toBe(JSON.stringify(withResolve.toJson()));
    // cdk8s takes `{ ...props, metadata }` for a class instance and refuses it.
    const withConstructor = make('constructor');
    expect(plainRender.renderPlainApiObject(withConstructor)).toBeUndefined();
    expect(() => withConstructor.toJson()).toThrow(/can't render non-simple object/);
  });

  test('CDK8S_DISABLE_SORT keeps the keys in their order, as cdk8s does', () => {
    const object = oneObject({ z: 1, a: { d: 1, c: 2 } });
    process.env.CDK8S_DISABLE_SORT = '1';
    try {
      expect(renderedText([object])).toEqual(cdk8sRenderedText([object]));
      expect(Object.keys((object.toJson() as { spec: object }).spec)).toEqual(['z', 'a']);
    } finally {
      delete process.env.CDK8S_DISABLE_SORT;
    }
  });

  test('an implicit token, a class instance, a cdk8s patch or a custom resolver leaves the object to cdk8s', () => {
    const token = oneObject({ value: { resolve: () => 'resolved' } });
    const instance = oneObject({ at: new Date(0) });
    const patched = oneObject({ a: 1 });
    // A patch in cdk8s's own list (the library's objects keep theirs apart), as a subclass calling ApiObject's addJsonPatch would add it.
    (patched as unknown as { patches: unknown[] }).patches.push(JsonPatch.add('/spec/b', 2));
    class Upper implements IResolver {
      public resolve(context: ResolutionContext): void {
        if (context.value === 'x') {
          context.replaceValue('X');
        }
      }
    }
    const resolved = oneObject({ a: 'x' }, new App({ resolvers: [new Upper()] }));
    for (const object of [token, instance, patched, resolved]) {
      expect(plainRender.renderPlainApiObject(object)).toBeUndefined();
    }
    expect((token.toJson() as { spec: unknown }).spec).toEqual({ value: 'resolved' });
    expect((resolved.toJson() as { spec: unknown }).spec).toEqual({ a: 'X' });
    expect((patched.toJson() as { spec: unknown }).spec).toEqual({ a: 1, b: 2 });
  });

  test('a Lazy value that throws fails as cdk8s reports it', () => {
    const object = oneObject({ a: Lazy.any({ produce: () => { throw new Error('no value yet'); } }) });
    const message = (render: () => unknown) => {
      try {
        render();
      } catch (error) {
        return (error as Error).message;
      }
      return 'no error';
    };
    expect(message(() => plainRender.renderPlainApiObject(object))).toBe(
      "Failed serializing construct at path 'test/object' with name 'thing': Error: no value yet",
    );
    const spy = jest.spyOn(plainRender, 'renderPlainApiObject').mockReturnValue(undefined);
    try {
      expect(message(() => object.toJson())).toContain("Failed serializing construct at path 'test/object' with name 'thing': Error: no value yet");
    } finally {
      spy.mockRestore();
    }
  });

  test('metadata renders as cdk8s renders it, empty annotations and finalizers left out', () => {
    const object = oneObject({});
    expect(plainRender.renderMetadata(object.metadata, object)).toEqual(object.metadata.toJson());
    expect(JSON.stringify(plainRender.renderMetadata(object.metadata, object))).toBe(
      '{"labels":{"a":"1","b":"2"},"name":"thing","namespace":"ns"}',
    );
  });
});
