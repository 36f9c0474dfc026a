import { App, Chart, Duration } from 'cdk8s';
import fc from 'fast-check';
import {
  ContainerImage,
  FunctionProtocol,
  FunctionRevision,
  FunctionScalingProps,
  FunctionVisibility,
  Manifest,
  Mesh,
  MeshProvider,
  Probe,
  ResourceProps,
  SecurityProps,
  ServerlessFunction,
  ServerlessFunctionProps,
} from '../../lib';
import { digestImage } from '../fixtures';
import { checkCases } from './harness/check-cases';
import { checkDeterministic } from './harness/deterministic';
import { Case, caseRecord, Defect, optional, owned, planted, Sites, sound, strictOrLoose, valid } from './planted-defects';
import { envs, partOfs, ProbeChoice, probes, SourceChoice, sources } from './serverless-generators';

/** Generated functions (with revisions and traffic) per run of the default test suite: checked once each, and some built twice for determinism. */
const FUNCTION_RUNS = 800;
const FUNCTION_DETERMINISM_RUNS = 200;

const FUNCTION = 'test/fn';

/** A traffic target by track ('latest' follows the newest revision; 'foreign' is another function's). */
interface TrafficChoice {
  readonly revision: string;
  readonly percent: number;
  readonly tag?: string;
}

interface FunctionScenario {
  readonly props: Omit<ServerlessFunctionProps, 'image' | 'readiness' | 'liveness' | 'mesh'> & {
    readonly image: string | ContainerImage;
    readonly readiness?: ProbeChoice;
    readonly liveness?: ProbeChoice;
    readonly mesh?: 'istio' | 'linkerd';
  };
  /** Revisions added after the first, by track, with what they change. */
  readonly revisions: Array<{
    readonly track: string;
    readonly image?: string;
    readonly env?: Record<string, string>;
    readonly scaling?: FunctionScalingProps;
    readonly timeout?: Duration;
  }>;
  readonly traffic?: TrafficChoice[];
}

const hex = fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b');

const images = (s: Sites): fc.Arbitrary<Case<string | ContainerImage>> => s.validOr<string | ContainerImage>(
  fc.oneof(
    { weight: 8, arbitrary: hex.map((h) => digestImage('ghcr.io/acme/fn', h)) },
    { weight: 1, arbitrary: fc.constant(`registry.example.com:5000/team/fn:1.2@sha256:${'b'.repeat(64)}`) },
    { weight: 1, arbitrary: fc.constant(ContainerImage.fromMutableTag('nginx:1.27')) },
  ),
  fc.constantFrom<string | ContainerImage>('nginx:latest', '', 'ghcr.io/acme/fn@sha256:1234', `Ghcr.io/Acme@sha256:${'a'.repeat(64)}`, ContainerImage.fromMutableTag('Bad Image')),
  'image',
);

