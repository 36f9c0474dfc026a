import fc from 'fast-check';
import { AnnotationKeys, ContainerImage, LabelKeys, Manifest, Mesh, MeshProvider, Microservice, MicroserviceProps } from '../../lib';
import { findObjects } from '../../lib/testing';
import { newChart } from '../fixtures';
import { checkConstructProperty, ScenarioBuild } from './harness/check-property';
import { checkDeterministic } from './harness/deterministic';
import {
  allowIngressFrom,
  digest,
  externalHosts,
  firstTrack,
  gen,
  optionalGen,
  podPropsShape,
  PodProps,
  ports,
  scale,
  serviceName,
  track,
  withDefect,
} from './workload-generators';

/** Generated services, each with its revisions and dependencies: for properties 1-3, and built twice for determinism. */
const NUM_RUNS = { valid: 1200, deterministic: 250 };
/** Percent of services, and of their further revisions, with one invalid prop. */
const DEFECT_PERCENT = { service: 25, revision: 15 };

/** A service the service declares it calls: one with ports; one without, itself, one twice (all refused). */
type DependencyChoice = 'db' | 'worker' | 'self' | 'db-twice';
type Scale = typeof scale.valid extends fc.Arbitrary<infer S> ? S : never;

interface RevisionScenario extends PodProps {
  readonly track: string;
  readonly scale: Scale;
}

interface ServiceScenario extends PodProps {
  readonly name?: string;
  readonly ports: NonNullable<MicroserviceProps['ports']>;
  readonly partOf?: string;
  readonly track?: string;
  readonly networkPolicy?: boolean;
  readonly allowIngressFrom?: MicroserviceProps['allowIngressFrom'];
  readonly externalHosts?: MicroserviceProps['externalHosts'];
  readonly mesh?: 'istio' | 'linkerd';
  readonly dependencies: readonly DependencyChoice[];
  /** Declare the dependencies with addDependency after construction instead of in props. */
  readonly dependLater: boolean;
  readonly scale: Scale;
  readonly revisions: readonly RevisionScenario[];
}

const scenario: fc.Arbitrary<ServiceScenario> = ports.valid.chain((declared) => {
  const podProps = podPropsShape(declared);
  const revision = withDefect<RevisionScenario>(
    {
      ...podProps,
      // mostly an image of its own, so that few revisions are twins of a live one
      image: gen(fc.oneof({ arbitrary: fc.constantFrom('7', '8').map((s) => digest(s)), weight: 3 }, { arbitrary: fc.constant(undefined), weight: 1 }), podProps.image.invalid),
      track,
      scale,
    },
    DEFECT_PERCENT.revision,
  );
  return withDefect<ServiceScenario>(
    {
      ...podProps,
      name: optionalGen(serviceName),
      ports: gen(fc.constant(declared), ports.invalid),
      partOf: optionalGen(gen(fc.constantFrom('shop', 'shop.v2', 'Shop_2'), fc.constantFrom('bad value', '-x', 'x'.repeat(64)))),
      track: optionalGen(firstTrack),
      networkPolicy: optionalGen(gen(fc.boolean())),
      allowIngressFrom: optionalGen(allowIngressFrom),
      externalHosts: optionalGen(externalHosts),
      mesh: gen(fc.constantFrom(undefined, undefined, undefined, 'istio' as const, 'linkerd' as const)),
      dependencies: gen(fc.subarray<DependencyChoice>(['db']), fc.constantFrom<DependencyChoice[]>(['worker'], ['self'], ['db-twice'])),
      dependLater: gen(fc.boolean()),
      scale,
      revisions: gen(
        fc.uniqueArray(revision, { maxLength: 2, selector: (r) => r.track }),
        fc.oneof(
          // a track twice
          revision.map((r) => [r, { ...r, image: digest('9') }]),
          // a twin of the first revision: only the scale differs, which is not part of a revision's identity
          fc.constant([{ track: 'canary', scale: { replicas: 3 } }]),
        ),
      ),
    },
    DEFECT_PERCENT.service,
  );
});

