import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'fs';
import { createServer, Server, Socket } from 'net';
import { join } from 'path';
import { ClusterError, KubeconfigError, readKubeconfig } from '../../../lib';
import { toYaml } from '../../../lib/internal';
import { connectCluster } from '../../../lib/release/cli/cluster-access';
import { cli as runInProcess, CliRun as Run } from './cli-run';
import { CA_PEM, FakeApiServer, statusAnswer } from './fake-api-server';
import { aliasBomb, apiService, TempDists } from './plan-fixtures';

/** Runs the tool in-process with this environment. */
const cli = (args: string[], env?: Record<string, string | undefined>) => runInProcess(args, { env });

/** Exit 1 with exactly `error: <message>` on one line: no stack trace, nothing on stdout. */
function expectOneLineError(run: Run, message: string | RegExp): void {
  expect(run.code).toBe(1);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(/^error: [^\n]+\n$/);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  if (typeof message === 'string') {
    expect(run.stderr).toBe(`error: ${message}\n`);
  } else {
    expect(run.stderr).toMatch(message);
  }
}

const dists = new TempDists();
afterAll(() => dists.cleanUp());

const dist = (() => {
  const dir = dists.empty();
  writeFileSync(join(dir, 'app.k8s.yaml'), toYaml(apiService()));
  return dir;
})();

/** A local API server that records the requests it gets and answers that it is unavailable. */
let server: FakeApiServer;
beforeAll(async () => {
  server = await FakeApiServer.start(() => statusAnswer(503, 'ServiceUnavailable', 'the server is on holiday'));
});
afterEach(() => server.answer(() => statusAnswer(503, 'ServiceUnavailable', 'the server is on holiday')));
afterAll(() => server.close());

/** Contexts `dev` (current; cluster dev-cluster: the local server) and `prod` (cluster prod-cluster, which the file does not have). */
const kubeconfigText = (): string => [
  'apiVersion: v1',
  'kind: Config',
  'current-context: dev',
  'clusters:',
  '- name: dev-cluster',
  `  cluster: { server: '${server.url}', certificate-authority-data: ${CA_PEM.toString('base64')} }`,
  'contexts:',
  '- name: dev',
  '  context: { cluster: dev-cluster, user: me }',
  '- name: prod',
  '  context: { cluster: prod-cluster, user: me }',
  'users:',
  '- name: me',
  '  user: { token: not-a-secret }',
  '',
].join('\n');

function file(name: string, text: string): string {
  const path = join(dists.empty(), name);
  writeFileSync(path, text);
  return path;
}

const COMMANDS = [
  ['plan', (kubeconfig: string, ...extra: string[]) => ['plan', dist, '--kubeconfig', kubeconfig, ...extra]],
  ['deploy', (kubeconfig: string, ...extra: string[]) => ['deploy', dist, '--kubeconfig', kubeconfig, ...extra]],
  ['rollback', (kubeconfig: string, ...extra: string[]) => ['rollback', dist, '--kubeconfig', kubeconfig, ...extra]],
] as const;

