import { IConstruct } from 'constructs';
import { istioConditions, istioHeaderOperations, istioStringMatches, istioUriMatches, segmentPrefix } from '../../mesh/istio/istio-http-match';
import { HttpMatch, MatchType } from '../../traffic/http-match';
import { retryConditions } from '../../traffic/route-retries';
import { percentageProblem, toPercentages, Weighted } from '../../traffic/weights';
import { BackendTarget } from '../backend-target';
import { GatewayModel } from '../gateway-renderer';
import { GatewayRoute, GrpcMatch, HttpGatewayRoute } from '../gateway-route';
import { hostnameCovers, hostnameSpecificity } from '../hostnames';
import { servedHosts } from '../route-attachment';

/** One Istio http route of a VirtualService, with what orders it. */
interface Entry {
  readonly rank: readonly number[];
  readonly body: Record<string, unknown>;
}

/**
 * The http routes of the VirtualService for one host: every route serving a
 * hostname that covers it, one entry per match, most specific first as the
 * Gateway API orders them (hostname, then path kind and length, method,
 * header count, query count; ties to the route whose name sorts first, as
 * for Gateway API routes created together), because Istio takes the first
 * entry that matches.
 */
export function istioHttpRoutes(host: string, gateway: GatewayModel, scope: IConstruct): Record<string, unknown>[] {
  const entries: Entry[] = [];
  const byName = gateway.routes.map((r) => r.name).sort();
  gateway.routes.forEach((route) => {
    const covering = servedHosts(route, gateway.listeners).filter((served) => hostnameCovers(served, host));
    if (covering.length === 0) {
      return;
    }
    const hostRank = covering.map(hostnameSpecificity).sort((a, b) => b[0] - a[0] || b[1] - a[1])[0];
    const base = routeBody(route, scope);
    const matches: ReadonlyArray<HttpMatch | GrpcMatch | undefined> = route.matches.length > 0 ? route.matches : [undefined];
    matches.forEach((match, matchIndex) => {
      const name = matches.length > 1 ? `${route.name}-${matchIndex + 1}` : route.name;
      const rank = [...hostRank.map((n) => -n), ...matchRank(route, match), byName.indexOf(route.name), matchIndex];
      const bodies = route.kind === 'HTTPRoute' ? httpBodies(route, match as HttpMatch | undefined, name, base) : [grpcBody(match as GrpcMatch | undefined, name, base)];
      entries.push(...bodies.map((body) => ({ rank, body })));
    });
  });
  return entries.sort((a, b) => compareRanks(a.rank, b.rank)).map((e) => e.body);
}

/**
 * The names of the http routes (and so of Envoy's routes) a gateway route
 * becomes in every VirtualService that serves it, as {@link istioHttpRoutes}
 * names them: the route's name, `-<n>` per match when it has several, and
 * `-subpaths` for the second entry of a prefix whose match is replaced.
 */
export function istioRouteEntryNames(route: GatewayRoute): string[] {
  const count = Math.max(route.matches.length, 1);
  const names = count > 1 ? Array.from({ length: count }, (_, index) => `${route.name}-${index + 1}`) : [route.name];
  if (route.kind !== 'HTTPRoute' || !replacesPrefix(route)) {
    return names;
  }
  return names.flatMap((name, index) => (route.matches[index]?.path !== undefined ? [name, `${name}-subpaths`] : [name]));
}

function replacesPrefix(route: HttpGatewayRoute): boolean {
  return route.rewrite?.path?.type === 'ReplacePrefixMatch' || route.redirect?.path?.type === 'ReplacePrefixMatch';
}

function compareRanks(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) {
      return a[i] - b[i];
    }
  }
  return 0;
}

/** Lower sorts first: the Gateway API's precedence within one hostname. */
function matchRank(route: GatewayRoute, match: HttpMatch | GrpcMatch | undefined): number[] {
  if (route.kind === 'GRPCRoute') {
    const m = match as GrpcMatch | undefined;
    return [-(m?.service?.length ?? 0), -(m?.method?.length ?? 0), -(m?.headers?.length ?? 0), 0, 0];
  }
  const m = match as HttpMatch | undefined;
  const path = m?.path ?? { type: MatchType.PREFIX, value: '/' };
  const kind = path.type === MatchType.EXACT ? 0 : path.type === MatchType.PREFIX ? 1 : 2;
  const length = path.type === MatchType.PREFIX ? (path.value.replace(/\/+$/, '') || '/').length : path.value.length;
  return [kind, -length, m?.method === undefined ? 1 : 0, -(m?.headers?.length ?? 0), -(m?.queryParams?.length ?? 0)];
}

/** What every entry of a route has: destinations, timeout, retries, mirror, header changes. */
function routeBody(route: GatewayRoute, scope: IConstruct): Record<string, unknown> {
  const forwards = route.targets.length > 0;
  return {
    route: forwards ? destinations(route, scope) : undefined,
    timeout: route.timeout,
    retries: !forwards
      ? undefined
      : route.retries
        ? { attempts: route.retries.attempts, perTryTimeout: route.retries.perTryTimeout, retryOn: retryConditions(route.retries).join(',') }
        : { attempts: 0 },
    mirror: route.mirror && { host: hostOf(route.mirror.target), port: { number: route.mirror.target.port } },
    mirrorPercentage: route.mirror && { value: route.mirror.percentage },
    headers: route.headers && {
      request: route.headers.request && istioHeaderOperations(route.headers.request),
      response: route.headers.response && istioHeaderOperations(route.headers.response),
    },
  };
}

