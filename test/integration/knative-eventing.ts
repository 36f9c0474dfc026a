import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { Manifest } from '../../lib';
import { toYaml } from '../../lib/internal';
import { engines } from './engines';
import { kubectl, kubectlOk, pollFor } from './kubectl';
import { freePort, LocalProcess, probeOk, startLocalProcess, waitForProcesses } from './local-process';

/*
 * Knative Eventing's real webhook and controllers (scripts/engines/build.sh
 * knative-eventing-webhook knative-eventing-controller knative-eventing-mt-broker-controller
 * knative-eventing-imc-controller), run as processes on this machine against the suite's API
 * server, as Eventing's own config/ deploys them in a cluster. Its data plane (the broker
 * ingress and filter, the channel dispatcher, the PingSource adapter) is the release YAML's
 * Deployments and Services, whose pods kwok runs: no event is ever delivered.
 */

/** Eventing's system namespace: its config maps, its webhooks' certificate Secrets, its data plane. */
export const KNATIVE_EVENTING = 'knative-eventing';
const bin = (name: string) => join(engines().bin, name);
/** The YAML build.sh kept from the module the binaries are built from. */
const CONFIG = join(engines().home, 'knative-eventing-config');
/** The version the binaries are built from (the data plane's image tags name it too). */
const VERSION = /^KNATIVE_EVENTING_CONTROLLERS_VERSION=(\S+)$/m.exec(readFileSync(join(__dirname, '../../scripts/engines/versions.env'), 'utf8'))?.[1];

/** The CRDs whose versions Eventing's webhook converts (their `spec.conversion` names its Service). */
export const CONVERTED_CRDS = ['pingsources.sources.knative.dev', 'eventtypes.eventing.knative.dev'] as const;

export const readDocuments = (dir: string): Manifest[] =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d) => d.toJSON() as Manifest))
    .filter((o) => o !== null);

/** The CRDs of the module the controllers are built from (compared with the cluster's, which come from KNATIVE_EVENTING_VERSION). */
export const controllerCrds = (): Manifest[] => readDocuments(join(CONFIG, 'controller-crds'));
/** The InMemoryChannel CRD: the channel behind an MTChannelBasedBroker by default. */
const supportCrds = (): Manifest[] => readDocuments(join(CONFIG, 'crds'));

/**
 * The data plane: its ServiceAccounts, Services and Deployments, each container's image a name
 * that is never pulled (kwok pulls no image and runs no container; the release YAML has `ko://`
 * placeholders).
 */
function dataPlane(): Manifest[] {
  return readDocuments(join(CONFIG, 'data-plane'))
    .filter((o) => ['ServiceAccount', 'Service', 'Deployment'].includes(o.kind))
    .map((o) => {
      if (o.kind !== 'Deployment') {
        return o;
      }
      const spec = o.spec as any;
      const containers = spec.template.spec.containers.map((c: any) => ({ ...c, image: `${o.metadata.name}.kwok.invalid/knative-eventing/${c.name}:${VERSION}` }));
      return { ...o, spec: { ...spec, template: { ...spec.template, spec: { ...spec.template.spec, containers } } } } as Manifest;
    });
}

/** The data plane's Deployments, by name. */
export const DATA_PLANE_DEPLOYMENTS = ['imc-dispatcher', 'mt-broker-filter', 'mt-broker-ingress', 'pingsource-mt-adapter'] as const;

/**
 * A webhook's Secret and configurations. Knative's webhooks refuse a configuration without a
 * `service` client config: each one points at the webhook's Service on the port the local
 * process listens on (an ExternalName Service to `localhost`, as for Serving).
 */
function webhookObjects(dir: string, port: number): Manifest[] {
  return readDocuments(join(CONFIG, dir)).map((o) => {
    if (!o.kind.endsWith('WebhookConfiguration')) {
      return o;
    }
    const webhooks = (o as any).webhooks.map((w: any) => ({ ...w, clientConfig: { service: { ...w.clientConfig.service, port } } }));
    return { ...o, webhooks } as Manifest;
  });
}

const webhookConfigurations = (dir: string): Array<[string, string]> =>
  readDocuments(join(CONFIG, dir))
    .filter((o) => o.kind.endsWith('WebhookConfiguration'))
    .map((o) => [o.kind.toLowerCase(), o.metadata.name!]);

const externalName = (name: string): Manifest => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: KNATIVE_EVENTING },
  spec: { type: 'ExternalName', externalName: 'localhost' },
});

const apply = (objects: readonly Manifest[]) => kubectlOk(['apply', '--server-side', '--field-manager=immutable-infra-knative', '-f', '-'], toYaml(objects));

