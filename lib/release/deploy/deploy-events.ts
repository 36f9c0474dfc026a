import { ReleasePlan, PlannedObject } from '../plan/release-plan';
import { ReleaseStep } from '../release-steps';

/** What happened to an object during a deploy. */
export type ObjectOutcome = 'applied' | 'deleted' | 'kept';

/** The progress of a deploy, in order. */
export type DeployEvent =
  /** The plan, before anything is applied. */
  | { readonly type: 'planned'; readonly plan: ReleasePlan }
  /** A step starts with this many objects. */
  | { readonly type: 'step'; readonly step: ReleaseStep['name']; readonly count: number }
  /** An object was applied, deleted, or kept (a retired revision `keep` retains). */
  | {
    readonly type: 'object';
    readonly step: ReleaseStep['name'];
    readonly outcome: ObjectOutcome;
    readonly object: PlannedObject;
    /** For an applied object, what the plan said of it. */
    readonly change?: 'created' | 'updated' | 'unchanged';
  }
  /** An object failed: the deploy stops here. */
  | { readonly type: 'failed'; readonly step: ReleaseStep['name']; readonly object: PlannedObject; readonly error: string };
