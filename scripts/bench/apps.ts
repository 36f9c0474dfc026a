/**
 * The apps the benchmark synthesizes: N identical-shape services in an Istio
 * mesh behind one Gateway API gateway, built either with our constructs
 * (`Microservice`, `Mesh`, `ServiceRoutes`, `Gateway`) or directly with
 * cdk8s-plus-28 L2 constructs and cdk8s `ApiObject`s for the CRD kinds (the
 * baseline). Both put everything in one `Chart` with a namespace and emit 12
 * objects per service: ServiceAccount, Service, ConfigMap, Secret,
 * Deployment, HorizontalPodAutoscaler (v2), PodDisruptionBudget; the mesh's
 * AuthorizationPolicy and Sidecar; its routing, DestinationRule and
 * VirtualService; and the gateway's HTTPRoute. Plus 3 per app: the
 * namespace's PeerAuthentication and deny-by-default AuthorizationPolicy, and
 * the Gateway. Neither emits a Namespace object.
 */
import { createHash } from 'crypto';
import { tmpdir } from 'os';
import { ApiObject, App, Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Gateway, GatewayBackend, IngressPeer, ListenerProtocol, Mesh, MeshProvider, Microservice, PathMatch, Probe, ServiceRoutes } from '../../lib';

/** The builders the benchmark compares. */
export type AppKind = 'ours' | 'cdk8s-plus';

/** Everything that varies between the generated services. */
export interface ServiceSpec {
  readonly name: string;
  readonly image: string;
  readonly config: Readonly<Record<string, string>>;
  readonly secret: Readonly<Record<string, string>>;
}

/** Where each service listens, and where the secret is mounted. */
const SERVICE_PORT = 80;
const CONTAINER_PORT = 8080;
const SECRET_MOUNT_PATH = '/var/run/secrets/app';
const NAMESPACE = 'bench';
const GATEWAY = 'edge';
const GATEWAY_HOSTNAMES = '*.bench.example.com';

/** `count` services with distinct names, digests, config and secret data. */
export function serviceSpecs(count: number): ServiceSpec[] {
  return Array.from({ length: count }, (_, i) => {
    const name = `svc-${String(i).padStart(4, '0')}`;
    const digest = createHash('sha256').update(name).digest('hex');
    return {
      name,
      image: `ghcr.io/bench/${name}@sha256:${digest}`,
      config: { LOG_LEVEL: 'info', SERVICE_INDEX: String(i), UPSTREAM_URL: `http://${name}-upstream:8080` },
      secret: { 'api-key': `key-${digest.slice(0, 24)}`, 'db-password': `pw-${digest.slice(24, 48)}` },
    };
  });
}

/** An app of the given kind holding the given services, not yet synthesized. */
export function buildApp(kind: AppKind, specs: readonly ServiceSpec[]): App {
  const app = new App({ outdir: tmpdir() });
  const chart = new Chart(app, 'bench', { namespace: NAMESPACE });
  const addService = kind === 'ours' ? ourServices(chart) : cdk8sPlusServices(chart);
  for (const spec of specs) {
    addService(spec);
  }
  return app;
}

/** The app's mesh and gateway through our constructs, and a function adding one service to them. */
function ourServices(chart: Chart): (spec: ServiceSpec) => void {
  const mesh = new Mesh(chart, 'Mesh', { provider: MeshProvider.istio() });
  const gateway = new Gateway(chart, GATEWAY, {
    listeners: { http: { protocol: ListenerProtocol.HTTP, hostnames: [GATEWAY_HOSTNAMES] } },
  });
  return (spec) => addOurService(chart, spec, mesh, gateway);
}

/** One service through our constructs: the service in the mesh, its routes, its gateway route. */
function addOurService(chart: Chart, spec: ServiceSpec, mesh: Mesh, gateway: Gateway): void {
  const service = new Microservice(chart, spec.name, {
    image: spec.image,
    ports: [{ name: 'http', port: SERVICE_PORT, containerPort: CONTAINER_PORT }],
    configs: [{ name: 'settings', literals: spec.config }],
    secrets: [{ name: 'credentials', literals: spec.secret, mountPath: SECRET_MOUNT_PATH }],
    autoscaling: { minReplicas: 2, maxReplicas: 10 },
    readiness: Probe.http({ path: '/healthz', period: Duration.seconds(10) }),
    // The baseline has no NetworkPolicy: keep the object sets the same.
    networkPolicy: false,
    mesh,
    // The gateway's proxies run in the namespace.
    allowIngressFrom: [IngressPeer.namespace(NAMESPACE)],
  });
  new ServiceRoutes(chart, `${spec.name}-routes`, { service }).addRoute('default', { backends: [{ revision: service.revisions[0] }] });
  gateway.addRoute(spec.name, { matches: [{ path: PathMatch.prefix(`/${spec.name}`) }], backend: GatewayBackend.service(service) });
}

/** The namespace's mesh policies and the gateway as cdk8s `ApiObject`s, and a function adding one service. */
function cdk8sPlusServices(chart: Chart): (spec: ServiceSpec) => void {
  const security = 'security.istio.io/v1beta1';
  new ApiObject(chart, 'peer-authentication', {
    apiVersion: security,
    kind: 'PeerAuthentication',
    metadata: { name: 'default' },
    spec: { mtls: { mode: 'STRICT' } },
  });
  new ApiObject(chart, 'deny-by-default', { apiVersion: security, kind: 'AuthorizationPolicy', metadata: { name: 'deny-by-default' }, spec: {} });
  new ApiObject(chart, 'gateway', {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: GATEWAY, labels: { 'app.kubernetes.io/name': GATEWAY } },
    spec: {
      gatewayClassName: 'istio',
      listeners: [{
        name: 'http',
        hostname: GATEWAY_HOSTNAMES,
        port: 80,
        protocol: 'HTTP',
        allowedRoutes: { kinds: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' }], namespaces: { from: 'Same' } },
      }],
    },
  });
  return (spec) => addCdk8sPlusService(chart, spec);
}

