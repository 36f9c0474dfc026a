/**
 * `immutable-infra init` as a new user runs it: the packed library's CLI
 * writes a project, which installs the packed library, passes its own tests,
 * promotes staging to prod, synthesizes its three environments, and goes
 * through the pipeline its workflow runs against the suite's cluster: the
 * promotion from the tested synthesis, the plan (Markdown with the promotion,
 * and the JSON guard), deploy, and a plan with nothing left to do.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { REPO_ROOT } from './engines';
import { deleteNamespace } from './kubectl';
import { ok, packLibrary, run } from './packed-library';

const NAME = 'init-app';
const ENVIRONMENTS = ['dev', 'staging', 'prod'];
const LOCK = join('stacks', 'promotion.prod.json');
const work = mkdtempSync(join(tmpdir(), 'immutable-infra-init-'));
const project = join(work, NAME);
/** The environment of a user's shell: not a CI run (jest would refuse to write the first snapshot). */
const USER_ENV = { CI: undefined, GITHUB_ACTIONS: undefined };
const cli = (...args: string[]) => run('npx', ['--no-install', 'immutable-infra', ...args], project);
const cluster = ['--kubeconfig', process.env.KUBECONFIG!];
/** The manifests `npm run synth` wrote for an environment. */
const synthesized = (environment: string) => readFileSync(join(project, 'dist', `${NAME}-${environment}.k8s.yaml`), 'utf8');
/** The revision id of the web service in each environment's synthesis. */
const revisions = (): Record<string, string> =>
  Object.fromEntries(ENVIRONMENTS.map((e) => [e, /^ {4}immutable-infra\.dev\/revision: "?([0-9a-f]{10})"?$/m.exec(synthesized(e))![1]]));

