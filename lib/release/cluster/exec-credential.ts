import { spawn } from 'child_process';
import { KubeconfigError } from './cluster-error';
import type { ServerTls } from './kubeconfig';
import { ExecPlugin } from './kubeconfig-user';

/** What a credential plugin issued. */
export interface IssuedCredential {
  /** A bearer token (`status.token`). */
  readonly token?: string;
  /** A client certificate and key, PEM (`status.clientCertificateData`, `status.clientKeyData`). */
  readonly clientCertificate?: { readonly cert: Buffer; readonly key: Buffer };
  /** When it expires, ms since the epoch (`status.expirationTimestamp`); `undefined`: never. */
  readonly expiresAt?: number;
}

/** The cluster a plugin issues credentials for, as `KUBERNETES_EXEC_INFO` tells it (`provideClusterInfo`). */
export interface ExecCluster {
  readonly server: URL;
  readonly tls: ServerTls;
}

/** The most output of a plugin read. */
const MAX_OUTPUT = 1024 * 1024;

/**
 * The credentials of a kubeconfig's exec credential plugin: runs the
 * plugin (its `args`, its `env` added, `KUBERNETES_EXEC_INFO` set, no
 * terminal), reads the `ExecCredential` it prints, and keeps it until its
 * `expirationTimestamp` (or until {@link invalidate}); concurrent requests
 * share one run.
 */
export class ExecCredentials {
  private issued?: IssuedCredential;
  private running?: Promise<IssuedCredential>;

  /**
   * @param where names the user in messages
   * @param timeoutMs how long the plugin may run before it is stopped
   * @param env the environment the plugin runs in (before its own `env`)
   */
  constructor(
    private readonly plugin: ExecPlugin,
    private readonly where: string,
    private readonly cluster: ExecCluster,
    private readonly timeoutMs: number,
    private readonly env: Readonly<Record<string, string | undefined>>,
  ) {}

  /**
   * The credential to send now: the one issued before while it has not
   * expired, else a new one.
   *
   * @throws KubeconfigError when the plugin is not found, fails, prints no ExecCredential or does not return in time
   */
  public async current(): Promise<IssuedCredential> {
    if (this.issued !== undefined && (this.issued.expiresAt === undefined || this.issued.expiresAt > Date.now())) {
      return this.issued;
    }
    this.running ??= this.run().finally(() => {
      this.running = undefined;
    });
    this.issued = await this.running;
    return this.issued;
  }

  /** Forgets the issued credential (the API server refused it), so the next request runs the plugin again. */
  public invalidate(): void {
    this.issued = undefined;
  }

  private run(): Promise<IssuedCredential> {
    const { plugin, where } = this;
    const name = `the exec credential plugin '${plugin.command}'`;
    return new Promise((resolve, reject) => {
      const child = spawn(plugin.command, [...plugin.args], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...this.env, ...plugin.env, KUBERNETES_EXEC_INFO: JSON.stringify(this.execInfo()) },
      });
      let stdout = '';
      let stderr = '';
      let stopped = false;
      const timer = setTimeout(() => {
        stopped = true;
        child.kill('SIGKILL');
      }, this.timeoutMs);
      child.stdout.on('data', (chunk: Buffer) => (stdout = (stdout + chunk.toString('utf8')).slice(0, MAX_OUTPUT)));
      child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-MAX_OUTPUT)));
      child.on('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new KubeconfigError(error.code === 'ENOENT'
          ? `${where}: ${name} was not found${plugin.installHint === undefined ? '' : ` (${plugin.installHint.trim().split('\n').join(' ')})`}`
          : `${where}: ${name} could not run: ${error.message}`));
      });
      child.on('close', (status) => {
        clearTimeout(timer);
        if (stopped) {
          reject(new KubeconfigError(`${where}: ${name} did not return within ${this.timeoutMs / 1000}s and was stopped`));
        } else if (status !== 0) {
          const said = stderr.trim().split('\n').filter((l) => l.trim() !== '').slice(-3).join(' ');
          reject(new KubeconfigError(`${where}: ${name} failed (exit ${status})${said === '' ? '' : `: ${said}`}`));
        } else {
          try {
            resolve(this.parse(stdout));
          } catch (error) {
            reject(new KubeconfigError(`${where}: ${name} printed no usable ExecCredential: ${(error as Error).message}`));
          }
        }
      });
    });
  }

  /** `KUBERNETES_EXEC_INFO`: an ExecCredential with the spec (not interactive; the cluster when `provideClusterInfo`). */
  private execInfo(): object {
    const { server, tls } = this.cluster;
    const cluster = {
      'server': server.toString().replace(/\/$/, ''),
      'tls-server-name': tls.serverName,
      'insecure-skip-tls-verify': tls.insecure || undefined,
      'certificate-authority-data': tls.ca?.toString('base64'),
    };
    return {
      apiVersion: this.plugin.apiVersion,
      kind: 'ExecCredential',
      spec: { interactive: false, ...(this.plugin.provideClusterInfo ? { cluster } : {}) },
    };
  }

  /** @throws Error saying what is wrong with the output */
  private parse(stdout: string): IssuedCredential {
    let output: { apiVersion?: unknown; kind?: unknown; status?: Record<string, unknown> };
    try {
      output = JSON.parse(stdout);
    } catch (error) {
      throw new Error(`its output is not JSON (${(error as Error).message})`);
    }
    if (output?.kind !== 'ExecCredential' || output.apiVersion !== this.plugin.apiVersion) {
      throw new Error(`expected kind ExecCredential of apiVersion ${this.plugin.apiVersion}, got ${String(output?.kind)} of ${String(output?.apiVersion)}`);
    }
    const status = output.status ?? {};
    const { token, clientCertificateData, clientKeyData, expirationTimestamp } = status;
    const hasCert = typeof clientCertificateData === 'string' && clientCertificateData !== '';
    const hasKey = typeof clientKeyData === 'string' && clientKeyData !== '';
    if (hasCert !== hasKey) {
      throw new Error('status has clientCertificateData or clientKeyData, not both');
    }
    if ((typeof token !== 'string' || token === '') && !hasCert) {
      throw new Error('status has neither token nor clientCertificateData and clientKeyData');
    }
    let expiresAt: number | undefined;
    if (expirationTimestamp !== undefined && expirationTimestamp !== null) {
      expiresAt = Date.parse(String(expirationTimestamp));
      if (Number.isNaN(expiresAt)) {
        throw new Error(`status.expirationTimestamp '${String(expirationTimestamp)}' is not a time`);
      }
    }
    return {
      token: typeof token === 'string' && token !== '' ? token : undefined,
      clientCertificate: hasCert ? { cert: Buffer.from(clientCertificateData as string), key: Buffer.from(clientKeyData as string) } : undefined,
      expiresAt,
    };
  }
}
