import { ApiObject, Duration, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { CANARY_STEPS_ANNOTATION, CanaryStepsAnnotation } from '../../core/canary-steps';
import { checkProps } from '../../core/prop-schema';
import { ValidationError } from '../../core/validation-error';
import { Route, RouteProps } from '../../traffic/route';
import type { ServiceRoutes } from '../../traffic/service-routes';
import type { Revision } from '../../workload/revision';
import { analysisProblems, analysisSpec, CanaryAnalysis, CheckedAnalysis, checkAnalysis, observationOf } from './canary-analysis';
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
  /**
   * Compare the canary with the stable revision in Prometheus during the
   * pause, and fail the step (putting traffic back) when it does worse than
   * allowed. Needs a `pause` and the service observed with `Monitoring.observe`.
   * @default - no analysis: the health gate alone decides
   */
  readonly analysis?: CanaryAnalysis;
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
      const analysed = steps.flatMap((s) => (s.analysis === undefined ? [] : [s.analysis]));
      if (analysed.length > 0) {
        this.node.addValidation({ validate: () => analysed.flatMap((a) => analysisProblems(a, routes.service)) });
      }
      const annotation = (): string => JSON.stringify({
        route: routes.routes.indexOf(this.route),
        stable: { track: stable.track, name: stable.name },
        canary: { track: canary.track, name: canary.name },
        steps: steps.map(({ analysis, ...step }) => {
          // an analysis of a service nobody observes fails the synth (analysisProblems), so it never goes out without queries
          const observed = analysis === undefined ? undefined : observationOf(routes.service);
          return analysis === undefined || observed === undefined ? step : { ...step, analysis: analysisSpec(analysis, observed, stable, canary) };
        }),
      } satisfies CanaryStepsAnnotation);
      for (const pointer of routes.node.findAll().filter(ApiObject.isApiObject)) {
        if (pointer.kind === 'VirtualService' || pointer.kind === 'HTTPRoute') {
          pointer.metadata.addAnnotation(CANARY_STEPS_ANNOTATION, Lazy.any({ produce: annotation }));
        }
      }
    }
  }
}

/** A step as its pointers will carry it, its analysis checked but not yet resolved against the app. */
interface CheckedStep {
  readonly percent: number;
  readonly pauseSeconds?: number;
  readonly analysis?: CheckedAnalysis;
}

function checkedSteps(steps: readonly CanaryStep[], canaryPercent: number, scope: Construct): CheckedStep[] {
  let last = 0;
  return steps.map((step, index) => {
    const { percent } = step;
    if (!Number.isInteger(percent) || percent <= last || percent >= canaryPercent) {
      throw new ValidationError(
        `steps must have whole-number percents, increasing, between 1 and canaryPercent (${canaryPercent}) exclusive; got ${JSON.stringify(percent)} after ${last}`,
        scope,
      );
    }
    last = percent;
    const pauseSeconds = step.pause?.toSeconds();
    const analysis = step.analysis === undefined ? undefined : checkAnalysis(step.analysis, pauseSeconds, `steps[${index}].analysis`, scope);
    return { percent, ...(pauseSeconds === undefined ? {} : { pauseSeconds }), ...(analysis === undefined ? {} : { analysis }) };
  });
}
