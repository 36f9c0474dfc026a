import { spawnSync } from 'child_process';
import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { App } from 'cdk8s';
import { MeshTrafficChart } from '../../../examples/mesh-traffic';
import { Manifest, planRelease } from '../../../lib';
import { cli } from './cli-run';
import { apiService, edited, objectOf, TempDists } from './plan-fixtures';

const dists = new TempDists();
afterAll(() => dists.cleanUp());

const ESC = '\u001b[';
const before = apiService();
const after = apiService({ env: { FEATURE: 'on' } });
const [beforeDist, afterDist] = [dists.withObjects(before), dists.withObjects(after)];
const oldDeployment = objectOf(before, 'Deployment', /^api-/).metadata.name;
const newDeployment = objectOf(after, 'Deployment', /^api-/).metadata.name;
/** The Service's selector of the one live revision (without a mesh), as the plan prints it. */
const selector = (deployment: string | undefined) =>
  `app.kubernetes.io/managed-by=immutable-infra, app.kubernetes.io/name=api, app.kubernetes.io/part-of=app, immutable-infra.dev/revision=${deployment!.slice('api-'.length)}`;

describe('immutable-infra plan <before> <after>', () => {
  test('prints the plan: a summary, then one section per kind of change', async () => {
    const run = await cli(['plan', beforeDist, afterDist]);
    expect(run).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        `Plan: ${beforeDist} → ${afterDist}`,
        '  1 created, 1 updated, 4 unchanged, 1 retired, 0 kept; restarts: api; guard: ok',
        '',
        'Revision objects created (1)',
        `  + Deployment app/${newDeployment}`,
        '',
        'Pointers updated (1)',
        '  ~ Service app/api',
        `      selector spec.selector: ${selector(oldDeployment)} → ${selector(newDeployment)}`,
        '',
        'Retired (1)',
        `  - Deployment app/${oldDeployment}`,
        '',
        'Restarts (1)',
        `  api (app): ${oldDeployment} → ${newDeployment}`,
        '      env changed: api: FEATURE (added)',
        '',
      ].join('\n'),
    });
  });

  test('weights and selectors are shown as such, other fields as path: before → after', async () => {
    const split = synthDist('split-v1-v3');
    const moved = dists.withObjects(edited(synthObjects('all-v3'), 'Service', 'reviews', (s) => { s.spec.selector = { app: 'reviews' }; s.spec.sessionAffinity = 'ClientIP'; }));
    const { stdout } = await cli(['plan', split, moved]);
    expect(stdout).toContain([
      'Pointers updated (2)',
      '  ~ Service bookinfo/reviews',
      '      selector spec.selector: app.kubernetes.io/managed-by=immutable-infra, app.kubernetes.io/name=reviews, app.kubernetes.io/part-of=bookinfo → app=reviews',
      '      spec.sessionAffinity: (none) → "ClientIP"',
      '  ~ VirtualService bookinfo/reviews',
      '      traffic spec.http[name=canary].route: v1 50 → 0, v3 50 → 100',
    ].join('\n'));
  });

  test('no changes says so', async () => {
    expect((await cli(['plan', beforeDist, beforeDist])).stdout).toMatch(/\n\nNo changes\.\n$/);
  });

  test('colours only on a terminal, and not with NO_COLOR', async () => {
    expect((await cli(['plan', beforeDist, afterDist])).stdout).not.toContain(ESC);
    expect((await cli(['plan', beforeDist, afterDist], { isTTY: true, env: {} })).stdout).toContain(`${ESC}32m+${ESC}39m`);
    expect((await cli(['plan', beforeDist, afterDist], { isTTY: true, env: { NO_COLOR: '1' } })).stdout).not.toContain(ESC);
  });

  test('--json prints the plan with its summary, nothing else, and never colours', async () => {
    const run = await cli(['plan', beforeDist, afterDist, '--json'], { isTTY: true, env: {} });
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(Object.keys(json)).toEqual(['before', 'after', 'summary', 'created', 'updated', 'unchanged', 'retired', 'kept', 'restarts', 'violations']);
    expect(json.summary).toEqual({ created: 1, updated: 1, unchanged: 4, retired: 1, kept: 0, restarts: 1, violations: 0 });
    expect(json.created).toEqual([{ identity: `apps/Deployment/app/${newDeployment}`, apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'app', name: newDeployment, role: 'revision' }]);
    expect(json).toEqual(JSON.parse(JSON.stringify({ before: beforeDist, after: afterDist, summary: json.summary, ...planRelease(before, after) })));
    expect(run.stdout).not.toContain(ESC);
  });

  test('the same input prints the same bytes', async () => {
    expect((await cli(['plan', beforeDist, afterDist, '--json'])).stdout).toBe((await cli(['plan', beforeDist, afterDist, '--json'])).stdout);
  });
});

