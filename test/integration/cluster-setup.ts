import { execFileSync } from 'child_process';
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { CLUSTER_STATE_ENV, REPO_ROOT } from './engines';

/** Starts one local control plane for the whole suite (stopped by cluster-teardown). */
export default function startCluster(): void {
  const state = mkdtempSync(join(tmpdir(), 'immutable-infra-cluster-'));
  process.env[CLUSTER_STATE_ENV] = state;
  const kubeconfig = execFileSync('bash', ['scripts/engines/cluster.sh', 'start', state], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  process.env.KUBECONFIG = kubeconfig;
}
