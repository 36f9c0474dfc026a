import { createServer, IncomingMessage, Server } from 'http';

/** One query the server received. */
export interface ReceivedQuery {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly headers: IncomingMessage['headers'];
}

/** What the server answers: a status and a JSON or raw text body; `hang` never answers. */
export type PrometheusAnswer = { readonly status: number; readonly body: unknown } | { readonly status: number; readonly text: string } | 'hang';

/** A successful instant-vector answer: one series per value given (none for `undefined`). */
export function vector(...values: Array<number | string | undefined>): PrometheusAnswer {
  return {
    status: 200,
    body: {
      status: 'success',
      data: { resultType: 'vector', result: values.filter((v) => v !== undefined).map((v, i) => ({ metric: { series: String(i) }, value: [1700000000, String(v)] })) },
    },
  };
}

/**
 * A local HTTP server on 127.0.0.1 that answers Prometheus's instant-query
 * API as `handler` says, recording each query.
 */
export class FakePrometheus {
  /** Starts a server on a free port. */
  public static async start(handler: (query: ReceivedQuery) => PrometheusAnswer): Promise<FakePrometheus> {
    const fake = new FakePrometheus(handler);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  public readonly queries: ReceivedQuery[] = [];
  private readonly server: Server;

  private constructor(private handler: (query: ReceivedQuery) => PrometheusAnswer) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const received: ReceivedQuery = {
          method: req.method ?? 'GET',
          path: new URL(req.url ?? '/', 'http://127.0.0.1').pathname,
          query: new URLSearchParams(Buffer.concat(chunks).toString('utf8')).get('query') ?? '',
          headers: req.headers,
        };
        this.queries.push(received);
        const answer = this.handler(received);
        if (answer === 'hang') {
          return;
        }
        res.writeHead(answer.status, { 'Content-Type': 'text/plain' });
        res.end('text' in answer ? answer.text : JSON.stringify(answer.body));
      });
    });
  }

  /** The server's base URL. */
  public get url(): string {
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  /** Answers from now on as `handler` says. */
  public answer(handler: (query: ReceivedQuery) => PrometheusAnswer): void {
    this.handler = handler;
  }

  /** Stops the server and drops its connections. */
  public async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
