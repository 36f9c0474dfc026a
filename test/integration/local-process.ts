import { ChildProcess, execFileSync, spawn, spawnSync } from 'child_process';
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'fs';
import { createServer } from 'net';
import { join } from 'path';
import { CLUSTER_STATE_ENV } from './engines';

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** `count` distinct free TCP ports on 127.0.0.1 (each held open until all are found, so none repeats). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve(server));
    })),
  );
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A controller process the test started outside any cluster, against the suite's API server. */
export interface LocalProcess {
  readonly pid: number;
  /** Its log file (stdout and stderr). */
  readonly log: string;
  /** The exit code once it exited, else `undefined`. */
  exitCode(): number | null | undefined;
  /** The TCP listening sockets the process actually has, as `address:port`. */
  listening(): string[];
  /** The last `chars` characters of its log. */
  tail(chars?: number): string;
  /** Stops it by pid (TERM, then KILL after 15 s). */
  stop(): Promise<void>;
}

/**
 * Starts `binary` with `args` and exactly the environment `env` (plus PATH), its output in
 * `log`. Its pid is also written to the cluster's pid file under `name`, so the global
 * teardown stops it if the test file could not.
 */
export function startLocalProcess(name: string, binary: string, args: readonly string[], env: Record<string, string>, log: string): LocalProcess {
  const fd = openSync(log, 'a');
  const child: ChildProcess = spawn(binary, [...args], { stdio: ['ignore', fd, fd], env: { PATH: process.env.PATH ?? '', ...env } });
  closeSync(fd);
  const pid = child.pid!;
  const state = process.env[CLUSTER_STATE_ENV];
  const pids = state === undefined ? undefined : join(state, 'pids');
  if (pids !== undefined && existsSync(pids)) {
    appendFileSync(pids, `${name} ${pid}\n`);
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
    if (pids !== undefined && existsSync(pids)) {
      const kept = readFileSync(pids, 'utf8').split('\n').filter((line) => line !== `${name} ${pid}`);
      writeFileSync(pids, kept.join('\n'));
    }
  };
  const listening = () => {
    const ss = spawnSync('ss', ['-Hltnp'], { encoding: 'utf8' });
    return ss.stdout
      .split('\n')
      .filter((line) => line.includes(`pid=${pid},`))
      .map((line) => line.trim().split(/\s+/)[3]);
  };
  const tail = (chars = 4000) => readFileSync(log, 'utf8').slice(-chars);
  return { pid, log, exitCode: () => exited, listening, tail, stop };
}

/**
 * Waits until `ready` holds, failing at once with its log when one of `processes` exits, and
 * with every log after `timeoutMs`.
 */
export async function waitForProcesses(
  what: string,
  ready: () => boolean | Promise<boolean>,
  processes: readonly LocalProcess[],
  timeoutMs = 180_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    const dead = processes.find((p) => p.exitCode() !== undefined);
    if (dead !== undefined) {
      throw new Error(`${what}: process ${dead.pid} exited (${dead.exitCode()}); see ${dead.log}:\n${dead.tail()}`);
    }
    if (Date.now() > deadline) {
      throw new Error(`${what}: not after ${timeoutMs / 1000} s; logs:\n${processes.map((p) => `${p.log}:\n${p.tail()}`).join('\n')}`);
    }
    await sleep(500);
  }
}

/** Whether `url` answers 200. */
export async function probeOk(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).status === 200;
  } catch {
    return false;
  }
}

/**
 * A CA and a serving certificate for 127.0.0.1 signed by it, in `dir` (`ca.crt`, `tls.crt`,
 * `tls.key`): a local webhook serves it, the API server checks it against the CA bundle of the
 * webhook configuration. Returns the CA certificate (PEM).
 */
export function issueLocalServingCertificate(dir: string, caName: string): string {
  mkdirSync(dir, { recursive: true });
  const openssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '1', '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', `/CN=${caName}`]);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-keyout', 'tls.key', '-out', 'tls.csr', '-subj', '/CN=127.0.0.1']);
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n');
  openssl(['x509', '-req', '-sha256', '-days', '1', '-in', 'tls.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-extfile', 'san.ext', '-out', 'tls.crt']);
  return readFileSync(join(dir, 'ca.crt'), 'utf8');
}
