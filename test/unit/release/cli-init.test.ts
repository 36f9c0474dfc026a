import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { libraryPackage, projectFiles } from '../../../lib/release/cli/project-template';
import { cli } from './cli-run';

const ROOT = join(__dirname, '..', '..', '..');
const repoPackage = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'immutable-infra-init-unit-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let count = 0;
/** A path in the test's folder that does not exist yet. */
const fresh = (name = 'app') => join(work, `${count++}`, name);

const FILES = [
  '.github/workflows/immutable-infra.yml',
  '.gitignore',
  'Pulumi.yaml',
  'README.md',
  'cdk8s.yaml',
  'package.json',
  'stacks/app-chart.ts',
  'stacks/main.ts',
  'stacks/pulumi.ts',
  'test/app-chart.test.ts',
  'tsconfig.json',
];

/** Every file under `dir`, relative, sorted. */
function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(dir, `${prefix}${e.name}/`) : [`${prefix}${e.name}`]))
    .sort();
}

describe('immutable-infra init', () => {
  test('writes the project into a new folder and prints the files and the next steps', async () => {
    const dir = fresh('my-app');
    const run = await cli(['init', dir]);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(filesUnder(dir)).toEqual(FILES);
    expect(run.stdout).toBe([
      `Wrote the project my-app in ${dir} (11 files):`,
      ...FILES.map((f) => `  ${f}`),
      '',
      'Next steps:',
      `  cd ${dir}`,
      '  npm install',
      '  npm test        # type check and snapshot tests; the first run writes test/__snapshots__ (commit it)',
      '  npm run promote # prod runs what passed in staging: writes stacks/promotion.prod.json (commit it)',
      '  npm run synth   # dist/my-app-dev.k8s.yaml, -staging and -prod',
      '  npx immutable-infra plan dist --kubeconfig ~/.kube/config',
      '  npx immutable-infra deploy dist --kubeconfig ~/.kube/config',
      '',
      'Replace WEB_IMAGE in stacks/app-chart.ts with your image, by digest.',
      'The pipeline (.github/workflows/immutable-infra.yml) needs a KUBECONFIG secret.',
      '',
    ].join('\n'));
  });

  test('package.json depends on this exact version and pins what this library pins', async () => {
    const dir = fresh();
    await cli(['init', dir]);
    const written = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(written.name).toBe('app');
    expect(written.dependencies['immutable-infra']).toBe(repoPackage.version);
    for (const [name, version] of Object.entries({ ...written.dependencies, ...written.devDependencies })) {
      if (name !== 'immutable-infra') {
        expect([name, version]).toEqual([name, repoPackage.dependencies[name] ?? repoPackage.devDependencies[name]]);
      }
    }
    expect(written.scripts).toEqual({
      'test': 'tsc --noEmit -p . && jest',
      'synth': 'cdk8s synth --no-check-upgrade',
      'synth:staging': 'cdk8s synth --no-check-upgrade --app "node -r ts-node/register/transpile-only stacks/main.ts staging" --output dist-staging',
      'promote': 'npm run synth:staging && immutable-infra promote --from dist-staging --to prod --output stacks/promotion.prod.json',
    });
  });

  test('--library and --name go where they belong, and no placeholder is left anywhere', async () => {
    const dir = fresh('Whatever Folder');
    expect((await cli(['init', dir, '--name', 'shop', '--library', 'file:../immutable-infra-0.1.0.tgz'])).code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).dependencies['immutable-infra']).toBe('file:../immutable-infra-0.1.0.tgz');
    expect(readFileSync(join(dir, 'Pulumi.yaml'), 'utf8')).toMatch(/^name: shop$/m);
    const chart = readFileSync(join(dir, 'stacks/app-chart.ts'), 'utf8');
    expect(chart).toContain('return new AppChart(app, `shop-${environment}`, { environment, promotion });');
    expect(chart).toContain('super(scope, id, { namespace: `shop-${props.environment}`, ...props });');
    expect(chart).toContain("partOf: 'shop',");
    expect(readFileSync(join(dir, '.github/workflows/immutable-infra.yml'), 'utf8')).toContain('promote --from dist --namespace shop-staging --to prod');
    for (const file of FILES) {
      expect([file, readFileSync(join(dir, file), 'utf8')]).not.toEqual([file, expect.stringMatching(/%%/)]);
    }
  });

  test('the name comes from the folder, made a DNS label short enough for <name>-staging', async () => {
    const dir = fresh('My_Shop.v2');
    expect((await cli(['init', dir])).stdout).toMatch(/^Wrote the project my-shop-v2 in /);
    const long = fresh(`${'a'.repeat(54)}-bcd`);
    expect((await cli(['init', long])).stdout).toMatch(new RegExp(`^Wrote the project ${'a'.repeat(54)} in `));
  });

  test('a folder holding only .git (a fresh git init) is empty enough', async () => {
    const dir = fresh();
    mkdirSync(join(dir, '.git'), { recursive: true });
    expect((await cli(['init', dir])).code).toBe(0);
    expect(readdirSync(dir)).toContain('package.json');
  });

  test('the same input writes the same bytes', async () => {
    const [a, b] = [fresh(), fresh()];
    await cli(['init', a]);
    await cli(['init', b]);
    for (const file of FILES) {
      expect(readFileSync(join(b, file), 'utf8')).toBe(readFileSync(join(a, file), 'utf8'));
    }
  });

  test('the workflow runs the tests, synth, the plan with the promotion as a comment, the guard, deploy behind an environment, and promotes on request', async () => {
    const dir = fresh();
    await cli(['init', dir]);
    const workflow = readFileSync(join(dir, '.github/workflows/immutable-infra.yml'), 'utf8');
    for (const step of [
      'run: npm test',
      'run: npm run synth',
      'npx immutable-infra plan dist --kubeconfig "$RUNNER_TEMP/kubeconfig" --promotion stacks/promotion.prod.json --format markdown > plan.md',
      'gh pr comment "${{ github.event.pull_request.number }}" --edit-last --create-if-none --body-file comment.md',
      'run: npx immutable-infra plan dist --kubeconfig "$RUNNER_TEMP/kubeconfig" --json > plan.json',
      'environment: production',
      'run: npx immutable-infra deploy dist --kubeconfig "$RUNNER_TEMP/kubeconfig" --timeout 10m',
      'workflow_dispatch:',
      'run: npx immutable-infra promote --from dist --namespace app-staging --to prod --output stacks/promotion.prod.json',
      'gh pr create --base main --head "$branch" --title \'Promote staging to prod\' --body-file body.md',
    ]) {
      expect(workflow).toContain(step);
    }
  });

  test('the README shows the same workflow', async () => {
    const dir = fresh('my-app');
    await cli(['init', dir]);
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const shown = /<!-- init-workflow:start[^\n]*\n```yaml\n([\s\S]*?)```\n<!-- init-workflow:end -->/.exec(readme);
    expect(shown?.[1]).toBe(readFileSync(join(dir, '.github/workflows/immutable-infra.yml'), 'utf8'));
  });

  describe('fails, writing nothing, when', () => {
    const full = fresh();
    mkdirSync(full, { recursive: true });
    writeFileSync(join(full, 'notes.txt'), '');
    const crowded = fresh();
    mkdirSync(crowded, { recursive: true });
    for (const name of ['a', 'b', 'c', 'd']) {
      writeFileSync(join(crowded, name), '');
    }
    const file = join(work, 'a-file');
    writeFileSync(file, '');

    test.each([
      ['the folder is not empty', [full], `init: ${full} is not empty (it has notes.txt); init writes only into a new or empty folder: immutable-infra init <new-dir>`],
      ['the folder has many entries', [crowded], `init: ${crowded} is not empty (it has a, b, c, … (4 entries)); init writes only into a new or empty folder: immutable-infra init <new-dir>`],
      ['the folder is a file', [file], `init: ${file} is a file, not a folder; name a new or empty folder: immutable-infra init <dir>`],
      ['a parent is a file', [join(file, 'app')], `init: a parent of ${join(file, 'app')} is a file, not a folder; name a new or empty folder: immutable-infra init <dir>`],
      ['two folders are given', ['a', 'b'], 'init takes at most one folder; got 2 arguments'],
      ['--name is not a DNS label', [join(work, 'x'), '--name', 'My_App'],
        "--name must be a DNS label of at most 55 characters (lower-case letters, digits and '-', starting and ending alphanumeric; <name>-staging names a namespace), got 'My_App'"],
      ['--name is too long for <name>-staging', [join(work, 'x'), '--name', 'a'.repeat(56)],
        `--name must be a DNS label of at most 55 characters (lower-case letters, digits and '-', starting and ending alphanumeric; <name>-staging names a namespace), got '${'a'.repeat(56)}'`],
      ['the folder name makes no name', [join(work, '___')], "the folder name '___' makes no project name (a DNS label); pass one: --name my-app"],
      ['--library has a quote', [join(work, 'x'), '--library', 'file:"x'],
        '--library must be an npm dependency spec (a version, a range, file:<tarball>), without quotes, backslashes or control characters; got "file:\\"x"'],
      ['an option is unknown', [join(work, 'x'), '--force'], "unknown option '--force'"],
    ])('%s', async (_, args, message) => {
      const before = readdirSync(work).sort();
      const run = await cli(['init', ...args]);
      expect(run.code).toBe(2);
      expect(run.stderr.split('\n')[0]).toBe(`error: ${message}`);
      expect(run.stdout).toBe('');
      expect(readdirSync(work).sort()).toEqual(before);
      expect(readdirSync(full)).toEqual(['notes.txt']);
    });
  });
});

describe('the project template', () => {
  test('the running library is this repository\'s package', () => {
    expect(libraryPackage()).toEqual(repoPackage);
  });

  test('fails when a template has a placeholder with no value (a bug of the template)', () => {
    const templates = join(work, 'templates');
    mkdirSync(templates);
    writeFileSync(join(templates, 'package.json.template'), '{ "x": "%%version:left-pad%%" }');
    expect(() => projectFiles({ name: 'app', library: '1.0.0', versions: {} }, templates))
      .toThrow('the init template package.json.template has a placeholder with no value: %%version:left-pad%%');
  });
});
