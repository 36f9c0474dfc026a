import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { unrenderableKeyProblem } from '../core/map-keys';
import { checkProps } from '../core/prop-schema';
import { ValidationError } from '../core/validation-error';
import type { Microservice } from '../workload/microservice';
import { MESH_DEFAULT_RETRIES, RetryOn, RetryPolicy, RouteRetries } from '../workload/retry-policy';
import type { Revision } from '../workload/revision';
import { formatDuration, millisOf } from './durations';
import { FaultInjection } from './fault-injection';
import { HeaderModifier, HeaderRewrite } from './header-rewrite';
import { HEADER_NAME, HttpMatch, isCatchAll, validateMatch } from './http-match';
import { assertPercentage } from './percentage';
import { RouteBackend } from './route-backend';
import { TrafficMirror } from './traffic-mirror';
import { routePropsSchema } from './traffic-schemas';
import { assertWeights, Weighted } from './weights';

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

/** A validated retry policy. */
export interface ResolvedRetries {
  /** Retries after the first try. */
  readonly attempts: number;
  /**
   * Time allowed for each try, formatted.
   * @default - the route's timeout
   */
  readonly perTryTimeout?: string;
  /** What counts as failed, without duplicates. */
  readonly retryOn: readonly RetryOn[];
  /** Response statuses retried besides `retryOn`, without duplicates, in order. */
  readonly statusCodes: readonly number[];
}

/** A validated mirror. */
export interface ResolvedMirror {
  /** The revision receiving the copies. */
  readonly revision: Revision;
  /** The share of requests copied, in (0, 100]. */
  readonly percentage: number;
}