const scaling = (s: Sites): fc.Arbitrary<Case<FunctionScalingProps>> => fc.record({
  minScale: optional(s.validOr(fc.integer({ min: 0, max: 5 }), fc.constantFrom(-1, 2.5), 'minScale'), 1),
  maxScale: optional(s.validOr(fc.integer({ min: 1, max: 50 }), fc.constantFrom(0, -3, 1.5), 'maxScale'), 1),
  target: fc.constantFrom('none', 'concurrency', 'rps', 'both'),
  targetConcurrency: s.validOr(fc.constantFrom(1, 10, 0.5, 100, 0.01, 12.34), fc.constantFrom(0, 0.001, -2, 1.234, Number.POSITIVE_INFINITY), 'targetConcurrency'),
  targetRequestsPerSecond: s.validOr(fc.constantFrom(50, 200, 0.5), fc.constantFrom(-1, 0), 'targetRequestsPerSecond'),
  containerConcurrency: optional(s.validOr(fc.integer({ min: 0, max: 1000 }), fc.constantFrom(-1, 1.5, 1001), 'containerConcurrency'), 1),
  scaleDownDelay: optional(s.validOr(fc.integer({ min: 1, max: 3600 }).map((n) => Duration.seconds(n)), fc.constantFrom(Duration.millis(1500), Duration.seconds(0), Duration.seconds(3601)), 'scaleDownDelay'), 1),
}).map((r) => {
  const target = r.target === 'both' && !s.loose ? 'concurrency' : r.target;
  let value: FunctionScalingProps = {
    minScale: r.minScale.value,
    maxScale: r.maxScale.value,
    containerConcurrency: r.containerConcurrency.value,
    scaleDownDelay: r.scaleDownDelay.value,
    targetConcurrency: target === 'concurrency' || target === 'both' ? r.targetConcurrency.value : undefined,
    targetRequestsPerSecond: target === 'rps' || target === 'both' ? r.targetRequestsPerSecond.value : undefined,
  };
  const defects: Defect[] = [r.minScale, r.maxScale, r.containerConcurrency, r.scaleDownDelay].flatMap((c) => c.defects);
  defects.push(
    ...(value.targetConcurrency === undefined ? [] : r.targetConcurrency.defects),
    ...(value.targetRequestsPerSecond === undefined ? [] : r.targetRequestsPerSecond.defects),
  );
  if (!s.loose) {
    // a strict scaling keeps min ≤ max and the soft target within the hard limit
    const max = value.maxScale;
    const limit = value.containerConcurrency;
    value = {
      ...value,
      minScale: max !== undefined && (value.minScale ?? 0) > max ? max : value.minScale,
      targetConcurrency: limit !== undefined && limit > 0 && value.targetConcurrency !== undefined && value.targetConcurrency > limit
        ? limit
        : value.targetConcurrency,
    };
  }
  if (target === 'both') {
    defects.push({ owner: '', what: 'both targetConcurrency and targetRequestsPerSecond' });
  }
  const whole = (n: number | undefined) => n === undefined || Number.isInteger(n);
  const [minScale, maxScale] = [value.minScale ?? 0, value.maxScale];
  if (whole(value.minScale) && whole(maxScale) && maxScale !== undefined && minScale > maxScale && minScale >= 0 && maxScale >= 1) {
    defects.push({ owner: '', what: `minScale ${value.minScale} above maxScale ${value.maxScale}` });
  }
  const limit = value.containerConcurrency ?? 0;
  const targetConcurrency = r.targetConcurrency.defects.length === 0 ? value.targetConcurrency : undefined;
  if (r.containerConcurrency.defects.length === 0 && limit > 0 && targetConcurrency !== undefined && targetConcurrency > limit) {
    defects.push({ owner: '', what: `targetConcurrency ${value.targetConcurrency} above containerConcurrency ${limit}` });
  }
  return { value, defects };
});

/** Quantities with their values, so a request above its limit is known. */
const CPU: Record<string, number> = { '100m': 0.1, '250m': 0.25, '2': 2, '1': 1, '500m': 0.5 };
const MEMORY: Record<string, number> = { '64Mi': 64, '128Mi': 128, '1Gi': 1024, '512Mi': 512, '256Mi': 256 };

const resources = (s: Sites): fc.Arbitrary<Case<ResourceProps>> => fc.record({
  cpuRequest: optional(s.validOr(fc.constantFrom('100m', '250m', '2'), fc.constantFrom('-1', 'abc', '0', '1.5.5'), 'cpuRequest')),
  cpuLimit: optional(s.validOr(fc.constantFrom('1', '500m'), fc.constantFrom('', '0m'), 'cpuLimit')),
  memoryRequest: optional(s.validOr(fc.constantFrom('64Mi', '128Mi', '1Gi'), fc.constantFrom('64m', '1.5.5Mi', '0'), 'memoryRequest')),
  memoryLimit: optional(s.validOr(fc.constantFrom('512Mi', '256Mi'), fc.constantFrom('big'), 'memoryLimit')),
}).map((r) => {
  let value: ResourceProps = {
    cpuRequest: r.cpuRequest.value,
    cpuLimit: r.cpuLimit.value,
    memoryRequest: r.memoryRequest.value,
    memoryLimit: r.memoryLimit.value,
  };
  const above = (request: string | undefined, limit: string | undefined, table: Record<string, number>, fallback: string) =>
    request !== undefined && table[request] !== undefined && table[limit ?? fallback] !== undefined && table[request] > table[limit ?? fallback];
  if (!s.loose) {
    value = {
      ...value,
      cpuLimit: above(value.cpuRequest, value.cpuLimit, CPU, '500m') ? '2' : value.cpuLimit,
      memoryLimit: above(value.memoryRequest, value.memoryLimit, MEMORY, '256Mi') ? '1Gi' : value.memoryLimit,
    };
  }
  const defects: Defect[] = [r.cpuRequest, r.cpuLimit, r.memoryRequest, r.memoryLimit].flatMap((c) => c.defects);
  if (above(value.cpuRequest, value.cpuLimit, { ...CPU, '2': 2 }, '500m')) {
    defects.push({ owner: '', what: 'a CPU request above its limit' });
  }
  if (above(value.memoryRequest, value.memoryLimit, MEMORY, '256Mi')) {
    defects.push({ owner: '', what: 'a memory request above its limit' });
  }
  return { value, defects };
});

