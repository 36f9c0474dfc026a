import { App } from 'cdk8s';
import { MeshTrafficChart } from '../../../examples/mesh-traffic';
import { Manifest, planRelease } from '../../../lib';
import { code, escapeText, renderPlanMarkdown } from '../../../lib/release/cli/render-plan-markdown';
import { cli } from './cli-run';
import { apiService, edited, TempDists } from './plan-fixtures';

const dists = new TempDists();
afterAll(() => dists.cleanUp());

const before = apiService();
const after = apiService({ env: { FEATURE: 'on' } });
/** The api service's config edited under its name: a guard violation. */
const tampered = edited(before, 'ConfigMap', /^api-settings-/, (c) => { c.data.LOG_LEVEL = 'debug'; });
const bookinfo = (scenario: 'split-v1-v3' | 'all-v3') => new MeshTrafficChart(new App(), 'bookinfo', { mesh: 'istio', scenario }).toJson() as Manifest[];

describe('plan --format markdown', () => {
  test('a new revision: counts, objects created and retired, the moved selector, the restart and why', () => {
    expect(renderPlanMarkdown(planRelease(before, after), 'dist-v1', 'dist')).toMatchSnapshot();
  });

  test('moved weights read as a traffic split', () => {
    const markdown = renderPlanMarkdown(planRelease(bookinfo('split-v1-v3'), bookinfo('all-v3')), 'dist-v1', 'dist');
    expect(markdown).toMatchSnapshot();
    expect(markdown).toMatch(/^ {2}- traffic `spec\.http\[[^\]]*\]\.route`: `[^`]*→[^`]*`$/m);
  });

  test('a guard violation comes first, in bold, with its changed fields', () => {
    const markdown = renderPlanMarkdown(planRelease(before, tampered), 'dist-v1', 'dist');
    expect(markdown).toMatchSnapshot();
    expect(markdown.split('\n').find((line) => line.startsWith('#### '))).toBe('#### Guard violations (1)');
    expect(markdown).toContain('| **1 violation** |');
    expect(markdown).toContain('  - `data.LOG_LEVEL: "info" → "debug"`\n');
  });

  test('no change says so', () => {
    expect(renderPlanMarkdown(planRelease(before, before), 'a', 'b')).toBe([
      '### Plan: `a` → `b`',
      '',
      '| Created | Updated | Unchanged | Retired | Kept | Restarts | Guard |',
      '| ---: | ---: | ---: | ---: | ---: | --- | --- |',
      '| 0 | 0 | 6 | 0 | 0 | none | ok |',
      '',
      'No changes.',
      '',
    ].join('\n'));
  });

  test('the CLI prints it, and exits 1 on a guard violation with the error on stderr', async () => {
    const [beforeDist, afterDist, tamperedDist] = [dists.withObjects(before), dists.withObjects(after), dists.withObjects(tampered)];
    expect(await cli(['plan', beforeDist, afterDist, '--format', 'markdown'])).toEqual({
      code: 0,
      stderr: '',
      stdout: renderPlanMarkdown(planRelease(before, after), beforeDist, afterDist),
    });
    const violated = await cli(['plan', beforeDist, tamperedDist, '--format', 'markdown']);
    expect(violated.code).toBe(1);
    expect(violated.stdout).toBe(renderPlanMarkdown(planRelease(before, tampered), beforeDist, tamperedDist));
    expect(violated.stderr).toMatch(/^error: ConfigMap app\/api-settings-[0-9a-f]+ is immutable/);
  });

  test('--format text is the default text output, in colour on a terminal', async () => {
    const [beforeDist, afterDist] = [dists.withObjects(before), dists.withObjects(after)];
    const text = await cli(['plan', beforeDist, afterDist, '--format', 'text'], { isTTY: true });
    expect(text).toEqual(await cli(['plan', beforeDist, afterDist], { isTTY: true }));
    expect(text.stdout).toContain('\u001b[1m');
  });

  test.each([
    [['--format', 'html'], "error: --format must be one of text, markdown (or --json), got 'html'"],
    [['--format', 'markdown', '--json'], 'error: --format markdown and --json both choose the output; give one of them'],
  ])('fails when the format is %j', async (flags, message) => {
    const run = await cli(['plan', 'a', 'b', ...flags]);
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')[0]).toBe(message);
  });
});

describe('what nothing in a manifest can turn into markup', () => {
  test.each([
    ['plain', '`plain`'],
    ['a `tick` inside', '``a `tick` inside``'],
    ['`edge', '`` `edge ``'],
    ['two\nlines', '`two lines`'],
  ])('code(%j) is %s', (text, expected) => {
    expect(code(text)).toBe(expected);
  });

  test.each([
    ['env changed: api: FEATURE (added)', 'env changed: api: FEATURE (added)'],
    ['*bold* _em_ [link](x) <b> a|b ~s~ &amp;', '\\*bold\\* \\_em\\_ \\[link\\](x) \\<b\\> a\\|b \\~s\\~ \\&amp;'],
    ['# heading', '\\# heading'],
    ['- item', '\\- item'],
    ['1. item', '1\\. item'],
    ['line\nbreak', 'line break'],
  ])('escapeText(%j) is %j', (text, expected) => {
    expect(escapeText(text)).toBe(expected);
  });
});
