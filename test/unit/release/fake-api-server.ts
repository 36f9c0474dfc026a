import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { createServer, Server } from 'https';
import { tmpdir } from 'os';
import { join } from 'path';
import { TLSSocket } from 'tls';

/** The test PKI (test/unit/release/tls): a CA, a server certificate for 127.0.0.1, localhost and api.test, a client certificate (CN cert-user). */
export const TLS_DIR = join(__dirname, 'tls');
export const tlsFile = (name: string): string => join(TLS_DIR, name);
export const CA_PEM = readFileSync(tlsFile('ca.crt'));

/** One request the server received. */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
  /** The CN of the client certificate presented, if any. */
  readonly clientCommonName?: string;
}

/** What the server answers: a status, a JSON body and headers; `hang` never answers. */
export type Answer = { readonly status: number; readonly body?: unknown; readonly headers?: Readonly<Record<string, string>> } | 'hang';

/**
 * A local HTTPS API server on 127.0.0.1 for tests: it records each request
 * and answers as `handler` says; it asks for (but does not require) a
 * client certificate signed by the test CA.
 */
export class FakeApiServer {
  /** Starts a server on a free port. */
  public static async start(handler: (request: ReceivedRequest) => Answer | Promise<Answer>): Promise<FakeApiServer> {
    const fake = new FakeApiServer(handler);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  public readonly requests: ReceivedRequest[] = [];
  private readonly server: Server;
  private readonly dirs: string[] = [];

  private constructor(private handler: (request: ReceivedRequest) => Answer | Promise<Answer>) {
    this.server = createServer({
      key: readFileSync(tlsFile('server.key')),
      cert: readFileSync(tlsFile('server.crt')),
      ca: CA_PEM,
      requestCert: true,
      rejectUnauthorized: false,
    }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', async () => {
        const url = new URL(req.url ?? '/', 'https://127.0.0.1');
        const socket = req.socket as TLSSocket;
        const peer = socket.authorized ? socket.getPeerCertificate() : undefined;
        const request: ReceivedRequest = {
          method: req.method ?? 'GET',
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          clientCommonName: peer?.subject?.CN?.toString(),
        };
        this.requests.push(request);
        const answer = await this.handler(request);
        if (answer !== 'hang') {
          res.writeHead(answer.status, { 'Content-Type': 'application/json', ...answer.headers });
          res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
        }
      });
    });
  }

  /** The server's URL. */
  public get url(): string {
    const address = this.server.address() as { port: number };
    return `https://127.0.0.1:${address.port}`;
  }

  /** Answers from now on as `handler` says. */
  public answer(handler: (request: ReceivedRequest) => Answer | Promise<Answer>): void {
    this.handler = handler;
  }

  /**
   * Writes a kubeconfig (in a fresh folder, which it returns with the file)
   * whose current context `test` reaches this server as `user`, trusting
   * the test CA unless `cluster` says otherwise.
   */
  public kubeconfig(user: Record<string, unknown>, cluster: Record<string, unknown> = { 'certificate-authority-data': CA_PEM.toString('base64') }, namespace?: string): { file: string; dir: string } {
    const dir = mkdtempSync(join(tmpdir(), 'immutable-infra-kubeconfig-'));
    this.dirs.push(dir);
    const file = join(dir, 'kubeconfig');
    writeFileSync(file, JSON.stringify({
      'apiVersion': 'v1',
      'kind': 'Config',
      'current-context': 'test',
      'clusters': [{ name: 'test', cluster: { server: this.url, ...cluster } }],
      'contexts': [{ name: 'test', context: { cluster: 'test', user: 'me', ...(namespace === undefined ? {} : { namespace }) } }],
      'users': [{ name: 'me', user }],
    }));
    return { file, dir };
  }

  /** Stops the server, drops its connections and removes the kubeconfigs it wrote. */
  public async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
    for (const dir of this.dirs) {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

/** An API `Status` answer, as the API server sends for an error, with `headers`. */
export function statusAnswer(status: number, reason: string, message: string, headers?: Record<string, string>): Answer {
  return { status, body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, message, code: status }, headers };
}
