import { join } from 'path';
import { Duration } from 'cdk8s';
import fc from 'fast-check';
import {
  AutoscalingProps,
  ConfigSource,
  ContainerImage,
  EventScalingProps,
  ExistingSecretReference,
  ExternalHostProps,
  IngressPeer,
  MESH_DEFAULT_RETRIES,
  Probe,
  ProbeTimingProps,
  ResourceProps,
  RetryOn,
  RevisionProps,
  ScaleTrigger,
  SecurityProps,
  ServicePortProps,
  TriggerAuth,
} from '../../lib';

// Generators over the props of the workload constructs (Microservice and its
// revisions), shared by the workload, mesh, traffic and release property
// tests. Each prop has a generator of valid values and one of invalid values
// (a `Gen`); a record of props is sound (every prop valid) or has one planted
// defect (`withDefect`), so that most cases are accepted as a whole while
// every kind of refusal still occurs. Values are small, so a case
// synthesizes fast.

/**
 * Secret data the generators put in secrets, valid and not: no refusal may
 * show it (the harness checks every message).
 */
export const SECRET_TEXT = 'S3cr3t-0f-the-generators';
/** A number given as secret data, which no refusal may show either. */
export const SECRET_NUMBER = 918273645;

/** A value of the wrong JavaScript type, as plain JavaScript, JSON or `as any` gives it. */
const wrong = <T>(value: unknown): T => value as T;

/** Valid and invalid values of one prop. */
export interface Gen<T> {
  readonly valid: fc.Arbitrary<T>;
  /** Invalid values; `undefined` for a prop every value of which is valid. */
  readonly invalid?: fc.Arbitrary<T>;
}

/** A prop generator from its valid and invalid values. */
export const gen = <T>(valid: fc.Arbitrary<T>, invalid?: fc.Arbitrary<T>): Gen<T> => ({ valid, invalid });

/** The value or `undefined` (the prop left out), half of the time each. */
export const optional = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arbitrary, { nil: undefined, freq: 2 });

/** A prop that may be left out; left out is valid. */
export const optionalGen = <T>(g: Gen<T>): Gen<T | undefined> => gen(optional(g.valid), g.invalid);

type Shape<T> = { readonly [K in keyof T]-?: Gen<T[K]> };

/** Drops the keys whose value is `undefined`, as users write props. */
export function defined<T>(record: T): T {
  return Object.fromEntries(Object.entries(record as object).filter(([, v]) => v !== undefined)) as T;
}

/**
 * Records of props: sound (every prop valid) `100 - defectPercent` percent of
 * the time, else with exactly one prop (picked at random) invalid. A prop
 * left out is missing from the record, or there as `undefined`.
 */
export function withDefect<T>(shape: Shape<T>, defectPercent: number): fc.Arbitrary<T> {
  const keys = Object.keys(shape) as (keyof T)[];
  const valid = Object.fromEntries(keys.map((k) => [k, shape[k].valid])) as { [K in keyof T]: fc.Arbitrary<T[K]> };
  const sound = fc.record(valid);
  const defectKeys = keys.filter((k) => shape[k].invalid !== undefined);
  const defective = fc.constantFrom(...defectKeys)
    .chain((key) => fc.record({ ...valid, [key]: shape[key].invalid } as { [K in keyof T]: fc.Arbitrary<T[K]> }));
  const arbitraries = [
    ...(defectPercent < 100 ? [{ arbitrary: sound, weight: 100 - defectPercent }] : []),
    ...(defectPercent > 0 ? [{ arbitrary: defective, weight: defectPercent }] : []),
  ];
  // a prop left out is missing, or (as `{ name: props.name }` writes it) given as undefined
  return fc.tuple(fc.oneof(...arbitraries), fc.boolean()).map(([record, explicit]) => (explicit ? record : defined(record)) as T);
}

/** A record prop: valid when every field is, invalid with one field invalid. */
export const recordGen = <T>(shape: Shape<T>): Gen<T> => gen(withDefect(shape, 0), withDefect(shape, 100));