/** A validated fault. */
export interface ResolvedFault {
  /**
   * The delay (formatted) and the share of requests delayed.
   * @default - no delay
   */
  readonly delay?: { readonly delay: string; readonly percentage: number };
  /**
   * The status returned and the share of requests aborted.
   * @default - no abort
   */
  readonly abort?: { readonly httpStatus: number; readonly percentage: number };
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

/**
 * Validates weighted backends across live revisions of one service: at least
 * one, each live and listed once, weights whole numbers with one above 0.
 *
 * @throws ValidationError naming `what` for any invalid backend
 * @internal
 */
export function resolveRevisionBackends(
  what: string,
  service: Microservice,
  backends: readonly RouteBackend[],
  scope: IConstruct,
): Weighted<Revision>[] {
  if (backends.length === 0) {
    throw new ValidationError(`${what} has no backends; give it at least one revision of ${service.serviceName}`, scope);
  }
  const weighted = backends.map((b) => ({ target: b.revision, weight: b.weight ?? 1 }));
  for (const { target } of weighted) {
    assertRevisionOf(service, target, `${what} backend`, scope);
  }
  const seen = new Set<Revision>();
  for (const { target } of weighted) {
    if (seen.has(target)) {
      throw new ValidationError(`${what} lists revision '${target.track}' twice; list each backend once with its total weight`, scope);
    }
    seen.add(target);
  }
  assertWeights(weighted, (r) => r.track, what, scope);
  return weighted;
}

/**
 * Validates request and response header changes: header names lower-cased,
 * no header both set and added, or changed and removed.
 *
 * @throws ValidationError naming `what` for an invalid change
 * @internal
 */
export function resolveHeaderRewrite(what: string, headers: HeaderRewrite, scope: IConstruct): HeaderRewrite {
  return {
    request: headers.request && resolveModifier(`${what} request headers`, headers.request, scope),
    response: headers.response && resolveModifier(`${what} response headers`, headers.response, scope),
  };
}

/**
 * @throws ValidationError unless `revision` is a live revision of `service`
 * @internal
 */
export function assertRevisionOf(service: Microservice, revision: Revision, what: string, scope: IConstruct): void {
  if (!service.revisions.includes(revision)) {
    throw new ValidationError(
      `${what} '${revision.node.path}' is not a live revision of ${service.serviceName} (live: ${service.revisions.map((r) => r.track).join(', ')}); ` +
        `use one returned by ${service.serviceName}.addRevision or listed in ${service.serviceName}.revisions`,
      scope,
    );
  }
}

/**
 * Validates a retry policy against the route's timeout.
 *
 * @throws ValidationError naming `what` for an invalid policy
 * @internal
 */
export function resolveRetries(what: string, retries: RetryPolicy, timeout: Duration | undefined, scope: IConstruct): ResolvedRetries {
  if (!Number.isInteger(retries.attempts) || retries.attempts < 1 || retries.attempts > 10) {
    throw new ValidationError(`${what} retries.attempts must be a whole number 1-10, got ${retries.attempts}`, scope);
  }
  const perTryTimeout = retries.perTryTimeout && formatDuration(`${what} retries.perTryTimeout`, retries.perTryTimeout, scope);
  if (retries.perTryTimeout && timeout && millisOf(retries.perTryTimeout) > millisOf(timeout)) {
    throw new ValidationError(
      `${what} retries.perTryTimeout (${perTryTimeout}) is longer than the route timeout (${formatDuration('timeout', timeout, scope)}), ` +
        'so no retry could ever start; make perTryTimeout ≤ timeout',
      scope,
    );
  }
  const statusCodes = [...new Set(retries.statusCodes ?? [])];
  const badCode = statusCodes.find((code) => !Number.isInteger(code) || code < 100 || code > 599);
  if (badCode !== undefined) {
    throw new ValidationError(`${what} retries.statusCodes must be HTTP statuses 100-599, got ${badCode}`, scope);
  }
  const retryOn = retries.retryOn ?? (statusCodes.length > 0 ? [] : [RetryOn.GATEWAY_ERROR]);
  if (retryOn.length === 0 && statusCodes.length === 0) {
    throw new ValidationError(`${what} retries.retryOn is empty, so nothing would be retried; list a condition or a status code, or drop retries`, scope);
  }
  return { attempts: retries.attempts, perTryTimeout, retryOn: [...new Set(retryOn)], statusCodes };
}

/**
 * A retry policy's conditions and statuses as one list, the form Envoy's
 * `x-envoy-retry-on` (Istio's `retryOn`) takes: a status in it is retried as
 * a retriable status code.
 */
export function retryConditions(retries: ResolvedRetries): string[] {
  return [...retries.retryOn, ...retries.statusCodes.map(String)];
}

function resolveFault(what: string, fault: FaultInjection, scope: IConstruct): ResolvedFault {
  if (fault.delay === undefined && fault.abort === undefined) {
    throw new ValidationError(`${what} fault has neither delay nor abort; give one or drop the fault`, scope);
  }
  const delay = fault.delay && {
    delay: formatDuration(`${what} fault delay`, fault.delay.delay, scope),
    percentage: assertPercentage(`${what} fault delay percentage`, fault.delay.percentage, scope),
  };
  let abort: ResolvedFault['abort'];
  if (fault.abort !== undefined) {
    const { httpStatus } = fault.abort;
    if (!Number.isInteger(httpStatus) || httpStatus < 400 || httpStatus > 599) {
      throw new ValidationError(`${what} fault abort httpStatus must be an error status 400-599, got ${httpStatus}`, scope);
    }
    abort = { httpStatus, percentage: assertPercentage(`${what} fault abort percentage`, fault.abort.percentage, scope) };
  }
  return { delay, abort };
}

function resolveMirror(
  what: string,
  mirror: TrafficMirror,
  service: Microservice,
  backends: readonly Weighted<Revision>[],
  scope: IConstruct,
): ResolvedMirror {
  assertRevisionOf(service, mirror.revision, `${what} mirror`, scope);
  if (backends.some((b) => b.target === mirror.revision)) {
    throw new ValidationError(
      `${what} mirrors to revision '${mirror.revision.track}', which already serves the route; mirror to a revision outside its backends`,
      scope,
    );
  }
  return { revision: mirror.revision, percentage: assertPercentage(`${what} mirror percentage`, mirror.percentage ?? 100, scope) };
}

function resolveModifier(what: string, modifier: HeaderModifier, scope: IConstruct): HeaderModifier {
  const lower = (record: Readonly<Record<string, string>> | undefined, part: string) => {
    if (record === undefined) {
      return undefined;
    }
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(record)) {
      assertHeaderName(`${what} ${part}`, name, scope);
      if (value.length === 0 || value.length > 4096 || /[\r\n\0]/.test(value)) {
        throw new ValidationError(
          `${what} ${part} '${name}' value must be 1-4096 characters without CR, LF or NUL, got ${JSON.stringify(value)}; use remove to drop a header`,
          scope,
        );
      }
      const key = name.toLowerCase();
      if (Object.hasOwn(out, key)) {
        throw new ValidationError(`${what} ${part} names header '${key}' twice (header names ignore case); keep one`, scope);
      }
      out[key] = value;
    }
    return out;
  };
  const set = lower(modifier.set, 'set');
  const add = lower(modifier.add, 'add');
  const remove = modifier.remove?.map((name) => {
    assertHeaderName(`${what} remove`, name, scope);
    return name.toLowerCase();
  });
  const twice = remove?.find((name, index) => remove.indexOf(name) !== index);
  if (twice !== undefined) {
    // the Gateway API keeps removed headers as a set (x-kubernetes-list-type: set): the API server refuses a repeat
    throw new ValidationError(`${what} remove names header '${twice}' twice (header names ignore case); keep one`, scope);
  }
  const touched = [...Object.keys(set ?? {}), ...Object.keys(add ?? {})];
  const clash = remove?.find((name) => touched.includes(name));
  if (clash !== undefined) {
    const verb = set !== undefined && Object.hasOwn(set, clash) ? 'sets' : 'adds';
    throw new ValidationError(`${what} both ${verb} and removes header '${clash}'; keep one`, scope);
  }
  const both = Object.keys(set ?? {}).find((name) => Object.hasOwn(add ?? {}, name));
  if (both !== undefined) {
    throw new ValidationError(`${what} both sets and adds header '${both}'; keep one`, scope);
  }
  return { set, add, remove };
}

function assertHeaderName(what: string, name: string, scope: IConstruct): void {
  if (!HEADER_NAME.test(name)) {
    throw new ValidationError(`${what} header name must be an HTTP token, got '${name}'`, scope);
  }
  // Istio writes header changes as maps from name to value
  const unrenderable = unrenderableKeyProblem(name.toLowerCase());
  if (unrenderable !== undefined) {
    throw new ValidationError(`${what} header name ${unrenderable}; change another header`, scope);
  }
}
