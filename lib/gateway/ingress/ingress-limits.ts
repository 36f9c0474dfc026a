import { MatchType } from '../../traffic/http-match';
import { GatewayModel } from '../gateway-renderer';
import { HttpGatewayRoute } from '../gateway-route';
import { isStreamListener, Listener, ListenerProtocol } from '../listener';

const FIX = 'or render the gateway with GatewayRendering.gatewayApi()';
/** The ports every ingress controller serves; an Ingress has no port field. */
const INGRESS_PORTS: Readonly<Record<string, number>> = { [ListenerProtocol.HTTP]: 80, [ListenerProtocol.HTTPS]: 443 };
/**
 * An encoded '/', which the API server refuses in an Exact or Prefix path of
 * an Ingress; the other sequences it refuses ('//', '.' and '..' segments)
 * every route refuses already.
 */
const ENCODED_SLASH = /%2f/i;

/**
 * What a Kubernetes Ingress (`networking.k8s.io/v1`) cannot express, one
 * message per problem naming the listener or route, 'ingress' and the fix:
 * gRPC, TCP and TLS passthrough; ports other than 80 for HTTP and 443 for HTTPS (an Ingress has no
 * port, the controller's are used); an HTTPS redirect (no field, each
 * controller has its own annotation); wildcard hostnames (an Ingress wildcard
 * matches one label, the gateway's any number); weighted splits, header,
 * method and query matches, regular-expression paths, header changes,
 * redirects, rewrites, timeouts, retries, mirrors and end-user
 * authentication; a Service in another
 * namespace (an Ingress backend is in the Ingress's namespace); an encoded
 * '/' in a path (the API server refuses it); a gateway without routes (an Ingress needs a rule).
 */
export function ingressProblems(gateway: GatewayModel): string[] {
  const routes = gateway.routes.filter((route): route is HttpGatewayRoute => route.kind === 'HTTPRoute');
  const problems = [...gateway.listeners.flatMap(listenerProblems), ...routes.flatMap((route) => routeProblems(route, gateway.namespace))];
  if (routes.length === 0) {
    problems.push(`gateway '${gateway.gatewayName}' has no HTTP routes, and an Ingress needs at least one rule (ingress); add a route with addRoute`);
  }
  return problems;
}

function listenerProblems(listener: Listener): string[] {
  const what = `listener '${listener.name}'`;
  const problems: string[] = [];
  if (listener.protocol === ListenerProtocol.GRPC) {
    problems.push(`${what} speaks gRPC, which an Ingress has no routes for (ingress); serve gRPC through a gateway rendered with GatewayRendering.gatewayApi()`);
    return problems;
  }
  if (isStreamListener(listener)) {
    problems.push(
      `${what} takes ${listener.protocol === ListenerProtocol.TCP ? 'TCP' : 'TLS passthrough'} connections, but an Ingress routes HTTP requests only (ingress); ` +
        'serve them through a gateway rendered with GatewayRendering.gatewayApi()',
    );
    return problems;
  }
  const port = INGRESS_PORTS[listener.protocol];
  if (listener.port !== port) {
    problems.push(`${what} is ${listener.protocol} on port ${listener.port}, but an Ingress has no port: its controller serves ${listener.protocol} on ${port} (ingress); use port ${port} ${FIX}`);
  }
  if (listener.redirectToHttps) {
    problems.push(
      `${what} redirects to HTTPS, which an Ingress has no field for (ingress); drop redirectToHttps and use the controller's own setting ` +
        "(ingress-nginx redirects hosts with TLS by default) " + FIX,
    );
  }
  if (listener.authentication !== undefined) {
    problems.push(
      `${what} authenticates end users, which an Ingress has no field for (ingress); drop authentication, or render the gateway with ` +
        "GatewayRendering.istio() or GatewayRendering.gatewayApi({ gatewayClassName: 'istio' })",
    );
  }
  problems.push(...wildcardProblems(what, listener.hostnames));
  return problems;
}

function routeProblems(route: HttpGatewayRoute, namespace: string): string[] {
  const what = `route '${route.name}'`;
  const problems = wildcardProblems(what, route.hostnames);
  const unsupported: Array<[boolean, string]> = [
    [route.targets.length > 1, `splits requests across ${route.targets.map((t) => t.description).join(', ')}, but an Ingress path has one Service and no weights`],
    [route.redirect !== undefined, 'redirects, which an Ingress has no field for'],
    [route.rewrite?.path !== undefined, 'rewrites the path, which an Ingress has no field for'],
    [route.rewrite?.hostname !== undefined, route.targets.some((t) => t.hostname !== undefined)
      ? `sends to ${route.targets[0]?.description}, which is reached only by Host '${route.rewrite?.hostname}', and an Ingress cannot rewrite the Host`
      : 'rewrites the Host, which an Ingress has no field for'],
    [route.headers !== undefined, 'changes headers, which an Ingress has no field for'],
    [route.timeout !== undefined, 'sets a timeout, which an Ingress has no field for'],
    [route.retries !== undefined, 'sets retries, which an Ingress has no field for'],
    [route.mirror !== undefined, 'mirrors requests, which an Ingress has no field for'],
    [route.authentication !== undefined, 'authenticates end users, which an Ingress has no field for'],
  ];
  problems.push(...unsupported.filter(([found]) => found).map(([, problem]) => `${what} ${problem} (ingress); ${FIX}`));
  if (route.rateLimit !== undefined) {
    problems.push(`${what} has a rate limit, which an Ingress has no field for (ingress); drop rateLimit, or render the gateway with GatewayRendering.istio()`);
  }
  if (route.sessionAffinity !== undefined) {
    problems.push(`${what} pins sessions, which an Ingress has no field for (ingress); drop sessionAffinity, or render the gateway with GatewayRendering.istio()`);
  }
  for (const target of route.targets.filter((t) => t.namespace !== namespace)) {
    problems.push(
      `${what} sends to ${target.description} in namespace '${target.namespace}', but an Ingress reaches Services of its own namespace '${namespace}' only (ingress); ` +
        `put the gateway in '${target.namespace}' ${FIX}`,
    );
  }
  route.matches.forEach((match, index) => {
    const where = `${what} match ${index + 1}`;
    const conditions = [
      match.method === undefined ? undefined : 'a method',
      (match.headers ?? []).length === 0 ? undefined : 'headers',
      (match.queryParams ?? []).length === 0 ? undefined : 'query parameters',
    ].filter((c): c is string => c !== undefined);
    if (conditions.length > 0) {
      problems.push(`${where} matches ${conditions.join(' and ')}, but an Ingress matches by host and path only (ingress); match by path ${FIX}`);
    }
    const path = match.path;
    if (path?.type === MatchType.REGEX) {
      problems.push(`${where} matches the regular expression '${path.value}', which an Ingress has no portable path type for (ingress); match an exact path or a prefix ${FIX}`);
    } else if (path !== undefined && ENCODED_SLASH.test(path.value)) {
      problems.push(`${where} path '${path.value}' holds an encoded '/' (%2F), which the API server refuses in an Ingress (ingress); write the path with a plain '/'`);
    }
  });
  return problems;
}

function wildcardProblems(what: string, hostnames: readonly string[]): string[] {
  return hostnames.filter((h) => h.startsWith('*.')).map((h) =>
    `${what} takes wildcard hostname '${h}', which in an Ingress matches one label (a.${h.slice(2)}, not a.b.${h.slice(2)}), ` +
      `unlike the gateway's any number (ingress); list the hostnames ${FIX}`);
}
