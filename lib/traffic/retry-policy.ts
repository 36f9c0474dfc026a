// The retry types live in the workload layer, whose external hosts retry too;
// the traffic model offers them where it always has.
export { MESH_DEFAULT_RETRIES, RetryOn } from '../workload/retry-policy';
export type { RetryPolicy, RouteRetries } from '../workload/retry-policy';
