import { isObject, prop, PropSchema, PropsShape } from '../core/prop-schema';
import type { ConfigSource, ExistingSecretReference } from './config-source';
import { ContainerImage } from './container-image';
import type { ExternalHostProps, ExternalTlsOrigination } from './external-host';
import type { ImmutableConfigMapProps } from './immutable-config-map';
import type { ImmutableSecretProps } from './immutable-secret';
import { IngressPeer } from './ingress-peer';
import type { IMicroservice, Microservice, MicroserviceProps } from './microservice';
import { Probe } from './probe';
import type { ResourceProps } from './resources';
import { MESH_DEFAULT_RETRIES, RetryOn, RetryPolicy, RouteRetries } from './retry-policy';
import type { AutoscalingProps, RevisionProps } from './revision-props';
import type { EventScalingProps } from './scaling/event-scaling-props';
import { ScaleTrigger } from './scaling/scale-trigger';
import type { SecurityProps } from './security';
import type { ServicePortProps } from './service-port';

// The run-time schemas of the workload props (see core/prop-schema): one per
// props type, each key of the type checked. They check types and shapes;
// names, ranges and everything between props stay the constructs' checks.

const IMAGE_EXAMPLE = "a digest reference such as 'ghcr.io/acme/app@sha256:<64 hex digits>'";

/** An image: a digest reference string, or a ContainerImage. */
export const imageSchema = prop.instance<ContainerImage | string>(
  'an image reference string or a ContainerImage',
  (v) => typeof v === 'string' || v instanceof ContainerImage,
  IMAGE_EXAMPLE,
);

const quantity = (example: string) => prop.string(`a Kubernetes quantity such as ${example}`).optional();

export const resourcePropsSchema = prop.object<ResourceProps>({
  cpuRequest: quantity("'250m'"),
  cpuLimit: quantity("'1'"),
  memoryRequest: quantity("'256Mi'"),
  memoryLimit: quantity("'512Mi'"),
  ephemeralStorageRequest: quantity("'256Mi'"),
  ephemeralStorageLimit: quantity("'2Gi'"),
}, 'an object of quantities', "{ cpuRequest: '250m', memoryLimit: '512Mi' }");

export const securityPropsSchema = prop.object<SecurityProps>({
  runAsNonRoot: prop.boolean().optional(),
  runAsUser: prop.number('10001').optional(),
  runAsGroup: prop.number('10001').optional(),
  readOnlyRootFilesystem: prop.boolean().optional(),
  allowPrivilegeEscalation: prop.boolean().optional(),
  capabilitiesAdd: prop.stringList("['NET_BIND_SERVICE']").optional(),
  seccompProfile: prop.oneOf(['RuntimeDefault', 'Unconfined']).optional(),
}, 'an object of security settings', '{ runAsUser: 10001 }');

/**
 * A config or secret source; a secret's literals and file paths are never
 * shown in a message (a key is named, its value is not).
 */
function configSourceSchema(secret: boolean): PropSchema<ConfigSource> {
  const noun = secret ? 'secret' : 'config';
  return prop.object<ConfigSource>({
    name: prop.string(`a name such as '${secret ? 'db' : 'settings'}'`),
    literals: prop.stringMap(secret ? "{ PASSWORD: '…' }" : "{ LOG_LEVEL: 'info' }", { secret }).optional(),
    files: prop.stringMap(`{ '${secret ? 'tls.key' : 'app.conf'}': path.join(__dirname, '${secret ? 'tls.key' : 'app.conf'}') }`, { secret }).optional(),
    mountPath: prop.string(`a directory such as '/etc/${noun}'`).optional(),
  }, `a ${noun} source`, `{ name: '${secret ? 'db' : 'settings'}', literals: { ${secret ? "PASSWORD: '…'" : "LOG_LEVEL: 'info'"} } }`);
}

export const configSourceListSchema = prop.list(configSourceSchema(false), 'a list of config sources', "[{ name: 'settings', literals: { LOG_LEVEL: 'info' } }]");
export const secretSourceListSchema = prop.list(configSourceSchema(true), 'a list of secret sources', "[{ name: 'db', literals: { PASSWORD: '…' } }]");

const existingSecretSchema = prop.object<ExistingSecretReference>({
  secretName: prop.string("a Secret name such as 'db-credentials'"),
  mountPath: prop.string("a directory such as '/etc/db'").optional(),
}, 'a reference to a Secret', "{ secretName: 'db-credentials' }");