const security = (s: Sites): fc.Arbitrary<Case<SecurityProps>> => caseRecord({
  runAsUser: optional(s.validOr(fc.constantFrom(10001, 1000, 65534), fc.constantFrom(-1, 1.5, 2_147_483_648), 'runAsUser'), 1),
  readOnlyRootFilesystem: optional(valid(fc.boolean()), 1),
  allowPrivilegeEscalation: optional(valid(fc.boolean()), 1),
  capabilitiesAdd: optional(s.validOr<string[]>(fc.constant(['NET_BIND_SERVICE']), fc.constantFrom(['SYS_ADMIN'], ['net_admin'], ['CAP_NET_RAW']), 'capabilitiesAdd'), 1),
  seccompProfile: optional(valid(fc.constantFrom<'RuntimeDefault' | 'Unconfined'>('RuntimeDefault', 'Unconfined')), 1),
});

/** Traffic: strict targets are distinct live revisions whose whole percents sum to 100 under distinct tags; loose ones may break any rule. */
function traffic(s: Sites, live: readonly string[]): fc.Arbitrary<Case<TrafficChoice[]>> {
  const targets = [...live, 'latest'];
  const tag = s.validOr(fc.constantFrom('stable', 'canary', 'preview', 'v2', 'blue'), fc.constantFrom('Canary', '', 'x'.repeat(60), 'a_b'), 'traffic tag');
  const strict = fc.subarray(targets, { minLength: 1 }).chain((chosen) =>
    fc.tuple(
      fc.array(fc.integer({ min: 0, max: 100 }), { minLength: chosen.length - 1, maxLength: chosen.length - 1 }),
      fc.uniqueArray(fc.constantFrom('stable', 'canary', 'preview', 'v2', 'blue'), { minLength: chosen.length, maxLength: chosen.length }),
      fc.array(fc.boolean(), { minLength: chosen.length, maxLength: chosen.length }),
    ).map(([cuts, tags, tagged]) => {
      const points = [0, ...cuts.sort((a, b) => a - b), 100];
      return sound(chosen.map((revision, i) => ({ revision, percent: points[i + 1] - points[i], tag: tagged[i] ? tags[i] : undefined })));
    }));
  const loose = fc.array(
    fc.record({
      revision: fc.constantFrom(...targets, 'foreign'),
      percent: s.validOr(fc.integer({ min: 0, max: 100 }), fc.constantFrom(-5, 12.5, 120, Number.NaN), 'traffic percent'),
      tag: optional(tag),
    }),
    { maxLength: 3 },
  ).map((entries) => ({
    value: entries.map((e) => ({ revision: e.revision, percent: e.percent.value, tag: e.tag.value })),
    defects: entries.flatMap((e) => [...e.percent.defects, ...e.tag.defects]),
  }));
  return s.loose ? fc.oneof(strict, loose) : strict;
}