/** The invalid values of a prop that has some. */
export const invalidOf = <T>(g: Gen<T>): fc.Arbitrary<T> => g.invalid!;

/** A digest reference; `seed` (a hex digit) picks the digest, so equal seeds are the same image. */
export const digest = (seed: string, repository = 'ghcr.io/acme/app') => `${repository}@sha256:${seed.repeat(64)}`;

/** Images: digests (plain, with a registry port, with a tag), a visible mutable-tag opt-out, and refused forms. */
export const image: Gen<ContainerImage | string> = gen<ContainerImage | string>(
  fc.oneof(
    { arbitrary: fc.constantFrom('a', 'b', 'c', '0', '9').map((s) => digest(s)), weight: 6 },
    { arbitrary: fc.constantFrom(digest('1', 'registry.local:5000/team/app'), digest('2', 'nginx'), digest('3', 'ghcr.io/acme/app:1.2')), weight: 2 },
    { arbitrary: fc.constantFrom('a', 'b').map((s) => ContainerImage.fromDigest(digest(s))), weight: 1 },
    { arbitrary: fc.constantFrom('nginx:1.27', 'ghcr.io/acme/app:v2', 'busybox').map((t) => ContainerImage.fromMutableTag(t)), weight: 1 },
  ),
  fc.constantFrom<ContainerImage | string>(
    'nginx:latest',
    'ghcr.io/acme/app',
    '',
    ' ',
    'ghcr.io/acme/app@sha256:1234',
    'GHCR.io/acme/app@sha256:' + 'a'.repeat(64),
    ContainerImage.fromMutableTag('Bad Tag'),
    ContainerImage.fromMutableTag(''),
    // wrong JavaScript types
    wrong(42),
    wrong({ reference: digest('a') }),
    ContainerImage.fromDigest(wrong(7)),
  ),
);

/** Service names: DNS-1035 labels of at most 41 characters. */
export const serviceName = gen(
  fc.oneof(fc.constantFrom('orders', 'payment-api', 'a', 'svc2'), fc.stringMatching(/^[a-z][-a-z0-9]{0,39}[a-z0-9]$/)),
  fc.constantFrom('', 'Orders', '2fa', 'orders-', 'a_b', 'x'.repeat(42)),
);

const badTracks = fc.constantFrom('', 'Canary', '-x', 'x'.repeat(41));
/** Tracks of a service's first revision: DNS labels of at most 40 characters. */
export const firstTrack = gen(fc.constantFrom('stable', 'blue', 'v1'), badTracks);
/** Tracks of further revisions, none a first revision's. */
export const track = gen(fc.constantFrom('canary', 'green', 'v2', '2024'), badTracks);

const PORT_NAMES = ['http', 'grpc', 'admin', 'metrics'];
const PORTS = [80, 443, 53, 1];
const CONTAINER_PORTS = [8080, 9090, 65535, 8443];

/**
 * The ports of a service: up to three, names, ports and container ports
 * distinct (a container port given is never another port's number).
 */
