import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';
import { gitopsFiles } from '../../../lib';
import { readDist } from '../../../lib/release/plan/read-dist';
import { cli } from './cli-run';
import { apiService, TempDists } from './plan-fixtures';

const dists = new TempDists();
afterAll(() => dists.cleanUp());

const REPO = 'https://git.example.com/acme/deploy.git';

/** A dist of the one-service app, without its Secret. */
const appDist = () => dists.withObjects(apiService({ secrets: [] }));

/** Every file under `dir`, by its path there. */
function tree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (sub: string) => {
    for (const entry of readdirSync(join(dir, sub), { withFileTypes: true })) {
      const path = sub === '' ? entry.name : `${sub}/${entry.name}`;
      if (entry.isDirectory()) {
        walk(path);
      } else {
        files[path] = readFileSync(join(dir, path), 'utf8');
      }
    }
  };
  walk('');
  return files;
}

test('gitops writes the files gitopsFiles makes, and replaces an earlier output', async () => {
  const dist = appDist();
  const out = join(dists.empty(), 'gitops');
  const run = await cli(['gitops', dist, out, '--flavor', 'flux', '--repo-url', REPO, '--path', 'clusters/prod/app', '--branch', 'prod']);
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
  const expected = gitopsFiles(readDist(dist), { flavor: 'flux', repoUrl: REPO, path: 'clusters/prod/app', branch: 'prod' });
  expect(tree(out)).toEqual(Object.fromEntries(expected.map((f) => [f.path, f.content])));
  expect(run.stdout).toBe(
    `Wrote 4 files for flux into ${out}:\n  sync/flux.yaml\n  steps/1-prepare/objects.yaml\n  steps/2-revisions/objects.yaml\n  steps/3-pointers/objects.yaml\n` +
      `Commit them, then apply ${join(out, 'sync', 'flux.yaml')} once, or point a Kustomization at ${join(out, 'sync')}.\n`,
  );

  // Argo CD over the Flux output: the earlier steps/ and sync/ go.
  mkdirSync(join(out, 'steps', '9-stale'));
  writeFileSync(join(out, 'steps', '9-stale', 'objects.yaml'), 'kind: Stale\n');
  const again = await cli(['gitops', dist, out, '--flavor', 'argocd', '--repo-url', REPO, '--path', 'clusters/prod/app']);
  expect(again.code).toBe(0);
  expect(Object.keys(tree(out)).sort()).toEqual(['steps/1-prepare/objects.yaml', 'steps/2-revisions/objects.yaml', 'steps/3-pointers/objects.yaml', 'sync/application.yaml']);
  expect(again.stdout).toContain(`apply ${join(out, 'sync', 'application.yaml')} once (kubectl apply -n argocd -f …)`);
});

test('--timeout bounds each Flux step; Argo CD refuses it (exit 1), writing nothing', async () => {
  const out = join(dists.empty(), 'gitops');
  const run = await cli(['gitops', appDist(), out, '--flavor', 'flux', '--repo-url', REPO, '--path', 'app', '--timeout', '90s']);
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
  const kustomizations = parseAllDocuments(readFileSync(join(out, 'sync', 'flux.yaml'), 'utf8')).slice(1).map((d) => d.toJS());
  expect(kustomizations.map((k) => k.spec.timeout)).toEqual(['90s', '90s', '90s', '90s']);

  const argo = join(dists.empty(), 'gitops');
  const refused = await cli(['gitops', appDist(), argo, '--flavor', 'argocd', '--repo-url', REPO, '--path', 'app', '--timeout', '90s']);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(/^error: an Argo CD Application has no field that bounds how long a sync wave waits for health \(got a timeout of 90s\)/);
  expect(existsSync(argo)).toBe(false);
});

test('--path defaults to a relative output folder', async () => {
  const dist = appDist();
  const cwd = process.cwd();
  process.chdir(dists.empty());
  try {
    const run = await cli(['gitops', dist, 'deploy/app', '--flavor', 'argocd', '--repo-url', REPO]);
    expect(run.code).toBe(0);
    expect(readFileSync(join('deploy', 'app', 'sync', 'application.yaml'), 'utf8')).toContain('    path: deploy/app/steps\n');
  } finally {
    process.chdir(cwd);
  }
});

test.each([
  [['gitops', 'dist'], 'gitops takes a dist folder and an output folder; got 1 argument(s)'],
  [['gitops', 'dist', 'out', '--repo-url', REPO], 'gitops needs --flavor argocd|flux'],
  [['gitops', 'dist', 'out', '--flavor', 'spinnaker', '--repo-url', REPO], "gitops needs --flavor argocd|flux, got 'spinnaker'"],
  [['gitops', 'dist', 'out', '--flavor', 'flux'], 'gitops needs --repo-url <url>: the git repository the engine reads'],
  [['gitops', 'dist', 'out', '--flavor', 'flux', '--repo-url', REPO, '--timeout', '0s'], "--timeout must be a duration such as 90s, 10m or 1h, got '0s'"],
  [['gitops', 'dist', '/tmp/out', '--flavor', 'flux', '--repo-url', REPO], 'gitops needs --path <folder in the repository> when the output folder is absolute (/tmp/out)'],
])('fails with a usage error when run as %j', async (args, message) => {
  const run = await cli(args);
  expect(run.code).toBe(2);
  expect(run.stderr.split('\n')[0]).toBe(`error: ${message}`);
});

test('fails with a usage error when the output folder holds other files, and writes nothing', async () => {
  const out = dists.empty();
  writeFileSync(join(out, 'README.md'), 'mine\n');
  const run = await cli(['gitops', appDist(), out, '--flavor', 'flux', '--repo-url', REPO, '--path', 'app']);
  expect(run.code).toBe(2);
  expect(run.stderr).toContain(`error: ${out} holds README.md, which gitops did not write; give it a folder of its own (it replaces steps/ and sync/ there)\n`);
  expect(existsSync(join(out, 'sync'))).toBe(false);
});

test('fails (exit 1) on a synthesis with a Secret, naming it and the way out', async () => {
  const run = await cli(['gitops', dists.withObjects(apiService()), join(dists.empty(), 'out'), '--flavor', 'argocd', '--repo-url', REPO, '--path', 'app']);
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(/^error: Secret app\/api-db-\w+ would be committed to git in plain text .*\(--allow-secrets\)\n$/);
});