/** What the traffic rules (Knative's webhook, as the library documents them) refuse in a traffic block. */
function trafficDefects(targets: readonly TrafficChoice[], functionName: string, live: readonly string[]): Defect[] {
  const defects: string[] = [];
  if (targets.length === 0) {
    defects.push('traffic without targets');
  }
  const untagged = new Set<string>();
  const tags = new Set<string>();
  for (const t of targets) {
    if (t.revision !== 'latest' && !live.includes(t.revision)) {
      defects.push(`traffic to ${t.revision}, not a live revision`);
    }
    if (!Number.isInteger(t.percent) || t.percent < 0 || t.percent > 100) {
      defects.push(`traffic percent ${t.percent}`);
    }
    if (t.tag === undefined) {
      if (untagged.has(t.revision)) {
        defects.push(`traffic to ${t.revision} twice without a tag`);
      }
      untagged.add(t.revision);
      continue;
    }
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(t.tag) || `${t.tag}-${functionName}`.length > 63) {
      defects.push(`traffic tag '${t.tag}' for function ${functionName}`);
    }
    if (tags.has(t.tag)) {
      defects.push(`traffic tag '${t.tag}' twice`);
    }
    tags.add(t.tag);
  }
  if (targets.reduce((sum, t) => sum + t.percent, 0) !== 100) {
    defects.push('traffic percents that do not sum to 100');
  }
  return defects.map((what) => ({ owner: '', what }));
}