function destinations(route: GatewayRoute, scope: IConstruct): Record<string, unknown>[] {
  const destination = (t: BackendTarget) => ({ host: hostOf(t), port: { number: t.port } });
  if (route.targets.length === 1) {
    return [{ destination: destination(route.targets[0]) }];
  }
  return percentages(route, scope).map((w) => ({ destination: destination(w.target), weight: w.weight }));
}

/**
 * A route's targets with their weights as whole percentages summing to 100.
 *
 * @throws ValidationError when a non-zero weight would round to 0%
 */
export function percentages(route: GatewayRoute, scope: IConstruct): Weighted<BackendTarget>[] {
  return toPercentages(weightedTargets(route), targetName, `route '${route.name}'`, scope);
}

/** Why a route's weights have no whole percentages (a non-zero weight would round to 0%), or `undefined`. */
export function percentagesProblem(route: GatewayRoute): string | undefined {
  return percentageProblem(weightedTargets(route), targetName, `route '${route.name}'`);
}

function weightedTargets(route: GatewayRoute): Weighted<BackendTarget>[] {
  return route.targets.map((t) => ({ target: t, weight: t.weight }));
}

function targetName(target: BackendTarget): string {
  return target.description.replace(/'/g, '');
}

/** The cluster-local DNS name of a target's Service. */
function hostOf(target: BackendTarget): string {
  return `${target.serviceName}.${target.namespace}.svc.cluster.local`;
}

/**
 * The entries of one HTTP match. A path prefix matches whole segments
 * (`/api` takes `/api` and `/api/x`, not `/apix`), which Istio's string
 * prefix does not, so it becomes an exact match plus a prefix with `/`;
 * when the matched prefix is replaced (rewrite or redirect), each half gets
 * its own entry, because the replacement differs (`/v2` and `/v2/`).
 */
function httpBodies(route: HttpGatewayRoute, match: HttpMatch | undefined, name: string, base: Record<string, unknown>): Record<string, unknown>[] {
  const conditions = match && istioConditions(match);
  const rewritePath = route.rewrite?.path;
  const redirectPath = route.redirect?.path;
  const path = match?.path;
  if (replacesPrefix(route) && path !== undefined) {
    const prefix = segmentPrefix(path);
    const replacement = (rewritePath ?? redirectPath)!.value;
    const withSlash = replacement.endsWith('/') ? replacement : `${replacement}/`;
    return [
      { name, match: [{ uri: { exact: prefix || '/' }, ...conditions }], ...base, ...pathChange(route, replacement) },
      { name: `${name}-subpaths`, match: [{ uri: { prefix: `${prefix}/` }, ...conditions }], ...base, ...pathChange(route, withSlash) },
    ];
  }
  const istioMatch = match === undefined ? undefined : istioUriMatches(path).map((uri) => ({ uri, ...conditions }));
  return [{ name, match: istioMatch, ...base, ...pathChange(route, undefined) }];
}

/**
 * The rewrite or redirect of an entry; `prefixReplacement` is the new
 * prefix of an entry that replaces the matched prefix.
 */
function pathChange(route: HttpGatewayRoute, prefixReplacement: string | undefined): Record<string, unknown> {
  const { rewrite, redirect } = route;
  if (redirect !== undefined) {
    const path = redirect.path;
    return {
      redirect: {
        scheme: redirect.scheme,
        authority: redirect.hostname,
        port: redirect.port,
        derivePort: redirect.scheme !== undefined && redirect.port === undefined ? 'FROM_PROTOCOL_DEFAULT' : undefined,
        uri: path?.type === 'ReplaceFullPath' ? path.value : undefined,
        prefixRewrite: path?.type === 'ReplacePrefixMatch' ? prefixReplacement : undefined,
        redirectCode: redirect.statusCode,
      },
    };
  }
  if (rewrite !== undefined) {
    const path = rewrite.path;
    return {
      rewrite: {
        authority: rewrite.hostname,
        uri: path?.type === 'ReplacePrefixMatch' ? prefixReplacement : undefined,
        uriRegexRewrite: path?.type === 'ReplaceFullPath' ? { match: '^.*$', rewrite: path.value } : undefined,
      },
    };
  }
  return {};
}

/**
 * A gRPC match as an HTTP/2 path match: a call is `POST /<service>/<method>`.
 */
function grpcBody(match: GrpcMatch | undefined, name: string, base: Record<string, unknown>): Record<string, unknown> {
  if (match === undefined) {
    return { name, ...base };
  }
  const { service, method } = match;
  const uri = service !== undefined && method !== undefined
    ? { exact: `/${service}/${method}` }
    : service !== undefined
      ? { prefix: `/${service}/` }
      : method !== undefined
        ? { regex: `/[^/]+/${method}` }
        : undefined;
  return { name, match: [{ uri, headers: istioStringMatches(match.headers) }], ...base };
}
