import { createServer, Server } from 'http';

/** How one revision's pods behave, as the exporter reports them. */
export interface RevisionBehaviour {
  /** Requests per second its sidecars see. */
  readonly requestsPerSecond: number;
  /** The share of them answered 503, 0-1. */
  readonly errorFraction: number;
  /** How long each request takes, in ms. */
  readonly latencyMs: number;
}

/** Istio's default buckets of istio_request_duration_milliseconds (the ones the library's queries know). */
const BUCKETS_MS = [0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000];

/** The series of one response code: requests, and the histogram of their durations. */
interface CodeSeries {
  requests: number;
  /** Requests per bucket of BUCKETS_MS (each counted in every bucket at or above its duration). */
  buckets: number[];
  sumMs: number;
}

interface Counters {
  behaviour: RevisionBehaviour;
  ok: CodeSeries;
  failed: CodeSeries;
  last: number;
}

const emptySeries = (): CodeSeries => ({ requests: 0, buckets: BUCKETS_MS.map(() => 0), sumMs: 0 });

function observe(series: CodeSeries, requests: number, latencyMs: number): void {
  series.requests += requests;
  series.sumMs += requests * latencyMs;
  BUCKETS_MS.forEach((bound, i) => {
    if (latencyMs <= bound) {
      series.buckets[i] += requests;
    }
  });
}

/**
 * A tiny exporter on 127.0.0.1 standing in for the Envoy sidecars of a
 * service's revisions: `GET /metrics/<revision id>` serves what Istio's
 * sidecar of that revision reports at `/stats/prometheus`, the destination
 * side of `istio_requests_total` (by response code) and
 * `istio_request_duration_milliseconds`, with Istio's own labels. The
 * counters grow with time at the rate and error share the test sets; the
 * scrape job adds the `namespace`, `service` and `revision` labels the
 * library's PodMonitor would.
 */
export class IstioMetricsExporter {
  /** Starts an exporter on a free port; every revision starts healthy. */
  public static async start(service: string, namespace: string): Promise<IstioMetricsExporter> {
    const exporter = new IstioMetricsExporter(service, namespace);
    await new Promise<void>((resolve) => exporter.server.listen(0, '127.0.0.1', resolve));
    return exporter;
  }

  private readonly revisions = new Map<string, Counters>();
  private readonly server: Server;

  private constructor(private readonly service: string, private readonly namespace: string) {
    this.server = createServer((req, res) => {
      const revision = /^\/metrics\/([a-z0-9]+)$/.exec(req.url ?? '')?.[1];
      const counters = revision === undefined ? undefined : this.revisions.get(revision);
      if (revision === undefined || counters === undefined) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
      res.end(this.exposition(revision, counters));
    });
  }

  /** The exporter's address, `127.0.0.1:<port>`. */
  public get address(): string {
    return `127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  /** Sets how a revision behaves from now on (the counters so far stay). */
  public set(revision: string, behaviour: RevisionBehaviour): void {
    const counters = this.revisions.get(revision);
    if (counters === undefined) {
      this.revisions.set(revision, { behaviour, ok: emptySeries(), failed: emptySeries(), last: Date.now() });
    } else {
      this.advance(counters);
      counters.behaviour = behaviour;
    }
  }

  /** Stops the exporter. */
  public async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private advance(counters: Counters): void {
    const now = Date.now();
    const { requestsPerSecond, errorFraction, latencyMs } = counters.behaviour;
    const requests = ((now - counters.last) / 1000) * requestsPerSecond;
    observe(counters.failed, requests * errorFraction, latencyMs);
    observe(counters.ok, requests * (1 - errorFraction), latencyMs);
    counters.last = now;
  }

  private exposition(revision: string, counters: Counters): string {
    this.advance(counters);
    const labels = (code: number) => [
      'reporter="destination"',
      'source_workload="productpage-v1"',
      `destination_workload="${this.service}-${revision}"`,
      `destination_workload_namespace="${this.namespace}"`,
      `destination_service_name="${this.service}"`,
      'request_protocol="http"',
      `response_code="${code}"`,
      'response_flags="-"',
    ].join(',');
    const lines = ['# TYPE istio_requests_total counter', '# TYPE istio_request_duration_milliseconds histogram'];
    for (const [code, series] of [[200, counters.ok], [503, counters.failed]] as const) {
      // Counters only grow, so their whole parts do too.
      const total = Math.floor(series.requests);
      lines.push(`istio_requests_total{${labels(code)}} ${total}`);
      BUCKETS_MS.forEach((bound, i) => lines.push(`istio_request_duration_milliseconds_bucket{${labels(code)},le="${bound}"} ${Math.floor(series.buckets[i])}`));
      lines.push(`istio_request_duration_milliseconds_bucket{${labels(code)},le="+Inf"} ${total}`);
      lines.push(`istio_request_duration_milliseconds_sum{${labels(code)}} ${Math.floor(series.sumMs)}`);
      lines.push(`istio_request_duration_milliseconds_count{${labels(code)}} ${total}`);
    }
    return `${lines.join('\n')}\n`;
  }
}