const validPorts: fc.Arbitrary<ServicePortProps[]> = fc.integer({ min: 0, max: 3 }).chain((n) =>
  fc
    .tuple(
      fc.shuffledSubarray(PORT_NAMES, { minLength: n, maxLength: n }),
      fc.shuffledSubarray(PORTS, { minLength: n, maxLength: n }),
      fc.shuffledSubarray(CONTAINER_PORTS, { minLength: n, maxLength: n }),
      fc.array(fc.record({ named: fc.boolean(), ownContainerPort: fc.boolean(), protocol: fc.constantFrom<'TCP' | 'UDP' | 'SCTP' | undefined>(undefined, 'TCP', 'UDP', 'SCTP') }), { minLength: n, maxLength: n }),
    )
    .map(([names, numbers, containerNumbers, options]) =>
      options.map((o, i) => defined({
        // a name left out is 'http': only the one port may go without
        name: o.named || n > 1 ? names[i] : undefined,
        port: numbers[i],
        containerPort: o.ownContainerPort ? containerNumbers[i] : undefined,
        protocol: o.protocol,
      })),
    ),
);
/** Ports with one defect: a bad name or number, or a name or number used twice. */
const invalidPorts: fc.Arbitrary<ServicePortProps[]> = fc.oneof<fc.Arbitrary<ServicePortProps[]>[]>(
  fc.constantFrom('Bad', '-x', 'a--b', '123', 'x'.repeat(16)).map((name) => [{ name, port: 80 }]),
  fc.constantFrom(0, -1, 70000, 80.5).map((port) => [{ name: 'http', port }]),
  fc.constantFrom(0, 65536).map((containerPort) => [{ name: 'http', port: 80, containerPort }]),
  fc.constant([{ name: 'http', port: 80 }, { name: 'http', port: 81 }]),
  fc.constant([{ name: 'http', port: 80 }, { name: 'grpc', port: 80 }]),
  fc.constant([{ port: 80 }, { port: 81 }]),
  fc.constant([{ name: 'http', port: 80, containerPort: 8080 }, { name: 'grpc', port: 81, containerPort: 8080 }]),
  // wrong JavaScript types: a string for the list, a string or NaN for a number, a protocol in lower case, no port
  fc.constantFrom(wrong<ServicePortProps[]>('80'), [{ name: 'http', port: wrong<number>('80') }], [{ name: 'http', port: NaN }], [{ port: 80, protocol: wrong<'TCP'>('tcp') }], [wrong<ServicePortProps>({ name: 'http' })]),
);
export const ports = gen(validPorts, invalidPorts);

/** Whole seconds (probe timing accepts no fractions). */
const seconds = (min: number) => gen(
  fc.integer({ min, max: 30 }).map((s) => Duration.seconds(s)),
  fc.constantFrom(Duration.millis(1500), Duration.millis(200), ...(min > 0 ? [Duration.seconds(0)] : [])),
);
const timing: Gen<ProbeTimingProps> = recordGen<ProbeTimingProps>({
  initialDelay: optionalGen(seconds(0)),
  period: optionalGen(seconds(1)),
  timeout: optionalGen(seconds(1)),
  failureThreshold: optionalGen(gen(fc.integer({ min: 1, max: 10 }), fc.constantFrom(0, 1.5))),
});

/** The ports of a service as a probe may name them: by name, by container port number. */
const portReferences = (declared: readonly ServicePortProps[]) =>
  declared.flatMap((p) => [p.name ?? 'http', p.containerPort ?? p.port]);

/**
 * Probes for a service with `declared` ports: HTTP and TCP probes on a
 * declared port (or the first, by default), commands; invalid ones point at
 * an undeclared port, have a relative path, bad timing or an empty command.
 */
