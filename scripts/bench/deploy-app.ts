/**
 * The app the deploy benchmark deploys: the services of the synthesis
 * benchmark (`serviceSpecs`: digest-pinned image, one port, an env-mounted
 * config, a file-mounted secret, a readiness probe) as plain Microservices
 * without a mesh, at one replica (no autoscaler, no disruption budget) and
 * without a NetworkPolicy: 5 objects per service (ServiceAccount, Service,
 * ConfigMap, Secret, Deployment), plus the Namespace they go in, first.
 * The Services are made headless (`clusterIP: None`): the cluster's service
 * range (10.0.0.0/24 in scripts/engines/cluster.sh) has 254 addresses, too few
 * for 1,000 services (or for 100 twice: ours and the floor).
 */
import { tmpdir } from 'os';
import { App, Chart, Duration } from 'cdk8s';
import { Manifest, Microservice, Probe } from '../../lib';
import { chartManifests } from '../../lib/internal';
import { ServiceSpec } from './apps';

/** The namespace the synthesis names; every run moves it to its own (see {@link inNamespace}). */
const SYNTH_NAMESPACE = 'bench-deploy';

/** Objects per service, besides the app's one Namespace. */
export const DEPLOY_OBJECTS_PER_SERVICE = 5;

/** The synthesis of `specs`: a Namespace, then each service's objects. */
export function deployDist(specs: readonly ServiceSpec[]): Manifest[] {
  const app = new App({ outdir: tmpdir() });
  const chart = new Chart(app, 'bench', { namespace: SYNTH_NAMESPACE });
  for (const spec of specs) {
    new Microservice(chart, spec.name, {
      image: spec.image,
      ports: [{ name: 'http', port: 80, containerPort: 8080 }],
      configs: [{ name: 'settings', literals: spec.config }],
      secrets: [{ name: 'credentials', literals: spec.secret, mountPath: '/var/run/secrets/app' }],
      replicas: 1,
      readiness: Probe.http({ path: '/healthz', period: Duration.seconds(10) }),
      networkPolicy: false,
    });
  }
  const namespace: Manifest = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: SYNTH_NAMESPACE } } as Manifest;
  return [namespace, ...chartManifests(chart).map(headless)];
}

/**
 * The same objects in another namespace (the Namespace object renamed). The
 * names the library derives (content hashes) do not depend on the namespace,
 * so this is what a synthesis into `namespace` gives.
 */
export function inNamespace(dist: readonly Manifest[], namespace: string): Manifest[] {
  return dist.map((m) => (m.kind === 'Namespace' && m.apiVersion === 'v1'
    ? { ...m, metadata: { ...m.metadata, name: namespace } }
    : { ...m, metadata: { ...m.metadata, namespace } }));
}

/** The specs with the first service's config changed: the second release. */
export function withChangedConfig(specs: readonly ServiceSpec[]): ServiceSpec[] {
  const [first, ...rest] = specs;
  return [{ ...first, config: { ...first.config, LOG_LEVEL: 'debug' } }, ...rest];
}

/** A core Service without a cluster IP (see the top of this file); other objects as they are. */
function headless(manifest: Manifest): Manifest {
  if (manifest.apiVersion !== 'v1' || manifest.kind !== 'Service') {
    return manifest;
  }
  return { ...manifest, spec: { ...(manifest.spec as Record<string, unknown>), clusterIP: 'None' } };
}
