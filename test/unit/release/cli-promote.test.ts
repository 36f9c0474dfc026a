import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Manifest, PromotionLock } from '../../../lib';
import { toYaml } from '../../../lib/internal';
import { cli } from './cli-run';
import { tinyObjects } from './promotion-fixtures';

const tmp = mkdtempSync(join(tmpdir(), 'immutable-infra-promote-'));
let dists = 0;

function dist(objects: readonly Manifest[]): string {
  const dir = join(tmp, `dist-${++dists}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'tiny.k8s.yaml'), toYaml(objects));
  return dir;
}

const staging = dist(tinyObjects('staging'));
const lockFile = join(tmp, 'promotion.prod.json');

describe('promote', () => {
  test('writes the lock of the synthesis that passed, and lists what it promoted', async () => {
    const run = await cli(['promote', '--from', staging, '--to', 'prod', '--output', lockFile]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const lock = JSON.parse(readFileSync(lockFile, 'utf8')) as PromotionLock;
    expect(run.stdout).toBe(`Promoted 2 services from tiny-staging to prod: ${lockFile}\n  api  ${lock.services.api.revision}\n  worker  ${lock.services.worker.revision}\n`);
    expect(lock).toMatchObject({ kind: 'PromotionLock', version: 1, from: 'tiny-staging', to: 'prod' });
  });

  test('writes promotion.<environment>.json by default, the same bytes every run', async () => {
    const dir = mkdtempSync(join(tmp, 'cwd-'));
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect((await cli(['promote', '--from', staging, '--to', 'prod'])).code).toBe(0);
    } finally {
      process.chdir(cwd);
    }
    expect(existsSync(join(dir, 'promotion.prod.json'))).toBe(true);
    expect(readFileSync(join(dir, 'promotion.prod.json'), 'utf8')).toBe(readFileSync(lockFile, 'utf8'));
  });

  test.each([
    [['promote', '--to', 'prod'], 'promote needs --from <dist>: the synthesis that passed'],
    [['promote', '--from', 'dist'], 'promote needs --to <environment>: the environment to promote to'],
    [['promote', '--from', 'dist', '--to', 'Prod!'], "--to must be an environment name (a DNS label: lower-case letters, digits and -), got 'Prod!'"],
    [['promote', 'dist', '--to', 'prod'], 'promote takes no arguments besides its options (--from <dist> --to <environment>); got dist'],
  ])('fails when %j', async (args, message) => {
    const run = await cli(args);
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')[0]).toBe(`error: ${message}`);
  });

  test('fails when an image has no digest, with exit 1 and the fix', async () => {
    const tagged = tinyObjects('dev').map((o) => JSON.parse(JSON.stringify(o).replace(/ghcr\.io\/acme\/worker@sha256:b+/, 'ghcr.io/acme/worker:1.2')) as Manifest);
    const run = await cli(['promote', '--from', dist(tagged), '--to', 'staging', '--output', join(tmp, 'never.json')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: service 'worker' of tiny-dev runs container 'worker' from 'ghcr.io\/acme\/worker:1.2', a tag: .* pin the image by digest/);
    expect(existsSync(join(tmp, 'never.json'))).toBe(false);
  });
});

describe('plan --promotion', () => {
  const prodBefore = dist(tinyObjects('prod'));
  const prodAfter = dist(tinyObjects('prod', { apiTimeout: '500' }));

  test('shows each service promoted from staging, or what differs', async () => {
    const run = await cli(['plan', prodBefore, prodAfter, '--promotion', lockFile]);
    expect(run.code).toBe(0);
    const section = run.stdout.slice(run.stdout.indexOf('Promotion from'));
    const lock = JSON.parse(readFileSync(lockFile, 'utf8')) as PromotionLock;
    const lines = section.split('\n');
    expect(lines[0]).toBe(`Promotion from tiny-staging to prod (${lockFile})`);
    expect(lines).toContain(`  = tiny-prod/worker ${lock.services.worker.revision}: promoted from tiny-staging: ${lock.services.worker.revision}`);
    expect(section).toMatch(new RegExp(`  ~ tiny-prod/api \\w+: differs from ${lock.services.api.revision} \\(promoted from tiny-staging\\) because of:\\n      config api-settings LOG_LEVEL: "debug" → "warn"\\n      spec.containers\\[name=api\\].resources.limits.cpu: "250m" → "1"`));
  });

  test('puts the promotion in --json and --format markdown', async () => {
    const json = JSON.parse((await cli(['plan', prodBefore, prodAfter, '--promotion', lockFile, '--json'])).stdout);
    expect(json.promotion.from).toBe('tiny-staging');
    expect(json.promotion.services.map((s: { service: string; differences: unknown[] }) => [s.service, s.differences.length])).toEqual([['api', 5], ['worker', 0]]);
    const markdown = (await cli(['plan', prodBefore, prodAfter, '--promotion', lockFile, '--format', 'markdown'])).stdout;
    expect(markdown).toContain(`#### Promotion from \`tiny-staging\` to \`prod\` (\`${lockFile}\`)`);
    expect(markdown).toContain('  - `config api-settings LOG_LEVEL: "debug" → "warn"`');
  });

  test('names a service the lock does not promote', async () => {
    const extra = dist([...tinyObjects('prod'), ...tinyObjects('dev')]);
    const run = await cli(['plan', prodBefore, extra, '--promotion', lockFile]);
    expect(run.stdout).toContain('  = tiny-dev/api '); // dev's values are staging's
    const { services } = JSON.parse(readFileSync(lockFile, 'utf8')) as PromotionLock;
    const onlyApi = join(tmp, 'only-api.json');
    writeFileSync(onlyApi, JSON.stringify({ ...JSON.parse(readFileSync(lockFile, 'utf8')), services: { api: services.api } }));
    expect((await cli(['plan', prodBefore, prodAfter, '--promotion', onlyApi])).stdout).toContain('  + tiny-prod/worker: not in the lock (not promoted)');
  });

  test('fails when the lock cannot be read or is not a lock', async () => {
    const missing = join(tmp, 'missing.json');
    expect((await cli(['plan', prodBefore, prodAfter, '--promotion', missing])).stderr)
      .toBe(`error: promotion lock ${missing} cannot be read: no such file or directory; write it with immutable-infra promote --from <dist> --to <environment>\n`);
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, JSON.stringify({ kind: 'PromotionLock', version: 1, from: 'a', to: 'b', services: {}, extra: true }));
    const run = await cli(['plan', prodBefore, prodAfter, '--promotion', bad]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: promotion lock .*bad\.json: extra is not a known prop/);
  });
});