const scenarios: fc.Arbitrary<Case<FunctionScenario>> = strictOrLoose((s) => fc.record({
  props: caseRecord({
    image: images(s),
    name: optional(s.validOr(fc.constantFrom('fn', 'resize', 'f'.repeat(41)), fc.constantFrom('Fn', 'f'.repeat(42), '1fn', 'fn_1', ''), 'function name'), 1),
    partOf: optional(partOfs(s), 1),
    // wrong JavaScript types too (NaN, a string), as plain JavaScript or JSON gives them
    port: optional(s.validOr(fc.constantFrom(8080, 3000, 9000, 1, 65535), fc.constantFrom(8012, 8013, 8022, 9090, 9091, 0, 70000, 1.5, NaN, '8080' as unknown as number), 'port'), 1),
    protocol: optional(s.validOr(fc.constantFrom(FunctionProtocol.HTTP1, FunctionProtocol.H2C), fc.constant('http3' as FunctionProtocol), 'protocol'), 1),
    visibility: optional(s.validOr(fc.constantFrom(FunctionVisibility.CLUSTER_LOCAL, FunctionVisibility.PUBLIC), fc.constant('internal' as FunctionVisibility), 'visibility'), 1),
    track: optional(s.validOr(fc.constantFrom('stable', 'v1', 'blue'), fc.constantFrom('Stable', '', 't'.repeat(41)), 'track'), 1),
    networkPolicy: optional(valid(fc.boolean()), 1),
    mesh: optional(valid(fc.constantFrom<'istio' | 'linkerd'>('istio', 'linkerd')), 1),
    knative: optional(caseRecord({
      servingNamespace: optional(s.validOr(fc.constantFrom('knative-serving', 'serving'), fc.constantFrom('Knative', 'a_b'), 'servingNamespace'), 1),
      ingressNamespace: optional(s.validOr(fc.constantFrom('kourier-system', 'istio-system'), fc.constantFrom('Kourier', ''), 'ingressNamespace'), 1),
    }), 1),
    // a string for the list would be split into characters; numbers for strings
    command: optional(s.validOr(fc.constantFrom<string[]>(['/bin/fn'], ['node', 'index.js']), fc.constantFrom('node index.js', [1]) as fc.Arbitrary<unknown> as fc.Arbitrary<string[]>, 'command'), 1),
    args: optional(s.validOr(fc.constantFrom<string[]>(['--port', '8080'], ['-v']), fc.constantFrom('--port 8080', [8080]) as fc.Arbitrary<unknown> as fc.Arbitrary<string[]>, 'args'), 1),
    env: optional(envs(s), 1),
    configs: optional(sources(s, 'config'), 1) as fc.Arbitrary<Case<SourceChoice[] | undefined>>,
    secrets: optional(sources(s, 'secret'), 1) as fc.Arbitrary<Case<SourceChoice[] | undefined>>,
    existingSecrets: optional(caseRecord({
      secretName: s.validOr(fc.constantFrom('db-credentials', 'tls.example.com'), fc.constantFrom('Bad_Secret', ''), 'existing secret name'),
      mountPath: optional(valid(fc.constant('/var/run/secrets/existing')), 1),
    }).map((c) => ({ ...c, value: [c.value] })), 2),
    resources: optional(resources(s), 1),
    security: optional(security(s), 1),
    readiness: optional(probes(s), 1),
    liveness: optional(probes(s), 1),
    scaling: optional(scaling(s)),
    timeout: optional(s.validOr(fc.integer({ min: 1, max: 600 }).map((n) => Duration.seconds(n)), fc.constantFrom(Duration.seconds(0), Duration.seconds(601), Duration.millis(1500), 30 as unknown as Duration), 'timeout'), 1),
  }),
  revisions: fc.subarray(['canary', 'preview']).chain((tracks) => fc.tuple(...tracks.map((track) => caseRecord({
    track: s.validOr(fc.constant(track), fc.constantFrom(track.toUpperCase(), ''), 'revision track'),
    // a digest no other revision has ('c', 'd'; the first revision's are '0'-'b'), or the first one's (then another prop must differ)
    image: optional(s.wrongOr(valid(fc.constant(digestImage('ghcr.io/acme/fn', track === 'canary' ? 'c' : 'd'))), fc.constant(planted('nginx:latest', 'revision image nginx:latest'))), s.loose ? 4 : 1000),
    env: optional(envs(s), 1),
    scaling: optional(scaling(s), 1),
    timeout: optional(s.validOr(fc.integer({ min: 1, max: 600 }).map((n) => Duration.seconds(n)), fc.constant(Duration.seconds(0)), 'revision timeout'), 1),
  })))),
  trafficSeed: fc.option(fc.constant(true), { nil: undefined, freq: 2 }),
}).chain((r) => {
  const baseTrack = r.props.value.track ?? 'stable';
  const live = [baseTrack, ...r.revisions.map((rev) => rev.value.track)];
  const trafficCase = r.trafficSeed === undefined ? fc.constant(sound<TrafficChoice[] | undefined>(undefined)) : traffic(s, live);
  return trafficCase.map((t) => {
    const defects: Defect[] = [...r.props.defects, ...r.revisions.flatMap((rev) => rev.defects), ...t.defects];
    const props = r.props.value;
    for (const rev of r.revisions.map((c) => c.value)) {
      if (rev.image === undefined && rev.env === undefined && rev.scaling === undefined && rev.timeout === undefined) {
        defects.push({ owner: '', what: `revision ${rev.track} identical to the first` });
      }
    }
    const tracks = live.filter((track, i) => live.indexOf(track) === i);
    if (tracks.length !== live.length) {
      defects.push({ owner: '', what: 'a revision track used twice' });
    }
    if (t.value !== undefined) {
      defects.push(...trafficDefects(t.value, props.name ?? 'fn', live));
    }
    const scenario: FunctionScenario = { props, revisions: r.revisions.map((rev) => rev.value), traffic: t.value };
    return { value: scenario, defects };
  });
}));

function probeOf(choice: ProbeChoice | undefined, port: number, protocol: FunctionProtocol): Probe | undefined {
  if (choice === undefined) {
    return undefined;
  }
  const targets: Record<string, string | number | undefined> = { number: port, name: protocol, 'other-number': port + 1, 'other-name': 'metrics' };
  const target = choice.kind === 'exec' || choice.port === undefined ? undefined : targets[choice.port];
  switch (choice.kind) {
    case 'http':
      return Probe.http({ ...choice.timing, path: choice.path, port: target });
    case 'tcp':
      return Probe.tcp({ ...choice.timing, port: target });
    case 'exec':
      return Probe.exec({ ...choice.timing, command: choice.command });
  }
}

