import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { checkProps } from '../core/prop-schema';
import { ValidationError } from '../core/validation-error';
import type { Microservice } from '../workload/microservice';
import { MESH_DEFAULT_RETRIES, RouteRetries } from '../workload/retry-policy';
import type { Revision } from '../workload/revision';
import { formatDuration } from './durations';
import { FaultInjection, ResolvedFault, resolveFault } from './fault-injection';
import { HeaderRewrite, resolveHeaderRewrite } from './header-rewrite';
import { HttpMatch, isCatchAll, validateMatch } from './http-match';
import { resolveRevisionBackends, RouteBackend } from './route-backend';
import { ResolvedRetries, resolveRetries } from './route-retries';
import { ResolvedMirror, resolveMirror, TrafficMirror } from './traffic-mirror';
import { routePropsSchema } from './traffic-schemas';
import type { Weighted } from './weights';

/** Props of a route: which requests, which revisions, and how. */
export interface RouteProps {
  /**
   * The requests the route takes: any one of the matches (each match's
   * conditions all hold). Routes are tried in the order they are added; the
   * first that matches wins.
   * @default - every request: a catch-all, which must be the last route
   */
  readonly matches?: readonly HttpMatch[];
  /** The revisions serving the route, with their weights. */
  readonly backends: readonly RouteBackend[];
  /**
   * The time allowed for the whole request, retries included.
   * @default - no timeout
   */
  readonly timeout?: Duration;
  /**
   * How failed requests are retried: a policy, or `MESH_DEFAULT_RETRIES` to
   * keep the mesh's own (Istio: 2 retries on
   * `connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes`
   * with status 503; Linkerd: none).
   * @default - no retries (Istio's implicit two retries are turned off, so every mesh behaves alike)
   */
  readonly retries?: RouteRetries;
  /**
   * Faults injected into the route's requests.
   * @default - none
   */
  readonly fault?: FaultInjection;
  /**
   * A revision receiving copies of the route's requests.
   * @default - none
   */
  readonly mirror?: TrafficMirror;
  /**
   * Request and response header changes.
   * @default - none
   */
  readonly headers?: HeaderRewrite;
}

/**
 * A route after validation, in the neutral form the mesh providers compile:
 * durations formatted, header names lower-cased, weights checked.
 */
export interface Route {
  /** The route's name, unique per service. */
  readonly name: string;
  /** Any one of these matches; empty for a catch-all. */
  readonly matches: readonly HttpMatch[];
  /** The revisions and their proportional weights. */
  readonly backends: readonly Weighted<Revision>[];
  /**
   * The time allowed for the whole request, formatted.
   * @default - no timeout
   */
  readonly timeout?: string;
  /**
   * How failed requests are retried, or `MESH_DEFAULT_RETRIES` for the mesh's own.
   * @default - no retries
   */
  readonly retries?: ResolvedRetries | typeof MESH_DEFAULT_RETRIES;
  /**
   * Faults injected.
   * @default - none
   */
  readonly fault?: ResolvedFault;
  /**
   * The revision receiving copies of the requests.
   * @default - none
   */
  readonly mirror?: ResolvedMirror;
  /**
   * Header changes, names lower-cased.
   * @default - none
   */
  readonly headers?: HeaderRewrite;
  /** True when the route takes every request. */
  readonly isCatchAll: boolean;
}

/**
 * Validates a route of `service` and brings it into its neutral form.
 *
 * @throws ValidationError naming the route for any invalid part
 * @internal
 */
export function resolveRoute(name: string, props: RouteProps, service: Microservice, scope: IConstruct): Route {
  const what = `route '${name}'`;
  checkProps(routePropsSchema, props, scope, { prefix: what, name: `${what} props` });
  const matches = props.matches ?? [];
  matches.forEach((match, index) => validateMatch(`${what} match ${index + 1}`, match, scope));
  const isCatchAllRoute = matches.length === 0 || matches.some(isCatchAll);
  if (matches.length > 1 && isCatchAllRoute) {
    throw new ValidationError(`${what} has an empty match beside others, so the others never matter; drop the matches or the empty one`, scope);
  }

  const backends = resolveRevisionBackends(what, service, props.backends, scope);

  const timeout = props.timeout && formatDuration(`${what} timeout`, props.timeout, scope);
  const retries = props.retries === MESH_DEFAULT_RETRIES
    ? MESH_DEFAULT_RETRIES
    : props.retries && resolveRetries(what, props.retries, props.timeout, scope);
  const fault = props.fault && resolveFault(what, props.fault, scope);
  const mirror = props.mirror && resolveMirror(what, props.mirror, service, backends, scope);
  const headers = props.headers && resolveHeaderRewrite(what, props.headers, scope);

  return { name, matches, backends, timeout, retries, fault, mirror, headers, isCatchAll: isCatchAllRoute };
}

