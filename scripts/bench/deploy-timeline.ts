/**
 * Where a deploy's time went, from its events (each stamped when it was
 * heard): planning, each step, and the waits (health gates and the pointer
 * check), which depend on the cluster's controllers rather than on us.
 */
import { DeployEvent } from '../../lib';

/** A deploy event and when it was heard, ms after the deploy started. */
export interface TimedEvent {
  readonly atMs: number;
  readonly event: DeployEvent;
}

/** Objects by what the deploy did to them. */
export interface ObjectCounts {
  /** Applied, and the plan said new. */
  readonly created: number;
  /** Applied, and the plan said changed. */
  readonly updated: number;
  /** Applied, and the plan said unchanged (a no-op server-side apply). */
  readonly reapplied: number;
  /** Not sent: the plan said unchanged. */
  readonly unchanged: number;
  readonly deleted: number;
  /** Retired revisions `keep` retains. */
  readonly kept: number;
}

/** The time split of one deploy, ms. */
export interface Timeline {
  readonly totalMs: number;
  /** From the start to the `planned` event: the planning reads (api-resources, the app's objects, the synthesis by name, the history). */
  readonly planMs: number;
  /** In health gates: a `gate` event to the next `step` event (or the end). */
  readonly gateMs: number;
  /** In the pointer check: the event before `pointers-checked` to it. */
  readonly pointerCheckMs: number;
  /** `totalMs` without `gateMs` and `pointerCheckMs`. */
  readonly withoutWaitsMs: number;
  /** Each step's time, its event to the next step event (or the end), gates and checks included. */
  readonly stepsMs: Readonly<Record<string, number>>;
  readonly objects: ObjectCounts;
  /** Identities (`group/kind/namespace/name`) of the objects created, updated or deleted. */
  readonly touched: readonly string[];
  /** The last event's type: `failed` or `gate-failed` when the deploy did not complete. */
  readonly result: string;
}

/** The timeline of a deploy that took `totalMs` and reported `events`. */
export function timelineOf(events: readonly TimedEvent[], totalMs: number, result: string): Timeline {
  const planned = events.find((e) => e.event.type === 'planned');
  let gateMs = 0;
  let pointerCheckMs = 0;
  let gateStart: number | undefined;
  const stepsMs: Record<string, number> = {};
  let step: { name: string; at: number } | undefined;
  const endStep = (at: number) => {
    if (step !== undefined) {
      stepsMs[step.name] = (stepsMs[step.name] ?? 0) + at - step.at;
    }
  };
  const counts = { created: 0, updated: 0, reapplied: 0, unchanged: 0, deleted: 0, kept: 0 };
  const touched: string[] = [];
  events.forEach(({ atMs, event }, i) => {
    switch (event.type) {
      case 'gate':
        gateStart ??= atMs;
        break;
      case 'step':
        if (gateStart !== undefined) {
          gateMs += atMs - gateStart;
          gateStart = undefined;
        }
        endStep(atMs);
        step = { name: event.step, at: atMs };
        break;
      case 'pointers-checked':
        pointerCheckMs += atMs - (i > 0 ? events[i - 1].atMs : 0);
        break;
      case 'object':
        if (event.outcome === 'applied') {
          counts[event.change === 'unchanged' || event.change === undefined ? 'reapplied' : event.change]++;
          if (event.change === 'created' || event.change === 'updated') {
            touched.push(event.object.identity);
          }
        } else {
          counts[event.outcome]++;
          if (event.outcome === 'deleted') {
            touched.push(event.object.identity);
          }
        }
        break;
      default:
        break;
    }
  });
  if (gateStart !== undefined) {
    gateMs += totalMs - gateStart;
  }
  endStep(totalMs);
  return {
    totalMs,
    planMs: planned?.atMs ?? totalMs,
    gateMs,
    pointerCheckMs,
    withoutWaitsMs: totalMs - gateMs - pointerCheckMs,
    stepsMs,
    objects: counts,
    touched,
    result,
  };
}