describe('the kubeconfig is checked before any call to the cluster (exit 1, one line, nothing sent)', () => {
  const kubeconfigBomb = `clusters: []\n${aliasBomb()}`;
  const cases: Array<[string, () => { path: string; extra?: string[] }, (path: string) => string | RegExp]> = [
    ['a file that is not there', () => ({ path: join(dists.empty(), 'kubeconfig') }), (p) => `cannot read kubeconfig ${p}: no such file or directory`],
    ['a directory', () => ({ path: dists.empty() }), (p) => `kubeconfig ${p} is a directory; pass the kubeconfig file`],
    ['a dangling symlink', () => {
      const path = join(dists.empty(), 'kubeconfig');
      symlinkSync(join(dists.empty(), 'gone'), path);
      return { path };
    }, (p) => `cannot read kubeconfig ${p}: a dangling symlink (its target does not exist)`],
    ['a symlink loop', () => {
      const path = join(dists.empty(), 'kubeconfig');
      symlinkSync(path, path);
      return { path };
    }, (p) => `cannot read kubeconfig ${p}: a symlink loop (too many levels of symbolic links)`],
    ['invalid YAML', () => ({ path: file('kubeconfig', 'clusters: [\n') }), (p) => `kubeconfig ${p} is not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] at line 2, column 1`],
    ['a YAML alias bomb', () => ({ path: file('kubeconfig', kubeconfigBomb) }), (p) => `kubeconfig ${p} is not valid YAML: Excessive alias count indicates a resource exhaustion attack`],
    ['an empty file', () => ({ path: file('kubeconfig', '') }), (p) => `kubeconfig ${p} is not a kubeconfig (it has no clusters, contexts or current-context)`],
    ['YAML that is not a kubeconfig', () => ({ path: file('kubeconfig', 'apiVersion: v1\nkind: ConfigMap\n') }), (p) => `kubeconfig ${p} is not a kubeconfig (it has no clusters, contexts or current-context)`],
    ['a list', () => ({ path: file('kubeconfig', '- clusters\n') }), (p) => `kubeconfig ${p} is not a kubeconfig (it has no clusters, contexts or current-context)`],
    ['contexts that are not a list', () => ({ path: file('kubeconfig', 'contexts: dev\n') }), (p) => `kubeconfig ${p} is not a kubeconfig: contexts must be a list of { name, … }`],
    ['no current-context and no --context (kubectl would go to localhost:8080)', () => ({ path: file('kubeconfig', kubeconfigText().replace('current-context: dev\n', '')) }),
      (p) => `kubeconfig ${p} sets no current-context; pass --context <name> (its contexts: dev, prod)`],
    ['a --context it does not have', () => ({ path: file('kubeconfig', kubeconfigText()), extra: ['--context', 'staging'] }), (p) => `kubeconfig ${p} has no context 'staging' (--context); its contexts: dev, prod`],
    ['a current-context it does not have', () => ({ path: file('kubeconfig', kubeconfigText().replace('current-context: dev', 'current-context: gone')) }),
      (p) => `kubeconfig ${p} has no context 'gone' (its current-context); its contexts: dev, prod`],
    ['a context naming a cluster it does not have', () => ({ path: file('kubeconfig', kubeconfigText()), extra: ['--context=prod'] }),
      (p) => `kubeconfig ${p}: context 'prod' names cluster 'prod-cluster', which it does not have; its clusters: dev-cluster`],
  ];

  describe.each(COMMANDS)('%s', (_command, argsOf) => {
    test.each(cases)('%s', async (_name, setup, message) => {
      const { path, extra = [] } = setup();
      const sent = server.requests.length;
      expectOneLineError(await cli(argsOf(path, ...extra)), message(path));
      expect(server.requests.length).toBe(sent);
    });
  });

  test('with --json, the same error as JSON on stdout', async () => {
    const path = join(dists.empty(), 'kubeconfig');
    const run = await cli(['plan', dist, '--kubeconfig', path, '--json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual({ error: { code: 1, message: `cannot read kubeconfig ${path}: no such file or directory` } });
  });
});

describe('readKubeconfig', () => {
  test('reads a usable kubeconfig, YAML or JSON, with its current context or a --context', () => {
    const yaml = file('kubeconfig', kubeconfigText());
    expect(readKubeconfig({ kubeconfig: yaml }, {})).toMatchObject({ context: 'dev', server: new URL(server.url), namespace: 'default', user: { token: 'not-a-secret' } });
    expect(readKubeconfig({ kubeconfig: yaml, context: 'dev' }, {}).context).toBe('dev');
    const json = file('kubeconfig.json', JSON.stringify({ 'current-context': 'c', 'contexts': [{ name: 'c', context: { cluster: 'k', namespace: 'shop' } }], 'clusters': [{ name: 'k', cluster: { server: 'https://k' } }] }));
    expect(readKubeconfig({ kubeconfig: json }, {})).toMatchObject({ context: 'c', namespace: 'shop', server: new URL('https://k'), tls: { insecure: false } });
  });

  test('throws a KubeconfigError, a ClusterError, that names the file', () => {
    const path = join(dists.empty(), 'missing');
    expect(() => readKubeconfig({ kubeconfig: path }, {})).toThrow(KubeconfigError);
    expect(() => readKubeconfig({ kubeconfig: path }, {})).toThrow(ClusterError);
    expect(() => readKubeconfig({ kubeconfig: path }, {})).toThrow(path);
  });

  test.each([
    ['a user the file does not have', (t: string) => t.replace('user: me', 'user: you'), "context 'dev' names user 'you', which it does not have; its users: me"],
    ['a cluster without a server', (t: string) => t.replace(`server: '${server.url}', `, ''), "cluster 'dev-cluster' has no server"],
    ['a server that is not https or http', (t: string) => t.replace(server.url, 'ftp://x'), "cluster 'dev-cluster': server 'ftp://x' is not an https:// or http:// URL"],
  ])('refuses %s', (_name, edit, message) => {
    const path = file('kubeconfig', edit(kubeconfigText()));
    expect(() => readKubeconfig({ kubeconfig: path }, {})).toThrow(new KubeconfigError(`kubeconfig ${path}: ${message}`));
  });
});

describe('--request-timeout bounds every request', () => {
  const io = { stdout: { write: () => true }, stderr: { write: () => true }, env: {} };

  test('60s by default, else as given', () => {
    const kubeconfig = file('kubeconfig', kubeconfigText());
    expect(connectCluster(kubeconfig, {}, io).requestTimeoutSeconds).toBe(60);
    expect(connectCluster(kubeconfig, { 'request-timeout': 120, 'context': 'dev' }, io).requestTimeoutSeconds).toBe(120);
  });

  test.each(COMMANDS)('%s: an error answer is one line, in the API server\'s words, exit 1', async (_command, argsOf) => {
    const kubeconfig = file('kubeconfig', kubeconfigText());
    const sent = server.requests.length;
    expectOneLineError(await cli(argsOf(kubeconfig, '--request-timeout=5s')), 'Error from server (ServiceUnavailable): the server is on holiday');
    expect(server.requests.slice(sent).map((r) => `${r.method} ${r.path} ${r.headers.authorization}`)).toEqual(['GET /version Bearer not-a-secret']);
  });

  test.each([
    [['plan', dist, '--kubeconfig', 'k', '--request-timeout', '0s'], "--request-timeout must be a duration such as 90s, 10m or 1h, got '0s'"],
    [['deploy', dist, '--kubeconfig', 'k', '--request-timeout', '30'], "--request-timeout must be a duration such as 90s, 10m or 1h, got '30'"],
    [['rollback', dist, '--kubeconfig', 'k', '--request-timeout='], '--request-timeout needs a value, got an empty one'],
    [['plan', dist, dist, '--request-timeout', '5s'], '--request-timeout needs --kubeconfig (it applies to the cluster side of a plan)'],
    [['graph', dist, '--request-timeout', '5s'], "unknown option '--request-timeout'"],
  ])('%j exits 2: %s', async (args, message) => {
    expect(await cli(args)).toEqual({ code: 2, stdout: '', stderr: `error: ${message}\nUsage: immutable-infra plan|deploy|rollback|promote|graph|gitops|init …; see immutable-infra --help\n` });
  });

  describe('against a server that accepts connections and never answers', () => {
    let silent: Server;
    const sockets: Socket[] = [];
    let port = 0;
    beforeAll(async () => {
      silent = createServer((socket) => sockets.push(socket));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      port = (silent.address() as { port: number }).port;
    });
    afterAll(async () => {
      sockets.forEach((s) => s.destroy());
      await new Promise((resolve) => silent.close(resolve));
    });

    test.each(COMMANDS)('%s fails after the request timeout instead of hanging (exit 1, one line)', async (_command, argsOf) => {
      const kubeconfig = file('kubeconfig', kubeconfigText().replace(server.url, `https://127.0.0.1:${port}`));
      const started = Date.now();
      const run = await cli(argsOf(kubeconfig, '--request-timeout', '1s'));
      expect(Date.now() - started).toBeLessThan(10_000);
      expectOneLineError(run, `the API server at https://127.0.0.1:${port} did not answer GET /version within 1s (the request timeout)`);
    }, 30_000);
  });
});

describe('a credential plugin that takes its time', () => {
  /** A kubeconfig whose user's credential plugin never returns. */
  function hangingPlugin(): string {
    const dir = dists.empty();
    writeFileSync(join(dir, 'hang'), '#!/bin/sh\nexec /bin/sleep 600\n');
    chmodSync(join(dir, 'hang'), 0o755);
    const path = join(dir, 'kubeconfig');
    writeFileSync(path, kubeconfigText().replace('user: { token: not-a-secret }', "user: { exec: { apiVersion: client.authentication.k8s.io/v1, command: ./hang, interactiveMode: Never } }"));
    return path;
  }

  test.each(COMMANDS)('%s says it is waiting every 5 s, then stops the plugin after --request-timeout (exit 1, one error line)', async (_command, argsOf) => {
    const kubeconfig = hangingPlugin();
    const started = Date.now();
    const run = await cli(argsOf(kubeconfig, '--request-timeout', '6s'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(6000);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe([
      'waiting for the cluster to answer (5s of --request-timeout 6s)…',
      `error: kubeconfig ${kubeconfig}: user 'me': the exec credential plugin '${join(kubeconfig, '..', 'hang')}' did not return within 6s and was stopped`,
      '',
    ].join('\n'));
  }, 30_000);

  test('with --json, the error is JSON on stdout', async () => {
    const run = await cli(['plan', dist, '--kubeconfig', hangingPlugin(), '--request-timeout', '1s', '--json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).error.message).toMatch(/the exec credential plugin '.*' did not return within 1s and was stopped$/);
  }, 30_000);
});

test('a folder named like a kubeconfig is refused, not read', async () => {
  const dir = join(dists.empty(), 'config');
  mkdirSync(dir);
  expectOneLineError(await cli(['deploy', dist, '--kubeconfig', dir]), `kubeconfig ${dir} is a directory; pass the kubeconfig file`);
});
