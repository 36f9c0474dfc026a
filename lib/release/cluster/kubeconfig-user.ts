import { isAbsolute, sep } from 'path';
import { KubeconfigError } from './cluster-error';
import { pemOf } from './kubeconfig-pem';

/** The API versions of credential plugins (`users[].user.exec`) supported. */
const EXEC_API_VERSIONS = ['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1'] as const;

/** A credential plugin of a kubeconfig user (`users[].user.exec`). */
export interface ExecPlugin {
  readonly apiVersion: typeof EXEC_API_VERSIONS[number];
  /** The command: a path (relative ones resolved against the kubeconfig's directory) or a name looked up on the PATH. */
  readonly command: string;
  readonly args: readonly string[];
  /** Variables added to the environment the plugin runs in. */
  readonly env: Readonly<Record<string, string>>;
  /** Pass the cluster's connection details to the plugin (`KUBERNETES_EXEC_INFO`'s `spec.cluster`). */
  readonly provideClusterInfo: boolean;
  /** What to tell the user when the command is not found. */
  readonly installHint?: string;
}

/** How a kubeconfig user proves who it is; nothing set: anonymous. */
export interface UserCredentials {
  /** Where the user is defined, for messages: `kubeconfig <file>: user '<name>'`. */
  readonly where: string;
  /** A bearer token (`token`). */
  readonly token?: string;
  /** A file holding a bearer token, read for each request (`tokenFile`), so a rotated token is picked up. */
  readonly tokenFile?: string;
  /** HTTP basic authentication (`username`, `password`). */
  readonly basic?: { readonly username: string; readonly password: string };
  /** A client certificate and its key, PEM (`client-certificate`/`-data`, `client-key`/`-data`). */
  readonly clientCertificate?: { readonly cert: Buffer; readonly key: Buffer };
  /** A credential plugin (`exec`). */
  readonly exec?: ExecPlugin;
}

type Json = Record<string, unknown>;

/** Ways of authenticating kubectl knows that are refused here, and why. */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  'auth-provider': 'auth-provider plugins were removed from kubectl (1.26); use an exec credential plugin',
  'as': 'impersonation (as) is not supported',
  'as-uid': 'impersonation (as-uid) is not supported',
  'as-groups': 'impersonation (as-groups) is not supported',
  'as-user-extra': 'impersonation (as-user-extra) is not supported',
};

/**
 * The credentials of a kubeconfig user: `token` (else `tokenFile`),
 * `username`/`password`, a client certificate and key (files relative to
 * the kubeconfig's directory, or `-data`), or an `exec` credential plugin
 * (`client.authentication.k8s.io/v1` or `v1beta1`). A client certificate
 * may go with a token or basic authentication; the others exclude each other.
 *
 * @param where names the user in messages
 * @param fileOf resolves a path relative to the kubeconfig's directory
 * @throws KubeconfigError for what cannot be used or is not supported
 */
export function readUserCredentials(user: Json, where: string, fileOf: (path: string) => string): UserCredentials {
  for (const [key, why] of Object.entries(UNSUPPORTED)) {
    if (user[key] !== undefined && user[key] !== null) {
      throw new KubeconfigError(`${where}: ${why}`);
    }
  }
  const token = nonEmpty(user.token);
  const tokenFile = nonEmpty(user.tokenFile);
  const username = nonEmpty(user.username);
  const password = typeof user.password === 'string' ? user.password : undefined;
  const exec = user.exec === undefined || user.exec === null ? undefined : execPlugin(user.exec, where, fileOf);
  const methods = [token !== undefined || tokenFile !== undefined ? 'token' : undefined, username !== undefined || password !== undefined ? 'username/password' : undefined, exec === undefined ? undefined : 'exec']
    .filter((m): m is string => m !== undefined);
  if (methods.length > 1) {
    throw new KubeconfigError(`${where} sets more than one way to authenticate (${methods.join(', ')}); keep one`);
  }
  if ((username === undefined) !== (password === undefined)) {
    throw new KubeconfigError(`${where} sets ${username === undefined ? 'a password without a username' : 'a username without a password'}`);
  }
  const cert = pemOf(user, 'client-certificate', where, fileOf);
  const key = pemOf(user, 'client-key', where, fileOf);
  if ((cert === undefined) !== (key === undefined)) {
    throw new KubeconfigError(`${where} sets ${cert === undefined ? 'a client-key without a client-certificate' : 'a client-certificate without a client-key'}`);
  }
  if (cert !== undefined && exec !== undefined) {
    throw new KubeconfigError(`${where} sets both a client certificate and an exec credential plugin; keep one`);
  }
  return {
    where,
    token,
    tokenFile: token === undefined && tokenFile !== undefined ? fileOf(tokenFile) : undefined,
    basic: username === undefined ? undefined : { username, password: password! },
    clientCertificate: cert === undefined ? undefined : { cert, key: key! },
    exec,
  };
}

function execPlugin(value: unknown, where: string, fileOf: (path: string) => string): ExecPlugin {
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new KubeconfigError(`${where}: exec must be a mapping with apiVersion and command`);
  }
  const exec = value as Json;
  const apiVersion = exec.apiVersion;
  if (!EXEC_API_VERSIONS.includes(apiVersion as ExecPlugin['apiVersion'])) {
    throw new KubeconfigError(`${where}: exec apiVersion '${String(apiVersion ?? '')}' is not supported; use ${EXEC_API_VERSIONS.join(' or ')}`);
  }
  const command = nonEmpty(exec.command);
  if (command === undefined) {
    throw new KubeconfigError(`${where}: exec has no command`);
  }
  if (exec.interactiveMode === 'Always') {
    throw new KubeconfigError(`${where}: the exec credential plugin needs a terminal (interactiveMode: Always), which immutable-infra does not give it`);
  }
  const args = exec.args ?? [];
  if (!Array.isArray(args) || args.some((a) => typeof a !== 'string')) {
    throw new KubeconfigError(`${where}: exec args must be a list of strings`);
  }
  const env = exec.env ?? [];
  if (!Array.isArray(env) || env.some((e) => typeof e?.name !== 'string' || typeof e?.value !== 'string')) {
    throw new KubeconfigError(`${where}: exec env must be a list of { name, value } strings`);
  }
  return {
    apiVersion: apiVersion as ExecPlugin['apiVersion'],
    command: command.includes(sep) && !isAbsolute(command) ? fileOf(command) : command,
    args: args as string[],
    env: Object.fromEntries((env as Array<{ name: string; value: string }>).map((e) => [e.name, e.value])),
    provideClusterInfo: exec.provideClusterInfo === true,
    installHint: nonEmpty(exec.installHint),
  };
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
