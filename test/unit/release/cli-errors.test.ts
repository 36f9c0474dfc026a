import { spawnSync, SpawnSyncOptions } from 'child_process';
import { EventEmitter } from 'events';
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'fs';
import { join } from 'path';
import { processIo, ProcessLike } from '../../../lib/release/cli/process-io';
import * as releasePlan from '../../../lib/release/plan/release-plan';
import { cli as runInProcess, CliRun as Run } from './cli-run';
import { aliasBomb, apiService, TempDists } from './plan-fixtures';

const USAGE = 'Usage: immutable-infra plan|deploy|rollback|promote|graph|gitops|init …; see immutable-infra --help';
const STACK_FRAME = /\n\s+at /;

/** Runs the tool in-process with this environment. */
const cli = (args: string[], env?: Record<string, string | undefined>) => runInProcess(args, { env });

/** `code`, exactly `error: <message>` on one line on stderr (a usage error adds the usage line), no stack trace; with `--json`, the error as JSON on stdout. */
function expectError(run: Run, code: number, message: string | RegExp, options: { json?: boolean } = {}): void {
  expect(run.code).toBe(code);
  const [line, ...rest] = run.stderr.split('\n');
  expect(rest).toEqual(code === 2 ? [USAGE, ''] : ['']);
  expect(line).toMatch(typeof message === 'string' ? new RegExp(`^error: ${escape(message)}$`) : message);
  expect(run.stderr).not.toMatch(STACK_FRAME);
  if (options.json === true) {
    const json = JSON.parse(run.stdout);
    expect(json).toEqual({ error: { code, message: line.slice('error: '.length) } });
    expect(Object.keys(json.error)).toEqual(['code', 'message']);
  } else {
    expect(run.stdout).toBe('');
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const dists = new TempDists();
afterAll(() => dists.cleanUp());

const good = dists.withObjects(apiService());
const CONFIG_MAP = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: n\n';

const KUBECONFIG = (() => {
  const path = join(dists.empty(), 'kubeconfig');
  writeFileSync(path, 'current-context: c\ncontexts:\n- name: c\n  context: { cluster: k }\nclusters:\n- name: k\n  cluster: { server: https://127.0.0.1:1 }\n');
  return path;
})();

/** Each bad dist and the one-line message it gives. */
const BAD_DISTS: Array<[string, () => { dir: string; message: string | RegExp }]> = [
  ['a dist that is not there', () => {
    const dir = join(dists.empty(), 'dist');
    return { dir, message: `${dir} is not a directory; pass the folder cdk8s synth wrote (e.g. dist/)` };
  }],
  ['a dangling symlink', () => {
    const dir = dists.empty();
    symlinkSync(join(dir, 'gone.yaml'), join(dir, 'app.k8s.yaml'));
    return { dir, message: `cannot read ${join(dir, 'app.k8s.yaml')}: a dangling symlink (its target does not exist)` };
  }],
  ['a symlink loop', () => {
    const dir = dists.empty();
    symlinkSync(join(dir, 'app.k8s.yaml'), join(dir, 'app.k8s.yaml'));
    return { dir, message: `cannot read ${join(dir, 'app.k8s.yaml')}: a symlink loop (too many levels of symbolic links)` };
  }],
  ['a dist folder that is a symlink loop', () => {
    const dir = join(dists.empty(), 'dist');
    symlinkSync(dir, dir);
    return { dir, message: `cannot read ${dir}: a symlink loop (too many levels of symbolic links)` };
  }],
  ['a YAML alias bomb', () => {
    const dir = dists.withFiles({ 'app.k8s.yaml': aliasBomb() });
    return { dir, message: `${join(dir, 'app.k8s.yaml')}, document 1 is not valid YAML: Excessive alias count indicates a resource exhaustion attack` };
  }],
  ['invalid YAML', () => {
    const dir = dists.withFiles({ 'app.k8s.yaml': `${CONFIG_MAP}---\nkind: [\n` });
    return { dir, message: `${join(dir, 'app.k8s.yaml')}, document 2 is not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] at line 8, column 1` };
  }],
  ['a file it does not read (*.json)', () => {
    const dir = dists.withFiles({ 'app.k8s.yaml': CONFIG_MAP, 'app.k8s.json': '{}' });
    return { dir, message: new RegExp(`^error: ${escape(dir)} holds an entry the CLI does not read: app\\.k8s\\.json; a dist holds only the \\*\\.yaml \\(or \\*\\.yml\\) files cdk8s synth writes`) };
  }],
  ['a sub-folder (file-per-resource output)', () => {
    const dir = dists.withFiles({ 'app.k8s.yaml': CONFIG_MAP });
    mkdirSync(join(dir, 'app'));
    return { dir, message: new RegExp(`^error: ${escape(dir)} holds an entry the CLI does not read: app/; `) };
  }],
  ['an empty dist (its only file is empty)', () => {
    const dir = dists.withFiles({ 'app.k8s.yaml': '' });
    return { dir, message: `${dir} holds no Kubernetes objects (app.k8s.yaml: no documents); there is nothing to plan or deploy: run the synthesis first (npm run synth)` };
  }],
  ['a dist without files', () => {
    const dir = dists.empty();
    return { dir, message: `${dir} has no *.yaml files; run the synthesis first (npm run synth)` };
  }],
];

describe('every error reading a dist is one line naming the path, exit 1', () => {
  test.each(BAD_DISTS)('plan <before> <after>: %s', async (_name, setup) => {
    const { dir, message } = setup();
    expectError(await cli(['plan', good, dir]), 1, message);
    expectError(await cli(['plan', dir, good]), 1, message);
  });

  test.each(BAD_DISTS)('plan --json: %s', async (_name, setup) => {
    const { dir, message } = setup();
    expectError(await cli(['plan', good, dir, '--json']), 1, message, { json: true });
  });

  test.each(BAD_DISTS)('graph: %s', async (_name, setup) => {
    const { dir, message } = setup();
    expectError(await cli(['graph', dir]), 1, message);
  });

  test.each(BAD_DISTS)('deploy, rollback and plan --kubeconfig: %s, before any call to the cluster (which would fail: nothing listens at its server)', async (_name, setup) => {
    const { dir, message } = setup();
    for (const command of ['deploy', 'rollback', 'plan']) {
      expectError(await cli([command, dir, '--kubeconfig', KUBECONFIG]), 1, message);
    }
  });

  test('*.YAML is read like *.yaml', async () => {
    const upper = dists.withFiles({ 'APP.K8S.YAML': CONFIG_MAP });
    const lower = dists.withFiles({ 'app.k8s.yml': CONFIG_MAP });
    expect(await cli(['plan', upper, lower])).toMatchObject({ code: 0, stderr: '' });
  });
});

describe('--json: every failing path of plan prints {"error":{"code","message"}} on stdout', () => {
  test.each([
    [['plan', good, good, '--json', '--colour'], 2, "unknown option '--colour'"],
    [['plan', good, '--json'], 2, 'plan takes two dist folders (before and after), or one with --kubeconfig; got 1 argument(s)'],
    [['plan', '--json'], 2, 'plan takes two dist folders (before and after), or one with --kubeconfig; got 0 argument(s)'],
    [['plan', good, good, '--json', '--keep', '1'], 2, '--keep needs --kubeconfig (it applies to the cluster side of a plan)'],
    [['plan', good, '--json', '--kubeconfig', ''], 2, '--kubeconfig needs a value, got an empty one'],
    [['plan', good, '--json', '--kubeconfig'], 2, '--kubeconfig needs a value'],
    [['plan', good, good, '--json', '--json'], 2, '--json is given twice'],
    [['plan', good, good, '--json=yes'], 2, "--json takes no value, got 'yes'"],
    [['plan', good, '--json', '--kubeconfig', KUBECONFIG, '--request-timeout', '1d'], 2, "--request-timeout must be a duration such as 90s, 10m or 1h, got '1d'"],
    [['graph', good, '--json'], 2, "unknown option '--json'"],
    [['deploy', good, '--kubeconfig', KUBECONFIG, '--json'], 2, "unknown option '--json'"],
    [['plan', good, '--json', '--kubeconfig', KUBECONFIG, '--kubectl', '/nonexistent/kubectl'], 2, "unknown option '--kubectl'"],
    [['plan', good, '--json', '--kubeconfig', `${KUBECONFIG}.missing`], 1, `cannot read kubeconfig ${KUBECONFIG}.missing: no such file or directory`],
    [['plan', good, '--json', '--kubeconfig', KUBECONFIG, '--context', 'other'], 1, `kubeconfig ${KUBECONFIG} has no context 'other' (--context); its contexts: c`],
  ])('%j exits %d: %s', async (args, code, message) => {
    expectError(await cli(args), code, message, { json: true });
  });

  test('the cluster unreachable', async () => {
    expectError(await cli(['plan', good, '--json', '--kubeconfig', KUBECONFIG]), 1,
      'cannot reach the API server at https://127.0.0.1:1 (GET /version): connect ECONNREFUSED 127.0.0.1:1', { json: true });
  });

  test('a guard violation still prints the plan (with its violations), exit 1', async () => {
    const changed = dists.withObjects(apiService().map((m) => (m.kind === 'ConfigMap' ? { ...m, data: { LOG_LEVEL: 'debug' } } : m)));
    const run = await cli(['plan', good, changed, '--json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).violations).toHaveLength(1);
  });

  test('--json after -- is a positional, not the flag', async () => {
    const run = await cli(['plan', good, '--', '--json']);
    expect(run.stdout).toBe('');
    expect(run.code).toBe(1);
  });
});

describe('an unexpected error is one line, exit 1; IMMUTABLE_INFRA_DEBUG=1 shows its stack', () => {
  afterEach(() => jest.restoreAllMocks());
  const bug = () => jest.spyOn(releasePlan, 'planRelease').mockImplementation(() => {
    throw new TypeError("Cannot read properties of undefined (reading 'spec')\n    more detail");
  });
  const MESSAGE = "TypeError: Cannot read properties of undefined (reading 'spec') (an unexpected error: IMMUTABLE_INFRA_DEBUG=1 shows its stack trace)";

  test('text', async () => {
    bug();
    expectError(await cli(['plan', good, good]), 1, MESSAGE);
  });

  test('--json', async () => {
    bug();
    expectError(await cli(['plan', good, good, '--json']), 1, MESSAGE, { json: true });
  });

  test('something thrown that is not an Error', async () => {
    jest.spyOn(releasePlan, 'planRelease').mockImplementation(() => {
      throw 'a string';
    });
    expectError(await cli(['plan', good, good]), 1, 'a string (an unexpected error: IMMUTABLE_INFRA_DEBUG=1 shows its stack trace)');
  });

  test('with IMMUTABLE_INFRA_DEBUG=1 the stack trace follows the line', async () => {
    bug();
    const run = await cli(['plan', good, good], { IMMUTABLE_INFRA_DEBUG: '1' });
    expect(run.code).toBe(1);
    expect(run.stderr.split('\n')[0]).toBe(`error: ${MESSAGE}`);
    expect(run.stderr).toMatch(STACK_FRAME);
    bug();
    expect((await cli(['plan', good, good], { IMMUTABLE_INFRA_DEBUG: '0' })).stderr).not.toMatch(STACK_FRAME);
  });
});

describe('the process', () => {
  const ROOT = process.getuid?.() === 0;
  const MAIN = join(__dirname, '..', '..', '..', 'lib', 'release', 'cli', 'main.ts');
  const REPO = join(__dirname, '..', '..', '..');

  /** The uid and gid of `nobody`, when running as root. */
  const nobody = (() => {
    if (!ROOT) {
      return undefined;
    }
    const uid = spawnSync('id', ['-u', 'nobody'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'nobody'], { encoding: 'utf8' });
    return uid.status === 0 && gid.status === 0 ? { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) } : undefined;
  })();

  /** Runs the bin; as `nobody` when this runs as root, so that permissions hold. */
  function runBin(args: string[], options: SpawnSyncOptions = {}): Run {
    const run = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', MAIN, ...args], {
      cwd: REPO,
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
      ...(nobody ?? {}),
      ...options,
    });
    return { code: run.status ?? -1, stdout: String(run.stdout), stderr: String(run.stderr) };
  }

  /** A temporary folder others may enter (mkdtemp makes it 0700). */
  function openDir(): string {
    const dir = dists.empty();
    chmodSync(dir, 0o755);
    return dir;
  }

  // Root reads any file: these run the bin as `nobody`; skipped only when running as root on a system without `nobody`.
  const asUnprivileged = ROOT && nobody === undefined ? test.skip : test;

  asUnprivileged('an unreadable file: one line naming it, exit 1, no stack trace (text and --json)', () => {
    const before = openDir();
    writeFileSync(join(before, 'app.k8s.yaml'), CONFIG_MAP);
    chmodSync(join(before, 'app.k8s.yaml'), 0o644);
    const dir = openDir();
    writeFileSync(join(dir, 'app.k8s.yaml'), CONFIG_MAP);
    chmodSync(join(dir, 'app.k8s.yaml'), 0o000);
    try {
      const message = `cannot read ${join(dir, 'app.k8s.yaml')}: permission denied`;
      expectError(runBin(['plan', before, dir]), 1, message);
      expectError(runBin(['plan', before, dir, '--json']), 1, message, { json: true });
      expectError(runBin(['graph', dir]), 1, message);
    } finally {
      chmodSync(join(dir, 'app.k8s.yaml'), 0o644);
    }
  }, 60_000);

  asUnprivileged('an unreadable folder: one line naming it, exit 1, no stack trace', () => {
    const parent = openDir();
    const dir = join(parent, 'dist');
    mkdirSync(dir);
    writeFileSync(join(dir, 'app.k8s.yaml'), CONFIG_MAP);
    chmodSync(dir, 0o000);
    try {
      expectError(runBin(['graph', dir]), 1, `cannot read ${dir}: permission denied`);
    } finally {
      chmodSync(dir, 0o755);
    }
  }, 60_000);

  asUnprivileged('an unreadable kubeconfig: one line naming it, exit 1, before any call to the cluster', () => {
    const dir = openDir();
    writeFileSync(join(dir, 'app.k8s.yaml'), CONFIG_MAP);
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, readFileSync(KUBECONFIG));
    chmodSync(kubeconfig, 0o000);
    try {
      expectError(runBin(['deploy', dir, '--kubeconfig', kubeconfig]), 1, `cannot read kubeconfig ${kubeconfig}: permission denied`);
    } finally {
      chmodSync(kubeconfig, 0o644);
    }
  }, 60_000);

  test('plan … | head -1: the closed pipe is left quietly, the command ends with its own exit code', () => {
    // More than a pipe's buffer (64 KiB) of plan, so writing goes on after head has gone.
    const before = dists.withFiles({ 'app.k8s.yaml': CONFIG_MAP });
    const after = dists.withFiles({
      'app.k8s.yaml': Array.from({ length: 3000 }, (_, i) => CONFIG_MAP.replace('name: a', `name: config-number-${i}`)).join('---\n'),
    });
    // The bin's stderr and then its exit status go to the shell's stderr; its stdout into head.
    const script = '{ "$NODE" -r ts-node/register/transpile-only "$MAIN" plan "$BEFORE" "$AFTER"; echo "exit $?" >&2; } | head -1';
    const run = spawnSync('sh', ['-c', script], {
      cwd: REPO,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, NODE: process.execPath, MAIN, BEFORE: before, AFTER: after },
    });
    expect(run.stdout).toBe(`Plan: ${before} → ${after}\n`);
    expect(run.stderr).toBe('exit 0\n');
  }, 60_000);

  test('an error as the bin prints it: one line, no stack trace; JSON with --json', () => {
    const missing = join(dists.empty(), 'dist');
    expectError(runBin(['graph', missing], { uid: undefined, gid: undefined }), 1, `${missing} is not a directory; pass the folder cdk8s synth wrote (e.g. dist/)`);
    expectError(runBin(['plan', missing, missing, '--json'], { uid: undefined, gid: undefined }), 1, `${missing} is not a directory; pass the folder cdk8s synth wrote (e.g. dist/)`, { json: true });
  }, 60_000);
});