afterAll(() => {
  for (const environment of ENVIRONMENTS) {
    deleteNamespace(`${NAME}-${environment}`);
  }
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
    expect(result.stderr).toMatch(/Tests: +5 passed, 5 total/);
    expect(result.stderr).toMatch(/3 snapshots written/);
    // In CI (jest --ci) the committed snapshots must match: they do.
    const again = run('npm', ['test', '--', '--ci'], project);
    expect(again.status).toBe(0);
    expect(again.stderr).toMatch(/Snapshots: +3 passed, 3 total/);
  }, 600_000);

  test('npm run synth refuses prod until staging is promoted; npm run promote writes its lock from staging alone', () => {
    expect(existsSync(join(project, LOCK))).toBe(false);
    const refused = run('npm', ['run', 'synth'], project);
    expect(refused.status).not.toBe(0);
    expect(refused.stdout + refused.stderr).toContain(`cannot read promotion lock ${join(project, LOCK)}: no such file or directory`);

    const promoted = ok('npm', ['run', 'promote'], project);
    expect(promoted).toMatch(new RegExp(`\nPromoted 1 service from ${NAME}-staging to prod: stacks/promotion.prod.json\n  web  [0-9a-f]{10}\n`));
    expect(readdirSync(join(project, 'dist-staging'))).toEqual([`${NAME}-staging.k8s.yaml`]);
    const lock = JSON.parse(readFileSync(join(project, LOCK), 'utf8'));
    expect({ kind: lock.kind, from: lock.from, to: lock.to, services: Object.keys(lock.services) }).toEqual({ kind: 'PromotionLock', from: `${NAME}-staging`, to: 'prod', services: ['web'] });
  }, 600_000);

  test('npm run synth writes the three environments; prod runs the revision promoted from staging', () => {
    ok('npm', ['run', 'synth'], project);
    expect(readdirSync(join(project, 'dist'))).toEqual(ENVIRONMENTS.map((e) => `${NAME}-${e}.k8s.yaml`).sort());
    for (const environment of ENVIRONMENTS) {
      const yaml = synthesized(environment);
      for (const kind of ['Namespace', 'ServiceAccount', 'Service', 'NetworkPolicy', 'ConfigMap', 'Deployment']) {
        expect([environment, yaml]).toEqual([environment, expect.stringMatching(new RegExp(`^kind: ${kind}$`, 'm'))]);
      }
      expect(yaml).toContain(`  namespace: ${NAME}-${environment}\n`);
    }
    const lock = JSON.parse(readFileSync(join(project, LOCK), 'utf8'));
    const { dev, staging, prod } = revisions();
    expect(prod).toBe(lock.services.web.revision);
    expect(staging).toBe(lock.services.web.revision);
    expect(dev).not.toBe(staging);
  }, 600_000);

  test('the pipeline\'s promotion, from the tested synthesis of every environment, writes the same lock', () => {
    const output = join(work, 'promotion.from-dist.json');
    const promoted = cli('promote', '--from', 'dist', '--namespace', `${NAME}-staging`, '--to', 'prod', '--output', output);
    expect({ status: promoted.status, stderr: promoted.stderr }).toEqual({ status: 0, stderr: '' });
    expect(readFileSync(output, 'utf8')).toBe(readFileSync(join(project, LOCK), 'utf8'));
  });

  test('the pipeline\'s steps against the cluster: plan as Markdown with the promotion, the guard, deploy, nothing left to plan', () => {
    const markdown = cli('plan', 'dist', ...cluster, '--promotion', LOCK, '--format', 'markdown');
    expect({ status: markdown.status, stderr: markdown.stderr }).toEqual({ status: 0, stderr: '' });
    expect(markdown.stdout).toMatch(/^### Plan: `cluster \(.+\)` → `dist`\n\n\| Created \| Updated \|/);
    for (const environment of ENVIRONMENTS) {
      expect(markdown.stdout).toMatch(new RegExp(`^- \`Deployment ${NAME}-${environment}/web-[0-9a-f]{10}\`$`, 'm'));
    }
    const promoted = JSON.parse(readFileSync(join(project, LOCK), 'utf8')).services.web.revision;
    expect(markdown.stdout).toContain(`\n#### Promotion from \`${NAME}-staging\` to \`prod\` (\`${LOCK}\`)\n`);
    expect(markdown.stdout).toContain(`\n- \`${NAME}-prod/web\` \`${promoted}\`: promoted from \`${NAME}-staging\`: \`${promoted}\`\n`);
    expect(markdown.stdout).toMatch(new RegExp(`\n- \`${NAME}-dev/web\` \`[0-9a-f]{10}\`: differs from \`${promoted}\``));
    const guard = cli('plan', 'dist', ...cluster, '--json');
    expect(guard.status).toBe(0);
    expect(JSON.parse(guard.stdout).summary.violations).toBe(0);

    const deploy = cli('deploy', 'dist', ...cluster, '--timeout', '3m');
    expect({ status: deploy.status, stderr: deploy.stderr }).toEqual({ status: 0, stderr: '' });

    const after = cli('plan', 'dist', ...cluster, '--format', 'markdown');
    expect(after.status).toBe(0);
    expect(after.stdout).toMatch(/\nNo changes\.\n$/);
  }, 600_000);

  test('build once, promote: a new image reaches dev and staging, prod only once promoted; a new setting fails prod until promoted', () => {
    const chartFile = join(project, 'stacks', 'app-chart.ts');
    const before = revisions();
    const source = readFileSync(chartFile, 'utf8');
    writeFileSync(chartFile, source.replace(/@sha256:0{64}/, `@sha256:${'1'.repeat(64)}`));
    ok('npm', ['run', 'synth'], project);
    const newImage = revisions();
    expect(newImage.dev).not.toBe(before.dev);
    expect(newImage.staging).not.toBe(before.staging);
    expect(newImage.prod).toBe(before.prod);
    ok('npm', ['run', 'promote'], project);
    ok('npm', ['run', 'synth'], project);
    expect(revisions().prod).toBe(newImage.staging);

    writeFileSync(chartFile, readFileSync(chartFile, 'utf8').replace('literals: { LOG_LEVEL: settings.logLevel }', "literals: { LOG_LEVEL: settings.logLevel, GREETING: 'hello' }"));
    const refused = run('npm', ['run', 'synth'], project);
    expect(refused.status).not.toBe(0);
    expect(refused.stdout + refused.stderr).toMatch(new RegExp(`service 'web' runs revision [0-9a-f]{10}, not ${newImage.staging} promoted from ${NAME}-staging, because of config [^\\n]*GREETING`));
    ok('npm', ['run', 'promote'], project);
    ok('npm', ['run', 'synth'], project);
    const promotedSetting = revisions();
    expect(promotedSetting.prod).toBe(promotedSetting.staging);
    expect(promotedSetting.prod).not.toBe(newImage.staging);
  }, 600_000);
});
