import { checkKubeconfig, findKubectl, Kubectl } from '../cluster/kubectl';
import { FlagType } from './args';
import { CliIo } from './cli-io';

/** The flags every command that talks to a cluster takes besides `--kubeconfig`, `--context` and `--kubectl`. */
export const CLUSTER_ACCESS_FLAGS: Readonly<Record<string, FlagType>> = {
  'request-timeout': 'duration',
};

/** How long each request to the API server may take unless `--request-timeout` says otherwise, in seconds. */
export const DEFAULT_REQUEST_TIMEOUT_SECONDS = 60;

/**
 * kubectl for the cluster of `--kubeconfig` and `--context`, each request
 * bounded by `--request-timeout` (default 60s), once the kubeconfig is
 * checked (see {@link checkKubeconfig}) and kubectl found: nothing is sent to
 * a cluster before both hold.
 *
 * @throws KubeconfigError when the kubeconfig cannot be used; KubectlError when kubectl is not found
 */
export function connectKubectl(kubeconfig: string, flags: Readonly<Record<string, string | number | boolean>>, io: CliIo): Kubectl {
  const context = flags.context as string | undefined;
  checkKubeconfig(kubeconfig, context);
  return new Kubectl({
    binary: findKubectl(flags.kubectl as string | undefined, io.env),
    kubeconfig,
    context,
    requestTimeoutSeconds: (flags['request-timeout'] as number | undefined) ?? DEFAULT_REQUEST_TIMEOUT_SECONDS,
  });
}
