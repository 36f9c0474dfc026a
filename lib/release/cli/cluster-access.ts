import { checkKubeconfig, findKubectl, Kubectl } from '../cluster/kubectl';
import { FlagType } from './args';
import { CliIo } from './cli-io';

/** The flags every command that talks to a cluster takes besides `--kubeconfig`, `--context` and `--kubectl`. */
export const CLUSTER_ACCESS_FLAGS: Readonly<Record<string, FlagType>> = {
  'request-timeout': 'duration',
};

/** How long each request to the API server may take unless `--request-timeout` says otherwise, in seconds. */
export const DEFAULT_REQUEST_TIMEOUT_SECONDS = 60;

/** How often a line says the CLI is still waiting for the cluster's first answer, in ms. */
const WAITING_LINE_MS = 5000;

/**
 * kubectl for the cluster of `--kubeconfig` and `--context`, once the
 * kubeconfig is checked (see {@link checkKubeconfig}) and kubectl found:
 * nothing is sent to a cluster before both hold. Each request is bounded by
 * `--request-timeout` (default 60s), and each kubectl process by five times
 * that. Call {@link awaitFirstAnswer} before the first real call.
 *
 * @throws KubeconfigError when the kubeconfig cannot be used; KubectlError when kubectl is not found
 */
export function connectKubectl(kubeconfig: string, flags: Readonly<Record<string, string | number | boolean>>, io: CliIo): Kubectl {
  const context = flags.context as string | undefined;
  checkKubeconfig(kubeconfig, context);
  const requestTimeoutSeconds = (flags['request-timeout'] as number | undefined) ?? DEFAULT_REQUEST_TIMEOUT_SECONDS;
  const binary = findKubectl(flags.kubectl as string | undefined, io.env);
  return new Kubectl({ binary, kubeconfig, context, requestTimeoutSeconds, processTimeoutSeconds: requestTimeoutSeconds * 5 });
}

/**
 * Waits for the cluster's first answer (its version), saying so on stderr
 * every 5 seconds, and stops kubectl after the request timeout plus 5 s: a
 * credential plugin (`users[].user.exec`) that never returns, or a cluster
 * that never answers, ends in one error instead of a silent hang.
 *
 * @throws KubectlError when the cluster does not answer
 */
export async function awaitFirstAnswer(kubectl: Kubectl, io: CliIo): Promise<void> {
  const requestTimeoutSeconds = kubectl.requestTimeoutSeconds ?? DEFAULT_REQUEST_TIMEOUT_SECONDS;
  await whileWaiting(kubectl.withProcessTimeout(requestTimeoutSeconds + 5).outputAsync(['get', '--raw', '/version']), (seconds) =>
    io.stderr.write(`waiting for the cluster to answer (${seconds}s of --request-timeout ${requestTimeoutSeconds}s)…\n`));
}

/** Awaits `work`, calling `onWaiting` with the seconds waited every 5 seconds until it settles. */
async function whileWaiting<T>(work: Promise<T>, onWaiting: (seconds: number) => void): Promise<T> {
  const start = Date.now();
  const timer = setInterval(() => onWaiting(Math.round((Date.now() - start) / 1000)), WAITING_LINE_MS);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}
