import { DEFAULT_REQUEST_TIMEOUT_SECONDS, KubeApi } from '../cluster/kube-api';
import { FlagType } from './args';
import { CliIo } from './cli-io';

/** The flags every command that talks to a cluster takes besides `--kubeconfig` and `--context`. */
export const CLUSTER_ACCESS_FLAGS: Readonly<Record<string, FlagType>> = {
  'request-timeout': 'duration',
};

/** How often a line says the CLI is still waiting for the cluster's first answer, in ms. */
const WAITING_LINE_MS = 5000;

/**
 * The API of the cluster of `--kubeconfig` and `--context`, once the
 * kubeconfig is read and found usable (see `readKubeconfig`): nothing is
 * sent to a cluster before. Each request, and each run of a credential
 * plugin, is bounded by `--request-timeout` (default 60s). Call
 * {@link awaitFirstAnswer} before the first real call.
 *
 * @throws KubeconfigError when the kubeconfig cannot be used
 */
export function connectCluster(kubeconfig: string, flags: Readonly<Record<string, string | number | boolean>>, io: CliIo): KubeApi {
  const requestTimeoutSeconds = (flags['request-timeout'] as number | undefined) ?? DEFAULT_REQUEST_TIMEOUT_SECONDS;
  return KubeApi.connect({ kubeconfig, context: flags.context as string | undefined }, { requestTimeoutSeconds, env: io.env });
}

/**
 * Waits for the cluster's first answer (`GET /version`), saying so on
 * stderr every 5 seconds: a credential plugin (`users[].user.exec`) that
 * never returns, or a cluster that never answers, ends in one error after
 * the request timeout instead of a silent hang.
 *
 * @throws ClusterError when the cluster does not answer; KubeconfigError when the credentials cannot be had
 */
export async function awaitFirstAnswer(api: KubeApi, io: CliIo): Promise<void> {
  await whileWaiting(api.request({ method: 'GET', path: '/version' }), (seconds) =>
    io.stderr.write(`waiting for the cluster to answer (${seconds}s of --request-timeout ${api.requestTimeoutSeconds}s)…\n`));
}

/** Runs `work`, then closes the API's connections, whatever happened. */
export async function usingApi<T>(api: KubeApi, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } finally {
    api.close();
  }
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
