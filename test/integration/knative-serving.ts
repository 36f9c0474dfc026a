import { mkdirSync, readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';
import { Manifest } from '../../lib';
import { toYaml } from '../../lib/internal';
import { engines } from './engines';
import { kubectl, kubectlOk, pollFor } from './kubectl';
import { freePort, LocalProcess, probeOk, startLocalProcess, waitForProcesses } from './local-process';

/*
 * Knative Serving's real webhook and controller (scripts/engines/build.sh
 * knative-serving-webhook knative-serving-controller), run as processes on this machine
 * against the suite's API server, as Serving's own config/core deploys them in a cluster.
 */

/** Serving's system namespace: its config maps, its webhook's certificate Secret. */
export const KNATIVE_SERVING = 'knative-serving';
export const KNATIVE_SERVING_WEBHOOK = join(engines().bin, 'knative-serving-webhook');
export const KNATIVE_SERVING_CONTROLLER = join(engines().bin, 'knative-serving-controller');
/** The YAML build.sh kept from the modules the binaries are built from. */
const CONFIG = join(engines().home, 'knative-serving-config');

/**
 * The ingress class the Routes' Ingresses are given (config-network `ingress-class`):
 * net-istio's, the one that fits our Istio mesh. No ingress controller runs here, so no
 * Ingress is ever reconciled.
 */
export const INGRESS_CLASS = 'istio.ingress.networking.knative.dev';
/**
 * config-deployment `queue-sidecar-image`: the module ships a `ko://` placeholder that a
 * release replaces. kwok pulls no image and runs no container, so this name is never pulled.
 */
export const QUEUE_SIDECAR_IMAGE = 'queue-proxy.kwok.invalid/knative-serving/queue:v0.42.2';
/** The webhook configurations Serving's webhook reconciles (names from its config/core/webhooks). */
export const WEBHOOK_CONFIGURATIONS = [
  ['validatingwebhookconfiguration', 'validation.webhook.serving.knative.dev'],
  ['validatingwebhookconfiguration', 'config.webhook.serving.knative.dev'],
  ['mutatingwebhookconfiguration', 'webhook.serving.knative.dev'],
] as const;

const readDocuments = (dir: string): Manifest[] =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d) => d.toJSON() as Manifest))
    .filter((o) => o !== null);

/** The CRDs the controller watches that Serving's own CRD folder only links to (networking, caching). */
export const supportCrds = (): Manifest[] => readDocuments(join(CONFIG, 'crds'));

/** Serving's config maps, with the values this test environment needs. */
function configMaps(): Manifest[] {
  const overrides: Record<string, Record<string, string>> = {
    'config-network': { 'ingress-class': INGRESS_CLASS },
    'config-deployment': { 'queue-sidecar-image': QUEUE_SIDECAR_IMAGE },
  };
  return readDocuments(join(CONFIG, 'configmaps')).map((cm) => {
    const name = cm.metadata.name!;
    return { ...cm, data: { ...(cm.data as Record<string, string>), ...overrides[name] } };
  });
}

/**
 * The webhook's Secret and configurations. Knative's webhook refuses a configuration without a
 * `service` client config ("missing service reference for webhook"): it fills in the CA
 * bundle and path and keeps the port, so each one points at the Service `webhook` on the
 * port the local webhook listens on.
 */
function webhookObjects(port: number): Manifest[] {
  return readDocuments(join(CONFIG, 'webhooks')).map((o) => {
    if (!o.kind.endsWith('WebhookConfiguration')) {
      return o;
    }
    const webhooks = (o as any).webhooks.map((w: any) => ({ ...w, clientConfig: { service: { ...w.clientConfig.service, port } } }));
    return { ...o, webhooks } as Manifest;
  });
}

/**
 * The Service the API server calls the webhook through: an ExternalName Service resolves to
 * `<externalName>:<clientConfig port>` in the API server's service resolver, so `localhost`
 * reaches the local process, while TLS is still checked for `webhook.knative-serving.svc`
 * (the name the webhook's own certificate is issued for).
 */
const webhookService: Manifest = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'webhook', namespace: KNATIVE_SERVING },
  spec: { type: 'ExternalName', externalName: 'localhost' },
};

const apply = (objects: readonly Manifest[]) => kubectlOk(['apply', '--server-side', '--field-manager=immutable-infra-knative', '-f', '-'], toYaml(objects));

/** Serving's webhook and controller, running. */
export interface KnativeServing {
  readonly webhook: LocalProcess;
  readonly controller: LocalProcess;
  /** The ports chosen for each process, by name. */
  readonly ports: Record<string, number>;
  /**
   * Removes the webhook configurations, stops both processes, deletes the system namespace and
   * the support CRDs. Delete the namespaces holding Knative objects first: Routes carry the
   * controller's finalizer, and the webhook judges deletes too.
   */
  stop(): Promise<void>;
}

async function processPorts(): Promise<Record<string, number>> {
  return { profiling: await freePort(), metrics: await freePort() };
}

