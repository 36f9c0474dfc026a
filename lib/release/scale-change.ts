import { Manifest } from '../core/manifest-schema';
import { scaleOf } from '../core/scale-fields';
import { sameValue } from './plan/manifest-diff';

/** Replica counts: of a Deployment, an autoscaler, a KEDA ScaledObject. */
const COUNTS = ['replicas', 'minReplicas', 'maxReplicas', 'minReplicaCount', 'maxReplicaCount'];

/**
 * How the scale of a live revision object changes: `none`; `up` when only
 * replica counts change and none goes down (capacity to add before traffic
 * moves to it); `other` for anything else, e.g. fewer replicas or another
 * autoscaling target (after traffic moved away).
 */
export function scaleChange(before: Manifest, after: Manifest): 'none' | 'up' | 'other' {
  const was = scaleOf(before);
  const is = scaleOf(after);
  if (sameValue(was, is)) {
    return 'none';
  }
  const keys = new Set([...Object.keys(was), ...Object.keys(is)]);
  const grows = [...keys].every((key) => {
    if (sameValue(was[key], is[key])) {
      return true;
    }
    return COUNTS.includes(key) && typeof was[key] === 'number' && typeof is[key] === 'number' && (is[key] as number) > (was[key] as number);
  });
  return grows ? 'up' : 'other';
}