/** Builds the function at test/fn with its revisions and traffic (and a mesh at test/mesh when it joins one). */
function build(s: FunctionScenario): Chart[] {
  const chart = new Chart(new App(), 'test', { namespace: 'test' });
  const { props } = s;
  const mesh = props.mesh && new Mesh(chart, 'mesh', { provider: props.mesh === 'istio' ? MeshProvider.istio() : MeshProvider.linkerd() });
  const port = props.port ?? 8080;
  const protocol = props.protocol ?? FunctionProtocol.HTTP1;
  const fn = new ServerlessFunction(chart, 'fn', {
    ...props,
    mesh,
    readiness: probeOf(props.readiness, port, protocol),
    liveness: probeOf(props.liveness, port, protocol),
  });
  for (const { track, ...revision } of s.revisions) {
    fn.addRevision(track, revision);
  }
  if (s.traffic !== undefined) {
    let other: FunctionRevision | undefined;
    const foreign = () => (other ??= new ServerlessFunction(chart, 'other', { image: digestImage('ghcr.io/acme/other', 'f') }).revisions[0]);
    fn.setTraffic(s.traffic.map((t) => ({
      revision: t.revision === 'latest' ? 'latest' : t.revision === 'foreign' ? foreign() : fn.revisions.find((r) => r.track === t.revision)!,
      percent: t.percent,
      tag: t.tag,
    })));
  }
  return [chart];
}

/** The Knative Service: the newest revision is the template, traffic sums to 100, tag hosts are DNS labels. */
function expectKnativeService(s: FunctionScenario, objects: readonly Manifest[]): void {
  const service = objects.find((o) => o.apiVersion === 'serving.knative.dev/v1')!;
  const spec = service.spec as { template: { metadata: { name: string; annotations: Record<string, string> } }; traffic: TrafficChoice[] };
  const name = s.props.name ?? 'fn';
  const template = spec.template.metadata;
  const problems: string[] = [];
  if (!template.name.startsWith(`${name}-`) || template.name.length > 63) {
    problems.push(`template name ${template.name}`);
  }
  if (spec.traffic.reduce((sum, t) => sum + t.percent, 0) !== 100) {
    problems.push('traffic does not sum to 100');
  }
  for (const tag of spec.traffic.map((t) => t.tag).filter((t) => t !== undefined)) {
    if (`${tag}-${name}`.length > 63) {
      problems.push(`tag host ${tag}-${name}`);
    }
  }
  const min = Number(template.annotations['autoscaling.knative.dev/min-scale'] ?? 0);
  const max = Number(template.annotations['autoscaling.knative.dev/max-scale'] ?? Infinity);
  if (min > max) {
    problems.push(`min-scale ${min} above max-scale ${max}`);
  }
  expect(problems).toEqual([]);
}

describe('ServerlessFunction under generated props, revisions and traffic', () => {
  test("accepted exactly when the generated props break no rule of an independent model of Knative's, with schema-valid objects the API server accepts; refused with a ValidationError at the function; nothing else escapes", () => {
    const tally = checkCases(owned(FUNCTION, scenarios), build, {
      numRuns: FUNCTION_RUNS, seed: 11, owners: [FUNCTION], exact: true, check: expectKnativeService,
      features: ({ props: p, revisions, traffic: t }) => [
        ...Object.keys(p), ...(p.mesh ? [`mesh ${p.mesh}`] : []), ...(revisions.length > 0 ? ['revisions'] : []), ...(t ? ['traffic'] : []),
        ...[p.readiness, p.liveness].filter((x) => x !== undefined).map((x) => `probe ${x!.kind}`),
      ],
    });
    tally.expectBothWays();
    tally.expectFeatures(['name', 'port', 'protocol', 'visibility', 'track', 'knative', 'env', 'configs', 'secrets', 'existingSecrets', 'resources', 'security', 'scaling', 'timeout'], 50);
    tally.expectFeatures(['mesh istio', 'mesh linkerd', 'revisions', 'traffic', 'probe http', 'probe tcp', 'probe exec'], 30);
  });

  test('synthesis is deterministic: the same function in two fresh apps gives byte-identical YAML, or the same refusal', () => {
    checkDeterministic(scenarios, (c) => build(c.value), { numRuns: FUNCTION_DETERMINISM_RUNS, seed: 12 });
  });
});