/** Eventing's processes, running. */
export interface KnativeEventing {
  readonly processes: Readonly<Record<'webhook' | 'controller' | 'mtBrokerController' | 'imcController', LocalProcess>>;
  /** The ports chosen for each process, by `<process>.<use>`. */
  readonly ports: Record<string, number>;
  /**
   * Removes the webhook configurations, stops the processes, gives the converted CRDs their
   * conversion back, deletes the system namespace and the InMemoryChannel CRD. Delete the
   * namespaces holding Eventing objects first: the webhook judges deletes too.
   */
  stop(): Promise<void>;
}

/**
 * A kubeconfig for the suite's cluster that acts as the ServiceAccount the release runs the
 * process as (impersonated by the admin, keeping its system:masters group, since the test
 * installs none of the release's RBAC). Identity matters to Eventing: the InMemoryChannel
 * webhook refuses a change to a channel's subscribers from anyone but
 * `system:serviceaccount:knative-eventing:eventing-controller`.
 */
function kubeconfigAs(workDir: string, serviceAccount: string): string {
  const config = parse(readFileSync(process.env.KUBECONFIG!, 'utf8'));
  for (const entry of config.users) {
    entry.user = { ...entry.user, as: `system:serviceaccount:${KNATIVE_EVENTING}:${serviceAccount}`, 'as-groups': ['system:masters', 'system:authenticated'] };
  }
  const file = join(workDir, `${serviceAccount}.kubeconfig`);
  writeFileSync(file, stringify(config), { mode: 0o600 });
  return file;
}

function processEnv(workDir: string, name: string, ports: Record<string, number>): Record<string, string> {
  return {
    HOME: workDir,
    SYSTEM_NAMESPACE: KNATIVE_EVENTING,
    POD_NAME: `${name}-local`,
    CONFIG_LOGGING_NAME: 'config-logging',
    CONFIG_OBSERVABILITY_NAME: 'config-observability',
    METRICS_DOMAIN: 'knative.dev/eventing',
    METRICS_PROMETHEUS_HOST: '127.0.0.1',
    METRICS_PROMETHEUS_PORT: String(ports.metrics),
    PROFILING_PORT: String(ports.profiling),
    // Read by build.sh's listen patch of knative.dev/pkg (its sharedmain hard-codes 8080).
    KNATIVE_PROBES_PORT: String(ports.probes),
  };
}

/** Whether each webhook configuration has been reconciled by its webhook (CA bundle and path set). */
function reconciled(configurations: ReadonlyArray<[string, string]>): boolean {
  return configurations.every(([kind, name]) => {
    const result = kubectl(['get', kind, name, '-o', 'json']);
    if (result.status !== 0) {
      return false;
    }
    const hooks = JSON.parse(result.stdout).webhooks as any[];
    return hooks.every((h) => (h.clientConfig.caBundle ?? '') !== '' && h.clientConfig.service?.path !== undefined);
  });
}

/** Whether each converted CRD names the webhook's path and CA bundle (the webhook's conversion controller sets them). */
function conversionsReconciled(): boolean {
  return CONVERTED_CRDS.every((name) => {
    const client = JSON.parse(kubectlOk(['get', 'crd', name, '-o', 'json'])).spec.conversion.webhook.clientConfig;
    return (client.caBundle ?? '') !== '' && client.service?.path === '/resource-conversion';
  });
}

const portsOf = async (...uses: string[]): Promise<Record<string, number>> => {
  const ports: Record<string, number> = {};
  for (const use of ['probes', 'profiling', 'metrics', ...uses]) {
    ports[use] = await freePort();
  }
  return ports;
};

/**
 * Installs what Eventing's release YAML would (its system namespace, config maps, webhook
 * Secrets and configurations, the InMemoryChannel CRD, the data plane), points the converted
 * CRDs at the local webhook, starts the webhook and waits until it has reconciled its
 * configurations and conversions, then starts the three controllers and waits for their
 * readiness probes.
 */