export function probe(declared: readonly ServicePortProps[]): Gen<Probe> {
  const references = portReferences(declared);
  const port = references.length === 0 ? undefined : optional(fc.constantFrom<string | number>(...references));
  const http = (t: fc.Arbitrary<ProbeTimingProps>, path: fc.Arbitrary<string | undefined>, p: fc.Arbitrary<string | number | undefined>) =>
    fc.record({ t, path, port: p, scheme: optional(fc.constantFrom<'HTTP' | 'HTTPS'>('HTTP', 'HTTPS')) }).map(({ t: timingProps, ...rest }) => Probe.http({ ...timingProps, ...defined(rest) }));
  const tcp = (t: fc.Arbitrary<ProbeTimingProps>, p: fc.Arbitrary<string | number | undefined>) =>
    fc.record({ t, port: p }).map(({ t: timingProps, ...rest }) => Probe.tcp({ ...timingProps, ...defined(rest) }));
  const exec = (t: fc.Arbitrary<ProbeTimingProps>, command: fc.Arbitrary<string[]>) =>
    fc.record({ t, command }).map(({ t: timingProps, command: c }) => Probe.exec({ ...timingProps, command: c }));
  const goodPath = optional(fc.constantFrom('/', '/healthz', '/ready?full=1'));
  const goodCommand = fc.constantFrom<string[]>(['/bin/ok'], ['sh', '-c', 'test -f /tmp/ready']);
  const undeclared = fc.constantFrom<string | number>('nope', 1234);
  return gen(
    port === undefined
      ? exec(timing.valid, goodCommand)
      : fc.oneof(http(timing.valid, goodPath, port), tcp(timing.valid, port), exec(timing.valid, goodCommand)),
    fc.oneof(
      http(timing.valid, goodPath, undeclared),
      tcp(timing.valid, undeclared),
      http(timing.valid, fc.constantFrom('healthz', ''), port ?? undeclared),
      exec(invalidOf(timing), goodCommand),
      exec(timing.valid, fc.constantFrom<string[]>([], [''])),
      // wrong JavaScript types: a string for the command, a number for a Duration
      exec(timing.valid, fc.constant(wrong<string[]>('test -f /tmp/ready'))),
      exec(fc.constant<ProbeTimingProps>({ period: wrong<Duration>(5) }), goodCommand),
      // a port is needed, and a service without ports has none to default to
      ...(references.length === 0 ? [http(timing.valid, goodPath, fc.constant(undefined)), tcp(timing.valid, fc.constant(undefined))] : []),
    ),
  );
}

const quantity = (valid: readonly string[], invalid: readonly string[]) => optionalGen(gen(fc.constantFrom(...valid), fc.constantFrom(...invalid)));
/** Requests and limits: every request below every limit (and the defaults); invalid: malformed, zero, or a request above its limit. */
export const resources: Gen<ResourceProps> = (() => {
  const shape = recordGen<ResourceProps>({
    cpuRequest: quantity(['50m', '100m', '250m'], ['', 'abc', '0', '-1', '1 cpu']),
    cpuLimit: quantity(['500m', '1', '2', '0.5'], ['0m', '2 cores']),
    memoryRequest: quantity(['64Mi', '128Mi', '100M'], ['0', '100m', 'lots']),
    memoryLimit: quantity(['256Mi', '1Gi'], ['1GB', '']),
    ephemeralStorageRequest: quantity(['64Mi', '128Mi'], ['1x']),
    ephemeralStorageLimit: quantity(['1Gi', '2Gi'], ['0Gi']),
  });
  const above = fc.constantFrom<ResourceProps>(
    { cpuRequest: '2', cpuLimit: '100m' },
    { memoryRequest: '2Gi' },
    { ephemeralStorageLimit: '64Mi' },
    // wrong JavaScript types
    { cpuLimit: wrong<string>(1) },
    wrong<ResourceProps>('500m'),
  );
  return gen(shape.valid, fc.oneof(invalidOf(shape), above));
})();

/** Security settings; invalid: ids out of range, root while runAsNonRoot, malformed capabilities. */
export const security: Gen<SecurityProps> = (() => {
  const id = optionalGen(gen(fc.constantFrom(1000, 10001, 65534), fc.constantFrom(-1, 1.5, 2 ** 31)));
  const shape = recordGen<SecurityProps>({
    runAsNonRoot: optionalGen(gen(fc.boolean())),
    runAsUser: id,
    runAsGroup: id,
    readOnlyRootFilesystem: optionalGen(gen(fc.boolean())),
    allowPrivilegeEscalation: optionalGen(gen(fc.boolean())),
    capabilitiesAdd: optionalGen(gen(fc.subarray(['NET_BIND_SERVICE', 'SYS_TIME', 'CHOWN']), fc.constantFrom<string[]>(['cap_net_admin'], ['NET-ADMIN']))),
    seccompProfile: optionalGen(gen(fc.constantFrom<'RuntimeDefault' | 'Unconfined'>('RuntimeDefault', 'Unconfined'))),
  });
  const root = fc.constantFrom<SecurityProps>({ runAsUser: 0 }, { runAsNonRoot: true, runAsUser: 0 });
  return gen(fc.oneof(shape.valid, fc.constant<SecurityProps>({ runAsNonRoot: false, runAsUser: 0 })), fc.oneof(invalidOf(shape), root));
})();

