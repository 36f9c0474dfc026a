import { join } from 'path';
import { Manifest } from '../../lib';
import { toYaml } from '../../lib/internal';
import { engines } from './engines';
import { kubectl, kubectlOk } from './kubectl';
import { freePorts, issueLocalServingCertificate, LocalProcess, probeOk, startLocalProcess, waitForProcesses } from './local-process';

/*
 * KEDA's real admission webhooks and operator (scripts/engines/build.sh keda-webhooks
 * keda-operator), run as processes on this machine against the suite's API server. KEDA's
 * metrics adapter does not run: nothing serves external.metrics.k8s.io, so the HPAs the
 * operator creates never read a metric (the operator itself still activates and deactivates).
 */

export const KEDA_OPERATOR = join(engines().bin, 'keda-operator');
export const KEDA_WEBHOOKS = join(engines().bin, 'keda-webhooks');
/** KEDA's own namespace (KEDA_CLUSTER_OBJECT_NAMESPACE): where it reads ClusterTriggerAuthentication Secrets. */
export const KEDA_NAMESPACE = 'keda';
/** The ValidatingWebhookConfiguration this test registers for KEDA's webhooks. */
export const KEDA_WEBHOOK_CONFIGURATION = 'immutable-infra-keda-admission';
/** The name of each webhook in it, by the resource it judges (paths as KEDA's webhooks serve them). */
export const KEDA_WEBHOOKS_BY_RESOURCE = {
  scaledobjects: { name: 'vscaledobject.keda.sh', path: '/validate-keda-sh-v1alpha1-scaledobject' },
  triggerauthentications: { name: 'vtriggerauthentication.keda.sh', path: '/validate-keda-sh-v1alpha1-triggerauthentication' },
} as const;

/** KEDA's webhooks and operator, running. */
export interface Keda {
  readonly webhooks: LocalProcess;
  readonly operator: LocalProcess;
  /** The ports given to each process, as `<process>.<socket>`. */
  readonly ports: Record<string, number>;
  /**
   * Removes the webhook configuration, stops both processes and deletes KEDA's namespace.
   * Delete the namespaces holding ScaledObjects first: they carry the operator's finalizer.
   */
  stop(): Promise<void>;
}

/**
 * The webhook configuration: each webhook by `url:` on 127.0.0.1 (no Service), with the CA
 * bundle, for the kinds the library emits. `failurePolicy: Fail` (KEDA's own manifests say
 * Ignore): an unreachable webhook refuses every write instead of letting it pass unjudged.
 */
function webhookConfiguration(port: number, caPem: string): Manifest {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name: KEDA_WEBHOOK_CONFIGURATION },
    webhooks: Object.entries(KEDA_WEBHOOKS_BY_RESOURCE).map(([resource, { name, path }]) => ({
      name,
      clientConfig: { url: `https://127.0.0.1:${port}${path}`, caBundle: Buffer.from(caPem).toString('base64') },
      rules: [{ apiGroups: ['keda.sh'], apiVersions: ['v1alpha1'], operations: ['CREATE', 'UPDATE'], resources: [resource] }],
      failurePolicy: 'Fail',
      sideEffects: 'None',
      admissionReviewVersions: ['v1'],
      timeoutSeconds: 10,
    })),
  } as unknown as Manifest;
}

/**
 * Creates KEDA's namespace, starts the webhooks, registers them and starts the operator
 * (leader election and certificate rotation off, as their flags default; every socket on
 * 127.0.0.1 by flag, the webhook server by build.sh's listen patch); resolves once both serve
 * their readiness probes.
 */
export async function startKeda(workDir: string): Promise<Keda> {
  const certDir = join(workDir, 'certs');
  const caPem = issueLocalServingCertificate(certDir, 'immutable-infra KEDA test CA');
  if (kubectl(['get', 'namespace', KEDA_NAMESPACE]).status !== 0) {
    kubectlOk(['create', 'namespace', KEDA_NAMESPACE]);
  }
  const sockets = ['webhooks.webhook', 'webhooks.metrics', 'webhooks.probes', 'operator.metrics', 'operator.probes', 'operator.metricsService'];
  const free = await freePorts(sockets.length);
  const ports: Record<string, number> = Object.fromEntries(sockets.map((socket, index) => [socket, free[index]]));
  const env = {
    HOME: workDir,
    KUBECONFIG: process.env.KUBECONFIG!,
    WATCH_NAMESPACE: '',
    KEDA_CLUSTER_OBJECT_NAMESPACE: KEDA_NAMESPACE,
    POD_NAMESPACE: KEDA_NAMESPACE,
  };
  const webhooks = startLocalProcess(
    'keda-webhooks',
    KEDA_WEBHOOKS,
    [
      `--kubeconfig=${process.env.KUBECONFIG}`,
      `--port=${ports['webhooks.webhook']}`,
      `--cert-dir=${certDir}`,
      `--metrics-bind-address=127.0.0.1:${ports['webhooks.metrics']}`,
      `--health-probe-bind-address=127.0.0.1:${ports['webhooks.probes']}`,
    ],
    env,
    join(workDir, 'webhooks.log'),
  );
  let operator: LocalProcess | undefined;
  const stop = async () => {
    kubectl(['delete', 'validatingwebhookconfiguration', KEDA_WEBHOOK_CONFIGURATION, '--ignore-not-found']);
    await operator?.stop();
    await webhooks.stop();
    kubectl(['delete', 'namespace', KEDA_NAMESPACE, '--ignore-not-found', '--wait=true', '--timeout=120s']);
  };
  try {
    await waitForProcesses('the webhooks serve their readiness probe', () => probeOk(`http://127.0.0.1:${ports['webhooks.probes']}/readyz`), [webhooks]);
    kubectlOk(['apply', '--server-side', '--field-manager=immutable-infra-keda', '-f', '-'], toYaml([webhookConfiguration(ports['webhooks.webhook'], caPem)]));
    operator = startLocalProcess(
      'keda-operator',
      KEDA_OPERATOR,
      [
        `--kubeconfig=${process.env.KUBECONFIG}`,
        '--leader-elect=false',
        '--enable-cert-rotation=false',
        `--cert-dir=${certDir}`,
        `--ca-dir=${certDir}`,
        `--metrics-bind-address=127.0.0.1:${ports['operator.metrics']}`,
        `--health-probe-bind-address=127.0.0.1:${ports['operator.probes']}`,
        `--metrics-service-bind-address=127.0.0.1:${ports['operator.metricsService']}`,
      ],
      env,
      join(workDir, 'operator.log'),
    );
    const started = operator;
    await waitForProcesses('the operator serves its readiness probe', () => probeOk(`http://127.0.0.1:${ports['operator.probes']}/readyz`), [webhooks, started]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { webhooks, operator, ports, stop };
}
