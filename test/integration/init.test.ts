/**
 * `immutable-infra init` as a new user runs it: the packed library's CLI
 * writes a project, which installs the packed library, passes its own tests,
 * synthesizes, and goes through the pipeline its workflow runs against the
 * suite's cluster: the plan (Markdown and the JSON guard), deploy, and a plan
 * with nothing left to do.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { REPO_ROOT } from './engines';
import { deleteNamespace } from './kubectl';
import { ok, packLibrary, run } from './packed-library';

const NAME = 'init-app';
const work = mkdtempSync(join(tmpdir(), 'immutable-infra-init-'));
const project = join(work, NAME);
/** The environment of a user's shell: not a CI run (jest would refuse to write the first snapshot). */
const USER_ENV = { CI: undefined, GITHUB_ACTIONS: undefined };
const cli = (...args: string[]) => run('npx', ['--no-install', 'immutable-infra', ...args], project);
const cluster = ['--kubeconfig', process.env.KUBECONFIG!];

afterAll(() => {
  deleteNamespace(NAME);
  rmSync(work, { recursive: true, force: true });
});

describe('immutable-infra init, then the project it writes', () => {
  let initOutput: string;
  let library: string;

  beforeAll(() => {
    const tarball = packLibrary(work);
    library = `file:${tarball}`;
    // The build npm pack just made writes the project, depending on the tarball.
    initOutput = ok('node', [join(REPO_ROOT, 'build', 'lib', 'release', 'cli', 'main.js'), 'init', NAME, '--library', library], work);
    ok('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], project);
  }, 900_000);

  test('init lists what it wrote and the next steps', () => {
    expect(initOutput).toMatch(new RegExp(`^Wrote the project ${NAME} in ${NAME} \\(11 files\\):\n`));
    expect(initOutput).toContain(`Next steps:\n  cd ${NAME}\n  npm install\n`);
    expect(JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')).dependencies['immutable-infra']).toMatch(/^file:.*immutable-infra-.*\.tgz$/);
  });

  test('the installed package\'s CLI finds its templates: it writes the same project', () => {
    const again = join(work, 'again');
    const written = cli('init', again, '--name', NAME, '--library', library);
    expect({ status: written.status, stderr: written.stderr }).toEqual({ status: 0, stderr: '' });
    const files = initOutput.split('\n').filter((line) => /^  [^ ]/.test(line) && !line.includes(' ', 2)).map((line) => line.trim());
    expect(files).toHaveLength(11);
    for (const file of files) {
      expect(readFileSync(join(again, file), 'utf8')).toBe(readFileSync(join(project, file), 'utf8'));
    }
  });

  test('npm test type-checks the project and writes the first snapshot', () => {
    const result = run('npm', ['test'], project, USER_ENV);
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/Tests: +2 passed, 2 total/);
    expect(result.stderr).toMatch(/1 snapshot written/);
    // In CI (jest --ci) the committed snapshot must match: it does.
    const again = run('npm', ['test', '--', '--ci'], project);
    expect(again.status).toBe(0);
    expect(again.stderr).toMatch(/Snapshots: +1 passed, 1 total/);
  }, 600_000);

  test('npm run synth writes the stack\'s manifests', () => {
    ok('npm', ['run', 'synth'], project);
    expect(readdirSync(join(project, 'dist'))).toEqual([`${NAME}.k8s.yaml`]);
    const yaml = readFileSync(join(project, 'dist', `${NAME}.k8s.yaml`), 'utf8');
    for (const kind of ['Namespace', 'ServiceAccount', 'Service', 'NetworkPolicy', 'ConfigMap', 'Deployment']) {
      expect(yaml).toMatch(new RegExp(`^kind: ${kind}$`, 'm'));
    }
  }, 600_000);

  test('the pipeline\'s steps against the cluster: plan as Markdown, the guard, deploy, nothing left to plan', () => {
    const markdown = cli('plan', 'dist', ...cluster, '--format', 'markdown');
    expect({ status: markdown.status, stderr: markdown.stderr }).toEqual({ status: 0, stderr: '' });
    expect(markdown.stdout).toMatch(/^### Plan: `cluster \(.+\)` → `dist`\n\n\| Created \| Updated \|/);
    expect(markdown.stdout).toMatch(new RegExp(`^- \`Deployment ${NAME}/web-[0-9a-f]{10}\`$`, 'm'));
    const guard = cli('plan', 'dist', ...cluster, '--json');
    expect(guard.status).toBe(0);
    expect(JSON.parse(guard.stdout).summary.violations).toBe(0);

    const deploy = cli('deploy', 'dist', ...cluster, '--timeout', '3m');
    expect({ status: deploy.status, stderr: deploy.stderr }).toEqual({ status: 0, stderr: '' });

    const after = cli('plan', 'dist', ...cluster, '--format', 'markdown');
    expect(after.status).toBe(0);
    expect(after.stdout).toMatch(/\nNo changes\.\n$/);
  }, 600_000);
});
