import { Agent as HttpAgent, IncomingMessage, request as httpRequest, STATUS_CODES } from 'http';
import { Agent as HttpsAgent, request as httpsRequest } from 'https';
import { sleep } from './bounded';
import { ApiStatusError, ClusterError } from './cluster-error';
import { ClusterAccess, KubeconfigSelection, readKubeconfig } from './kubeconfig';
import { CredentialSource } from './request-credentials';

/** Options of a {@link KubeApi}. */
export interface KubeApiOptions {
  /**
   * How long each request may take, in seconds (kubectl's
   * `--request-timeout`): it bounds every call to a cluster that accepts
   * connections and never answers; a credential plugin gets as long.
   * @default 60
   */
  readonly requestTimeoutSeconds?: number;
  /**
   * The most connections open to the API server at once (kept alive
   * between requests); more requests wait for one.
   * @default 16
   */
  readonly maxSockets?: number;
  /**
   * The environment a credential plugin (`users[].user.exec`) runs in, and
   * where `$KUBECONFIG` is read.
   * @default process.env
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** One request to the API server. */
export interface ApiRequest {
  readonly method: 'GET' | 'PATCH' | 'DELETE';
  /** The API path, e.g. `/api/v1/namespaces/shop/configmaps/web` (the server URL's own path goes before it). */
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  /** The request body (JSON text). */
  readonly body?: string;
  /** The body's content type. @default application/json */
  readonly contentType?: string;
}

/** A response as read. */
interface ApiResponse {
  readonly status: number;
  readonly body: string;
  /** The `Retry-After` header, in seconds. */
  readonly retryAfterSeconds?: number;
}

/** The default of {@link KubeApiOptions.requestTimeoutSeconds}. */
export const DEFAULT_REQUEST_TIMEOUT_SECONDS = 60;
const DEFAULT_MAX_SOCKETS = 16;
/** How often a request the API server asks to send again later is sent again (client-go's limit). */
const MAX_RETRIES = 10;
/** The longest wait before sending a request again, in seconds. */
const MOST_RETRY_WAIT_SECONDS = 10;

/**
 * A client of one cluster's API server, over HTTPS (or HTTP) with
 * connections kept alive and bounded, authenticated as a kubeconfig says
 * (see `readKubeconfig`). Every request is bounded by the request timeout;
 * an answer that is not 2xx is an {@link ApiStatusError}.
 */
export class KubeApi {
  /**
   * A client for the cluster and user of a kubeconfig context.
   *
   * @throws KubeconfigError when the kubeconfig cannot be used
   */
  public static connect(selection: KubeconfigSelection, options: KubeApiOptions = {}): KubeApi {
    return new KubeApi(readKubeconfig(selection, options.env ?? process.env), options);
  }

  /** How long each request may take, in seconds. */
  public readonly requestTimeoutSeconds: number;
  private readonly agent: HttpAgent;
  private readonly credentials: CredentialSource;
  private readonly origin: string;
  private readonly prefix: string;

  constructor(public readonly access: ClusterAccess, options: KubeApiOptions = {}) {
    this.requestTimeoutSeconds = options.requestTimeoutSeconds ?? DEFAULT_REQUEST_TIMEOUT_SECONDS;
    const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? DEFAULT_MAX_SOCKETS };
    this.agent = access.server.protocol === 'https:' ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
    this.credentials = new CredentialSource(access, this.requestTimeoutSeconds * 1000, options.env ?? process.env);
    this.origin = access.server.origin;
    this.prefix = access.server.pathname.replace(/\/+$/, '');
  }

  /** The kubeconfig context's namespace (where objects that name none go), else `default`. */
  public get namespace(): string {
    return this.access.namespace;
  }

