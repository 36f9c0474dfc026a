import { readFileSync, statSync } from 'fs';
import { homedir } from 'os';
import { delimiter, dirname, join, resolve } from 'path';
import { parseDocument } from 'yaml';
import { fileErrorReason } from '../plan/read-dist';
import { KubeconfigError } from './cluster-error';
import { pemOf } from './kubeconfig-pem';
import { readUserCredentials, UserCredentials } from './kubeconfig-user';

/** How the API server's certificate is checked. */
export interface ServerTls {
  /** The CA bundle (PEM) that signs the server's certificate; `undefined`: the system's CAs. */
  readonly ca?: Buffer;
  /** Skip the check (`insecure-skip-tls-verify`). */
  readonly insecure: boolean;
  /** The name the certificate must carry, and the TLS SNI (`tls-server-name`); `undefined`: the server URL's host. */
  readonly serverName?: string;
}

/** What a kubeconfig says about reaching one cluster as one user. */
export interface ClusterAccess {
  /** The kubeconfig file read. */
  readonly file: string;
  /** The context used. */
  readonly context: string;
  /** The API server's URL (a path prefix included). */
  readonly server: URL;
  readonly tls: ServerTls;
  /** The context's namespace (where objects that name none go), else `default`. */
  readonly namespace: string;
  readonly user: UserCredentials;
}

/** Where to find the kubeconfig, and which context of it to use. */
export interface KubeconfigSelection {
  /**
   * The kubeconfig file.
   * @default - the first file of $KUBECONFIG, else ~/.kube/config
   */
  readonly kubeconfig?: string;
  /**
   * The context.
   * @default - the kubeconfig's current-context
   */
  readonly context?: string;
}

type Json = Record<string, unknown>;

/** The kubeconfig file: `flag`, else the first file of `$KUBECONFIG`, else `~/.kube/config`. */
export function kubeconfigPath(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  if (flag !== undefined) {
    return flag;
  }
  const first = (env.KUBECONFIG ?? '').split(delimiter).find((p) => p !== '');
  return first ?? join(homedir(), '.kube', 'config');
}

/**
 * Reads a kubeconfig and resolves one context of it to the cluster and user
 * it names: the server, its CA (file or data, relative files resolved
 * against the kubeconfig's directory), `insecure-skip-tls-verify`,
 * `tls-server-name`, the context's namespace and the user's credentials
 * (see `readUserCredentials`). Reads files only: nothing is sent, no
 * credential plugin runs.
 *
 * @throws KubeconfigError, one line naming the file and what is wrong (or not supported)
 */
export function readKubeconfig(selection: KubeconfigSelection, env: Readonly<Record<string, string | undefined>>): ClusterAccess {
  const file = kubeconfigPath(selection.kubeconfig, env);
  const config = readConfig(file);
  const contexts = namedEntries(config.contexts);
  const clusters = namedEntries(config.clusters);
  const users = namedEntries(config.users);
  if (contexts === undefined || clusters === undefined || users === undefined) {
    const list = contexts === undefined ? 'contexts' : clusters === undefined ? 'clusters' : 'users';
    throw new KubeconfigError(`kubeconfig ${file} is not a kubeconfig: ${list} must be a list of { name, … }`);
  }
  const listed = `its contexts: ${[...contexts.keys()].join(', ') || 'none'}`;
  const currentContext = config['current-context'];
  let name = selection.context;
  if (name === undefined) {
    if (typeof currentContext !== 'string' || currentContext === '') {
      throw new KubeconfigError(`kubeconfig ${file} sets no current-context; pass --context <name> (${listed})`);
    }
    name = currentContext;
  }
  const context = contexts.get(name)?.context as Json | undefined;
  if (!contexts.has(name)) {
    const source = selection.context === undefined ? 'its current-context' : '--context';
    throw new KubeconfigError(`kubeconfig ${file} has no context '${name}' (${source}); ${listed}`);
  }
  const clusterName = context?.cluster;
  if (typeof clusterName !== 'string' || !clusters.has(clusterName)) {
    const clusterList = `its clusters: ${[...clusters.keys()].join(', ') || 'none'}`;
    throw new KubeconfigError(`kubeconfig ${file}: context '${name}' names ${typeof clusterName === 'string' ? `cluster '${clusterName}', which it does not have` : 'no cluster'}; ${clusterList}`);
  }
  const userName = context?.user;
  if (typeof userName === 'string' && userName !== '' && !users.has(userName)) {
    throw new KubeconfigError(`kubeconfig ${file}: context '${name}' names user '${userName}', which it does not have; its users: ${[...users.keys()].join(', ') || 'none'}`);
  }
  const cluster = (clusters.get(clusterName)?.cluster ?? {}) as Json;
  const where = `kubeconfig ${file}: cluster '${clusterName}'`;
  const namespace = typeof context?.namespace === 'string' && context.namespace !== '' ? context.namespace : 'default';
  const user = typeof userName === 'string' && userName !== '' ? (users.get(userName)?.user ?? {}) as Json : {};
  const fileOf = (path: string) => resolve(dirname(file), path);
  return {
    file,
    context: name,
    server: serverUrl(cluster, where),
    tls: serverTls(cluster, where, fileOf),
    namespace,
    user: readUserCredentials(user, `kubeconfig ${file}: user '${userName}'`, fileOf),
  };
}

