import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { engines } from './engines';
import { freePort, sleep, startLocalProcess } from './local-process';

/** The pinned istioctl and pilot-discovery (scripts/engines/build.sh istioctl pilot-discovery). */
export const ISTIOCTL = join(engines().bin, 'istioctl');
export const PILOT_DISCOVERY = join(engines().bin, 'pilot-discovery');

/** The namespace istiod runs "in" (its leader-election lease and its own config live there). */
export const ISTIO_SYSTEM = 'istio-system';

/** One running istiod (pilot-discovery) outside any cluster, against the suite's API server. */
export interface Istiod {
  readonly pid: number;
  /** Its log file. */
  readonly log: string;
  /** Every address it was told to listen on (all on 127.0.0.1). */
  readonly addresses: Record<string, string>;
  /** The TCP listening sockets the process actually has, as `address:port`. */
  listening(): string[];
  /** Stops it by pid (TERM, then KILL after 15 s). */
  stop(): Promise<void>;
}

/**
 * Starts `pilot-discovery discovery` as the Gateway API controller for the suite's cluster:
 * every port on 127.0.0.1, no CA server, no webhook configurations patched (none are
 * registered: the API server never calls istiod), no automated gateway deployments (there is
 * no injector template and no data plane to run them). Its pid is also written to the
 * cluster's pid file, so the global teardown stops it if the test file could not.
 */
export async function startIstiod(workDir: string): Promise<Istiod> {
  mkdirSync(workDir, { recursive: true });
  const ports = { httpAddr: 0, httpsAddr: 0, grpcAddr: 0, secureGRPCAddr: 0, monitoringAddr: 0, ctrlz: 0 };
  for (const key of Object.keys(ports) as Array<keyof typeof ports>) {
    ports[key] = await freePort();
  }
  const mesh = join(workDir, 'mesh.yaml');
  writeFileSync(mesh, `rootNamespace: ${ISTIO_SYSTEM}\ntrustDomain: cluster.local\n`);
  const networks = join(workDir, 'meshNetworks.yaml');
  writeFileSync(networks, 'networks: {}\n');
  const addresses: Record<string, string> = {
    httpAddr: `127.0.0.1:${ports.httpAddr}`,
    httpsAddr: `127.0.0.1:${ports.httpsAddr}`,
    grpcAddr: `127.0.0.1:${ports.grpcAddr}`,
    secureGRPCAddr: `127.0.0.1:${ports.secureGRPCAddr}`,
    monitoringAddr: `127.0.0.1:${ports.monitoringAddr}`,
  };
  const args = [
    'discovery',
    `--kubeconfig=${process.env.KUBECONFIG}`,
    `--meshConfig=${mesh}`,
    `--networksConfig=${networks}`,
    ...Object.entries(addresses).map(([flag, address]) => `--${flag}=${address}`),
    `--ctrlz_address=127.0.0.1`,
    `--ctrlz_port=${ports.ctrlz}`,
    '--profile=false',
    '--shutdownDuration=1s',
    '--log_output_level=default:info',
  ];
  const log = join(workDir, 'istiod.log');
  const istiod = startLocalProcess('istiod', PILOT_DISCOVERY, args, {
    HOME: workDir,
    POD_NAMESPACE: ISTIO_SYSTEM,
    POD_NAME: 'istiod-local',
    REVISION: 'default',
    // Self-signed certificates for istiod's own TLS ports; no CA service for workloads.
    ENABLE_CA_SERVER: 'false',
    // No webhook configuration exists to patch.
    INJECTION_WEBHOOK_CONFIG_NAME: '',
    VALIDATION_WEBHOOK_CONFIG_NAME: '',
    PILOT_ENABLE_GATEWAY_API: 'true',
    PILOT_ENABLE_GATEWAY_API_STATUS: 'true',
    PILOT_ENABLE_GATEWAY_API_GATEWAYCLASS_CONTROLLER: 'true',
    PILOT_ENABLE_GATEWAY_API_DEPLOYMENT_CONTROLLER: 'false',
    ISTIOD_CUSTOM_HOST: 'localhost',
    CLUSTER_ID: 'Kubernetes',
  }, log);
  const { pid, listening, stop } = istiod;

  // Ready: its HTTP /ready answers 200 (caches synced, including the Gateway API ones).
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (istiod.exitCode() !== undefined) {
      throw new Error(`pilot-discovery exited (${istiod.exitCode()}) during start; see ${log}:\n${istiod.tail()}`);
    }
    try {
      const response = await fetch(`http://${addresses.httpAddr}/ready`);
      if (response.status === 200) {
        break;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`pilot-discovery not ready after 180 s; see ${log}:\n${istiod.tail()}`);
    }
    await sleep(500);
  }
  return { pid, log, addresses, listening, stop };
}
