import { execFileSync, spawnSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Chart, JsonPatch } from 'cdk8s';
import { Microservice, synthApp } from '../../lib';
import { L1 } from '../../lib/internal';
import { digestImage } from '../fixtures';
import { REPO_ROOT } from './engines';
import { kubectl } from './kubectl';

// Two real control planes: the suite's cluster (wave 1) and one this file starts (wave 2).
const NAMESPACE = 'fleet';
const MAIN = join(REPO_ROOT, 'lib', 'release', 'cli', 'main.ts');
const tmp = mkdtempSync(join(tmpdir(), 'immutable-infra-fleet-'));
const secondState = join(tmp, 'second-cluster');
let secondKubeconfig: string;

/** Versions of the one service `web`: v1 and v3 healthy, v2's pods never become Ready. */
type Version = 'v1' | 'v2' | 'v3';

function dist(version: Version): { dir: string; revision: string } {
  const dir = join(tmp, `dist-${version}`);
  const app = new App();
  const chart = new Chart(app, NAMESPACE, { namespace: NAMESPACE });
  new L1.Namespace(chart, 'Namespace', { metadata: { name: NAMESPACE } }).addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  const web = new Microservice(chart, 'web', {
    image: digestImage('ghcr.io/acme/web', { v1: 'a', v2: 'b', v3: 'c' }[version]),
    ports: [{ port: 80, containerPort: 8080 }],
    configs: [{ name: 'settings', literals: { VERSION: version } }],
    // kwok never makes a pod with this label Ready (scripts/engines/cluster.sh): v2's gate fails.
    podLabels: version === 'v2' ? { 'immutable-infra.dev/simulate': 'unready' } : undefined,
  });
  synthApp(app, dir);
  return { dir, revision: web.revisions[0].revisionId };
}

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', MAIN, ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The revision the stable Service `web` selects on a cluster, and its revision Deployments. */
function liveState(kubeconfig: string): { selects: string | undefined; deployments: string[] } {
  const get = (args: string[]) => kubectl(['--kubeconfig', kubeconfig, ...args, '-n', NAMESPACE, '-o', 'json']);
  const service = get(['get', 'service', 'web']);
  const deployments = get(['get', 'deployments']);
  return {
    selects: service.status === 0 ? JSON.parse(service.stdout).spec.selector['immutable-infra.dev/revision'] : undefined,
    deployments: deployments.status === 0
      ? (JSON.parse(deployments.stdout).items as { metadata: { name: string } }[]).map((d) => d.metadata.name).sort()
      : [],
  };
}

let fleet: string;
beforeAll(() => {
  secondKubeconfig = execFileSync('bash', ['scripts/engines/cluster.sh', 'start', secondState], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, CLUSTER_CRDS: 'none', CLUSTER_NODES: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  fleet = join(tmp, 'fleet.yaml');
  writeFileSync(fleet, [
    'waves:',
    '  - name: canary',
    `    clusters: [{ name: first, kubeconfig: ${JSON.stringify(process.env.KUBECONFIG)} }]`,
    '  - name: rest',
    `    clusters: [{ name: second, kubeconfig: ${JSON.stringify(secondKubeconfig)} }]`,
    '',
  ].join('\n'));
}, 300_000);

afterAll(() => {
  kubectl(['delete', 'namespace', NAMESPACE, '--wait=false']);
  execFileSync('bash', ['scripts/engines/cluster.sh', 'stop', secondState], { cwd: REPO_ROOT, stdio: 'inherit' });
  rmSync(tmp, { recursive: true, force: true });
});

test('a release goes to the fleet wave by wave; a failed gate stops it, later waves untouched; rollback goes wave by wave', () => {
  const v1 = dist('v1');
  const first = cli('deploy', v1.dir, '--fleet', fleet, '--timeout', '2m');
  expect({ status: first.status, stderr: first.stderr }).toEqual({ status: 0, stderr: '' });
  expect(first.stdout).toContain('Wave 1/2 (canary): first\n');
  expect(first.stdout).toContain('Wave 2/2 (rest): second\n');
  expect(first.stdout.indexOf('[first] Done.')).toBeLessThan(first.stdout.indexOf('Wave 2/2'));
  expect(first.stdout).toContain('Fleet deploy: canary: first done; rest: second done\n');
  for (const kubeconfig of [process.env.KUBECONFIG!, secondKubeconfig]) {
    expect(liveState(kubeconfig)).toEqual({ selects: v1.revision, deployments: [`web-${v1.revision}`] });
  }

  // v2 never becomes Ready: the first cluster's gate fails and its traffic stays on v1; the second cluster is never called.
  const v2 = dist('v2');
  const failed = cli('deploy', v2.dir, '--fleet', fleet, '--timeout', '20s');
  expect(failed.status).toBe(1);
  expect(failed.stdout).not.toContain('Wave 2/2');
  expect(failed.stdout).toContain('Fleet deploy: canary: first failed; rest: second untouched\n');
  expect(failed.stderr).toContain('[first] error: the release is not healthy; traffic stays on the previous release\n');
  expect(failed.stderr).toContain('error: the fleet stopped: first failed; the clusters of later waves (second) were not touched\n');
  expect(liveState(process.env.KUBECONFIG!)).toEqual({ selects: v1.revision, deployments: [`web-${v1.revision}`, `web-${v2.revision}`].sort() });
  expect(liveState(secondKubeconfig)).toEqual({ selects: v1.revision, deployments: [`web-${v1.revision}`] });

  // A healthy v3 goes everywhere; rolling the fleet back returns every cluster to v1, the release v3 replaced.
  const v3 = dist('v3');
  const third = cli('deploy', v3.dir, '--fleet', fleet, '--timeout', '2m', '--remove-failed');
  expect({ status: third.status, stderr: third.stderr }).toEqual({ status: 0, stderr: '' });
  for (const kubeconfig of [process.env.KUBECONFIG!, secondKubeconfig]) {
    expect(liveState(kubeconfig).selects).toBe(v3.revision);
  }
  const rolledBack = cli('rollback', v3.dir, '--fleet', fleet, '--timeout', '2m');
  expect({ status: rolledBack.status, stderr: rolledBack.stderr }).toEqual({ status: 0, stderr: '' });
  expect(rolledBack.stdout).toContain('Fleet rollback: canary: first done; rest: second done\n');
  for (const kubeconfig of [process.env.KUBECONFIG!, secondKubeconfig]) {
    expect(liveState(kubeconfig).selects).toBe(v1.revision);
  }
});