/** The kubeconfig's top level; the file must be YAML (or JSON) holding `clusters`, `contexts` or `current-context`. */
function readConfig(file: string): Json {
  let text: string;
  try {
    if (statSync(file).isDirectory()) {
      throw new KubeconfigError(`kubeconfig ${file} is a directory; pass the kubeconfig file`);
    }
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof KubeconfigError) {
      throw error;
    }
    throw new KubeconfigError(`cannot read kubeconfig ${file}: ${fileErrorReason(error, file)}`);
  }
  const document = parseDocument(text);
  if (document.errors.length > 0) {
    throw new KubeconfigError(`kubeconfig ${file} is not valid YAML: ${document.errors[0].message.split('\n')[0].replace(/:$/, '')}`);
  }
  let config: unknown;
  try {
    config = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new KubeconfigError(`kubeconfig ${file} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const notKubeconfig = `kubeconfig ${file} is not a kubeconfig (it has no clusters, contexts or current-context)`;
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new KubeconfigError(notKubeconfig);
  }
  const top = config as Json;
  if (top.clusters === undefined && top.contexts === undefined && top['current-context'] === undefined) {
    throw new KubeconfigError(notKubeconfig);
  }
  return top;
}

function serverUrl(cluster: Json, where: string): URL {
  if (cluster['proxy-url'] !== undefined) {
    throw new KubeconfigError(`${where} sets proxy-url, which immutable-infra does not support; reach the API server directly`);
  }
  const server = cluster.server;
  if (typeof server !== 'string' || server === '') {
    throw new KubeconfigError(`${where} has no server`);
  }
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new KubeconfigError(`${where}: server '${server}' is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new KubeconfigError(`${where}: server '${server}' is not an https:// or http:// URL`);
  }
  return url;
}

function serverTls(cluster: Json, where: string, fileOf: (path: string) => string): ServerTls {
  const insecure = cluster['insecure-skip-tls-verify'] === true;
  if (insecure && (cluster['certificate-authority'] || cluster['certificate-authority-data'])) {
    throw new KubeconfigError(`${where} sets both insecure-skip-tls-verify and a certificate-authority; keep one`);
  }
  const ca = pemOf(cluster, 'certificate-authority', where, fileOf);
  const serverName = cluster['tls-server-name'];
  return { ca, insecure, serverName: typeof serverName === 'string' && serverName !== '' ? serverName : undefined };
}

/** The entries of a kubeconfig list (`clusters`, `contexts`, `users`) by name; absent is empty; `undefined` when it is not such a list. */
function namedEntries(list: unknown): Map<string, Json> | undefined {
  if (list === undefined || list === null) {
    return new Map();
  }
  if (!Array.isArray(list)) {
    return undefined;
  }
  const entries = new Map<string, Json>();
  for (const entry of list) {
    if (typeof entry !== 'object' || entry === null || typeof (entry as { name?: unknown }).name !== 'string') {
      return undefined;
    }
    entries.set((entry as { name: string }).name, entry as Json);
  }
  return entries;
}
