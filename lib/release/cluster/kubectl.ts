import { spawn, spawnSync } from 'child_process';
import { accessSync, constants, readFileSync, statSync } from 'fs';
import { delimiter, join } from 'path';
import { parseDocument } from 'yaml';
import { fileErrorReason } from '../plan/read-dist';

/** The result of one kubectl call. */
export interface KubectlResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** kubectl could not be found or run, or a call that must succeed failed. */
export class KubectlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubectlError';
  }
}

/** Options of {@link Kubectl}. */
export interface KubectlOptions {
  /** Path of the kubectl binary (see {@link findKubectl}). */
  readonly binary: string;
  /**
   * The kubeconfig file.
   * @default - kubectl's own choice: $KUBECONFIG, else ~/.kube/config
   */
  readonly kubeconfig?: string;
  /**
   * The kubeconfig context.
   * @default - the kubeconfig's current context
   */
  readonly context?: string;
  /**
   * How long kubectl waits for each request to the API server before giving up
   * (`--request-timeout`), in seconds; it bounds every call to a cluster that
   * accepts connections and never answers.
   * @default - kubectl's own: no timeout (the CLI passes 60)
   */
  readonly requestTimeoutSeconds?: number;
  /**
   * How long one kubectl process may run before it is killed, in seconds: it
   * bounds what `requestTimeoutSeconds` does not, such as a credential plugin
   * (`users[].user.exec`) that never returns.
   * @default - no limit
   */
  readonly processTimeoutSeconds?: number;
}

/** Runs kubectl against one cluster, synchronously. */
export class Kubectl {
  private readonly globalArgs: readonly string[];

  constructor(private readonly options: KubectlOptions) {
    this.globalArgs = [
      ...(options.kubeconfig === undefined ? [] : [`--kubeconfig=${options.kubeconfig}`]),
      ...(options.context === undefined ? [] : [`--context=${options.context}`]),
      ...(options.requestTimeoutSeconds === undefined ? [] : [`--request-timeout=${options.requestTimeoutSeconds}s`]),
    ];
  }

  /** How long each request may take (`--request-timeout`), in seconds; `undefined` when kubectl's own default applies. */
  public get requestTimeoutSeconds(): number | undefined {
    return this.options.requestTimeoutSeconds;
  }

  /** The same kubectl, each process bounded by `seconds` instead. */
  public withProcessTimeout(seconds: number): Kubectl {
    return new Kubectl({ ...this.options, processTimeoutSeconds: seconds });
  }

  /** Runs `kubectl <args>`, `input` on stdin; never throws on a non-zero exit. */
  public run(args: readonly string[], input?: string): KubectlResult {
    const result = spawnSync(this.options.binary, [...this.globalArgs, ...args], {
      input,
      encoding: 'utf8',
      maxBuffer: 512 * 1024 * 1024,
      timeout: this.processTimeoutMs(),
      killSignal: 'SIGKILL',
    });
    if (result.error !== undefined && (result.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') {
      throw this.timedOut(args);
    }
    if (result.error !== undefined) {
      throw new KubectlError(`kubectl (${this.options.binary}) could not run: ${result.error.message}`);
    }
    return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
  }

  /** Runs `kubectl <args>` in the background, `input` on stdin; never rejects on a non-zero exit. */
  public runAsync(args: readonly string[], input?: string): Promise<KubectlResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.options.binary, [...this.globalArgs, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let killed = false;
      const limit = this.processTimeoutMs();
      const timer = limit === undefined ? undefined : setTimeout(() => {
        killed = true;
        child.kill('SIGKILL');
      }, limit);
      child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(new KubectlError(`kubectl (${this.options.binary}) could not run: ${error.message}`));
      });
      child.on('close', (status) => {
        clearTimeout(timer);
        if (killed) {
          reject(this.timedOut(args));
          return;
        }
        resolve({
          status: status ?? -1,
          stdout: Buffer.concat(stdout).toString('utf8'),
          stderr: Buffer.concat(stderr).toString('utf8'),
        });
      });
      child.stdin.on('error', () => undefined);
      child.stdin.end(input ?? '');
    });
  }

  /**
   * Runs `kubectl <args>` in the background, `input` on stdin, and returns its stdout.
   *
   * @throws KubectlError with kubectl's stderr when it exits non-zero
   */
  public async outputAsync(args: readonly string[], input?: string): Promise<string> {
    const result = await this.runAsync(args, input);
    if (result.status !== 0) {
      throw new KubectlError(`kubectl ${args.join(' ')} failed (exit ${result.status}): ${result.stderr.trim()}`);
    }
    return result.stdout;
  }

  /**
   * Runs `kubectl <args>` and returns its stdout.
   *
   * @throws KubectlError with kubectl's stderr when it exits non-zero
   */
  public output(args: readonly string[]): string {
    const result = this.run(args);
    if (result.status !== 0) {
      throw new KubectlError(`kubectl ${args.join(' ')} failed (exit ${result.status}): ${result.stderr.trim()}`);
    }
    return result.stdout;
  }

  private processTimeoutMs(): number | undefined {
    return this.options.processTimeoutSeconds === undefined ? undefined : this.options.processTimeoutSeconds * 1000;
  }

  private timedOut(args: readonly string[]): KubectlError {
    return new KubectlError(`kubectl ${args[0]} did not finish within ${this.options.processTimeoutSeconds}s and was stopped: ` +
      'the cluster does not answer, or a credential plugin of the kubeconfig (users[].user.exec) never returns');
  }
}

/** A kubeconfig kubectl cannot use: missing, unreadable, not a kubeconfig, or without the context asked for. */
export class KubeconfigError extends KubectlError {
  constructor(message: string) {
    super(message);
    this.name = 'KubeconfigError';
  }
}