export const existingSecretListSchema = prop.list(existingSecretSchema, 'a list of Secret references', "[{ secretName: 'db-credentials' }]");

/** A Probe made by Probe.http, Probe.tcp or Probe.exec. */
export const probeSchema = prop.instance<Probe>('a Probe', (v) => v instanceof Probe, "Probe.http({ path: '/healthz' })");

/**
 * What a container of a revision runs, the props a Microservice's and a
 * ServerlessFunction's revisions share.
 */
export interface ContainerProps {
  readonly image?: ContainerImage | string;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly configs?: readonly ConfigSource[];
  readonly secrets?: readonly ConfigSource[];
  readonly existingSecrets?: readonly ExistingSecretReference[];
  readonly resources?: ResourceProps;
  readonly security?: SecurityProps;
  readonly readiness?: Probe;
  readonly liveness?: Probe;
}

/** The schemas of {@link ContainerProps}. */
export const containerShape: PropsShape<ContainerProps> = {
  image: imageSchema.optional(),
  command: prop.stringList("['node', 'server.js']").optional(),
  args: prop.stringList("['--port', '8080']").optional(),
  env: prop.stringMap("{ LOG_LEVEL: 'info' }").optional(),
  configs: configSourceListSchema.optional(),
  secrets: secretSourceListSchema.optional(),
  existingSecrets: existingSecretListSchema.optional(),
  resources: resourcePropsSchema.optional(),
  security: securityPropsSchema.optional(),
  readiness: probeSchema.optional(),
  liveness: probeSchema.optional(),
};

const autoscalingSchema = prop.object<AutoscalingProps>({
  minReplicas: prop.number('2'),
  maxReplicas: prop.number('10'),
  cpuUtilizationPercent: prop.number('70').optional(),
  memoryUtilizationPercent: prop.number('80').optional(),
}, 'autoscaling bounds', '{ minReplicas: 2, maxReplicas: 10 }');

const eventScalingSchema = prop.object<EventScalingProps>({
  minReplicas: prop.number('0').optional(),
  maxReplicas: prop.number('10'),
  triggers: prop.list(
    prop.instance<ScaleTrigger>('a ScaleTrigger', (v) => v instanceof ScaleTrigger, "ScaleTrigger.rabbitMq({ … })"),
    'a list of ScaleTriggers',
    '[ScaleTrigger.rabbitMq({ … })]',
  ),
  pollingInterval: prop.duration('Duration.seconds(30)').optional(),
  cooldownPeriod: prop.duration('Duration.minutes(5)').optional(),
  idleToZero: prop.boolean().optional(),
  fallbackReplicas: prop.number('2').optional(),
  fallbackFailureThreshold: prop.number('3').optional(),
}, 'event scaling', '{ maxReplicas: 10, triggers: [ScaleTrigger.rabbitMq({ … })] }');

const revisionShape: PropsShape<RevisionProps> = {
  ...containerShape,
  startup: probeSchema.optional(),
  podLabels: prop.stringMap("{ team: 'payments' }").optional(),
  replicas: prop.number('3').optional(),
  autoscaling: autoscalingSchema.optional(),
  eventScaling: eventScalingSchema.optional(),
};

export const revisionPropsSchema = prop.object<RevisionProps>(revisionShape, 'an object of revision props', "{ image: 'ghcr.io/acme/app@sha256:…' }");

const servicePortSchema = prop.object<ServicePortProps>({
  name: prop.string("a port name such as 'http'").optional(),
  port: prop.number('8080'),
  containerPort: prop.number('8080').optional(),
  protocol: prop.oneOf(['TCP', 'UDP', 'SCTP']).optional(),
}, 'a port', '{ port: 8080 }');

/** A retry policy (of a route, a gateway route or an external host). */
export const retryPolicySchema = prop.object<RetryPolicy>({
  attempts: prop.number('3'),
  perTryTimeout: prop.duration('Duration.seconds(2)').optional(),
  retryOn: prop.list(
    prop.oneOf(Object.values(RetryOn) as [RetryOn, ...RetryOn[]]),
    'a list of RetryOn conditions',
    '[RetryOn.GATEWAY_ERROR]',
  ).optional(),
  statusCodes: prop.list(prop.number('503'), 'a list of HTTP statuses', '[503]').optional(),
}, 'a retry policy', '{ attempts: 3 }');

