import { readFileSync } from 'fs';
import { fileErrorReason } from '../plan/read-dist';
import { KubeconfigError } from './cluster-error';
import { ExecCredentials } from './exec-credential';
import type { ClusterAccess } from './kubeconfig';

/** What one request carries to prove who sends it. */
export interface RequestCredentials {
  /** The `Authorization` header. */
  readonly authorization?: string;
  /** The client certificate and key, PEM. */
  readonly clientCertificate?: { readonly cert: Buffer; readonly key: Buffer };
}

/** The credentials of a kubeconfig user, ready for each request. */
export class CredentialSource {
  private readonly exec?: ExecCredentials;

  /**
   * @param execTimeoutMs how long a credential plugin may run
   * @param env the environment a credential plugin runs in
   */
  constructor(private readonly access: ClusterAccess, execTimeoutMs: number, env: Readonly<Record<string, string | undefined>>) {
    const { user } = access;
    this.exec = user.exec === undefined ? undefined : new ExecCredentials(user.exec, user.where, access, execTimeoutMs, env);
  }

  /**
   * The credentials for the next request: the token (`tokenFile` read
   * again each time), basic authentication, the client certificate, or
   * what the credential plugin issued.
   *
   * @throws KubeconfigError when the token file cannot be read or the plugin fails
   */
  public async current(): Promise<RequestCredentials> {
    const { user } = this.access;
    if (this.exec !== undefined) {
      const issued = await this.exec.current();
      return { authorization: issued.token === undefined ? undefined : `Bearer ${issued.token}`, clientCertificate: issued.clientCertificate };
    }
    const token = user.token ?? (user.tokenFile === undefined ? undefined : readToken(user.tokenFile, user.where));
    const basic = user.basic === undefined ? undefined : `Basic ${Buffer.from(`${user.basic.username}:${user.basic.password}`).toString('base64')}`;
    return { authorization: token === undefined ? basic : `Bearer ${token}`, clientCertificate: user.clientCertificate };
  }

  /**
   * Forgets credentials the API server refused (401), when new ones may
   * help: a credential plugin's.
   *
   * @returns whether the request is worth sending again
   */
  public refused(): boolean {
    this.exec?.invalidate();
    return this.exec !== undefined;
  }
}

function readToken(file: string, where: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new KubeconfigError(`${where}: cannot read tokenFile ${file}: ${fileErrorReason(error, file)}`);
  }
}
