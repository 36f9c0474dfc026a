import { ChildProcess, spawn, spawnSync } from 'child_process';
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'fs';
import { createServer } from 'net';
import { join } from 'path';
import { CLUSTER_STATE_ENV, engines } from './engines';

/** The pinned istioctl and pilot-discovery (scripts/engines/build.sh istioctl pilot-discovery). */
export const ISTIOCTL = join(engines().bin, 'istioctl');
export const PILOT_DISCOVERY = join(engines().bin, 'pilot-discovery');

/** The namespace istiod runs "in" (its leader-election lease and its own config live there). */
export const ISTIO_SYSTEM = 'istio-system';

/** A free TCP port on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
  const fd = openSync(log, 'a');
  const child: ChildProcess = spawn(PILOT_DISCOVERY, args, {
    stdio: ['ignore', fd, fd],
    env: {
      PATH: process.env.PATH,
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
    },
  });
  closeSync(fd);
  const pid = child.pid!;
  const state = process.env[CLUSTER_STATE_ENV];
  if (state !== undefined && existsSync(join(state, 'pids'))) {
    appendFileSync(join(state, 'pids'), `istiod ${pid}\n`);
  }
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));

  const stop = async () => {
    if (exited === undefined) {
      child.kill('SIGTERM');
      for (let i = 0; i < 150 && exited === undefined; i++) {
        await sleep(100);
      }
      if (exited === undefined) {
        child.kill('SIGKILL');
        for (let i = 0; i < 50 && exited === undefined; i++) {
          await sleep(100);
        }
      }
    }
    if (state !== undefined && existsSync(join(state, 'pids'))) {
      const kept = readFileSync(join(state, 'pids'), 'utf8').split('\n').filter((line) => line !== `istiod ${pid}`);
      writeFileSync(join(state, 'pids'), kept.join('\n'));
    }
  };
  const listening = () => {
    const ss = spawnSync('ss', ['-Hltnp'], { encoding: 'utf8' });
    return ss.stdout
      .split('\n')
      .filter((line) => line.includes(`pid=${pid},`))
      .map((line) => line.trim().split(/\s+/)[3]);
  };

  // Ready: its HTTP /ready answers 200 (caches synced, including the Gateway API ones).
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (exited !== undefined) {
      throw new Error(`pilot-discovery exited (${exited}) during start; see ${log}:\n${readFileSync(log, 'utf8').slice(-4000)}`);
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
      throw new Error(`pilot-discovery not ready after 180 s; see ${log}:\n${readFileSync(log, 'utf8').slice(-4000)}`);
    }
    await sleep(500);
  }
  return { pid, log, addresses, listening, stop };
}
