/**
 * The local cluster of the deploy benchmark: the engines `scripts/engines/`
 * builds (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok,
 * kubectl), started by `cluster.sh start <dir>` and stopped, by the pids it
 * recorded, by `cluster.sh stop <dir>`: when the benchmark is done, when it
 * fails, and on SIGINT / SIGTERM / SIGHUP.
 */
import { spawnSync } from 'child_process';
import { existsSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

const ENGINES = join(__dirname, '..', 'engines');
const CLUSTER_SH = join(ENGINES, 'cluster.sh');
/** The binaries cluster.sh needs to run pods. */
const REQUIRED = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok', 'kubectl'];

/** `$ENGINES_BIN` (scripts/engines/env.sh), whether or not it was built. */
export function enginesBin(): string {
  const result = spawnSync('bash', ['-c', `source ${JSON.stringify(join(ENGINES, 'env.sh'))} && printf '%s' "$ENGINES_BIN"`], { encoding: 'utf8' });
  if (result.status !== 0 || result.stdout === '') {
    throw new Error(`cannot read ENGINES_BIN from scripts/engines/env.sh: ${result.stderr.trim()}`);
  }
  return result.stdout;
}

/** The engines the deploy benchmark needs that are not built. */
export function missingEngines(bin: string): string[] {
  return REQUIRED.filter((name) => !existsSync(join(bin, name)));
}

/** A running cluster. */
export interface RunningCluster {
  readonly kubeconfig: string;
  readonly kubectl: string;
  /** Stops it (idempotent); removes its state directory unless `keepLogs`. */
  readonly stop: (keepLogs: boolean) => void;
}

/**
 * Starts a cluster in a fresh state directory. Until `stop`, a SIGINT,
 * SIGTERM or SIGHUP stops it (and `onSignal` runs first: kill children), then
 * exits.
 *
 * @throws Error when cluster.sh fails (it cleans up after itself then)
 */
export function startCluster(bin: string, onSignal: () => void): RunningCluster {
  const dir = mkdtempSync(join(tmpdir(), 'immutable-infra-bench-'));
  let stopped = false;
  const stop = (keepLogs: boolean) => {
    if (stopped) {
      return;
    }
    stopped = true;
    for (const [signal, handler] of handlers) {
      process.removeListener(signal, handler);
    }
    const result = spawnSync('bash', [CLUSTER_SH, 'stop', dir], { encoding: 'utf8' });
    if (result.status !== 0) {
      process.stderr.write(`cluster.sh stop ${dir} failed: ${result.stderr}\n`);
    } else if (!keepLogs) {
      rmSync(dir, { recursive: true, force: true });
    } else {
      process.stderr.write(`cluster logs kept in ${dir}\n`);
    }
  };
  const handlers = new Map(SIGNALS.map((signal) => [signal, () => {
    process.stderr.write(`\n${signal}: stopping the benchmark cluster…\n`);
    onSignal();
    stop(true);
    process.exit(130);
  }]));
  for (const [signal, handler] of handlers) {
    process.on(signal, handler);
  }
  const result = spawnSync('bash', [CLUSTER_SH, 'start', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0) {
    stop(true);
    throw new Error(`cluster.sh start failed (exit ${result.status}):\n${result.stderr.trim().split('\n').slice(-15).join('\n')}`);
  }
  return { kubeconfig: result.stdout.trim().split('\n').pop()!, kubectl: join(bin, 'kubectl'), stop };
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
