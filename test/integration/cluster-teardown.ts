import { execFileSync } from 'child_process';
import { CLUSTER_STATE_ENV, REPO_ROOT } from './engines';

/** Stops every process the suite's cluster started, by pid. */
export default function stopCluster(): void {
  const state = process.env[CLUSTER_STATE_ENV];
  if (state !== undefined) {
    execFileSync('bash', ['scripts/engines/cluster.sh', 'stop', state], { cwd: REPO_ROOT, stdio: 'inherit' });
  }
}