describe('the guard', () => {
  const changed = dists.withObjects(edited(before, 'ConfigMap', /^api-settings-/, (c) => { c.data.LOG_LEVEL = 'debug'; }));
  const config = objectOf(before, 'ConfigMap', /^api-settings-/).metadata.name;

  test('exits 1 and says which object, why, and how to fix it', async () => {
    const run = await cli(['plan', beforeDist, changed]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `error: ConfigMap app/${config} is immutable (immutable: true) but its content changes under the same name (data.LOG_LEVEL); ` +
        'new content needs a new name: derive the name from the content (as ImmutableConfigMap, ImmutableSecret and revisions do) or restore the old content\n',
    );
    expect(run.stdout).toContain(['Guard violations (1)', `  ! ConfigMap app/${config} is immutable`].join('\n'));
    expect(run.stdout).toContain('      data.LOG_LEVEL: "info" → "debug"\n');
  });

  test('exits 1 with --json too, the violation in the JSON', async () => {
    const run = await cli(['plan', beforeDist, changed, '--json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).violations.map((v: { name: string }) => v.name)).toEqual([config]);
  });
});

describe('usage', () => {
  test.each([
    [[], 'no command given'],
    [['apply', 'dist'], "unknown command 'apply'"],
    [['plan', 'a', 'b', '--colour'], "unknown option '--colour'"],
    [['plan', 'a'], 'plan takes two dist folders (before and after), or one with --kubeconfig; got 1 argument(s)'],
    [['plan', 'a', 'b', '--keep', '1'], '--keep needs --kubeconfig (it applies to the cluster side of a plan)'],
    [['plan', 'a', 'b', '--kubeconfig', 'k'], 'plan with --kubeconfig takes one dist folder (compared with the cluster); got 2 argument(s)'],
    [['deploy', 'a'], 'deploy needs --kubeconfig <file>: the cluster to deploy to'],
    [['deploy', 'a', 'b', '--kubeconfig', 'k'], 'deploy takes one dist folder; got 2 argument(s)'],
    [['deploy', 'a', '--kubeconfig', 'k', '--keep', 'all'], "--keep must be a whole number ≥ 0, got 'all'"],
    [['deploy', 'a', '--kubeconfig', ''], '--kubeconfig needs a value, got an empty one'],
    [['deploy', 'a', '--kubeconfig='], '--kubeconfig needs a value, got an empty one'],
    [['deploy', 'a', '--kubeconfig', 'k', '--timeout', '30'], "--timeout must be a duration such as 90s, 10m or 1h, got '30'"],
    [['rollback', 'a'], 'rollback needs --kubeconfig <file>: the cluster to roll back'],
    [['rollback', 'a', 'b', '--kubeconfig', 'k'], 'rollback takes one dist folder (of the app to roll back); got 2 argument(s)'],
    [['rollback', 'a', '--kubeconfig', 'k', '--keep', '1'], "unknown option '--keep'"],
  ])('%j exits 2: %s', async (args, message) => {
    expect(await cli(args)).toEqual({ code: 2, stdout: '', stderr: `error: ${message}\nUsage: immutable-infra plan|deploy|rollback|promote|graph|gitops|init …; see immutable-infra --help\n` });
  });

  test('--help lists the commands, the options and the exit codes, and exits 0', async () => {
    for (const args of [['--help'], ['plan', '-h'], ['help']]) {
      const run = await cli(args);
      expect(run.code).toBe(0);
      for (const text of [
        'immutable-infra plan <before-dist> <after-dist> [--json | --format text|markdown]', 'immutable-infra deploy <dist> --kubeconfig <file>',
        'immutable-infra init [<dir>] [--name <name>] [--library <spec>]', 'immutable-infra gitops <dist> <out> --flavor argocd|flux', '--force-conflicts', 'NO_COLOR', 'Exit codes:', '  2  usage error',
        '--request-timeout <duration>', '{"error":{"code":<exit code>,"message":"<message>"}}', 'IMMUTABLE_INFRA_DEBUG=1',
      ]) {
        expect(run.stdout).toContain(text);
      }
    }
  });
});

describe('errors while running exit 1', () => {
  test('a dist that is not there', async () => {
    const missing = join(dists.empty(), 'dist');
    expect(await cli(['plan', missing, afterDist])).toEqual({ code: 1, stdout: '', stderr: `error: ${missing} is not a directory; pass the folder cdk8s synth wrote (e.g. dist/)\n` });
  });

  test('no kubectl is needed: the API server is called directly, and --kubectl is no option', async () => {
    const kubeconfig = join(dists.empty(), 'kubeconfig');
    writeFileSync(kubeconfig, 'current-context: c\ncontexts:\n- name: c\n  context: { cluster: c }\nclusters:\n- name: c\n  cluster: { server: https://127.0.0.1:1 }\n');
    const run = await cli(['plan', afterDist, '--kubeconfig', kubeconfig], { env: { PATH: dists.empty() } });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('error: cannot reach the API server at https://127.0.0.1:1 (GET /version): connect ECONNREFUSED 127.0.0.1:1\n');
    expect((await cli(['deploy', afterDist, '--kubeconfig', kubeconfig, '--kubectl', '/usr/bin/kubectl'])).stderr).toMatch(/^error: unknown option '--kubectl'\n/);
  });
});

describe('the bin', () => {
  const main = join(__dirname, '..', '..', '..', 'lib', 'release', 'cli', 'main.ts');

  test('is a node script that runs the tool with the process\'s arguments and exit code', async () => {
    expect(readFileSync(main, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    const run = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', main, 'plan', beforeDist], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^error: plan takes two dist folders/);
  });
});

function synthObjects(scenario: 'split-v1-v3' | 'all-v3'): Manifest[] {
  const app = new App();
  const chart = new MeshTrafficChart(app, 'bookinfo', { mesh: 'istio', scenario });
  return chart.toJson() as Manifest[];
}

function synthDist(scenario: 'split-v1-v3' | 'all-v3'): string {
  return dists.withObjects(synthObjects(scenario));
}

describe('restarts of a workload that keeps its name', () => {
  test('read as a new pod template under the same name', async () => {
    const knative = (image: string): Manifest[] => [{
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      metadata: { name: 'thumbnails', namespace: 'fn' },
      spec: { template: { spec: { containers: [{ name: 'user-container', image }] } } },
    }];
    const run = await cli(['plan', dists.withObjects(knative('ghcr.io/acme/t@sha256:' + 'a'.repeat(64))), dists.withObjects(knative('ghcr.io/acme/t@sha256:' + 'b'.repeat(64)))]);
    expect(run.stdout).toContain([
      'Restarts (1)',
      '  thumbnails (fn): thumbnails, new pod template under the same name',
      '      image digest changed: user-container sha256:aaaaaaaaaaaa → sha256:bbbbbbbbbbbb',
    ].join('\n'));
  });
});