describe('processIo', () => {
  /** A process whose streams record what is written, and fail on demand. */
  function fakeProcess(env: Record<string, string> = {}) {
    const stream = () => {
      const emitter = new EventEmitter() as EventEmitter & { written: string; write: (text: string) => boolean; isTTY?: boolean };
      emitter.written = '';
      emitter.write = (text: string) => {
        emitter.written += text;
        return true;
      };
      return emitter;
    };
    const listeners = new Map<string, (value: unknown) => void>();
    const proc = {
      stdout: stream(),
      stderr: stream(),
      env,
      exitCode: undefined as number | string | undefined,
      exited: undefined as number | undefined,
      on: (event: string, listener: (value: unknown) => void) => listeners.set(event, listener),
      exit: (code?: number) => {
        proc.exited = code;
        return undefined as never;
      },
    };
    return { proc, listeners, io: processIo(proc as unknown as ProcessLike) };
  }
  const epipe = () => Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });

  test('after EPIPE on stdout, output is dropped quietly and the exit code is left alone', () => {
    const { proc, io } = fakeProcess();
    io.stdout.write('first\n');
    proc.stdout.emit('error', epipe());
    io.stdout.write('second\n');
    proc.stdout.emit('error', Object.assign(new Error('write after end'), { code: 'ERR_STREAM_DESTROYED' }));
    expect(proc.stdout.written).toBe('first\n');
    expect(proc.stderr.written).toBe('');
    expect(proc.exitCode).toBeUndefined();
  });

  test('another stdout error is one line on stderr and exit 1', () => {
    const { proc, io } = fakeProcess();
    proc.stdout.emit('error', Object.assign(new Error('EIO: i/o error, write\n    at somewhere'), { code: 'EIO' }));
    io.stdout.write('dropped\n');
    expect(proc.stderr.written).toBe('error: cannot write to stdout: EIO: i/o error, write\n');
    expect(proc.exitCode).toBe(1);
  });

  test('an error nothing caught is one line and exit 1; the stack only with IMMUTABLE_INFRA_DEBUG=1', () => {
    for (const event of ['uncaughtException', 'unhandledRejection']) {
      const { proc, listeners } = fakeProcess();
      listeners.get(event)!(new RangeError('Invalid array length'));
      expect(proc.stderr.written).toBe('error: Invalid array length (an unexpected error: IMMUTABLE_INFRA_DEBUG=1 shows its stack trace)\n');
      expect(proc.exited).toBe(1);
    }
    const { proc, listeners } = fakeProcess({ IMMUTABLE_INFRA_DEBUG: '1' });
    listeners.get('uncaughtException')!(new RangeError('Invalid array length'));
    expect(proc.stderr.written).toMatch(STACK_FRAME);
  });

  test('passes isTTY and the environment through', () => {
    const { proc, io } = fakeProcess({ NO_COLOR: '1' });
    proc.stdout.isTTY = true;
    expect(io.stdout.isTTY).toBe(true);
    expect(io.env).toEqual({ NO_COLOR: '1' });
  });
});
