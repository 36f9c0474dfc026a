import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Fleet, FleetError, readFleet, runFleet } from '../../../lib';
import { toYaml } from '../../../lib/internal';
import { prefixedIo } from '../../../lib/release/cli/prefixed-io';
import { cli } from './cli-run';
import { FakeApiServer, statusAnswer } from './fake-api-server';
import { apiService, TempDists } from './plan-fixtures';

const tmp = mkdtempSync(join(tmpdir(), 'immutable-infra-fleet-'));
let files = 0;

function fleetFile(text: string): string {
  const file = join(tmp, `fleet-${++files}.yaml`);
  writeFileSync(file, text);
  return file;
}

const TWO_WAVES = [
  'waves:',
  '  - name: canary',
  '    clusters:',
  '      - { name: eu-1, kubeconfig: eu-1.kubeconfig }',
  '  - name: rest',
  '    clusters:',
  '      - { name: us-1, kubeconfig: /etc/us.kubeconfig, context: us-1 }',
  '      - { name: ap-1, kubeconfig: clusters/ap.kubeconfig }',
  '',
].join('\n');

describe('readFleet', () => {
  test('reads the waves, kubeconfig paths relative to the fleet file', () => {
    expect(readFleet(fleetFile(TWO_WAVES))).toEqual({
      waves: [
        { name: 'canary', clusters: [{ name: 'eu-1', kubeconfig: join(tmp, 'eu-1.kubeconfig') }] },
        { name: 'rest', clusters: [{ name: 'us-1', kubeconfig: '/etc/us.kubeconfig', context: 'us-1' }, { name: 'ap-1', kubeconfig: join(tmp, 'clusters/ap.kubeconfig') }] },
      ],
    });
  });

  test.each([
    ['waves: []', 'waves must list at least one wave'],
    ['waves: [{ name: a, clusters: [] }]', 'waves[0].clusters must list at least one cluster'],
    ['waves: [{ name: a, clusters: [{ name: x, kubeconfig: k, namespace: n }] }]', 'waves[0].clusters[0].namespace is not a key of a fleet'],
    ['waves: [{ name: A, clusters: [{ name: x, kubeconfig: k }] }]', 'waves[0].name must be a DNS label'],
    ['clusters: []', 'clusters is not a key of a fleet'],
    ['waves: [{ name: a }]', 'waves[0].clusters is missing'],
    ['waves: [{ name: a, clusters: [{ name: x, kubeconfig: 3 }] }]', 'waves[0].clusters[0].kubeconfig must be a string, got number'],
    ['waves: [{ name: a, clusters: [{ name: x, kubeconfig: k }] }, { name: b, clusters: [{ name: x, kubeconfig: l }] }]', "cluster 'x' is listed twice"],
    ['waves: [', 'does not parse as YAML or JSON'],
  ])('fails when the file is %s', (text, message) => {
    const file = fleetFile(text);
    expect(() => readFleet(file)).toThrow(FleetError);
    expect(() => readFleet(file)).toThrow(message);
  });

  test('fails when the file cannot be read', () => {
    expect(() => readFleet(join(tmp, 'none.yaml'))).toThrow(`fleet ${join(tmp, 'none.yaml')} cannot be read: no such file or directory`);
  });
});

describe('runFleet', () => {
  const fleet: Fleet = {
    waves: [
      { name: 'one', clusters: [{ name: 'a', kubeconfig: 'a' }, { name: 'b', kubeconfig: 'b' }] },
      { name: 'two', clusters: [{ name: 'c', kubeconfig: 'c' }] },
    ],
  };

  test('releases wave by wave, the clusters of a wave at once', async () => {
    const log: string[] = [];
    const outcome = await runFleet(fleet, async (cluster) => {
      log.push(`start ${cluster.name}`);
      await new Promise((resolve) => setTimeout(resolve, cluster.name === 'a' ? 20 : 1));
      log.push(`end ${cluster.name}`);
      return true;
    }, (wave) => log.push(`wave ${wave.name}`));
    expect(log).toEqual(['wave one', 'start a', 'start b', 'end b', 'end a', 'wave two', 'start c', 'end c']);
    expect(outcome).toEqual({ result: 'done', clusters: [
      { wave: 'one', cluster: 'a', result: 'done' }, { wave: 'one', cluster: 'b', result: 'done' }, { wave: 'two', cluster: 'c', result: 'done' },
    ] });
  });

  test('stops the fleet when a cluster fails: its wave ends, later waves are untouched', async () => {
    const released: string[] = [];
    const outcome = await runFleet(fleet, async (cluster) => {
      released.push(cluster.name);
      return cluster.name !== 'a';
    });
    expect(released).toEqual(['a', 'b']);
    expect(outcome).toEqual({ result: 'stopped', clusters: [
      { wave: 'one', cluster: 'a', result: 'failed' }, { wave: 'one', cluster: 'b', result: 'done' }, { wave: 'two', cluster: 'c', result: 'untouched' },
    ] });
  });
});

