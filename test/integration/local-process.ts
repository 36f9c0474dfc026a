import { ChildProcess, spawn, spawnSync } from 'child_process';
import { appendFileSync, closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'fs';
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
