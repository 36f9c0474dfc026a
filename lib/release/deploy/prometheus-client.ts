import { IncomingMessage, request as httpRequest } from 'http';
import { request as httpsRequest } from 'https';

/** Prometheus could not be queried, or answered something other than a result. */
export class PrometheusError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PrometheusError';
  }
}

/** One series of an instant vector: its labels and its value (`NaN` when Prometheus says so). */
export interface PrometheusSample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** How long one query may take unless the client is told otherwise. */
export const DEFAULT_QUERY_TIMEOUT_MS = 10_000;

/**
 * A small client of Prometheus's HTTP API: instant queries
 * (`POST /api/v1/query`, the form the API documents for long queries) over
 * HTTP or HTTPS (the system's CAs). User and password in the URL are sent as
 * basic authentication and never shown.
 *
 * @see https://prometheus.io/docs/prometheus/latest/querying/api/#instant-queries
 */
export class PrometheusClient {
  /**
   * Reads a Prometheus URL, e.g. `http://127.0.0.1:9090` or `https://monitoring.example.com/prometheus`.
   *
   * @throws Error saying why it is not an http(s) URL
   */
  public static parseUrl(url: string): URL {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error(`'${url}' is not a URL; give Prometheus's base URL, e.g. http://prometheus.monitoring:9090`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new Error(`the Prometheus URL must start with http:// or https://, e.g. http://prometheus.monitoring:9090; its scheme is '${parsed.protocol}'`);
    }
    if (parsed.search !== '' || parsed.hash !== '') {
      throw new Error(`the Prometheus URL must be its base URL, without a query or fragment, got ${redacted(parsed)}${parsed.search}${parsed.hash}`);
    }
    return parsed;
  }

  private readonly url: URL;

  /** @throws Error for a URL {@link parseUrl} refuses */
  constructor(url: string, private readonly timeoutMs: number = DEFAULT_QUERY_TIMEOUT_MS) {
    this.url = PrometheusClient.parseUrl(url);
  }

  /** The URL as messages show it: without user and password. */
  public get displayUrl(): string {
    return redacted(this.url);
  }

  /**
   * Runs an instant query at the server's current time.
   *
   * @returns the series of the resulting vector (a scalar is one series without labels)
   * @throws PrometheusError when Prometheus cannot be reached, does not answer in time, or answers an error
   */
  public async query(promql: string): Promise<PrometheusSample[]> {
    const { status, body } = await this.post('api/v1/query', new URLSearchParams({ query: promql }).toString());
    let answer: { status?: string; error?: string; errorType?: string; data?: { resultType?: string; result?: unknown } };
    try {
      answer = JSON.parse(body);
    } catch {
      throw new PrometheusError(`${this.displayUrl} answered HTTP ${status} with a body that is not JSON (is it Prometheus's URL?): ${body.slice(0, 120)}`);
    }
    if (status !== 200 || answer.status !== 'success') {
      throw new PrometheusError(`${this.displayUrl} answered HTTP ${status}: ${answer.errorType ?? 'error'}: ${answer.error ?? body.slice(0, 200)}`);
    }
    const data = answer.data ?? {};
    if (data.resultType === 'scalar') {
      return [{ labels: {}, value: sampleValue(data.result) }];
    }
    if (data.resultType !== 'vector' || !Array.isArray(data.result)) {
      throw new PrometheusError(`${this.displayUrl} answered a ${data.resultType ?? 'missing'} result; the query must give an instant vector`);
    }
    return (data.result as Array<{ metric?: Record<string, string>; value?: unknown }>).map((series) => ({
      labels: series.metric ?? {},
      value: sampleValue(series.value),
    }));
  }

  private post(path: string, form: string): Promise<{ status: number; body: string }> {
    const base = this.url.pathname.endsWith('/') ? this.url : new URL(`${this.url.pathname}/`, this.url);
    const target = new URL(path, base);
    const auth = this.url.username === '' ? {} : { auth: `${decodeURIComponent(this.url.username)}:${decodeURIComponent(this.url.password)}` };
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const request = send({
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(form), Accept: 'application/json' },
        ...auth,
      }, (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          clearTimeout(timer);
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        });
        response.on('error', fail);
      });
      const timer = setTimeout(() => {
        request.destroy(new PrometheusError(`${this.displayUrl} did not answer within ${this.timeoutMs / 1000}s`));
      }, this.timeoutMs);
      function fail(error: Error): void {
        clearTimeout(timer);
        reject(error instanceof PrometheusError ? error : new PrometheusError(error.message));
      }
      request.on('error', (error: NodeJS.ErrnoException) => fail(error instanceof PrometheusError ? error
        : new PrometheusError(`${redacted(target)} cannot be reached: ${error.code ?? error.message}${error.code !== undefined && error.message !== '' ? ` (${error.message})` : ''}`)));
      request.end(form);
    });
  }
}

/** A sample's value: `[time, "text"]` as the API writes it. */
function sampleValue(value: unknown): number {
  if (!Array.isArray(value) || typeof value[1] !== 'string') {
    throw new PrometheusError(`a sample is not [time, "value"]: ${JSON.stringify(value)?.slice(0, 80)}`);
  }
  const text = value[1];
  return text === '+Inf' ? Infinity : text === '-Inf' ? -Infinity : Number(text);
}

function redacted(url: URL): string {
  const shown = new URL(url.toString());
  shown.username = '';
  shown.password = '';
  shown.search = '';
  shown.hash = '';
  return shown.toString().replace(/\/$/, '');
}
