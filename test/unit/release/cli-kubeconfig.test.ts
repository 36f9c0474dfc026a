import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'fs';
import { createServer, Server, Socket } from 'net';
import { join } from 'path';
import { toYaml } from '../../../lib/internal';
import { checkKubeconfig, findKubectl, KubeconfigError, KubectlError } from '../../../lib/release/cluster/kubectl';
import { cli as runInProcess, CliRun as Run } from './cli-run';
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

/** Contexts `dev` (current; cluster dev-cluster) and `prod` (cluster prod-cluster, which the file does not have). */
const KUBECONFIG = [
  'apiVersion: v1',
  'kind: Config',
  'current-context: dev',
  'clusters:',
  '- name: dev-cluster',
  "  cluster: { server: 'https://127.0.0.1:1' }",
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

/** A kubectl that records each call's arguments (one line per call) and fails. */
function fakeKubectl(): { readonly path: string; readonly calls: () => string[] } {
  const dir = dists.empty();
  const log = join(dir, 'calls');
  const path = join(dir, 'kubectl');
  writeFileSync(path, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\necho 'error: the server is on holiday' >&2\nexit 1\n`);
  chmodSync(path, 0o755);
  return { path, calls: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []) };
}

const COMMANDS = [
  ['plan', (kubeconfig: string, kubectl: string, ...extra: string[]) => ['plan', dist, '--kubeconfig', kubeconfig, '--kubectl', kubectl, ...extra]],
  ['deploy', (kubeconfig: string, kubectl: string, ...extra: string[]) => ['deploy', dist, '--kubeconfig', kubeconfig, '--kubectl', kubectl, ...extra]],
  ['rollback', (kubeconfig: string, kubectl: string, ...extra: string[]) => ['rollback', dist, '--kubeconfig', kubeconfig, '--kubectl', kubectl, ...extra]],
] as const;

describe('the kubeconfig is checked before any call to the cluster (exit 1, one line, kubectl never runs)', () => {
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
    ['no current-context and no --context (kubectl would go to localhost:8080)', () => ({ path: file('kubeconfig', KUBECONFIG.replace('current-context: dev\n', '')) }),
      (p) => `kubeconfig ${p} sets no current-context; pass --context <name> (its contexts: dev, prod)`],
    ['a --context it does not have', () => ({ path: file('kubeconfig', KUBECONFIG), extra: ['--context', 'staging'] }), (p) => `kubeconfig ${p} has no context 'staging' (--context); its contexts: dev, prod`],
    ['a current-context it does not have', () => ({ path: file('kubeconfig', KUBECONFIG.replace('current-context: dev', 'current-context: gone')) }),
      (p) => `kubeconfig ${p} has no context 'gone' (its current-context); its contexts: dev, prod`],
    ['a context naming a cluster it does not have', () => ({ path: file('kubeconfig', KUBECONFIG), extra: ['--context=prod'] }),
      (p) => `kubeconfig ${p}: context 'prod' names cluster 'prod-cluster', which it does not have; its clusters: dev-cluster`],
  ];

  describe.each(COMMANDS)('%s', (_command, argsOf) => {
    test.each(cases)('%s', async (_name, setup, message) => {
      const { path, extra = [] } = setup();
      const kubectl = fakeKubectl();
      expectOneLineError(await cli(argsOf(path, kubectl.path, ...extra)), message(path));
      expect(kubectl.calls()).toEqual([]);
    });
  });

  test('with --json, the same error as JSON on stdout', async () => {
    const path = join(dists.empty(), 'kubeconfig');
    const kubectl = fakeKubectl();
    const run = await cli(['plan', dist, '--kubeconfig', path, '--kubectl', kubectl.path, '--json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual({ error: { code: 1, message: `cannot read kubeconfig ${path}: no such file or directory` } });
    expect(kubectl.calls()).toEqual([]);
  });
});

describe('checkKubeconfig', () => {
  test('passes a usable kubeconfig, YAML or JSON, with its current context or a --context', () => {
    const yaml = file('kubeconfig', KUBECONFIG);
    expect(() => checkKubeconfig(yaml)).not.toThrow();
    expect(() => checkKubeconfig(yaml, 'dev')).not.toThrow();
    const json = file('kubeconfig.json', JSON.stringify({ 'current-context': 'c', 'contexts': [{ name: 'c', context: { cluster: 'k' } }], 'clusters': [{ name: 'k', cluster: { server: 'https://k' } }] }));
    expect(() => checkKubeconfig(json)).not.toThrow();
  });

  test('throws a KubeconfigError, a KubectlError, that names the file', () => {
    const path = join(dists.empty(), 'missing');
    expect(() => checkKubeconfig(path)).toThrow(KubeconfigError);
    expect(() => checkKubeconfig(path)).toThrow(KubectlError);
    expect(() => checkKubeconfig(path)).toThrow(path);
  });
});

describe('--request-timeout bounds every kubectl call', () => {
  const kubeconfig = file('kubeconfig', KUBECONFIG);

  test.each(COMMANDS)('%s passes --request-timeout=60s to kubectl by default, before the command', async (_command, argsOf) => {
    const kubectl = fakeKubectl();
    const run = await cli(argsOf(kubeconfig, kubectl.path));
    expect(run.code).toBe(1);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(kubectl.calls().length).toBeGreaterThan(0);
    for (const call of kubectl.calls()) {
      expect(call).toMatch(new RegExp(`^--kubeconfig=${kubeconfig} --request-timeout=60s \\S`));
    }
  });

  test.each(COMMANDS)('%s passes --request-timeout and --context as given', async (_command, argsOf) => {
    const kubectl = fakeKubectl();
    await cli(argsOf(kubeconfig, kubectl.path, '--request-timeout', '2m', '--context', 'dev'));
    expect(kubectl.calls().length).toBeGreaterThan(0);
    for (const call of kubectl.calls()) {
      expect(call).toMatch(new RegExp(`^--kubeconfig=${kubeconfig} --context=dev --request-timeout=120s \\S`));
    }
  });

  test('a failing kubectl call is one line naming the call, exit 1', async () => {
    const kubectl = fakeKubectl();
    expectOneLineError(await cli(['plan', dist, '--kubeconfig', kubeconfig, '--kubectl', kubectl.path, '--request-timeout=5s']), /^error: kubectl .* failed \(exit 1\): error: the server is on holiday\n$/);
  });

  test.each([
    [['plan', dist, '--kubeconfig', kubeconfig, '--request-timeout', '0s'], "--request-timeout must be a duration such as 90s, 10m or 1h, got '0s'"],
    [['deploy', dist, '--kubeconfig', kubeconfig, '--request-timeout', '30'], "--request-timeout must be a duration such as 90s, 10m or 1h, got '30'"],
    [['rollback', dist, '--kubeconfig', kubeconfig, '--request-timeout='], '--request-timeout needs a value, got an empty one'],
    [['plan', dist, dist, '--request-timeout', '5s'], '--request-timeout needs --kubeconfig (it applies to the cluster side of a plan)'],
    [['graph', dist, '--request-timeout', '5s'], "unknown option '--request-timeout'"],
  ])('%j exits 2: %s', async (args, message) => {
    expect(await cli(args)).toEqual({ code: 2, stdout: '', stderr: `error: ${message}\nUsage: immutable-infra plan|deploy|rollback|graph|init …; see immutable-infra --help\n` });
  });

  describe('against a server that accepts connections and never answers (real kubectl)', () => {
    const kubectl = (() => {
      try {
        return findKubectl(undefined, process.env);
      } catch {
        return undefined;
      }
    })();
    let server: Server;
    const sockets: Socket[] = [];
    let port = 0;
    beforeAll(async () => {
      server = createServer((socket) => sockets.push(socket));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as { port: number }).port;
    });
    afterAll(async () => {
      sockets.forEach((s) => s.destroy());
      await new Promise((resolve) => server.close(resolve));
    });

    // Skipped only where no kubectl is installed (the fake kubectl tests above still prove the flag is passed).
    (kubectl === undefined ? test.skip : test)('plan fails after the request timeout instead of hanging (exit 1, no stack trace)', async () => {
      const silent = file('kubeconfig', KUBECONFIG.replace('https://127.0.0.1:1', `https://127.0.0.1:${port}`));
      const started = Date.now();
      const run = await cli(['plan', dist, '--kubeconfig', silent, '--kubectl', kubectl!, '--request-timeout', '1s']);
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^error: kubectl get --raw \/version failed \(exit 1\): /);
      expect(run.stderr).toMatch(/deadline exceeded|Timeout|timed out/i);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }, 60_000);
  });
});