/** Environment variable names (letters, digits, '_', '-', '.'; not starting with a digit). */
const envName = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,12}$/);
/** Plain variables; invalid: a bad name. */
export const env = gen(
  fc.dictionary(envName, fc.string({ maxLength: 12 }), { maxKeys: 3 }),
  fc.oneof(
    fc.constantFrom('1X', 'a b', '', 'X=Y').map((name) => ({ [name]: 'v' })),
    // wrong JavaScript types: an unset process.env variable, a number, NAME=value strings
    fc.constantFrom<Record<string, string>>({ DB_HOST: wrong(undefined) }, { PORT: wrong(8080) }, wrong(['A=1']), wrong('A=1')),
  ),
);

/** A readable absolute file for config `files`. */
const FILE = join(__dirname, '..', 'crd-schema.ts');
const SOURCE_NAMES = ['settings', 'flags', 'rabbit', 'db'];

/**
 * Config or secret sources of one kind ('config' or 'secret', which names
 * their directory): literals and files, as variables or mounted files, names
 * distinct, each mounted in its own directory.
 */
function sources(kind: 'config' | 'secret', max: number): Gen<ConfigSource[]> {
  const key = fc.oneof(envName, fc.constantFrom('URL', 'toString'));
  // a secret's values hold the sentinel, so that a refusal that shows one is seen
  const value = kind === 'secret' ? fc.string({ maxLength: 16 }).map((v) => `${SECRET_TEXT}${v}`) : fc.string({ maxLength: 16 });
  const source = (name: string) =>
    fc.record({
      literals: fc.dictionary(key, value, { maxKeys: 3 }),
      file: fc.boolean(),
      mounted: fc.boolean(),
    }).map(({ literals, file, mounted }): ConfigSource => defined({
      name,
      literals,
      // a source needs data: a file when there is no literal
      files: file || Object.keys(literals).length === 0 ? { CONF: FILE } : undefined,
      mountPath: mounted ? `/etc/${kind}-${name}` : undefined,
    }));
  const valid = fc.shuffledSubarray(SOURCE_NAMES, { maxLength: max }).chain((names) => fc.tuple(...names.map(source)));
  const invalid = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom<ConfigSource>(
      { name: 'Settings', literals: { A: '1' } },
      { name: '', literals: { A: '1' } },
      { name: 'x'.repeat(41), literals: { A: '1' } },
      { name: 'settings' },
      { name: 'settings', literals: { 'app.conf': 'x' } },
      { name: 'settings', literals: { 'a b': 'x' }, mountPath: '/etc/x' },
      { name: 'settings', literals: { constructor: 'x' } },
      { name: 'settings', literals: JSON.parse('{"__proto__": "x"}') },
      { name: 'settings', files: { CONF: 'relative.conf' } },
      { name: 'settings', files: { CONF: '/nonexistent/app.conf' } },
      { name: 'settings', literals: { CONF: '1' }, files: { CONF: FILE } },
      { name: 'settings', literals: { A: '1' }, mountPath: 'relative' },
      { name: 'settings', literals: { A: '1' }, mountPath: '/' },
      { name: 'settings', literals: { A: '1' }, mountPath: '/tmp' },
      { name: 'settings', literals: { A: '1' }, mountPath: '/a/../b' },
    ).map((s) => [s]) },
    { weight: 1, arbitrary: fc.constant<ConfigSource[]>([{ name: 'settings', literals: { A: '1' } }, { name: 'settings', literals: { B: '1' } }]) },
    { weight: 1, arbitrary: fc.constant<ConfigSource[]>([{ name: 'settings', literals: { A: '1' }, mountPath: '/etc/x' }, { name: 'flags', literals: { B: '1' }, mountPath: '/etc/x/' }]) },
    // wrong JavaScript types: a number or undefined as a value, the content where a file path goes, a string for the list
    // (a secret's hold the sentinel, which no refusal may show; a config's may be shown)
    { weight: 1, arbitrary: fc.constantFrom<ConfigSource>(
      { name: 'settings', literals: { PIN: wrong(kind === 'secret' ? SECRET_NUMBER : 8080) } },
      { name: 'settings', literals: { TOKEN: wrong(undefined) } },
      { name: 'settings', literals: wrong(`TOKEN=${kind === 'secret' ? SECRET_TEXT : 'x'}`) },
      { name: 'settings', files: { 'tls.key': `-----BEGIN PRIVATE KEY-----\n${kind === 'secret' ? SECRET_TEXT : 'x'}\n-----END PRIVATE KEY-----` }, mountPath: '/etc/tls' },
      wrong({ literals: { A: '1' } }),
      wrong('settings'),
    ).map((s) => (typeof s === 'string' ? wrong<ConfigSource[]>(s) : [s])) },
  );
  return gen(valid, invalid);
}

