import { isObject, prop, PropSchema } from '../../core/prop-schema';
import type { ServiceRoutes } from '../../traffic/service-routes';
import { headerMatchSchema, headerRewriteSchema, revisionSchema, routeRetriesSchema } from '../../traffic/traffic-schemas';
import type { BlueGreenReleaseProps } from './blue-green-release';
import type { CanaryAnalysis } from './canary-analysis';
import type { CanaryReleaseProps, CanaryStep } from './canary-release';
import type { UserRoutingProps } from './user-routing';

// The run-time schemas of the release strategies' props (see
// core/prop-schema): types and shapes only; shares, steps and revisions stay
// the strategies' and the routing table's own checks.

const routesSchema: PropSchema<ServiceRoutes> = prop.instance<ServiceRoutes>(
  'a ServiceRoutes',
  (v) => isObject(v) && typeof (v as { addRoute?: unknown }).addRoute === 'function',
  "new ServiceRoutes(chart, 'reviews-routes', { service: reviews })",
);

/** The route props every strategy passes on to its routes. */
const sharedRouteShape = {
  timeout: prop.duration('Duration.seconds(10)').optional(),
  retries: routeRetriesSchema.optional(),
  headers: headerRewriteSchema.optional(),
};

export const blueGreenReleasePropsSchema = prop.object<BlueGreenReleaseProps>({
  ...sharedRouteShape,
  routes: routesSchema,
  active: revisionSchema,
  preview: revisionSchema,
  previewHeader: headerMatchSchema.optional(),
}, 'an object of BlueGreenRelease props', '{ routes, active: blue, preview: green }');

const canaryAnalysisSchema = prop.object<CanaryAnalysis>({
  maxErrorPercentAboveStable: prop.number('1'),
  maxLatencyMsAboveStable: prop.number('50').optional(),
  latencyPercentile: prop.number('99').optional(),
  minRequests: prop.number('20').optional(),
  interval: prop.duration('Duration.seconds(30)').optional(),
  window: prop.duration('Duration.minutes(1)').optional(),
}, 'a canary analysis', '{ maxErrorPercentAboveStable: 1 }');

const canaryStepSchema = prop.object<CanaryStep>({
  percent: prop.number('10'),
  pause: prop.duration('Duration.minutes(5)').optional(),
  analysis: canaryAnalysisSchema.optional(),
}, 'a canary step', '{ percent: 10, pause: Duration.minutes(5) }');

export const canaryReleasePropsSchema = prop.object<CanaryReleaseProps>({
  ...sharedRouteShape,
  routes: routesSchema,
  stable: revisionSchema,
  canary: revisionSchema,
  canaryPercent: prop.number('10'),
  steps: prop.list(canaryStepSchema, 'a list of canary steps', '[{ percent: 10 }, { percent: 25 }]').optional(),
  routeName: prop.string("a route name such as 'canary'").optional(),
}, 'an object of CanaryRelease props', '{ routes, stable, canary, canaryPercent: 10 }');

export const userRoutingPropsSchema = prop.object<UserRoutingProps>({
  routes: routesSchema,
  revision: revisionSchema,
  header: prop.string("a header name such as 'end-user'"),
  users: prop.stringList("['jason']"),
  routeName: prop.string("a route name such as 'testers'").optional(),
}, 'an object of UserRouting props', "{ routes, revision: canary, header: 'end-user', users: ['jason'] }");
