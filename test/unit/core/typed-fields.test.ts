import { ApiObject, App, Chart, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { HelloServiceChart } from '../../../examples/hello-service';
import { MESH_SCENARIOS, MeshTrafficChart } from '../../../examples/mesh-traffic';
import { L1 } from '../../../lib/core/checked-objects';
import { Field, Struct, TYPED_PROPS } from '../../../lib/core/typed-fields';
import * as typedRender from '../../../lib/core/typed-render';
import { buildApp, serviceSpecs } from '../../../scripts/bench/apps';
import { everyContentAddressedKind } from '../../escape-hatch-stack';

type TypedKind = keyof typeof TYPED_PROPS;

/** The typed L1 class of each kind with a fields table. */
const CLASSES: Record<TypedKind, typeof ApiObject & { readonly GVK: { apiVersion: string; kind: string } }> = {
  ConfigMap: k8s.KubeConfigMap,
  Deployment: k8s.KubeDeployment,
  HorizontalPodAutoscaler: k8s.KubeHorizontalPodAutoscalerV2,
  Namespace: k8s.KubeNamespace,
  NetworkPolicy: k8s.KubeNetworkPolicy,
  PodDisruptionBudget: k8s.KubePodDisruptionBudget,
  Secret: k8s.KubeSecret,
  Service: k8s.KubeService,
  ServiceAccount: k8s.KubeServiceAccount,
};
const KINDS = Object.keys(TYPED_PROPS) as TypedKind[];

/** A value for every field of a struct, maps unsorted, so that the converter's order and naming show. */
function sample(field: Field): unknown {
  switch (field) {
    case 'value':
      return 'v';
    case 'strings':
      return ['s', 't'];
    case 'map':
      return { b: '2', a: '1' };
    case 'quantity':
      return k8s.IntOrString.fromString('q');
    case 'quantities':
      return { memory: k8s.Quantity.fromString('1Gi'), cpu: k8s.Quantity.fromString('1') };
  }
  if (Array.isArray(field)) {
    return [sample(field[0]), sample(field[0])];
  }
  const struct = field as Struct;
  return Object.fromEntries(Object.keys(struct).reverse().map((key) => [key, sample(struct[key])]));
}

/** An object of a typed L1 class with these props, not schema-checked (the samples are not valid objects). */
function typedObject(kind: TypedKind, props: Record<string, unknown>): ApiObject {
  const chart = new Chart(new App(), 'test', { namespace: 'ns' });
  return new (CLASSES[kind] as unknown as new (scope: Chart, id: string, props: unknown) => ApiObject)(chart, 'object', props);
}

/** The typed class's own `toJson()` (cdk8s's rendering, then the generated converter), as text. */
function convertedText(object: ApiObject): string {
  return JSON.stringify(object.toJson());
}

function typedText(object: ApiObject, kind: TypedKind): string | undefined {
  const json = typedRender.renderTypedApiObject(object, CLASSES[kind].GVK, TYPED_PROPS[kind]);
  return json === undefined ? undefined : JSON.stringify(json);
}

describe('the typed fields tables', () => {
  test.each(KINDS)('%s: every field is one its converter writes under the same name, in the converter\'s order, converted the same way', (kind) => {
    const object = typedObject(kind, sample(TYPED_PROPS[kind]) as Record<string, unknown>);
    const text = typedText(object, kind);
    expect(text).toBeDefined();
    expect(text).toBe(convertedText(object));
    // every field of the table is in the output (none dropped by the converter as unknown)
    const expectKeys = (json: unknown, field: Field): void => {
      if (typeof field !== 'object') {
        return;
      }
      if (Array.isArray(field)) {
        (json as unknown[]).forEach((item) => expectKeys(item, field[0]));
        return;
      }
      const struct = field as Struct;
      expect(Object.keys(json as object)).toEqual(Object.keys(struct));
      for (const key of Object.keys(struct)) {
        expectKeys((json as Record<string, unknown>)[key], struct[key]);
      }
    };
    const { apiVersion, kind: jsonKind, ...rest } = JSON.parse(text!) as Record<string, unknown>;
    expect([apiVersion, jsonKind]).toEqual([CLASSES[kind].GVK.apiVersion, CLASSES[kind].GVK.kind]);
    expectKeys(rest, TYPED_PROPS[kind]);
  });
});

describe('renderTypedApiObject', () => {
  test('renders every typed object of the examples and of the benchmark app in one pass', () => {
    const charts = [
      new HelloServiceChart(new App(), 'hello'),
      ...MESH_SCENARIOS.map((scenario) => new MeshTrafficChart(new App(), `mesh-${scenario}`, { mesh: 'istio', scenario })),
      everyContentAddressedKind(),
      ...buildApp('ours', serviceSpecs(3)).charts,
    ];
    const typed = charts
      .flatMap((chart) => chart.node.findAll())
      .filter((c): c is ApiObject => ApiObject.isApiObject(c) && c.kind in CLASSES && !c.apiVersion.includes('.'));
    expect(new Set(typed.map((o) => o.kind)).size).toBeGreaterThanOrEqual(7);
    for (const object of typed) {
      expect([object.node.path, typedText(object, object.kind as TypedKind)]).not.toEqual([object.node.path, undefined]);
    }
  });

  test('Lazy values where structs, lists and quantities go, nulls, empty structs, unsorted maps', () => {
    const object = typedObject('Deployment', {
      metadata: { name: 'web', labels: { z: '1', a: '2' }, annotations: {} },
      spec: Lazy.any({
        produce: () => ({
          replicas: null,
          selector: {},
          template: {
            metadata: { labels: Lazy.any({ produce: () => ({ y: 'b', x: 'a' }) }) },
            spec: {
              containers: Lazy.any({
                produce: () => [{
                  name: 'app',
                  ports: [null, { containerPort: 80 }],
                  resources: { limits: { memory: Lazy.any({ produce: () => k8s.Quantity.fromString('1Gi') }) }, requests: { cpu: 'not a quantity' } },
                  readinessProbe: { httpGet: { port: k8s.IntOrString.fromNumber(80), path: undefined } },
                }],
              }),
            },
          },
        }),
      }),
    });
    expect(typedText(object, 'Deployment')).toBe(convertedText(object));
  });

  test('a prop or a member outside the table, or of another shape, is left to the converter', () => {
    const unknownMember = typedObject('Service', { spec: { clusterIp: 'None' } });
    const unknownProp = typedObject('ConfigMap', { binaryData: { a: 'AA==' } });
    const listAsMap = typedObject('Service', { spec: { selector: ['a'] } });
    const structAsString = typedObject('Deployment', { spec: { selector: 'app=web' } });
    const instanceAsStruct = typedObject('Deployment', { spec: { template: new Date(0) } });
    const ownerReferences = typedObject('ConfigMap', { metadata: { ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'p', uid: 'u' }] } });
    for (const object of [unknownMember, unknownProp, listAsMap, structAsString, instanceAsStruct, ownerReferences]) {
      expect(typedText(object, object.kind as TypedKind)).toBeUndefined();
    }
  });

  test('a Lazy that throws fails as cdk8s reports it', () => {
    const object = typedObject('Deployment', { spec: { replicas: Lazy.any({ produce: () => { throw new Error('no value yet'); } }) } });
    expect(() => typedText(object, 'Deployment')).toThrow(`Failed serializing construct at path 'test/object' with name '${object.name}': Error: no value yet`);
  });

  test('the library\'s checked classes render through it, schema-checked', () => {
    const chart = new Chart(new App(), 'test', { namespace: 'ns' });
    const account = new L1.ServiceAccount(chart, 'account', { metadata: { name: 'web' }, automountServiceAccountToken: false });
    const spy = jest.spyOn(typedRender, 'renderTypedApiObject');
    try {
      expect(account.toJson()).toEqual({
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'web', namespace: 'ns' },
        automountServiceAccountToken: false,
      });
      expect(spy).toHaveReturnedWith(expect.objectContaining({ kind: 'ServiceAccount' }));
    } finally {
      spy.mockRestore();
    }
  });
});