export const configs = sources('config', 2);
export const secrets = sources('secret', 2);

/** Secrets managed elsewhere. */
export const existingSecrets: Gen<ExistingSecretReference[]> = gen(
  // 'db' is also a secret source's name: both mounted, their volumes would share a name
  fc.shuffledSubarray(['db-credentials', 'api-key.v2', 'db'], { maxLength: 2 }).chain((names) =>
    fc.tuple(...names.map((secretName) => fc.boolean().map((mounted) => defined({ secretName, mountPath: mounted ? `/etc/existing-${secretName}` : undefined })))),
  ),
  fc.oneof(
    fc.constantFrom('Bad_Name', '', 'x'.repeat(254)).map((secretName) => [{ secretName }]),
    // wrong JavaScript types
    fc.constantFrom(wrong<ExistingSecretReference[]>('db-credentials'), [wrong<ExistingSecretReference>('db-credentials')], [{ secretName: wrong<string>(undefined) }]),
  ),
);

/** Horizontal autoscaling. */
export const autoscaling: Gen<AutoscalingProps> = gen(
  fc.integer({ min: 1, max: 4 }).chain((min) =>
    fc.record(
      {
        minReplicas: fc.constant(min),
        maxReplicas: fc.integer({ min, max: 10 }),
        cpuUtilizationPercent: fc.integer({ min: 1, max: 100 }),
        memoryUtilizationPercent: fc.integer({ min: 1, max: 100 }),
      },
      { requiredKeys: ['minReplicas', 'maxReplicas'] },
    ),
  ),
  fc.constantFrom<AutoscalingProps>(
    { minReplicas: 0, maxReplicas: 2 },
    { minReplicas: 3, maxReplicas: 2 },
    { minReplicas: 1.5, maxReplicas: 2 },
    { minReplicas: 1, maxReplicas: 2.5 },
    { minReplicas: 1, maxReplicas: 2, cpuUtilizationPercent: 0 },
    { minReplicas: 1, maxReplicas: 2, memoryUtilizationPercent: 101 },
    // wrong JavaScript types
    { minReplicas: 1, maxReplicas: wrong('3') },
    { minReplicas: NaN, maxReplicas: 2 },
    { minReplicas: 1, maxReplicas: 2 ** 31 },
  ),
);

/** A RabbitMQ queue trigger reading its connection from an existing Secret. */
const queueTrigger = ScaleTrigger.rabbitMq({ queueName: 'orders', mode: 'QueueLength', value: 20, auth: TriggerAuth.fromSecret('rabbitmq', { host: 'amqp-url' }) });
/** A trigger reading its connection from the service's own secret 'rabbit' (key 'URL'): refused unless the revision has it. */
const serviceSecretTrigger = ScaleTrigger.rabbitMq({ queueName: 'jobs', mode: 'QueueLength', value: 5, auth: TriggerAuth.fromServiceSecret('rabbit', { host: 'URL' }) });
const cronTrigger = ScaleTrigger.cron({ timezone: 'Europe/Berlin', start: '0 8 * * 1-5', end: '0 20 * * 1-5', desiredReplicas: 3 });

