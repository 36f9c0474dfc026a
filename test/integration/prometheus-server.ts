import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { toYaml } from '../../lib/internal';
import { engines } from './engines';
import { freePort, LocalProcess, sleep, startLocalProcess } from './local-process';

/** A scrape job of {@link PrometheusServer}: one target and the labels its series get. */
export interface ScrapeJob {
  readonly name: string;
  /** `host:port`. */
  readonly target: string;
  readonly metricsPath: string;
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * The real Prometheus server (built by scripts/engines/build.sh from
 * github.com/prometheus/prometheus, cmd/prometheus) on 127.0.0.1, with its
 * own data folder, scraping the given jobs every second.
 */
export class PrometheusServer {
  /** Starts it and waits until it is ready (its `/-/ready`). */
  public static async start(jobs: readonly ScrapeJob[]): Promise<PrometheusServer> {
    const dir = mkdtempSync(join(tmpdir(), 'immutable-infra-prometheus-'));
    const config = join(dir, 'prometheus.yml');
    writeFileSync(config, toYaml([{
      global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
      scrape_configs: jobs.map((job) => ({
        job_name: job.name,
        metrics_path: job.metricsPath,
        static_configs: [{ targets: [job.target], labels: job.labels }],
      })),
    }]));
    const port = await freePort();
    const process = startLocalProcess('prometheus', join(engines().bin, 'prometheus'), [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=1h',
    ], {}, join(dir, 'prometheus.log'));
    const server = new PrometheusServer(`http://127.0.0.1:${port}`, dir, process);
    await server.waitFor(async () => (await fetch(`${server.url}/-/ready`)).ok, 'to be ready', 120_000);
    return server;
  }

  private constructor(
    /** Its base URL. */
    public readonly url: string,
    private readonly dir: string,
    private readonly process: LocalProcess,
  ) {}

  /** Runs an instant query and returns the values of its series. */
  public async values(query: string): Promise<number[]> {
    const response = await fetch(`${this.url}/api/v1/query?${new URLSearchParams({ query })}`);
    const body = await response.json() as { data?: { result?: Array<{ value: [number, string] }> } };
    return (body.data?.result ?? []).map((series) => Number(series.value[1]));
  }

  /**
   * Polls `probe` until it holds.
   *
   * @throws Error with the server's log when it does not within `timeoutMs`
   */
  public async waitFor(probe: () => Promise<boolean>, what: string, timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await probe().catch(() => false)) {
        return;
      }
      if (this.process.exitCode() !== undefined || Date.now() > deadline) {
        throw new Error(`waiting for Prometheus ${what} failed (exit code ${this.process.exitCode()}); its log:\n${this.process.tail()}`);
      }
      await sleep(500);
    }
  }

  /** Stops it (by pid) and removes its folder. */
  public async stop(): Promise<void> {
    await this.process.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