describe('a cluster that takes its time to answer (a hung credential plugin, a silent server)', () => {
  const kubeconfig = file('kubeconfig', KUBECONFIG);

  /** A kubectl that never returns, like one waiting for a credential plugin (`users[].user.exec`) that hangs. */
  function hangingKubectl(): string {
    const path = join(dists.empty(), 'kubectl');
    writeFileSync(path, '#!/bin/sh\nexec sleep 600\n');
    chmodSync(path, 0o755);
    return path;
  }

  test.each(COMMANDS)('%s says it is waiting every 5 s, then stops kubectl after --request-timeout + 5 s (exit 1, one error line)', async (_command, argsOf) => {
    const started = Date.now();
    const run = await cli(argsOf(kubeconfig, hangingKubectl(), '--request-timeout', '1s'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(6000);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe([
      'waiting for the cluster to answer (5s of --request-timeout 1s)…',
      'error: kubectl get did not finish within 6s and was stopped: the cluster does not answer, or a credential plugin of the kubeconfig (users[].user.exec) never returns',
      '',
    ].join('\n'));
  }, 30_000);

  test('with --json, the error is JSON on stdout', async () => {
    const run = await cli(['plan', dist, '--kubeconfig', kubeconfig, '--kubectl', hangingKubectl(), '--request-timeout', '1s', '--json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).error.message).toMatch(/^kubectl get did not finish within 6s and was stopped/);
  }, 30_000);
});

test('a folder named like a kubeconfig is refused, not read', async () => {
  const dir = join(dists.empty(), 'config');
  mkdirSync(dir);
  const kubectl = fakeKubectl();
  expectOneLineError(await cli(['deploy', dist, '--kubeconfig', dir, '--kubectl', kubectl.path]), `kubeconfig ${dir} is a directory; pass the kubeconfig file`);
});