export async function startKnativeEventing(workDir: string): Promise<KnativeEventing> {
  mkdirSync(workDir, { recursive: true });
  apply(supportCrds());
  kubectlOk(['wait', '--for=condition=Established', '--timeout=120s', ...supportCrds().map((c) => `crd/${c.metadata.name}`)]);
  if (kubectl(['get', 'namespace', KNATIVE_EVENTING]).status !== 0) {
    kubectlOk(['create', 'namespace', KNATIVE_EVENTING]);
  }
  apply(readDocuments(join(CONFIG, 'configmaps')));
  apply(dataPlane());

  const ports = { webhook: await portsOf('webhook'), controller: await portsOf('own-probes'), mtBrokerController: await portsOf(), imcController: await portsOf('webhook') };
  apply([externalName('eventing-webhook'), ...webhookObjects('webhooks', ports.webhook.webhook)]);
  apply([externalName('inmemorychannel-webhook'), ...webhookObjects('imc-webhooks', ports.imcController.webhook)]);
  const conversions = Object.fromEntries(CONVERTED_CRDS.map((name) => [name, JSON.parse(kubectlOk(['get', 'crd', name, '-o', 'json'])).spec.conversion]));
  for (const name of CONVERTED_CRDS) {
    kubectlOk(['patch', 'crd', name, '--type=json', '-p', JSON.stringify([{ op: 'add', path: '/spec/conversion/webhook/clientConfig/service/port', value: ports.webhook.webhook }])]);
  }

  /** Starts a binary as the ServiceAccount its Deployment in the release YAML runs as. */
  const start = (name: string, binary: string, serviceAccount: string, env: Record<string, string>, args: string[] = []) => {
    const kubeconfig = kubeconfigAs(workDir, serviceAccount);
    return startLocalProcess(name, bin(binary), [`--kubeconfig=${kubeconfig}`, ...args], { ...env, KUBECONFIG: kubeconfig }, join(workDir, `${name}.log`));
  };
  const webhook = start('knative-eventing-webhook', 'knative-eventing-webhook', 'eventing-webhook', {
    ...processEnv(workDir, 'eventing-webhook', ports.webhook),
    WEBHOOK_NAME: 'eventing-webhook',
    WEBHOOK_PORT: String(ports.webhook.webhook),
    SINK_BINDING_SELECTION_MODE: 'exclusion',
  }, ['--disable-ha']);
  const running: LocalProcess[] = [webhook];
  const stop = async () => {
    for (const [kind, name] of [...webhookConfigurations('webhooks'), ...webhookConfigurations('imc-webhooks')]) {
      kubectl(['delete', kind, name, '--ignore-not-found']);
    }
    for (const p of running.reverse()) {
      await p.stop();
    }
    for (const name of CONVERTED_CRDS) {
      kubectl(['patch', 'crd', name, '--type=json', '-p', JSON.stringify([{ op: 'replace', path: '/spec/conversion', value: conversions[name] }])]);
    }
    kubectl(['delete', 'namespace', KNATIVE_EVENTING, '--ignore-not-found', '--wait=true', '--timeout=120s']);
    kubectl(['delete', '--ignore-not-found', '--wait=true', ...supportCrds().map((c) => `crd/${c.metadata.name}`)]);
  };
  try {
    await waitForProcesses('the webhook reconciled its configurations and conversions', () => reconciled(webhookConfigurations('webhooks')) && conversionsReconciled(), running);
    if (pollFor(() => (kubectl(['get', '--raw', '/readyz']).status === 0 ? true : undefined), 10_000) === undefined) {
      throw new Error('the API server is not ready');
    }
    // Its main serves its own probes (PROBES_PORT) besides knative.dev/pkg's (KNATIVE_PROBES_PORT).
    const controller = start('knative-eventing-controller', 'knative-eventing-controller', 'eventing-controller', {
      ...processEnv(workDir, 'eventing-controller', ports.controller),
      PROBES_PORT: String(ports.controller['own-probes']),
      APISERVER_RA_IMAGE: `apiserver-receive-adapter.kwok.invalid/knative-eventing/adapter:${VERSION}`,
    });
    const mtBrokerController = start(
      'knative-eventing-mt-broker-controller',
      'knative-eventing-mt-broker-controller',
      'eventing-controller',
      processEnv(workDir, 'mt-broker-controller', ports.mtBrokerController),
    );
    const imcController = start('knative-eventing-imc-controller', 'knative-eventing-imc-controller', 'imc-controller', {
      ...processEnv(workDir, 'imc-controller', ports.imcController),
      WEBHOOK_NAME: 'inmemorychannel-webhook',
      WEBHOOK_PORT: String(ports.imcController.webhook),
      DISPATCHER_IMAGE: `imc-dispatcher.kwok.invalid/knative-eventing/dispatcher:${VERSION}`,
    });
    running.push(controller, mtBrokerController, imcController);
    await waitForProcesses('the InMemoryChannel webhook reconciled its configurations', () => reconciled(webhookConfigurations('imc-webhooks')), running);
    const probes = [ports.webhook.probes, ports.controller.probes, ports.controller['own-probes'], ports.mtBrokerController.probes, ports.imcController.probes];
    await waitForProcesses('every process serves its readiness probe', async () => (await Promise.all(probes.map((p) => probeOk(`http://127.0.0.1:${p}/readiness`)))).every(Boolean), running);
    const flat = Object.fromEntries(Object.entries(ports).flatMap(([process, uses]) => Object.entries(uses).map(([use, port]) => [`${process}.${use}`, port])));
    return { processes: { webhook, controller, mtBrokerController, imcController }, ports: flat, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
