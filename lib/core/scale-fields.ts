import { Manifest } from './manifest-schema';

/**
 * Whether a top-level spec field sets a revision object's scale rather than
 * its content. Scaling is not a new revision: these fields change in place
 * (a Deployment's `spec.replicas`; an autoscaler's bounds and metrics, all of
 * its spec but the Deployment it scales; a KEDA ScaledObject's bounds and
 * triggers, likewise; which Secret keys a KEDA TriggerAuthentication hands
 * its scaler, all of its spec).
 */
export function isScaleField(kind: string, specField: string): boolean {
  switch (kind) {
    case 'Deployment':
      return specField === 'replicas';
    case 'HorizontalPodAutoscaler':
    case 'ScaledObject':
      return specField !== 'scaleTargetRef';
    case 'TriggerAuthentication':
      return true;
    default:
      return false;
  }
}

/** Whether objects of this kind have scale fields at all. */
export function hasScaleFields(kind: string): boolean {
  return ['Deployment', 'HorizontalPodAutoscaler', 'ScaledObject', 'TriggerAuthentication'].includes(kind);
}

/** The scale fields of an object's spec (empty for kinds without any). */
export function scaleOf(manifest: Manifest): Record<string, unknown> {
  const spec = (manifest.spec ?? {}) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(spec).filter(([key]) => isScaleField(manifest.kind, key)));
}

/** The object without its scale fields: what must never change under its name. */
export function withoutScale(manifest: Manifest): Manifest {
  if (!hasScaleFields(manifest.kind) || manifest.spec === undefined) {
    return manifest;
  }
  const spec = Object.fromEntries(Object.entries(manifest.spec as Record<string, unknown>).filter(([key]) => !isScaleField(manifest.kind, key)));
  return { ...manifest, spec };
}