/**
 * The same service with cdk8s-plus-28 L2 constructs: the same pod spec
 * (security contexts, probe, resources, /tmp emptyDir and secret volume), and
 * a PodDisruptionBudget from the L1 `k8s` module since kplus has no PDB.
 */
function addCdk8sPlusService(chart: Chart, spec: ServiceSpec): void {
  const scope = chart;
  const labels = { 'app.kubernetes.io/name': spec.name, 'app.kubernetes.io/part-of': 'bench' };
  const meta = (name: string) => ({ name, labels });
  const id = spec.name;

  const serviceAccount = new kplus.ServiceAccount(scope, `${id}-sa`, { metadata: meta(spec.name), automountToken: false });
  const config = new kplus.ConfigMap(scope, `${id}-config`, {
    metadata: meta(`${spec.name}-settings`),
    data: { ...spec.config },
    immutable: true,
  });
  const secret = new kplus.Secret(scope, `${id}-secret`, {
    metadata: meta(`${spec.name}-credentials`),
    stringData: { ...spec.secret },
    immutable: true,
  });
  const tmp = kplus.Volume.fromEmptyDir(scope, `${id}-tmp`, 'tmp', { sizeLimit: Size.mebibytes(64) });
  const secretVolume = kplus.Volume.fromSecret(scope, `${id}-secret-volume`, secret, { name: 'secret-credentials' });

  const deployment = new kplus.Deployment(scope, `${id}-deployment`, {
    metadata: meta(spec.name),
    podMetadata: { labels },
    serviceAccount,
    automountServiceAccountToken: false,
    securityContext: { ensureNonRoot: true, user: 10001, group: 10001 },
    volumes: [tmp, secretVolume],
    containers: [{
      name: spec.name,
      image: spec.image,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      ports: [{ name: 'http', number: CONTAINER_PORT, protocol: kplus.Protocol.TCP }],
      envFrom: [kplus.Env.fromConfigMap(config)],
      readiness: kplus.Probe.fromHttpGet('/healthz', { port: CONTAINER_PORT, periodSeconds: Duration.seconds(10) }),
      resources: {
        cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(500) },
        memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) },
      },
      securityContext: {
        ensureNonRoot: true,
        user: 10001,
        group: 10001,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        privileged: false,
        capabilities: { drop: [kplus.Capability.ALL] },
        seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
      },
      volumeMounts: [
        { volume: tmp, path: '/tmp' },
        { volume: secretVolume, path: SECRET_MOUNT_PATH, readOnly: true },
      ],
    }],
  });

  new kplus.Service(scope, `${id}-service`, {
    metadata: meta(spec.name),
    selector: deployment,
    ports: [{ name: 'http', port: SERVICE_PORT, targetPort: CONTAINER_PORT }],
  });
  new kplus.HorizontalPodAutoscaler(scope, `${id}-hpa`, {
    metadata: meta(spec.name),
    target: deployment,
    minReplicas: 2,
    maxReplicas: 10,
    metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(70))],
  });
  new kplus.k8s.KubePodDisruptionBudget(scope, `${id}-pdb`, {
    metadata: meta(spec.name),
    spec: { maxUnavailable: kplus.k8s.IntOrString.fromNumber(1), selector: { matchLabels: deployment.matchLabels } },
  });
  addCdk8sPlusRouting(scope, spec.name, meta(spec.name), deployment.matchLabels);
}

/**
 * A service's Istio objects (AuthorizationPolicy, Sidecar, DestinationRule,
 * VirtualService) and its gateway HTTPRoute, as cdk8s `ApiObject`s with the
 * content our constructs render.
 */
function addCdk8sPlusRouting(
  scope: Chart,
  name: string,
  metadata: { name: string; labels: Record<string, string> },
  podLabels: Record<string, string>,
): void {
  const host = `${name}.${NAMESPACE}.svc.cluster.local`;
  new ApiObject(scope, `${name}-authorization`, {
    apiVersion: 'security.istio.io/v1beta1',
    kind: 'AuthorizationPolicy',
    metadata,
    spec: {
      action: 'ALLOW',
      rules: [{ from: [{ source: { namespaces: [NAMESPACE] } }], to: [{ operation: { ports: [String(CONTAINER_PORT)] } }] }],
      selector: { matchLabels: podLabels },
    },
  });
  new ApiObject(scope, `${name}-sidecar`, {
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'Sidecar',
    metadata,
    spec: { egress: [{ hosts: ['istio-system/*'] }], outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' }, workloadSelector: { labels: podLabels } },
  });
  new ApiObject(scope, `${name}-destination-rule`, {
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'DestinationRule',
    metadata,
    spec: { host, subsets: [{ name: 'stable', labels: podLabels }], trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } },
  });
  new ApiObject(scope, `${name}-virtual-service`, {
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'VirtualService',
    metadata,
    spec: {
      hosts: [host],
      http: [{ name: 'default', retries: { attempts: 0 }, route: [{ destination: { host, subset: 'stable' }, weight: 100 }] }],
    },
  });
  new ApiObject(scope, `${name}-http-route`, {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: `${GATEWAY}-${name}`, labels: { 'app.kubernetes.io/name': GATEWAY } },
    spec: {
      parentRefs: [{ name: GATEWAY, sectionName: 'http' }],
      rules: [{ name, matches: [{ path: { type: 'PathPrefix', value: `/${name}` } }], backendRefs: [{ name, port: SERVICE_PORT }] }],
    },
  });
}