function processEnv(workDir: string, name: string, ports: Record<string, number>): Record<string, string> {
  return {
    HOME: workDir,
    KUBECONFIG: process.env.KUBECONFIG!,
    SYSTEM_NAMESPACE: KNATIVE_SERVING,
    POD_NAME: `${name}-local`,
    CONFIG_LOGGING_NAME: 'config-logging',
    CONFIG_OBSERVABILITY_NAME: 'config-observability',
    METRICS_DOMAIN: 'knative.dev/internal/serving',
    METRICS_PROMETHEUS_HOST: '127.0.0.1',
    METRICS_PROMETHEUS_PORT: String(ports.metrics),
    PROFILING_PORT: String(ports.profiling),
    // Read by build.sh's listen patch of knative.dev/pkg (its sharedmain hard-codes 8080).
    ...(ports.probes === undefined ? {} : { KNATIVE_PROBES_PORT: String(ports.probes) }),
  };
}

/** Whether each webhook configuration has been reconciled by the webhook (CA bundle and rules set). */
function webhookConfigurationsReconciled(): boolean {
  return WEBHOOK_CONFIGURATIONS.every(([kind, name]) => {
    const result = kubectl(['get', kind, name, '-o', 'json']);
    if (result.status !== 0) {
      return false;
    }
    const hooks = JSON.parse(result.stdout).webhooks as any[];
    return hooks.every((h) => (h.clientConfig.caBundle ?? '') !== '' && h.clientConfig.service?.path !== undefined);
  });
}

/**
 * Installs what Serving's release YAML would (its system namespace, config maps, webhook
 * Secret and configurations, the networking and caching CRDs), then starts the webhook and
 * waits until it has reconciled its configurations, then the controller.
 */
export async function startKnativeServing(workDir: string): Promise<KnativeServing> {
  mkdirSync(workDir, { recursive: true });
  apply(supportCrds());
  kubectlOk(['wait', '--for=condition=Established', '--timeout=120s', ...supportCrds().map((c) => `crd/${c.metadata.name}`)]);
  if (kubectl(['get', 'namespace', KNATIVE_SERVING]).status !== 0) {
    kubectlOk(['create', 'namespace', KNATIVE_SERVING]);
  }
  apply(configMaps());
  const webhookPort = await freePort();
  apply([webhookService, ...webhookObjects(webhookPort)]);

  const webhookPorts = { webhook: webhookPort, ...(await processPorts()) };
  const webhook = startLocalProcess(
    'knative-serving-webhook',
    KNATIVE_SERVING_WEBHOOK,
    [`--kubeconfig=${process.env.KUBECONFIG}`, '--disable-ha'],
    { ...processEnv(workDir, 'webhook', webhookPorts), WEBHOOK_NAME: 'webhook', WEBHOOK_PORT: String(webhookPort) },
    join(workDir, 'webhook.log'),
  );
  // The controller's health probes server (the webhook runs none).
  const controllerPorts = { probes: await freePort(), ...(await processPorts()) };
  let controller: LocalProcess | undefined;
  const stop = async () => {
    for (const [kind, name] of WEBHOOK_CONFIGURATIONS) {
      kubectl(['delete', kind, name, '--ignore-not-found']);
    }
    await controller?.stop();
    await webhook.stop();
    kubectl(['delete', 'namespace', KNATIVE_SERVING, '--ignore-not-found', '--wait=true', '--timeout=120s']);
    kubectl(['delete', '--ignore-not-found', '--wait=true', ...supportCrds().map((c) => `crd/${c.metadata.name}`)]);
  };
  try {
    await waitForProcesses('the webhook reconciled its configurations', webhookConfigurationsReconciled, [webhook]);
    if (pollFor(() => (kubectl(['get', '--raw', '/readyz']).status === 0 ? true : undefined), 10_000) === undefined) {
      throw new Error('the API server is not ready');
    }
    controller = startLocalProcess(
      'knative-serving-controller',
      KNATIVE_SERVING_CONTROLLER,
      // Its main has no --disable-ha (the webhook's has): it takes its reconcilers' leader
      // leases in knative-serving, as a single replica does in a cluster.
      [`--kubeconfig=${process.env.KUBECONFIG}`],
      processEnv(workDir, 'controller', controllerPorts),
      join(workDir, 'controller.log'),
    );
    const started = controller;
    await waitForProcesses(
      'the controller serves its readiness probe',
      async () => started.listening().includes(`127.0.0.1:${controllerPorts.probes}`) && (await probeOk(`http://127.0.0.1:${controllerPorts.probes}/readiness`)),
      [webhook, started],
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { webhook, controller, ports: { ...prefixed('webhook', webhookPorts), ...prefixed('controller', controllerPorts) }, stop };
}

const prefixed = (prefix: string, ports: Record<string, number>) => Object.fromEntries(Object.entries(ports).map(([k, v]) => [`${prefix}.${k}`, v]));

