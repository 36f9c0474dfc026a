import { execFileSync } from 'child_process';
import { join } from 'path';

const ROOT = join(__dirname, '..', '..');

/** The engine cache locations for the pinned versions (from scripts/engines/env.sh). */
export interface Engines {
  readonly bin: string;
  readonly home: string;
}

/** Where scripts/engines/build.sh put the engines of the pinned versions. */
export function engines(): Engines {
  const out = execFileSync('bash', ['-c', 'source scripts/engines/env.sh && printf "%s\\n%s" "$ENGINES_BIN" "$ENGINES_HOME"'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  const [bin, home] = out.split('\n');
  return { bin, home };
}

/** The repository root. */
export const REPO_ROOT = ROOT;

/** The cluster the suite runs against: its state directory and kubeconfig. */
export const CLUSTER_STATE_ENV = 'IMMUTABLE_INFRA_TEST_CLUSTER';
