import { spawn, spawnSync } from 'child_process';
import { accessSync, constants, statSync } from 'fs';
import { delimiter, join } from 'path';

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
}

/** Runs kubectl against one cluster, synchronously. */
export class Kubectl {
  private readonly globalArgs: readonly string[];

  constructor(private readonly options: KubectlOptions) {
    this.globalArgs = [
      ...(options.kubeconfig === undefined ? [] : [`--kubeconfig=${options.kubeconfig}`]),
      ...(options.context === undefined ? [] : [`--context=${options.context}`]),
    ];
  }

  /** Runs `kubectl <args>`, `input` on stdin; never throws on a non-zero exit. */
  public run(args: readonly string[], input?: string): KubectlResult {
    const result = spawnSync(this.options.binary, [...this.globalArgs, ...args], {
      input,
      encoding: 'utf8',
      maxBuffer: 512 * 1024 * 1024,
    });
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
      child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      child.on('error', (error) => reject(new KubectlError(`kubectl (${this.options.binary}) could not run: ${error.message}`)));
      child.on('close', (status) => resolve({
        status: status ?? -1,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      }));
      child.stdin.on('error', () => undefined);
      child.stdin.end(input ?? '');
    });
  }

  /**
   * Runs `kubectl <args>` in the background and returns its stdout.
   *
   * @throws KubectlError with kubectl's stderr when it exits non-zero
   */
  public async outputAsync(args: readonly string[]): Promise<string> {
    const result = await this.runAsync(args);
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
