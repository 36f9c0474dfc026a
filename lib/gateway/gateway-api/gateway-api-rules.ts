import { gatewayApiConditions, gatewayApiHeaderFilter, gatewayApiMatch } from '../../traffic/gateway-api-form';
import { HeaderRewrite } from '../../traffic/header-rewrite';
import { BackendTarget } from '../backend-target';
import { GatewayRoute, GrpcGatewayRoute, GrpcMatch, HttpGatewayRoute, ResolvedGatewayMirror } from '../gateway-route';

/**
 * The one rule of an HTTPRoute for a route: its matches, filters (header
 * changes, rewrite or redirect, mirror), weighted backendRefs and request
 * timeout.
 *
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#httprouterule
 */
export function httpRouteRule(route: HttpGatewayRoute, namespace: string): Record<string, unknown> {
  const filters = [
    ...headerFilters(route.headers),
    ...(route.rewrite ? [{ type: 'URLRewrite', urlRewrite: { hostname: route.rewrite.hostname, path: route.rewrite.path && pathModifier(route.rewrite.path) } }] : []),
    ...(route.redirect
      ? [{
          type: 'RequestRedirect',
          requestRedirect: {
            scheme: route.redirect.scheme,
            hostname: route.redirect.hostname,
            port: route.redirect.port,
            path: route.redirect.path && pathModifier(route.redirect.path),
            statusCode: route.redirect.statusCode,
          },
        }]
      : []),
    ...mirrorFilters(route.mirror, namespace),
  ];
  return {
    name: route.name,
    matches: route.matches.length > 0 ? route.matches.map(gatewayApiMatch) : undefined,
    filters: filters.length > 0 ? filters : undefined,
    backendRefs: backendRefs(route, namespace),
    timeouts: route.timeout === undefined ? undefined : { request: route.timeout },
  };
}

/**
 * The one rule of a GRPCRoute for a route: service/method and header
 * matches, header changes, mirror and weighted backendRefs.
 *
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#grpcrouterule
 */
export function grpcRouteRule(route: GrpcGatewayRoute, namespace: string): Record<string, unknown> {
  const filters = [...headerFilters(route.headers), ...mirrorFilters(route.mirror, namespace)];
  return {
    name: route.name,
    matches: route.matches.length > 0 ? route.matches.map(grpcMatch) : undefined,
    filters: filters.length > 0 ? filters : undefined,
    backendRefs: backendRefs(route, namespace),
  };
}

/**
 * A mirror percentage as the Gateway API takes it: whole percentages as
 * `percent`, others as a `fraction` with a power of ten below, `undefined`
 * when it needs more than six decimals.
 */
export function mirrorShare(percentage: number): Record<string, unknown> | undefined {
  if (Number.isInteger(percentage)) {
    return percentage === 100 ? {} : { percent: percentage };
  }
  for (let decimals = 1; decimals <= 6; decimals++) {
    const scale = 10 ** decimals;
    const numerator = Math.round(percentage * scale);
    if (Math.abs(numerator - percentage * scale) < 1e-9) {
      return { fraction: { numerator, denominator: 100 * scale } };
    }
  }
  return undefined;
}

function grpcMatch(match: GrpcMatch): Record<string, unknown> {
  const method = match.service === undefined && match.method === undefined
    ? undefined
    : { type: 'Exact', service: match.service, method: match.method };
  return { method, headers: gatewayApiConditions(match.headers) };
}

function pathModifier(path: { type: string; value: string }): Record<string, string> {
  return path.type === 'ReplacePrefixMatch' ? { type: path.type, replacePrefixMatch: path.value } : { type: path.type, replaceFullPath: path.value };
}

function headerFilters(headers: HeaderRewrite | undefined): Record<string, unknown>[] {
  return [
    ...(headers?.request ? [{ type: 'RequestHeaderModifier', requestHeaderModifier: gatewayApiHeaderFilter(headers.request) }] : []),
    ...(headers?.response ? [{ type: 'ResponseHeaderModifier', responseHeaderModifier: gatewayApiHeaderFilter(headers.response) }] : []),
  ];
}

function mirrorFilters(mirror: ResolvedGatewayMirror | undefined, namespace: string): Record<string, unknown>[] {
  if (mirror === undefined) {
    return [];
  }
  return [{ type: 'RequestMirror', requestMirror: { backendRef: serviceRef(mirror.target, namespace), ...mirrorShare(mirror.percentage) } }];
}

function backendRefs(route: GatewayRoute, namespace: string): Record<string, unknown>[] | undefined {
  if (route.targets.length === 0) {
    return undefined;
  }
  const split = route.targets.length > 1;
  return route.targets.map((t) => ({ ...serviceRef(t, namespace), weight: split ? t.weight : undefined }));
}

/** A Service reference; the namespace only when it is not the route's. */
function serviceRef(target: BackendTarget, namespace: string): Record<string, unknown> {
  return { name: target.serviceName, namespace: target.namespace === namespace ? undefined : target.namespace, port: target.port };
}
