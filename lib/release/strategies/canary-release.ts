import { ApiObject, Duration, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { CANARY_STEPS_ANNOTATION, CanaryStepsAnnotation } from '../../core/canary-steps';
import { checkProps } from '../../core/prop-schema';
import { ValidationError } from '../../core/validation-error';
import { Route, RouteProps } from '../../traffic/route';
import type { ServiceRoutes } from '../../traffic/service-routes';
import type { Revision } from '../../workload/revision';
import { canaryReleasePropsSchema } from './strategy-schemas';

/** One step of a canary that `immutable-infra deploy` walks before the declared share. */
export interface CanaryStep {
  /** The canary's share of requests at this step, a whole number 1-99, below the declared `canaryPercent`. */
  readonly percent: number;
  /**
   * How long the deploy stays at this step (with the health gate checked
   * again at its end) before the next one.
   * @default - no pause: the next step follows once the gate passes
   */
  readonly pause?: Duration;
}

/** Props of {@link CanaryRelease}. */
export interface CanaryReleaseProps extends Pick<RouteProps, 'timeout' | 'retries' | 'headers'> {
  /** The routing table of the service. */
  readonly routes: ServiceRoutes;
  /** The revision serving most requests. */
  readonly stable: Revision;
  /** The revision being tried. */
  readonly canary: Revision;
  /**
   * The canary's share of requests, a whole number 0-100. Each step of a
   * rollout is a code change of this number; 100 completes it, after which
   * the stable revision can be removed from the stack (which retires it).
   */
  readonly canaryPercent: number;
  /**
   * Steps `immutable-infra deploy` walks on the way to `canaryPercent`: it
   * moves the weights to each step whose share lies between the live one
   * and `canaryPercent`, checks health (and pauses) at each, then applies
   * the declared share. Shares strictly increasing.
   * @default - none: the deploy moves straight to `canaryPercent`
   */
  readonly steps?: readonly CanaryStep[];
  /**
   * The name of the route.
   * @default 'canary'
   */
  readonly routeName?: string;
}

/**
 * A canary: every request not taken by an earlier route goes to the stable
 * or the canary revision, split by percentage. Both revisions stay
 * immutable; only the route (a pointer) changes from step to step. Add
 * targeted routes (e.g. `UserRouting`) before it: it is the catch-all.
 */
export class CanaryRelease extends Construct {
  /** The catch-all route carrying the split. */
  public readonly route: Route;

  constructor(scope: Construct, id: string, props: CanaryReleaseProps) {
    super(scope, id);
    checkProps(canaryReleasePropsSchema, props, this, { name: 'CanaryRelease props' });
    const { canaryPercent, stable, canary } = props;
    if (!Number.isInteger(canaryPercent) || canaryPercent < 0 || canaryPercent > 100) {
      throw new ValidationError(`canaryPercent must be a whole number 0-100, got ${canaryPercent}`, this);
    }
    if (stable === canary) {
      throw new ValidationError(`stable and canary are the same revision '${stable.track}'; add the canary with addRevision`, this);
    }
    this.route = props.routes.addRoute(props.routeName ?? 'canary', {
      backends: [
        { revision: stable, weight: 100 - canaryPercent },
        { revision: canary, weight: canaryPercent },
      ],
      timeout: props.timeout,
      retries: props.retries,
      headers: props.headers,
    });
    const steps = checkedSteps(props.steps ?? [], canaryPercent, this);
    if (steps.length > 0) {
      const routes = props.routes;
      const annotation = (): string => JSON.stringify({
        route: routes.routes.indexOf(this.route),
        stable: { track: stable.track, name: stable.name },
        canary: { track: canary.track, name: canary.name },
        steps,
      } satisfies CanaryStepsAnnotation);
      for (const pointer of routes.node.findAll().filter(ApiObject.isApiObject)) {
        if (pointer.kind === 'VirtualService' || pointer.kind === 'HTTPRoute') {
          pointer.metadata.addAnnotation(CANARY_STEPS_ANNOTATION, Lazy.any({ produce: annotation }));
        }
      }
    }
  }
}

function checkedSteps(steps: readonly CanaryStep[], canaryPercent: number, scope: Construct): CanaryStepsAnnotation['steps'] {
  let last = 0;
  return steps.map((step) => {
    const { percent } = step;
    if (!Number.isInteger(percent) || percent <= last || percent >= canaryPercent) {
      throw new ValidationError(
        `steps must have whole-number percents, increasing, between 1 and canaryPercent (${canaryPercent}) exclusive; got ${JSON.stringify(percent)} after ${last}`,
        scope,
      );
    }
    last = percent;
    return step.pause === undefined ? { percent } : { percent, pauseSeconds: step.pause.toSeconds() };
  });
}
