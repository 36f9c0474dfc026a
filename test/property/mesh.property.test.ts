import { App, Chart } from 'cdk8s';
import fc from 'fast-check';
import { IngressPeer, Manifest, Mesh, MeshProvider, Microservice, ServicePortProps } from '../../lib';
import { findObjects } from '../../lib/testing';
import { checkConstructProperty, ScenarioBuild } from './harness/check-property';
import { checkDeterministic } from './harness/deterministic';
import { allowIngressFrom, digest, externalHosts, gen, optionalGen, withDefect } from './workload-generators';

/** Generated service graphs in a mesh: for properties 1-3, and built twice for determinism. */
const NUM_RUNS = { valid: 800, deterministic: 200 };
/** Percent of graphs, and of their services, with one invalid prop. */
const DEFECT_PERCENT = { graph: 10, service: 5 };

const NAMES = ['orders', 'payments', 'frontend', 'worker'];
/** The charts services go in: two namespaces, and one chart without a namespace (a mesh refuses it). */
const CHARTS = [
  { id: 'test', namespace: 'test' },
  { id: 'edge', namespace: 'edge' },
  { id: 'bare', namespace: undefined },
];

interface ServiceChoice {
  readonly name: string;
  /** Index into CHARTS. */
  readonly chart: number;
  readonly ports: ServicePortProps[];
  /** The mesh it joins: the one under test, another one, or none. */
  readonly mesh: 'mesh' | 'other' | 'none';
  readonly allowIngressFrom?: IngressPeer[];
  readonly externalHosts?: { host: string; port?: number }[];
  readonly networkPolicy?: boolean;
}

interface DependencyChoice {
  readonly from: number;
  readonly to: number;
  /** Declared with addDependency once both exist, rather than in the caller's props. */
  readonly later: boolean;
}

interface GraphScenario {
  readonly provider: 'istio' | 'linkerd' | 'consul';
  readonly trustDomain?: string;
  readonly services: readonly ServiceChoice[];
  readonly dependencies: readonly DependencyChoice[];
  /** A service added to the mesh a second time (refused). */
  readonly joinTwice?: number;
}

const service = (name: string): fc.Arbitrary<ServiceChoice> =>
  withDefect<ServiceChoice>(
    {
      name: gen(fc.constant(name)),
      chart: gen(fc.constantFrom(0, 0, 1), fc.constant(2)),
      // a worker without ports now and then: valid, but nothing can call it
      ports: gen(
        fc.oneof(
          { arbitrary: fc.constantFrom<ServicePortProps[]>([{ port: 80, containerPort: 8080 }], [{ port: 80 }, { name: 'grpc', port: 9090 }], [{ name: 'dns', port: 53, protocol: 'UDP' }, { port: 8080 }]), weight: 6 },
          { arbitrary: fc.constant<ServicePortProps[]>([]), weight: 1 },
        ),
      ),
      // outside the mesh under test: valid alone, refused when it calls a service in that mesh
      mesh: gen(fc.oneof({ arbitrary: fc.constant('mesh' as const), weight: 8 }, { arbitrary: fc.constantFrom('other' as const, 'none' as const), weight: 1 })),
      allowIngressFrom: optionalGen(allowIngressFrom),
      externalHosts: optionalGen(externalHosts),
      networkPolicy: optionalGen(gen(fc.boolean())),
    },
    DEFECT_PERCENT.service,
  );

const scenario: fc.Arbitrary<GraphScenario> = fc
  .shuffledSubarray(NAMES, { minLength: 1 })
  .chain((names) => fc.tuple(...names.map(service)))
  .chain((services) => {
    const n = services.length;
    const index = fc.integer({ min: 0, max: n - 1 });
    const self = index.map((i) => [{ from: i, to: i, later: false }]);
    // a call between two services: the callee is one of the others
    const edge = fc.record({ from: index, offset: fc.integer({ min: 1, max: Math.max(1, n - 1) }), later: fc.boolean() })
      .map(({ from, offset, later }) => ({ from, to: (from + offset) % n, later }));
    const dependencies = gen<DependencyChoice[]>(
      n === 1 ? fc.constant([]) : fc.uniqueArray(edge, { maxLength: 3, selector: (d) => `${d.from}>${d.to}` }),
      // itself, or one dependency declared twice
      n === 1 ? self : fc.oneof(self, edge.map((d) => [d, { ...d, later: true }])),
    );
    return withDefect<GraphScenario>(
      {
        provider: gen(fc.constantFrom('istio' as const, 'linkerd' as const, 'consul' as const)),
        // wrong JavaScript types too: a number, a list
        trustDomain: optionalGen(gen(fc.constantFrom('cluster.local', 'shop.example.org'), fc.constantFrom<string>(42 as unknown as string, ['cluster.local'] as unknown as string))),
        services: gen(fc.constant(services)),
        dependencies,
        joinTwice: gen(fc.constant(undefined), index),
      },
      DEFECT_PERCENT.graph,
    );
  });

