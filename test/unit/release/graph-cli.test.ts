import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { NightlyCronChart } from '../../../examples/nightly-cron';
import { ThumbnailEventsChart } from '../../../examples/thumbnail-events';
import { drawTopology, readDist } from '../../../lib';
import { cli } from './cli-run';
import { TempDists } from './plan-fixtures';


const dists = new TempDists();
afterAll(() => dists.cleanUp());

/** A dist with two files: nightly-cron (namespace reports) and thumbnail-events (namespace media). */
const dist = dists.write((app) => {
  new NightlyCronChart(app, 'nightly-cron');
  new ThumbnailEventsChart(app, 'thumbnail-events');
});
const USAGE = 'Usage: immutable-infra plan|deploy|rollback|promote|graph|gitops|init …; see immutable-infra --help\n';

describe('immutable-infra graph <dist>', () => {
  test('prints the SVG of every namespace by default', async () => {
    const run = await cli(['graph', dist]);
    expect(run).toEqual({ code: 0, stdout: drawTopology(readDist(dist)), stderr: '' });
    expect(run.stdout).toMatch(/^<svg /);
    expect(run.stdout).toContain('namespace reports</text>');
    expect(run.stdout).toContain('namespace media</text>');
  });

  test('--format mermaid prints Mermaid; --namespace draws one namespace', async () => {
    const run = await cli(['graph', dist, '--format', 'mermaid', '--namespace', 'media']);
    expect(run).toEqual({ code: 0, stdout: drawTopology(readDist(dist), { format: 'mermaid', namespace: 'media' }), stderr: '' });
    expect(run.stdout).toMatch(/^flowchart LR\n {2}subgraph ns0\["namespace media"\]\n/);
    expect(run.stdout).not.toContain('reports');
  });

  test('--output writes the file, in the format its extension names unless --format says otherwise', async () => {
    const out = dists.empty();
    expect(await cli(['graph', dist, '--output', join(out, 'a.mmd')])).toEqual({ code: 0, stdout: `Wrote ${join(out, 'a.mmd')} (mermaid)\n`, stderr: '' });
    expect(readFileSync(join(out, 'a.mmd'), 'utf8')).toBe(drawTopology(readDist(dist), { format: 'mermaid' }));
    expect((await cli(['graph', dist, '--output', join(out, 'a.svg')])).code).toBe(0);
    expect(readFileSync(join(out, 'a.svg'), 'utf8')).toBe(drawTopology(readDist(dist)));
    expect((await cli(['graph', dist, '--output', join(out, 'picture'), '--format=mermaid'])).stdout).toBe(`Wrote ${join(out, 'picture')} (mermaid)\n`);
    expect((await cli(['graph', dist, '--output', join(out, 'B.SVG'), '--format=svg'])).stdout).toBe(`Wrote ${join(out, 'B.SVG')} (svg)\n`);
    expect((await cli(['graph', dist, '--output', join(out, 'b.mermaid')])).stdout).toBe(`Wrote ${join(out, 'b.mermaid')} (mermaid)\n`);
  });

  test.each([
    ['x.png', "--output x.png: graph cannot write '.png' files; it writes svg (.svg) or mermaid (.mmd, .mermaid)"],
    ['other.txt', "--output other.txt: graph cannot write '.txt' files; it writes svg (.svg) or mermaid (.mmd, .mermaid)"],
    ['picture', '--output picture has no extension to tell the format; name it svg (.svg) or mermaid (.mmd, .mermaid), or pass --format svg|mermaid'],
  ])('refuses an --output it cannot name the format of (exit 2, the formats), and writes nothing: %s', async (name, message) => {
    const target = join(dists.empty(), name);
    expect(await cli(['graph', dist, '--output', target])).toEqual({ code: 2, stdout: '', stderr: `error: ${message.replace(name, target)}\n${USAGE}` });
    expect(existsSync(target)).toBe(false);
  });

  test('refuses a --format the --output extension contradicts (exit 2)', async () => {
    const target = join(dists.empty(), 'a.svg');
    expect(await cli(['graph', dist, '--output', target, '--format', 'mermaid'])).toEqual({
      code: 2,
      stdout: '',
      stderr: `error: --format mermaid does not agree with --output ${target}, whose extension names svg; drop --format or change the extension\n${USAGE}`,
    });
    expect((await cli(['graph', dist, '--output', join(dists.empty(), 'a.png'), '--format', 'svg'])).code).toBe(2);
    expect(existsSync(target)).toBe(false);
  });

  test('is byte-identical on two runs', async () => {
    expect((await cli(['graph', dist])).stdout).toBe((await cli(['graph', dist])).stdout);
    expect((await cli(['graph', dist, '--format', 'mermaid'])).stdout).toBe((await cli(['graph', dist, '--format', 'mermaid'])).stdout);
  });

  test.each([
    [['graph'], 'graph takes one dist folder; got 0 argument(s)'],
    [['graph', 'a', 'b'], 'graph takes one dist folder; got 2 argument(s)'],
    [['graph', 'a', '--format', 'png'], "--format must be one of svg, mermaid, got 'png'"],
    [['graph', 'a', '--output'], '--output needs a value'],
  ])('fails when the command line is wrong: %j exits 2: %s', async (args, message) => {
    expect(await cli(args)).toEqual({ code: 2, stdout: '', stderr: `error: ${message}\n${USAGE}` });
  });

  test('fails when --namespace names one the dist does not have (exit 2, the namespaces it has)', async () => {
    expect(await cli(['graph', dist, '--namespace', 'shop'])).toEqual({ code: 2, stdout: '', stderr: `error: --namespace 'shop' has no objects in ${dist}; its namespaces: media, reports\n${USAGE}` });
  });

  test('fails when the dist cannot be read (exit 1)', async () => {
    const missing = join(dists.empty(), 'dist');
    expect(await cli(['graph', missing])).toEqual({ code: 1, stdout: '', stderr: `error: ${missing} is not a directory; pass the folder cdk8s synth wrote (e.g. dist/)\n` });
  });

  test('fails when the output cannot be written (exit 1), and writes nothing', async () => {
    const target = join(dists.empty(), 'no-such-folder', 'topology.svg');
    const run = await cli(['graph', dist, '--output', target]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(new RegExp(`^error: cannot write ${target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ENOENT`));
    expect(existsSync(target)).toBe(false);
  });

  test('--help shows the command and its options', async () => {
    const { stdout } = await cli(['graph', '--help']);
    for (const text of ['immutable-infra graph <dist> [--format svg|mermaid] [--output <file>] [--namespace <name>]', '--format <format>', '--output <file>', '--namespace <name>']) {
      expect(stdout).toContain(text);
    }
  });
});
