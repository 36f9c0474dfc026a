import { join } from 'path';
import { Manifest } from '../../lib';
import { toYaml } from '../../lib/internal';
import { engines } from './engines';
import { kubectl, kubectlOk } from './kubectl';
import { freePorts, issueLocalServingCertificate, LocalProcess, probeOk, startLocalProcess, waitForProcesses } from './local-process';

/*
 * cert-manager's real controller and webhook (scripts/engines/build.sh cert-manager-controller
 * cert-manager-webhook), run as processes on this machine against the suite's API server, the
 * webhook registered by `url:` on 127.0.0.1 as cert-manager's release manifests register it by
 * Service.
 */

export const CERT_MANAGER_CONTROLLER = join(engines().bin, 'cert-manager-controller');
export const CERT_MANAGER_WEBHOOK = join(engines().bin, 'cert-manager-webhook');
/** The controller's --cluster-resource-namespace: ClusterIssuers read their CA Secrets here. */
export const CERT_MANAGER_NAMESPACE = 'cert-manager';
/** The name of both webhook configurations, as cert-manager's manifests name them. */
export const CERT_MANAGER_WEBHOOK_CONFIGURATION = 'cert-manager-webhook';

/** cert-manager's controller and webhook, running. */
export interface CertManager {
  readonly controller: LocalProcess;
  readonly webhook: LocalProcess;
  /**
   * Removes the webhook configurations, stops both processes and deletes the namespace. Delete
   * the namespaces holding Certificates first.
   */
  stop(): Promise<void>;
}

/**
 * The webhook configurations of cert-manager's manifests: every write of a cert-manager.io or
 * acme.cert-manager.io object is validated (`/validate`), every new CertificateRequest is
 * mutated (`/mutate`: the requester's identity); `failurePolicy: Fail`, as theirs.
 */
function webhookConfigurations(port: number, caPem: string): Manifest[] {
  const common = {
    name: 'webhook.cert-manager.io',
    admissionReviewVersions: ['v1'],
    sideEffects: 'None',
    failurePolicy: 'Fail',
    timeoutSeconds: 10,
  };
  const clientConfig = (path: string) => ({ url: `https://127.0.0.1:${port}${path}`, caBundle: Buffer.from(caPem).toString('base64') });
  return [
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: CERT_MANAGER_WEBHOOK_CONFIGURATION },
      webhooks: [{
        ...common,
        clientConfig: clientConfig('/validate'),
        rules: [{ apiGroups: ['cert-manager.io', 'acme.cert-manager.io'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['*/*'] }],
      }],
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: { name: CERT_MANAGER_WEBHOOK_CONFIGURATION },
      webhooks: [{
        ...common,
        clientConfig: clientConfig('/mutate'),
        rules: [{ apiGroups: ['cert-manager.io'], apiVersions: ['v1'], operations: ['CREATE'], resources: ['certificaterequests'] }],
      }],
    },
  ] as unknown as Manifest[];
}

/** Starts the webhook, registers it once it is healthy, then starts the controller. */
export async function startCertManager(workDir: string): Promise<CertManager> {
  const kubeconfig = process.env.KUBECONFIG!;
  if (kubectl(['get', 'namespace', CERT_MANAGER_NAMESPACE]).status !== 0) {
    kubectlOk(['create', 'namespace', CERT_MANAGER_NAMESPACE]);
  }
  const tls = join(workDir, 'webhook-tls');
  const caPem = issueLocalServingCertificate(tls, 'immutable-infra cert-manager webhook test CA');
  const [securePort, healthzPort, metricsPort] = await freePorts(3);
  const env = { HOME: workDir, KUBECONFIG: kubeconfig };
  const webhook = startLocalProcess(
    'cert-manager-webhook',
    CERT_MANAGER_WEBHOOK,
    [
      `--kubeconfig=${kubeconfig}`,
      `--secure-port=${securePort}`,
      `--healthz-port=${healthzPort}`,
      `--tls-cert-file=${join(tls, 'tls.crt')}`,
      `--tls-private-key-file=${join(tls, 'tls.key')}`,
    ],
    env,
    join(workDir, 'webhook.log'),
  );
  let controller: LocalProcess | undefined;
  const stop = async () => {
    kubectl(['delete', 'validatingwebhookconfiguration,mutatingwebhookconfiguration', CERT_MANAGER_WEBHOOK_CONFIGURATION, '--ignore-not-found']);
    await controller?.stop();
    await webhook.stop();
    kubectl(['delete', 'namespace', CERT_MANAGER_NAMESPACE, '--ignore-not-found', '--wait=true', '--timeout=120s']);
  };
  try {
    await waitForProcesses('the webhook serves its health check', () => probeOk(`http://127.0.0.1:${healthzPort}/healthz`), [webhook]);
    kubectlOk(['apply', '--server-side', '--field-manager=immutable-infra-cert-manager', '-f', '-'], toYaml(webhookConfigurations(securePort, caPem)));
    controller = startLocalProcess(
      'cert-manager-controller',
      CERT_MANAGER_CONTROLLER,
      [
        `--kubeconfig=${kubeconfig}`,
        '--leader-elect=false',
        `--cluster-resource-namespace=${CERT_MANAGER_NAMESPACE}`,
        `--metrics-listen-address=127.0.0.1:${metricsPort}`,
      ],
      env,
      join(workDir, 'controller.log'),
    );
    const started = controller;
    await waitForProcesses('the controller serves its metrics', () => probeOk(`http://127.0.0.1:${metricsPort}/metrics`), [webhook, started]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { controller, webhook, stop };
}
