import { Construct } from 'constructs';
import { checkProps } from '../../core/prop-schema';
import { ValidationError } from '../../core/validation-error';
import { HeaderMatch } from '../../traffic/http-match';
import { Route } from '../../traffic/route';
import type { ServiceRoutes } from '../../traffic/service-routes';
import type { Revision } from '../../workload/revision';
import { userRoutingPropsSchema } from './strategy-schemas';

/** Props of {@link UserRouting}. */
export interface UserRoutingProps {
  /** The routing table of the service. */
  readonly routes: ServiceRoutes;
  /** The revision the chosen users reach. */
  readonly revision: Revision;
  /** The header naming the user, e.g. 'end-user'. */
  readonly header: string;
  /** The users (header values) sent to the revision. */
  readonly users: readonly string[];
  /**
   * The name of the route.
   * @default 'users-<track of the revision>'
   */
  readonly routeName?: string;
}

/**
 * Header-based routing of chosen users to a revision (testers, beta users),
 * ahead of the service's other routes: add it before the catch-all.
 */
export class UserRouting extends Construct {
  /** The route taking the chosen users' requests. */
  public readonly route: Route;

  constructor(scope: Construct, id: string, props: UserRoutingProps) {
    super(scope, id);
    checkProps(userRoutingPropsSchema, props, this, { name: 'UserRouting props' });
    if (props.users.length === 0) {
      throw new ValidationError(`users is empty, so the route would take no request; name at least one user`, this);
    }
    this.route = props.routes.addRoute(props.routeName ?? `users-${props.revision.track}`, {
      matches: [...new Set(props.users)].map((user) => ({ headers: [HeaderMatch.exact(props.header, user)] })),
      backends: [{ revision: props.revision }],
    });
  }
}
