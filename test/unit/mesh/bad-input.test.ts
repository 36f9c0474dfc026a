import { Chart } from 'cdk8s';
import { Mesh, MeshProps, MeshProvider, Microservice } from '../../../lib';
import { digestImage, ExpectedRefusal, expectRefusal, newChart } from '../../fixtures';

// Wrong JavaScript values given to a Mesh and its providers, as plain
// JavaScript, JSON or YAML config give them: each is refused with a
// ValidationError naming the mesh's path, the prop, the value as given and
// the fix. A provider's props are checked when a Mesh takes it (the factory
// has no construct to name), and a dependency when it is declared.

/** Stands for a value from the environment that is not set. */
const unset = process.env.IMMUTABLE_INFRA_TEST_SURELY_UNSET;

/** A bad input and what its refusal must say. */
interface BadInput extends ExpectedRefusal {
  /** Builds the bad input in `chart` (namespace 'test'). */
  readonly build: (chart: Chart) => unknown;
}

const mesh = (props: Record<string, unknown>) => (chart: Chart) => new Mesh(chart, 'mesh', props as unknown as MeshProps);
const istio = (props: Record<string, unknown>) => mesh({ provider: MeshProvider.istio(props) });

/** Orders in the mesh; `dependency` is what orders is told it calls. */
const calling = (dependency: unknown) => (chart: Chart) => {
  const orders = new Microservice(chart, 'orders', { image: digestImage(), ports: [{ port: 80 }] });
  orders.addDependency(dependency as never);
};

const cases: Record<string, Record<string, BadInput>> = {
  'wrong type': {
    'a provider given by name': {
      build: mesh({ provider: 'istio' }),
      path: 'test/mesh', prop: 'provider', shown: "got 'istio' (a string)", fix: /pass MeshProvider\.istio\(\)/,
    },
    'the factory itself, not called': {
      build: mesh({ provider: MeshProvider.istio }),
      path: 'test/mesh', prop: 'provider', shown: 'got a function', fix: /MeshProvider\.istio\(\)/,
    },
    'a trust domain as a number': {
      build: istio({ trustDomain: 7 }),
      path: 'test/mesh', prop: 'MeshProvider.istio props trustDomain', shown: 'got 7 (a number)', fix: /write it in quotes: '7'/,
    },
    'Istio provider props as a string': {
      build: mesh({ provider: MeshProvider.istio('cluster.local' as never) }),
      path: 'test/mesh', prop: 'MeshProvider.istio props', shown: "got 'cluster.local' (a string)", fix: /\{ trustDomain: 'cluster\.local' \}/,
    },
    'a dependency given by name': {
      build: calling('payments'),
      path: 'test/orders', prop: 'dependency', shown: "got 'payments' (a string)", fix: /another Microservice of the stack/,
    },
  },
  'missing required value': {
    'no provider': { build: mesh({}), path: 'test/mesh', prop: 'provider', shown: 'is required', fix: /MeshProvider\.istio\(\)/ },
    'no props at all': { build: (chart) => new Mesh(chart, 'mesh', undefined as never), path: 'test/mesh', prop: 'Mesh props', shown: 'is required', fix: /\{ provider: MeshProvider\.istio\(\) \}/ },
    'a dependency that is undefined': { build: calling(undefined), path: 'test/orders', prop: 'dependency', shown: 'is required', fix: /got undefined/ },
  },
  'NaN and Infinity': {
    'a NaN trust domain': { build: istio({ trustDomain: NaN }), path: 'test/mesh', prop: 'MeshProvider.istio props trustDomain', shown: 'must be a string, got NaN (a number)', fix: /pass a trust domain such as 'cluster\.local'/ },
  },
  'unset environment variable (undefined)': {
    'a provider from an unset variable': {
      build: mesh({ provider: unset }),
      path: 'test/mesh', prop: 'provider', shown: 'is required (must be a mesh provider), got undefined', fix: /MeshProvider\.istio\(\)/,
    },
  },
  'unknown key': {
    'a misspelled provider': {
      build: mesh({ providers: MeshProvider.istio() }),
      path: 'test/mesh', prop: 'providers', shown: 'is not a known prop', fix: /did you mean 'provider'\?/,
    },
    'a trust domain spelled in snake case': {
      build: istio({ trust_domain: 'shop.example.org' }),
      path: 'test/mesh', prop: 'MeshProvider.istio props trust_domain', shown: 'is not a known prop', fix: /did you mean 'trustDomain'\?/,
    },
    'an Istio prop given to Linkerd': {
      build: mesh({ provider: MeshProvider.linkerd({ trustDomain: 'cluster.local' } as never) }),
      path: 'test/mesh', prop: 'MeshProvider.linkerd props trustDomain', shown: 'is not a known prop', fix: /takes no props/,
    },
    'an Istio prop given to Consul': {
      build: mesh({ provider: MeshProvider.consul({ trustDomain: 'cluster.local' } as never) }),
      path: 'test/mesh', prop: 'MeshProvider.consul props trustDomain', shown: 'is not a known prop', fix: /the known props are enterprise/,
    },
    'a Consul enterprise switch given as a string': {
      build: mesh({ provider: MeshProvider.consul({ enterprise: 'yes' } as never) }),
      path: 'test/mesh', prop: 'MeshProvider.consul props enterprise', shown: "must be true or false, got 'yes'", fix: /true or false/,
    },
  },
};

describe.each(Object.keys(cases))('mesh bad input: %s', (group) => {
  test.each(Object.entries(cases[group]))('%s', (_, c) => {
    expectRefusal(() => c.build(newChart()), c);
  });
});

describe('mesh bad input: the same values given right are accepted', () => {
  test('a provider with its props, and a dependency on a service of the stack', () => {
    const chart = newChart();
    const meshed = new Mesh(chart, 'mesh', { provider: MeshProvider.istio({ trustDomain: 'shop.example.org' }) });
    const payments = new Microservice(chart, 'payments', { image: digestImage(), ports: [{ port: 80 }], mesh: meshed });
    const orders = new Microservice(chart, 'orders', { image: digestImage(), mesh: meshed });
    expect(() => orders.addDependency(payments)).not.toThrow();
  });
});
