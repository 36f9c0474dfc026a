import { Construct } from 'constructs';
import { ValidationError } from '../../core/validation-error';
import { Route, RouteProps } from '../../traffic/route';
import type { ServiceRoutes } from '../../traffic/service-routes';
import type { Revision } from '../../workload/revision';

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
  }
}
