/**
 * The apps the benchmark synthesizes: N identical-shape services, built either
 * with our `Microservice` construct or directly with cdk8s-plus-28 L2
 * constructs (the baseline). Both put the services in one `Chart` with a
 * namespace and emit 7 objects per service: ServiceAccount, Service,
 * ConfigMap, Secret, Deployment, HorizontalPodAutoscaler (v2) and
 * PodDisruptionBudget. Neither emits a Namespace object.
 */
import { createHash } from 'crypto';
import { tmpdir } from 'os';
import { App, Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Microservice, Probe } from '../../lib';

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
  const addService = kind === 'ours' ? addOurService : addCdk8sPlusService;
  for (const spec of specs) {
    addService(chart, spec);
  }
  return app;
}

/** One service through our construct. */
function addOurService(chart: Chart, spec: ServiceSpec): void {
  new Microservice(chart, spec.name, {
    image: spec.image,
    ports: [{ name: 'http', port: SERVICE_PORT, containerPort: CONTAINER_PORT }],
    configs: [{ name: 'settings', literals: spec.config }],
    secrets: [{ name: 'credentials', literals: spec.secret, mountPath: SECRET_MOUNT_PATH }],
    autoscaling: { minReplicas: 2, maxReplicas: 10 },
    readiness: Probe.http({ path: '/healthz', period: Duration.seconds(10) }),
    // The baseline has no NetworkPolicy: keep the object sets the same.
    networkPolicy: false,
  });
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
}