/** KEDA event scaling (the triggers themselves are the KEDA property test's). */
export const eventScaling: Gen<EventScalingProps> = gen<EventScalingProps>(
  fc
    .record({
      minReplicas: optional(fc.integer({ min: 0, max: 2 })),
      maxReplicas: fc.integer({ min: 4, max: 8 }),
      triggers: fc.subarray([queueTrigger, cronTrigger], { minLength: 1 }),
      pollingInterval: optional(fc.constantFrom(Duration.seconds(15), Duration.minutes(1))),
      idleToZero: fc.boolean(),
    })
    // idleToZero only where minReplicas ≥ 1 (0, the default, scales to zero already)
    .map((e) => defined({ ...e, idleToZero: e.idleToZero && (e.minReplicas ?? 0) > 0 ? true : undefined })),
  fc.constantFrom<EventScalingProps>(
    { maxReplicas: 0, triggers: [queueTrigger] },
    { minReplicas: 5, maxReplicas: 4, triggers: [queueTrigger] },
    { maxReplicas: 4, triggers: [] },
    { maxReplicas: 4, triggers: [queueTrigger], idleToZero: true },
    // valid only where the revision has a secret 'rabbit' with key 'URL'
    { maxReplicas: 4, triggers: [serviceSecretTrigger] },
  ),
);

/** How a revision scales: at most one of replicas, autoscaling and eventScaling; invalid: two of them, or a bad one. */
export const scale: Gen<Pick<RevisionProps, 'replicas' | 'autoscaling' | 'eventScaling'>> = (() => {
  // wrong JavaScript types too: a string, NaN, Infinity, beyond a 32-bit integer
  const replicas = gen(fc.integer({ min: 0, max: 4 }), fc.constantFrom(-1, 1.5, wrong<number>('3'), NaN, Infinity, 2 ** 31));
  return gen(
    fc.oneof(
      { arbitrary: fc.constant({}), weight: 3 },
      { arbitrary: fc.record({ replicas: replicas.valid }), weight: 3 },
      { arbitrary: fc.record({ autoscaling: autoscaling.valid }), weight: 2 },
      { arbitrary: fc.record({ eventScaling: eventScaling.valid }), weight: 1 },
    ),
    fc.oneof(
      fc.record({ replicas: invalidOf(replicas) }),
      fc.record({ autoscaling: invalidOf(autoscaling) }),
      fc.record({ eventScaling: invalidOf(eventScaling) }),
      fc.record({ replicas: replicas.valid, autoscaling: autoscaling.valid }),
      fc.record({ replicas: replicas.valid, eventScaling: eventScaling.valid }),
      fc.record({ autoscaling: autoscaling.valid, eventScaling: eventScaling.valid }),
    ),
  );
})();

/** The revision props but the scale, which is one choice of three. */
export type PodProps = Omit<RevisionProps, 'replicas' | 'autoscaling' | 'eventScaling'>;

/**
 * The props of a revision's pods for a service with `declared` ports, every
 * one given or left out (a revision overrides some of its service's props).
 */
export function podPropsShape(declared: readonly ServicePortProps[]): Shape<PodProps> {
  const probes = probe(declared);
  // wrong JavaScript types: one string for the list (which would be split into characters), numbers, null
  const strings = (minLength: number) => gen(
    fc.array(fc.string({ maxLength: 8 }), { minLength, maxLength: 2 }),
    fc.constantFrom(wrong<string[]>('node server.js'), wrong<string[]>([1, 2]), wrong<string[]>(null), wrong<string[]>(['ok', undefined])),
  );
  return {
    image: optionalGen(image),
    command: optionalGen(strings(1)),
    args: optionalGen(strings(0)),
    env: optionalGen(env),
    configs: optionalGen(configs),
    secrets: optionalGen(secrets),
    existingSecrets: optionalGen(existingSecrets),
    resources: optionalGen(resources),
    security: optionalGen(security),
    readiness: optionalGen(probes),
    liveness: optionalGen(probes),
    startup: optionalGen(probes),
    // always left out (fc.constant draws nothing, so the other props' cases stay as they were); the
    // escape-hatch property test (escape-hatch.property.test.ts) sets pod labels
    podLabels: gen(fc.constant(undefined)),
  };
}

