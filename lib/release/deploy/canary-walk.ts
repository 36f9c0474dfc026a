import { CANARY_STEPS_ANNOTATION, CanaryAnalysisSpec, CanaryBackend, CanaryStepsAnnotation } from '../../core/canary-steps';
import { Manifest } from '../../core/manifest-schema';
import { objectIdentity } from '../../core/object-identity';

type Json = Record<string, any>;

/** One stage of a walk: the pointers to apply and how long to stay. */
export interface CanaryStage {
  /** The canary shares of this stage, one per stepped route, lowest first. */
  readonly percents: readonly number[];
  /** The longest pause any of its routes asks for, in seconds. */
  readonly pauseSeconds: number;
  /** The stepped pointers as they are at this stage. */
  readonly pointers: readonly Manifest[];
  /** The analyses its steps run during the pause, each once (a canary's pointers all carry its steps). */
  readonly analyses: readonly CanaryAnalysisSpec[];
}

/**
 * The stages a release walks before its pointers take their declared
 * weights: for each pointer carrying a stepped canary (see
 * `CanaryRelease.steps`), a version per step whose share lies above the
 * share it has live (0 when the canary is new to it); stage k holds each
 * pointer's k-th version (a pointer with fewer steps left stays at its
 * last one).
 *
 * @param pointers the release's pointers, as synthesized
 * @param previous the live objects, as applied, by identity
 */
export function canaryStages(pointers: readonly Manifest[], previous: ReadonlyMap<string, Manifest>): CanaryStage[] {
  const walks = pointers.flatMap((pointer) => {
    const raw = (pointer.metadata.annotations as Record<string, string> | undefined)?.[CANARY_STEPS_ANNOTATION];
    if (raw === undefined) {
      return [];
    }
    const steps = JSON.parse(raw) as CanaryStepsAnnotation;
    const live = previous.get(objectIdentity(pointer));
    const livePercent = live === undefined ? 0 : canaryPercentOf(live, steps) ?? 0;
    const remaining = steps.steps.filter((s) => s.percent > livePercent);
    return remaining.length === 0 ? [] : [{ remaining: remaining.map((s) => ({ ...s, pointer: withCanaryPercent(pointer, steps, s.percent) })) }];
  });
  const count = Math.max(0, ...walks.map((w) => w.remaining.length));
  return Array.from({ length: count }, (_, k) => {
    const at = walks.map((w) => w.remaining[Math.min(k, w.remaining.length - 1)]);
    return {
      percents: [...new Set(at.map((s) => s.percent))].sort((a, b) => a - b),
      pauseSeconds: Math.max(0, ...at.map((s) => s.pauseSeconds ?? 0)),
      pointers: at.map((s) => s.pointer),
      analyses: [...new Map(at.flatMap((s) => (s.analysis === undefined ? [] : [[JSON.stringify(s.analysis), s.analysis] as const]))).values()],
    };
  });
}

/** Whether a pointer's stepped canary analyses any of its steps in Prometheus. */
export function carriesAnalysis(pointer: Manifest): boolean {
  const raw = (pointer.metadata.annotations as Record<string, string> | undefined)?.[CANARY_STEPS_ANNOTATION];
  return raw !== undefined && (JSON.parse(raw) as CanaryStepsAnnotation).steps.some((s) => s.analysis !== undefined);
}

/** The backends of the canary's route in a pointer: Istio's route destinations, or an HTTPRoute rule's backends. */
export function backendsOf(pointer: Json, steps: CanaryStepsAnnotation): Json[] | undefined {
  const spec = pointer.spec ?? {};
  if (pointer.kind === 'VirtualService') {
    return spec.http?.[steps.route]?.route;
  }
  return spec.rules?.[steps.route]?.backendRefs;
}

function isBackend(entry: Json, pointer: Json, backend: CanaryBackend): boolean {
  return pointer.kind === 'VirtualService' ? entry.destination?.subset === backend.track : entry.name === backend.name;
}

/** The canary's live share of its route, in percent; `undefined` when the pointer does not route to it. */
function canaryPercentOf(pointer: Manifest, steps: CanaryStepsAnnotation): number | undefined {
  const backends = backendsOf(pointer, steps) ?? [];
  const canary = backends.find((b) => isBackend(b, pointer, steps.canary));
  if (canary === undefined) {
    return undefined;
  }
  const total = backends.reduce((sum, b) => sum + (b.weight ?? 1), 0);
  return total === 0 ? 0 : Math.round(((canary.weight ?? 1) * 100) / total);
}

/** The pointer with the canary's route split `100 - percent` / `percent`. */
function withCanaryPercent(pointer: Manifest, steps: CanaryStepsAnnotation, percent: number): Manifest {
  const copy = JSON.parse(JSON.stringify(pointer)) as Json;
  for (const backend of backendsOf(copy, steps) ?? []) {
    if (isBackend(backend, copy, steps.stable)) {
      backend.weight = 100 - percent;
    } else if (isBackend(backend, copy, steps.canary)) {
      backend.weight = percent;
    }
  }
  return copy as Manifest;
}
