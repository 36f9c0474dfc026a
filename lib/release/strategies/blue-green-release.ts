import { Construct } from 'constructs';
import { checkProps } from '../../core/prop-schema';
import { ValidationError } from '../../core/validation-error';
import { HeaderMatch } from '../../traffic/http-match';
import { Route, RouteProps } from '../../traffic/route';
import type { ServiceRoutes } from '../../traffic/service-routes';
import type { Revision } from '../../workload/revision';
import { blueGreenReleasePropsSchema } from './strategy-schemas';

/** Props of {@link BlueGreenRelease}. */
export interface BlueGreenReleaseProps extends Pick<RouteProps, 'timeout' | 'retries' | 'headers'> {
  /** The routing table of the service. */
  readonly routes: ServiceRoutes;
  /** The revision serving every request. */
  readonly active: Revision;
  /** The revision reachable only with the preview header, for checks before promotion. */
  readonly preview: Revision;
  /**
   * The header that sends a request to the preview.
   * @default HeaderMatch.exact('x-preview', 'true')
   */
  readonly previewHeader?: HeaderMatch;
}

/**
 * Blue-green: all requests go to the active revision, except those carrying
 * the preview header, which reach the preview. Promotion swaps `active` and
 * `preview` in code, which moves the pointer at once; removing the old
 * revision from the stack later retires it. Adds two routes, `preview` and
 * the catch-all `active`.
 */
export class BlueGreenRelease extends Construct {
  /** The route taking preview requests. */
  public readonly previewRoute: Route;
  /** The catch-all route to the active revision. */
  public readonly activeRoute: Route;

  constructor(scope: Construct, id: string, props: BlueGreenReleaseProps) {
    super(scope, id);
    checkProps(blueGreenReleasePropsSchema, props, this, { name: 'BlueGreenRelease props' });
    if (props.active === props.preview) {
      throw new ValidationError(
        `active and preview are the same revision '${props.active.track}'; preview a revision added with addRevision`,
        this,
      );
    }
    const shared = { timeout: props.timeout, retries: props.retries, headers: props.headers };
    this.previewRoute = props.routes.addRoute('preview', {
      ...shared,
      matches: [{ headers: [props.previewHeader ?? HeaderMatch.exact('x-preview', 'true')] }],
      backends: [{ revision: props.preview }],
    });
    this.activeRoute = props.routes.addRoute('active', { ...shared, backends: [{ revision: props.active }] });
  }
}