const build: ScenarioBuild<ServiceScenario> = (s, b) => {
  const chart = newChart();
  const mesh = s.mesh && b.step('test/mesh', () => new Mesh(chart, 'mesh', { provider: s.mesh === 'istio' ? MeshProvider.istio() : MeshProvider.linkerd() }));
  const { scale: scaling, revisions, dependencies: choices, dependLater, mesh: _, ...props } = s;
  const dependencies = choices.flatMap((choice): Microservice[] => {
    switch (choice) {
      case 'db':
        return [b.step('test/db', () => new Microservice(chart, 'db', { image: digest('d'), ports: [{ port: 5432 }], mesh }))];
      case 'db-twice': {
        const db = b.step('test/db', () => new Microservice(chart, 'db', { image: digest('d'), ports: [{ port: 5432 }], mesh }));
        return [db, db];
      }
      case 'worker':
        return [b.step('test/worker', () => new Microservice(chart, 'worker', { image: digest('e'), mesh }))];
      case 'self':
        return [];
    }
  });
  const service = b.step('test/svc', () =>
    new Microservice(chart, 'svc', { ...props, ...scaling, image: s.image ?? digest('a'), mesh, dependencies: dependLater ? undefined : dependencies }),
  );
  for (const dependency of [...(dependLater ? dependencies : []), ...(choices.includes('self') ? [service] : [])]) {
    b.step('test/svc', () => service.addDependency(dependency));
  }
  for (const { track: name, scale: revisionScaling, ...revisionProps } of revisions) {
    b.step('test/svc', () => service.addRevision(name, { ...revisionProps, ...revisionScaling }));
  }
  return chart;
};

const annotations = (o: Manifest) => (o.metadata.annotations ?? {}) as Record<string, string>;

/** One Deployment per revision, named by its id; the Service and NetworkPolicy asked for; immutable config; the mutable-image opt-out visible. */
function checkService(s: ServiceScenario, objects: readonly Manifest[]): void {
  const name = s.name ?? 'svc';
  const own = objects.filter((o) => (o.metadata.labels as Record<string, string> | undefined)?.[LabelKeys.NAME] === name);
  const deployments = findObjects(own, { kind: 'Deployment' });
  expect(deployments.map((d) => d.metadata.name)).toEqual([...new Set(deployments.map((d) => d.metadata.name))]);
  expect(deployments).toHaveLength(1 + s.revisions.length);
  expect(deployments.every((d) => new RegExp(`^${name}-[0-9a-f]{10}$`).test(d.metadata.name!))).toBe(true);
  expect(findObjects(own, { kind: 'Service', name })).toHaveLength(s.ports.length > 0 ? 1 : 0);
  expect(findObjects(own, { kind: 'NetworkPolicy' })).toHaveLength(s.networkPolicy === false ? 0 : 1);
  expect([...findObjects(own, { kind: 'ConfigMap' }), ...findObjects(own, { kind: 'Secret' })].every((o) => o.immutable === true)).toBe(true);
  const mutable = [s.image, ...s.revisions.map((r) => r.image ?? s.image)].some((i) => i instanceof ContainerImage && i.isMutable);
  expect(deployments.some((d) => annotations(d)[AnnotationKeys.MUTABLE_IMAGES] !== undefined)).toBe(mutable);
}

describe('Microservice under generated props', () => {
  test('schema-valid, DNS-safe objects or a ValidationError naming the service; nothing else escapes', () => {
    const tally = checkConstructProperty(scenario, build, { numRuns: NUM_RUNS.valid, seed: 20261121, check: checkService });
    tally.expectBothWays();
    tally.expectRefusals(
      /^name must be/,
      /^partOf must be/,
      /^port name/,
      /is declared twice; declare each port once|is used twice/,
      /pin it by digest/,
      /probe points at port/,
      /probe path must start/,
      /exceeds resources\./,
      /runAsUser is 0/,
      /has no data|key '.*' is invalid|relative path|cannot be read/,
      /cannot be written into a manifest/,
      /mountPath '.*' is already used/,
      /sets both/,
      /^eventScaling/,
      /revision track '.*' already exists/,
      /is identical to revision/,
      /cannot depend on itself/,
      /exposes no ports/,
      /is declared twice; declare it once/,
      /^externalHosts/,
      /^allowIngressFrom namespace/,
      /existingSecrets secretName/,
    );
  });

  test('the same props synthesize byte-identical YAML, or the same refusal', () => {
    checkDeterministic(scenario, build, { numRuns: NUM_RUNS.deterministic, seed: 11 });
  });
});
