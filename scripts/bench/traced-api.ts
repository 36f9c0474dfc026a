/**
 * The API client that records every request it sends (what for, how long,
 * how many objects it names), so the benchmark can say where a deploy's
 * time goes.
 */
import { performance } from 'perf_hooks';
import { ApiRequest, DeployEvent, KubeApi } from '../../lib';

/** What a request was for, told from its method, path and query. */
export type RequestPurpose =
  | 'version'
  | 'discovery'
  | 'list app objects by label (every type)'
  | 'get synthesis objects by name'
  | 'get release history'
  | 'apply'
  | 'apply release history'
  | 'delete'
  | 'gate: read Deployments'
  | 'pointer check: read back pointers'
  | 'pointer check: list EndpointSlices'
  | 'other';

/** One recorded request. */
interface RecordedRequest {
  readonly purpose: RequestPurpose;
  readonly ms: number;
  /** Objects it names (by name, applied or deleted): 1, else 0. */
  readonly objects: number;
}

/** Requests of one purpose, added up. */
export interface CallSummary {
  readonly purpose: RequestPurpose;
  readonly calls: number;
  /** Sum of the requests' durations (concurrent requests overlap, so this can exceed wall time). */
  readonly ms: number;
  readonly objects: number;
}

const HISTORY = /\/configmaps\/immutable-infra-releases-[0-9a-f]+$/;

/** The API client recording its requests; {@link notice} each deploy event so it tells planning reads from gate reads. */
export class TracedApi extends KubeApi {
  private readonly recorded: RecordedRequest[] = [];
  private planned = false;

  public override async request<T = unknown>(request: ApiRequest): Promise<T> {
    const start = performance.now();
    try {
      return await super.request<T>(request);
    } finally {
      this.recorded.push({ ...this.classify(request), ms: performance.now() - start });
    }
  }

  /** Hears a deploy event: once `planned`, reads by name are the gate's. */
  public notice(event: DeployEvent): void {
    if (event.type === 'planned') {
      this.planned = true;
    }
  }

  /** The requests recorded so far, added up by purpose (and forgotten); the next deploy starts planning again. */
  public take(): CallSummary[] {
    const byPurpose = new Map<RequestPurpose, { calls: number; ms: number; objects: number }>();
    for (const call of this.recorded.splice(0)) {
      const sum = byPurpose.get(call.purpose) ?? { calls: 0, ms: 0, objects: 0 };
      sum.calls++;
      sum.ms += call.ms;
      sum.objects += call.objects;
      byPurpose.set(call.purpose, sum);
    }
    this.planned = false;
    return [...byPurpose].map(([purpose, sum]) => ({ purpose, ...sum }));
  }

  private classify(request: ApiRequest): { purpose: RequestPurpose; objects: number } {
    const { method, path, query } = request;
    const segments = path.split('/').filter((s) => s !== '');
    const afterVersion = segments.slice(segments[0] === 'api' ? 2 : 3);
    // <type>/<name> or namespaces/<namespace>/<type>/<name> (a Namespace itself: namespaces/<name>).
    const named = afterVersion.length === 2 || afterVersion.length === 4;
    if (path === '/version') {
      return { purpose: 'version', objects: 0 };
    }
    if (afterVersion.length === 0) {
      return { purpose: 'discovery', objects: 0 };
    }
    if (method === 'PATCH') {
      return { purpose: HISTORY.test(path) ? 'apply release history' : 'apply', objects: 1 };
    }
    if (method === 'DELETE') {
      return { purpose: 'delete', objects: 1 };
    }
    if (HISTORY.test(path)) {
      return { purpose: 'get release history', objects: 1 };
    }
    if (query?.labelSelector?.includes('part-of') === true) {
      return { purpose: 'list app objects by label (every type)', objects: 0 };
    }
    if (!this.planned) {
      return { purpose: named ? 'get synthesis objects by name' : 'other', objects: named ? 1 : 0 };
    }
    if (path.includes('/deployments')) {
      return { purpose: 'gate: read Deployments', objects: named ? 1 : 0 };
    }
    if (path.includes('/endpointslices')) {
      return { purpose: 'pointer check: list EndpointSlices', objects: 0 };
    }
    return { purpose: named ? 'other' : 'pointer check: read back pointers', objects: named ? 1 : 0 };
  }
}