const build: ScenarioBuild<GraphScenario> = (s, b) => {
  const app = new App();
  const charts = CHARTS.map((c) => new Chart(app, c.id, { namespace: c.namespace }));
  const provider = () => ({
    istio: () => MeshProvider.istio({ trustDomain: s.trustDomain }),
    linkerd: () => MeshProvider.linkerd(),
    consul: () => MeshProvider.consul(),
  })[s.provider]();
  const mesh = b.step('test/mesh', () => new Mesh(charts[0], 'mesh', { provider: provider() }));
  let other: Mesh | undefined;
  const meshOf = (choice: ServiceChoice['mesh']) => {
    if (choice === 'other') {
      other ??= b.step('test/other', () => new Mesh(charts[0], 'other', { provider: provider() }));
      return other;
    }
    return choice === 'mesh' ? mesh : undefined;
  };
  const made: Microservice[] = [];
  const path = (i: number) => `${CHARTS[s.services[i].chart].id}/${s.services[i].name}`;
  s.services.forEach((choice, i) => {
    const { chart, mesh: meshChoice, name, ...props } = choice;
    const early = s.dependencies.filter((d) => d.from === i && !d.later && d.to < i).map((d) => made[d.to]);
    made.push(b.step(path(i), () => new Microservice(charts[chart], name, { ...props, image: digest('a'), mesh: meshOf(meshChoice), dependencies: early })));
  });
  for (const d of s.dependencies.filter((dep) => dep.later || dep.to >= dep.from)) {
    b.step(path(d.from), () => made[d.from].addDependency(made[d.to]));
  }
  if (s.joinTwice !== undefined) {
    b.step(path(s.joinTwice), () => mesh.addService(made[s.joinTwice!]));
  }
  return charts;
};

const spec = (o: Manifest) => o.spec as any;

/** Every declared call between services of the mesh is admitted by the callee's policy, as each mesh writes it. */
function checkGraph(s: GraphScenario, objects: readonly Manifest[]): void {
  const namespaceOf = (i: number) => CHARTS[s.services[i].chart].namespace!;
  for (const { from, to } of s.dependencies) {
    const [caller, callee] = [s.services[from], s.services[to]];
    if (callee.mesh !== 'mesh' || (callee.allowIngressFrom ?? []).some((p) => p.isAnywhere)) {
      continue;
    }
    const policy = (kind: string) => findObjects(objects, { kind, name: callee.name }).filter((o) => o.metadata.namespace === namespaceOf(to));
    if (s.provider === 'istio') {
      const principals = (spec(policy('AuthorizationPolicy')[0]).rules as any[]).flatMap((r) => (r.from ?? []).flatMap((f: any) => f.source.principals ?? []));
      expect(principals).toContain(`${s.trustDomain ?? 'cluster.local'}/ns/${namespaceOf(from)}/sa/${caller.name}`);
      const egress = spec(findObjects(objects, { kind: 'Sidecar', name: caller.name }).find((o) => o.metadata.namespace === namespaceOf(from))!).egress[0].hosts;
      expect(egress).toContain(`${namespaceOf(to)}/${callee.name}.${namespaceOf(to)}.svc.cluster.local`);
    } else if (s.provider === 'consul') {
      expect(spec(policy('ServiceIntentions')[0]).sources).toContainEqual({ name: caller.name, action: 'allow' });
    } else if (callee.ports.some((p) => (p.protocol ?? 'TCP') === 'TCP')) {
      expect(spec(policy('MeshTLSAuthentication')[0]).identityRefs).toContainEqual({ kind: 'ServiceAccount', name: caller.name, namespace: namespaceOf(from) });
    }
  }
}

describe('Mesh (Istio, Linkerd and Consul) under generated service graphs', () => {
  test('schema-valid policies admitting every declared call, or a ValidationError naming the service; nothing else escapes', () => {
    const tally = checkConstructProperty(scenario, build, { numRuns: NUM_RUNS.valid, seed: 9090, check: checkGraph });
    tally.expectBothWays();
    tally.expectRefusals(
      /has no namespace/,
      /joined mesh '.*' twice/,
      /cannot depend on itself/,
      /is declared twice/,
      /exposes no ports/,
      /is not in that mesh/,
      /a namespace has one mesh/,
      /^externalHosts/,
      /^allowIngressFrom namespace/,
      /but consul registers a pod through a Service with one TCP port/,
    );
  });

  test('the same graph synthesizes byte-identical YAML, or the same refusal', () => {
    checkDeterministic(scenario, build, { numRuns: NUM_RUNS.deterministic, seed: 9091 });
  });
});