/** Label keys, with and without a prefix. */
export const labelKey = gen(fc.constantFrom('app', 'team', 'app.kubernetes.io/name', 'example.com/tier', 'a_b.c', 'toString'), fc.constantFrom('bad key', '/x', 'x/', 'Bad.Prefix/x', '', 'constructor'));
/** Label values, empty included. */
export const labelValue = gen(fc.constantFrom('orders', 'v1.2', 'a_b', '', 'X'), fc.constantFrom('bad value', '-lead', 'x'.repeat(64)));

/** Callers allowed in besides the declared dependents. */
export const allowIngressFrom: Gen<IngressPeer[]> = gen(
  fc.subarray([IngressPeer.anywhere(), IngressPeer.namespace('ingress'), IngressPeer.namespace('istio-system')]),
  fc.constantFrom('Bad_NS', '', 'x'.repeat(64)).map((ns) => [IngressPeer.namespace(ns)]),
);

/** Hosts outside the cluster. */
export const externalHosts: Gen<ExternalHostProps[]> = gen<ExternalHostProps[]>(
  fc.uniqueArray(
    fc.oneof(
      { arbitrary: fc.record(
        {
          host: fc.constantFrom('api.example.com', '*.example.com', 'payments.example.org', 'a.b.c.example.net'),
          port: fc.constantFrom(443, 80, 5432),
          protocol: fc.constantFrom<ExternalHostProps['protocol']>('TLS', 'HTTPS', 'HTTP', 'GRPC', 'TCP'),
        },
        { requiredKeys: ['host'] },
      ), weight: 4 },
      // what the mesh does to the calls: TLS origination, a timeout, retries (valid in a mesh; Linkerd refuses them)
      { arbitrary: fc.constantFrom<ExternalHostProps>(
        { host: 'api.example.com', tlsOrigination: {} },
        { host: 'payments.example.org', port: 8080, protocol: 'HTTP', tlsOrigination: { port: 8443, sni: 'example.org' }, timeout: Duration.seconds(5) },
        { host: 'a.b.c.example.net', port: 9090, protocol: 'GRPC', retries: { attempts: 2, retryOn: [RetryOn.GRPC_UNAVAILABLE] } },
        { host: 'api.example.com', port: 80, protocol: 'HTTP', retries: MESH_DEFAULT_RETRIES, timeout: Duration.seconds(1) },
      ), weight: 1 },
    ),
    { maxLength: 2, selector: (h: ExternalHostProps) => `${h.host}:${h.port ?? (h.tlsOrigination ? 80 : 443)}` },
  ),
  fc.oneof<fc.Arbitrary<ExternalHostProps[]>[]>(
    fc.constantFrom('Api.example.com', 'localhost', '*.*.x.com', '10.0.0.1', '').map((host) => [{ host }]),
    fc.constantFrom(0, 70000, 1.5).map((port) => [{ host: 'api.example.com', port }]),
    fc.constant([{ host: 'api.example.com' }, { host: 'api.example.com', port: 443 }]),
    fc.constantFrom<ExternalHostProps>(
      { host: 'api.example.com', protocol: 'TLS', tlsOrigination: {} },
      { host: '*.example.com', tlsOrigination: {} },
      { host: 'api.example.com', timeout: Duration.seconds(1) },
      { host: 'api.example.com', port: 80, protocol: 'HTTP', retries: { attempts: 0 } },
    ).map((h) => [h]),
  ),
);