/** A retry policy, or MESH_DEFAULT_RETRIES (checked as what it is: a string must be the sentinel, anything else a policy). */
export const routeRetriesSchema: PropSchema<RouteRetries> = prop.either<typeof MESH_DEFAULT_RETRIES, RetryPolicy>(
  (value) => typeof value === 'string',
  prop.oneOf([MESH_DEFAULT_RETRIES]),
  retryPolicySchema,
);

const externalHostSchema = prop.object<ExternalHostProps>({
  host: prop.string("a DNS name such as 'api.example.com'"),
  port: prop.number('443').optional(),
  protocol: prop.oneOf(['TLS', 'HTTPS', 'HTTP', 'GRPC', 'TCP']).optional(),
  tlsOrigination: prop.object<ExternalTlsOrigination>({
    port: prop.number('443').optional(),
    sni: prop.string("a server name such as 'api.example.com'").optional(),
    caCertificates: prop.string("a file such as '/etc/ssl/certs/ca-certificates.crt'").optional(),
  }, 'a TLS origination', '{}').optional(),
  timeout: prop.duration('Duration.seconds(5)').optional(),
  retries: routeRetriesSchema.optional(),
}, 'an external host', "{ host: 'api.example.com' }");

const microserviceLike = (v: unknown) =>
  isObject(v) && typeof (v as { serviceName?: unknown }).serviceName === 'string' && Array.isArray((v as { ports?: unknown }).ports);

/** A Microservice of the stack, given to a gateway backend, an event sink or a broker's publishers. */
export const microserviceSchema = prop.instance<Microservice>(
  'a Microservice of the stack',
  (v) => microserviceLike(v) && Array.isArray((v as { revisions?: unknown }).revisions),
  'a Microservice such as orders',
);

/** A service another one calls: a Microservice of the stack, or another IMicroservice. */
export const dependencySchema = prop.instance<IMicroservice>('a service of the stack (an IMicroservice)', microserviceLike, 'another Microservice of the stack');
const meshLike = (v: unknown) => isObject(v) && typeof (v as { addService?: unknown }).addService === 'function';

export const microservicePropsSchema = prop.object<MicroserviceProps>({
  ...revisionShape,
  image: imageSchema,
  name: prop.string("a service name such as 'orders'").optional(),
  ports: prop.list(servicePortSchema, 'a list of ports', '[{ port: 8080 }]').optional(),
  partOf: prop.string("an application name such as 'shop'").optional(),
  dependencies: prop.list(dependencySchema, 'a list of services', '[db]').optional(),
  track: prop.string("a track name such as 'stable'").optional(),
  networkPolicy: prop.boolean().optional(),
  allowIngressFrom: prop.list(
    prop.instance<IngressPeer>('an IngressPeer', (v) => v instanceof IngressPeer, "IngressPeer.namespace('ingress')"),
    'a list of IngressPeers',
    "[IngressPeer.namespace('ingress')]",
  ).optional(),
  externalHosts: prop.list(externalHostSchema, 'a list of external hosts', "[{ host: 'api.example.com' }]").optional(),
  mesh: prop.instance<NonNullable<MicroserviceProps['mesh']>>('a Mesh', meshLike, 'a Mesh of the stack').optional(),
}, 'an object of Microservice props', `{ image: ${IMAGE_EXAMPLE.replace('a digest reference such as ', '')} }`);

export const immutableConfigMapPropsSchema = prop.object<ImmutableConfigMapProps>({
  namePrefix: prop.string("a name prefix such as 'orders-settings'"),
  data: prop.stringMap("{ LOG_LEVEL: 'info' }"),
  labels: prop.stringMap("{ team: 'shop' }").optional(),
}, 'an object of ConfigMap props', "{ namePrefix: 'orders-settings', data: { LOG_LEVEL: 'info' } }");

export const immutableSecretPropsSchema = prop.object<ImmutableSecretProps>({
  namePrefix: prop.string("a name prefix such as 'orders-db'"),
  stringData: prop.stringMap("{ PASSWORD: '…' }", { secret: true }),
  labels: prop.stringMap("{ team: 'shop' }").optional(),
}, 'an object of Secret props', "{ namePrefix: 'orders-db', stringData: { PASSWORD: '…' } }");