test('prefixedIo prefixes every line, also across writes', () => {
  let out = '';
  const io = prefixedIo({ stdout: { write: (t: string) => (out += t) }, stderr: { write: () => undefined }, env: {} }, '[a] ');
  io.stdout.write('one\ntwo');
  io.stdout.write(' more\nthree\n');
  io.stdout.write('four\n');
  expect(out).toBe('[a] one\n[a] two more\n[a] three\n[a] four\n');
});

describe('deploy --fleet, against two API servers', () => {
  const dists = new TempDists();
  const dist = dists.withObjects(apiService());
  let first: FakeApiServer;
  let second: FakeApiServer;
  const broken = () => statusAnswer(503, 'ServiceUnavailable', 'the server is on holiday');
  const answersVersionOnly = (request: { path: string }) => (request.path === '/version' ? { status: 200, body: { major: '1', minor: '33', gitVersion: 'v1.33.0' } } : broken());
  beforeAll(async () => {
    first = await FakeApiServer.start(answersVersionOnly);
    second = await FakeApiServer.start(answersVersionOnly);
  });
  beforeEach(() => {
    first.requests.length = 0;
    second.requests.length = 0;
  });
  afterAll(async () => {
    await first.close();
    await second.close();
    dists.cleanUp();
  });

  const fleetOf = (waves: string[][]) => fleetFile(toYaml([{
    waves: waves.map((clusters, i) => ({
      name: `wave-${i + 1}`,
      clusters: clusters.map((name) => ({ name, kubeconfig: (name === 'first' ? first : second).kubeconfig({ token: 'not-a-secret' }).file })),
    })),
  }] as never));

  test('stops the fleet when the first wave fails: the second cluster gets no request', async () => {
    const run = await cli(['deploy', dist, '--fleet', fleetOf([['first'], ['second']]), '--request-timeout', '5s']);
    expect(run.code).toBe(1);
    expect(first.requests.length).toBeGreaterThan(1);
    expect(second.requests).toEqual([]);
    expect(run.stdout.split('\n')[0]).toBe('Wave 1/2 (wave-1): first');
    expect(run.stdout).toContain('[first] Deploying ');
    expect(run.stdout).not.toContain('Wave 2/2');
    expect(run.stdout).toContain('Fleet deploy: wave-1: first failed; wave-2: second untouched\n');
    expect(run.stderr).toMatch(/^\[first\] error: .*the server is on holiday/m);
    expect(run.stderr).toContain('error: the fleet stopped: first failed; the clusters of later waves (second) were not touched\n');
  });

  test('releases the clusters of one wave together, and a rollback goes wave by wave too', async () => {
    const run = await cli(['rollback', dist, '--fleet', fleetOf([['first', 'second']]), '--request-timeout', '5s']);
    expect(run.code).toBe(1);
    expect(first.requests.length).toBeGreaterThan(1);
    expect(second.requests.length).toBeGreaterThan(1);
    expect(run.stdout).toContain('Fleet rollback: wave-1: first failed, second failed\n');
    expect(run.stderr).toContain('error: the fleet stopped: first, second failed; it was the last wave\n');
  });

  test.each([
    [['deploy', 'd', '--fleet', 'f', '--kubeconfig', 'k'], '--kubeconfig and --fleet both choose the clusters; give each cluster\'s kubeconfig and context in the fleet file'],
    [['rollback', 'd', '--fleet', 'f', '--context', 'c'], '--context and --fleet both choose the clusters; give each cluster\'s kubeconfig and context in the fleet file'],
    [['deploy', '--fleet', 'f'], 'deploy takes one dist folder; got 0 argument(s)'],
  ])('fails when %j', async (args, message) => {
    const run = await cli(args);
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')[0]).toBe(`error: ${message}`);
  });

  test('fails before any cluster when the fleet file or the dist cannot be read', async () => {
    const missing = join(tmp, 'missing.yaml');
    expect((await cli(['deploy', dist, '--fleet', missing])).stderr).toBe(`error: fleet ${missing} cannot be read: no such file or directory\n`);
    const run = await cli(['deploy', join(tmp, 'no-dist'), '--fleet', fleetOf([['first'], ['second']])]);
    expect(run.code).toBe(1);
    expect(first.requests).toEqual([]);
    expect(second.requests).toEqual([]);
  });
});