/**
 * Checks, before any call to a cluster, that `path` is a kubeconfig kubectl
 * can use for `context`: a readable file of YAML (or JSON) holding `clusters`,
 * `contexts` or `current-context`, whose context (`context`, else its
 * `current-context`) is one of its `contexts` and names one of its
 * `clusters`. Without this, kubectl falls back to `localhost:8080` when the
 * file names no context, and a wrong file only shows as a failed first call.
 * Reads the file only: no credential plugin runs, nothing is sent.
 *
 * @param context the `--context` given, if any
 * @throws KubeconfigError, one line naming the file and what is wrong
 */
export function checkKubeconfig(path: string, context?: string): void {
  let text: string;
  try {
    if (statSync(path).isDirectory()) {
      throw new KubeconfigError(`kubeconfig ${path} is a directory; pass the kubeconfig file`);
    }
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof KubeconfigError) {
      throw error;
    }
    throw new KubeconfigError(`cannot read kubeconfig ${path}: ${fileErrorReason(error, path)}`);
  }
  const document = parseDocument(text);
  if (document.errors.length > 0) {
    throw new KubeconfigError(`kubeconfig ${path} is not valid YAML: ${document.errors[0].message.split('\n')[0].replace(/:$/, '')}`);
  }
  let config: unknown;
  try {
    config = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new KubeconfigError(`kubeconfig ${path} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const notKubeconfig = `kubeconfig ${path} is not a kubeconfig (it has no clusters, contexts or current-context)`;
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new KubeconfigError(notKubeconfig);
  }
  const { clusters, contexts } = config as Record<string, unknown>;
  const currentContext = (config as Record<string, unknown>)['current-context'];
  if (clusters === undefined && contexts === undefined && currentContext === undefined) {
    throw new KubeconfigError(notKubeconfig);
  }
  const contextNames = namedEntries(contexts);
  const clusterNames = namedEntries(clusters);
  if (contextNames === undefined || clusterNames === undefined) {
    throw new KubeconfigError(`kubeconfig ${path} is not a kubeconfig: ${contextNames === undefined ? 'contexts' : 'clusters'} must be a list of { name, … }`);
  }
  const listed = `its contexts: ${[...contextNames.keys()].join(', ') || 'none'}`;
  let name = context;
  if (name === undefined) {
    if (typeof currentContext !== 'string' || currentContext === '') {
      throw new KubeconfigError(`kubeconfig ${path} sets no current-context; pass --context <name> (${listed})`);
    }
    name = currentContext;
  }
  if (!contextNames.has(name)) {
    const source = context === undefined ? 'its current-context' : '--context';
    throw new KubeconfigError(`kubeconfig ${path} has no context '${name}' (${source}); ${listed}`);
  }
  const entry = contextNames.get(name) as { context?: { cluster?: unknown } };
  const cluster = entry.context?.cluster;
  if (typeof cluster !== 'string' || !clusterNames.has(cluster)) {
    const clusterList = `its clusters: ${[...clusterNames.keys()].join(', ') || 'none'}`;
    throw new KubeconfigError(`kubeconfig ${path}: context '${name}' names ${typeof cluster === 'string' ? `cluster '${cluster}', which it does not have` : 'no cluster'}; ${clusterList}`);
  }
}

/** The entries of a kubeconfig list (`clusters`, `contexts`) by name; absent is empty; `undefined` when it is not such a list. */
function namedEntries(list: unknown): Map<string, unknown> | undefined {
  if (list === undefined || list === null) {
    return new Map();
  }
  if (!Array.isArray(list)) {
    return undefined;
  }
  const entries = new Map<string, unknown>();
  for (const entry of list) {
    if (typeof entry !== 'object' || entry === null || typeof (entry as { name?: unknown }).name !== 'string') {
      return undefined;
    }
    entries.set((entry as { name: string }).name, entry);
  }
  return entries;
}

/**
 * The kubectl to use: `flag` (`--kubectl`), else `$KUBECTL`, else `kubectl`
 * on `$PATH`.
 *
 * @throws KubectlError when the chosen one is not an executable file, or none is on the PATH
 */
export function findKubectl(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  const chosen = flag ?? (env.KUBECTL === undefined || env.KUBECTL === '' ? undefined : env.KUBECTL);
  if (chosen !== undefined) {
    if (!isExecutableFile(chosen)) {
      const source = flag === undefined ? 'KUBECTL' : '--kubectl';
      throw new KubectlError(`kubectl not found: ${source} is '${chosen}', which is not an executable file`);
    }
    return chosen;
  }
  for (const dir of (env.PATH ?? '').split(delimiter).filter((d) => d !== '')) {
    const candidate = join(dir, 'kubectl');
    if (isExecutableFile(candidate)) {
      return candidate;
    }
  }
  throw new KubectlError('kubectl not found: pass --kubectl <path>, set KUBECTL, or put kubectl on the PATH');
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The objects of `kubectl get -o json` output: a List's items, one object, or
 * nothing (empty output, as `--ignore-not-found` prints for none).
 *
 * @throws KubectlError when the output is not JSON
 */
export function kubectlItems<T = Record<string, unknown>>(stdout: string): T[] {
  if (stdout.trim() === '') {
    return [];
  }
  let parsed: { kind?: string; items?: T[] };
  try {
    parsed = JSON.parse(stdout);
  } catch (error) {
    throw new KubectlError(`kubectl get printed something that is not JSON: ${(error as Error).message}`);
  }
  return parsed.kind === 'List' && Array.isArray(parsed.items) ? parsed.items : [parsed as unknown as T];
}