  /**
   * Sends a request and returns the parsed JSON answer (`undefined` for an
   * empty one). A 401 with credentials from a credential plugin runs the
   * plugin again and sends the request once more. An answer that asks to
   * come back later (429, or a 5xx with `Retry-After`: the API server
   * starting, throttling) is waited for and sent again, up to 10 times, as
   * client-go does.
   *
   * @throws ApiStatusError for a non-2xx answer; ClusterError when the server cannot be reached or does not answer in time; KubeconfigError when credentials cannot be had
   */
  public async request<T = unknown>(request: ApiRequest): Promise<T> {
    let response = await this.send(request);
    if (response.status === 401 && this.credentials.refused()) {
      response = await this.send(request);
    }
    for (let retry = 1; retry <= MAX_RETRIES && askedToRetry(response); retry++) {
      await sleep(Math.min(response.retryAfterSeconds ?? 1, MOST_RETRY_WAIT_SECONDS) * 1000);
      response = await this.send(request);
    }
    if (response.status < 200 || response.status > 299) {
      throw statusError(response);
    }
    try {
      return (response.body === '' ? undefined : JSON.parse(response.body)) as T;
    } catch (error) {
      throw new ClusterError(`the API server at ${this.origin} answered ${request.method} ${request.path} with something that is not JSON: ${(error as Error).message}`);
    }
  }

  /** Closes the connections kept alive. */
  public close(): void {
    this.agent.destroy();
  }

  private async send(request: ApiRequest): Promise<ApiResponse> {
    const { server, tls } = this.access;
    const credentials = await this.credentials.current();
    const query = new URLSearchParams(request.query ?? {}).toString();
    const path = `${this.prefix}${request.path}${query === '' ? '' : `?${query}`}`;
    const body = request.body === undefined ? undefined : Buffer.from(request.body, 'utf8');
    const timeoutMs = this.requestTimeoutSeconds * 1000;
    const send = server.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const fail = (error: Error) => reject(error instanceof ClusterError ? error
        : new ClusterError(`cannot reach the API server at ${this.origin} (${request.method} ${request.path}): ${error.message}`));
      const req = send({
        protocol: server.protocol,
        hostname: server.hostname.replace(/^\[|\]$/g, ''),
        port: server.port,
        path,
        method: request.method,
        agent: this.agent,
        headers: {
          'Accept': 'application/json',
          'User-Agent': 'immutable-infra',
          ...(credentials.authorization === undefined ? {} : { Authorization: credentials.authorization }),
          ...(body === undefined ? {} : { 'Content-Type': request.contentType ?? 'application/json', 'Content-Length': body.length }),
        },
        ca: tls.ca,
        rejectUnauthorized: !tls.insecure,
        servername: tls.serverName,
        cert: credentials.clientCertificate?.cert,
        key: credentials.clientCertificate?.key,
      }, (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', fail);
        res.on('end', () => {
          clearTimeout(timer);
          const retryAfter = Number(res.headers['retry-after']);
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : undefined,
          });
        });
      });
      const timer = setTimeout(() => req.destroy(new ClusterError(
        `the API server at ${this.origin} did not answer ${request.method} ${request.path} within ${this.requestTimeoutSeconds}s (the request timeout)`)), timeoutMs);
      req.on('error', (error) => {
        clearTimeout(timer);
        fail(error);
      });
      req.end(body);
    });
  }
}

/** Whether the API server asks for the request again later: 429, or a 5xx with `Retry-After`. */
function askedToRetry(response: ApiResponse): boolean {
  return response.status === 429 || (response.status >= 500 && response.retryAfterSeconds !== undefined);
}

/** The error of a non-2xx answer: the API `Status`'s reason and message, else the HTTP status and the body. */
function statusError(response: ApiResponse): ApiStatusError {
  const httpReason = (STATUS_CODES[response.status] ?? `HTTP ${response.status}`).replace(/ /g, '');
  try {
    const status = JSON.parse(response.body) as { kind?: string; reason?: string; message?: string };
    if (status?.kind === 'Status') {
      return new ApiStatusError(response.status, status.reason || httpReason, status.message || `HTTP ${response.status}`);
    }
  } catch {
    // Not JSON: said below.
  }
  const text = response.body.trim().split('\n')[0].slice(0, 200);
  return new ApiStatusError(response.status, httpReason, text === '' ? `HTTP ${response.status}` : text);
}
