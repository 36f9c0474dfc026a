import type { CircuitBreaker } from '../../traffic/circuit-breaker';
import { MatchType } from '../../traffic/http-match';
import type { LocalityFailover } from '../../traffic/locality-failover';
import type { Route } from '../../traffic/route';
import type { ServiceRoutes } from '../../traffic/service-routes';
import type { TcpRoute } from '../../traffic/tcp-route';
import { percentageProblem } from '../../traffic/weights';
import type { Microservice } from '../../workload/microservice';
import { MESH_DEFAULT_RETRIES, RetryOn } from '../../workload/retry-policy';
import type { MeshFunction } from '../mesh-provider';
import { consulProtocol, consulServicePort, isL7 } from './consul-api';

// Everything of the traffic model the Consul provider cannot express, one
// message per problem, each naming the construct, the feature, 'consul' and
// the fix. Nothing Consul cannot express is emitted, and nothing is dropped.

/**
 * The retry conditions a ServiceRouter destination takes in `retryOn`
 * (Envoy's names); a status code goes in `retryOnStatusCodes` instead.
 *
 * @see https://developer.hashicorp.com/consul/docs/connect/config-entries/service-router#routes-destination-retryon
 */
const CONSUL_RETRY_ON: ReadonlySet<RetryOn> = new Set([
  RetryOn.SERVER_ERROR,
  RetryOn.GATEWAY_ERROR,
  RetryOn.RESET,
  RetryOn.CONNECT_FAILURE,
  RetryOn.ENVOY_RATELIMITED,
  RetryOn.RETRIABLE_4XX,
  RetryOn.REFUSED_STREAM,
  RetryOn.GRPC_CANCELLED,
  RetryOn.GRPC_DEADLINE_EXCEEDED,
  RetryOn.GRPC_INTERNAL,
  RetryOn.GRPC_RESOURCE_EXHAUSTED,
  RetryOn.GRPC_UNAVAILABLE,
]);

/**
 * A route's retry policy as Consul writes it; `undefined` for no retries and
 * for the mesh's default, which in Consul is no retries (a ServiceRouter
 * destination without retry fields gets no retry policy).
 */
export function consulRetries(route: Route): Exclude<Route['retries'], typeof MESH_DEFAULT_RETRIES> {
  return route.retries === MESH_DEFAULT_RETRIES ? undefined : route.retries;
}

/** What is wrong with a service's shape for Consul: its ports, its namespace peers, its external hosts. */
export function unsupportedService(service: Microservice): string[] {
  const name = service.serviceName;
  const errors: string[] = [];
  if (consulServicePort(service.ports) === undefined) {
    const ports = service.ports.map((p) => `${p.name} (${p.protocol})`).join(', ') || 'none';
    errors.push(
      `${name} has ports ${ports}, but consul registers a pod through a Service with one TCP port, its first (consul-k8s registers one ` +
        'port per service instance and its transparent proxy intercepts TCP only); give the service exactly one port, a TCP one, ' +
        'or keep it out of the consul mesh',
    );
  }
  for (const peer of service.allowIngressFrom.filter((p) => !p.isAnywhere)) {
    errors.push(
      `allowIngressFrom namespace '${peer.namespaceName}' of ${name} cannot be expressed in consul, whose intentions admit callers by ` +
        'Consul service name (Consul CE keeps every Kubernetes namespace in one Consul namespace); declare the callers as dependencies, ' +
        'or use IngressPeer.anywhere()',
    );
  }
  for (const host of service.externalHosts) {
    const what = `externalHosts '${host.host}:${host.port}' of ${name}`;
    if (host.tlsOrigination !== undefined) {
      errors.push(`${what} asks for tlsOrigination, which consul cannot do without a terminating gateway this provider does not write; call the host over TLS from the service`);
    }
    if (host.timeout !== undefined || host.retries !== undefined) {
      errors.push(
        `${what} sets ${host.timeout !== undefined ? 'a timeout' : 'retries'}, which consul cannot apply (the transparent proxy passes ` +
          "calls to hosts outside the mesh through unrouted); set them in the service's HTTP client",
      );
    }
  }
  return errors;
}

/** What a route asks for that a ServiceRouter, ServiceSplitter and ServiceResolver cannot express. */
export function unsupportedRouteFeatures(route: Route, routes: ServiceRoutes): string[] {
  const where = `route '${route.name}' of ${routes.service.serviceName}`;
  const errors: string[] = [];
  const port = consulServicePort(routes.service.ports);
  if (port !== undefined && !isL7(consulProtocol(port))) {
    errors.push(
      `${where} routes HTTP requests on port '${port.name}', which consul proxies as tcp (its protocol comes from the port name), ` +
        "and consul routes by request only for http, http2 or grpc; name the port 'http' (or 'http-…', 'http2', 'grpc')",
    );
  }
  if (route.fault !== undefined) {
    errors.push(`${where} uses fault injection, which consul cannot express (its ServiceRouter has no fault filter); drop the fault`);
  }
  if (route.mirror !== undefined) {
    errors.push(
      `${where} mirrors requests to revision '${route.mirror.revision.track}', which consul cannot express (its discovery chain ` +
        'has no request mirroring); drop the mirror, or send the revision a weighted share instead',
    );
  }
  const rounding = percentageProblem(route.backends, (r) => r.track, where);
  if (rounding !== undefined) {
    errors.push(`${rounding} (consul splits are written as whole percentages)`);
  }
  const retries = consulRetries(route);
  if (retries?.perTryTimeout !== undefined) {
    errors.push(
      `${where} sets retries.perTryTimeout (${retries.perTryTimeout}), which consul cannot express (a ServiceRouter destination has ` +
        'one requestTimeout for the whole request); drop perTryTimeout and use the route timeout',
    );
  }
  const unsupported = (retries?.retryOn ?? []).filter((condition) => !CONSUL_RETRY_ON.has(condition));
  if (unsupported.length > 0) {
    errors.push(
      `${where} retries on ${unsupported.map((c) => `'${c}'`).join(', ')}, which consul cannot express (its retryOn takes ` +
        `${[...CONSUL_RETRY_ON].join(', ')}; statuses go in retries.statusCodes); retry on those`,
    );
  }
  return errors;
}

/**
 * What a TCP route asks for that Consul cannot express: a weighted split
 * (a ServiceSplitter needs an HTTP protocol; a TCP service is sent to one
 * subset by its resolver), or a port Consul proxies as HTTP.
 */
export function unsupportedTcpRoute(route: TcpRoute, routes: ServiceRoutes): string[] {
  const where = `TCP route '${route.name}' of ${routes.service.serviceName}`;
  const errors: string[] = [];
  if (route.backends.length > 1) {
    errors.push(
      `${where} splits connections between ${route.backends.length} revisions, which consul cannot express (a ServiceSplitter ` +
        "needs an HTTP protocol; a tcp service goes to its ServiceResolver's one default subset); send the connections to one revision",
    );
  }
  if (isL7(consulProtocol(route.port))) {
    errors.push(
      `${where} takes port '${route.port.name}', which consul proxies as ${consulProtocol(route.port)} (its protocol comes from the ` +
        `port name); name the port for TCP, e.g. '${`tcp-${route.port.name}`.slice(0, 15)}', or route it with HTTP routes`,
    );
  }
  return errors;
}

/**
 * What of a service's policies Consul cannot express: of end-user (JWT)
 * authentication, claims copied into headers (a JWTProvider forwards the
 * whole payload or nothing), tokens validated where none is required (a
 * proxy lets a request with an invalid token through as one without),
 * requirements on regular-expression paths (their regions cannot be ordered
 * against the other requirements' paths) and a service proxied as tcp
 * (tokens are read by L7 intentions); and local rate limits outside Consul
 * Enterprise, or refilled at another interval than a second, or with a
 * status other than 429.
 *
 * @see https://developer.hashicorp.com/consul/docs/secure-mesh/intention/jwt
 */
export function unsupportedServicePolicies(routes: ServiceRoutes, enterprise: boolean): string[] {
  const name = routes.service.serviceName;
  const errors: string[] = [...unsupportedAuthentication(routes)];
  const limit = routes.rateLimit;
  if (limit !== undefined && !enterprise) {
    errors.push(
      `rateLimit of ${name} asks for a local rate limit, which consul has in Consul Enterprise only (ServiceDefaults rateLimits); ` +
        'use MeshProvider.consul({ enterprise: true }) on Consul Enterprise 1.17 or later, or limit the rate in the application',
    );
  } else if (limit !== undefined) {
    if (limit.intervalMillis !== 1000) {
      errors.push(
        `rateLimit of ${name} admits ${limit.requests} requests per ${limit.interval}, which consul cannot express (its bucket is ` +
          'refilled every second: requestsPerSecond); give the requests per second with interval: Duration.seconds(1)',
      );
    }
    if (limit.statusCode !== 429) {
      errors.push(`rateLimit of ${name} answers ${limit.statusCode}, which consul cannot express (its rate limit answers 429); drop statusCode`);
    }
  }
  return errors;
}

function unsupportedAuthentication(routes: ServiceRoutes): string[] {
  const auth = routes.authentication;
  if (auth === undefined) {
    return [];
  }
  const name = routes.service.serviceName;
  const errors: string[] = [];
  const port = consulServicePort(routes.service.ports);
  if (port !== undefined && !isL7(consulProtocol(port))) {
    errors.push(
      `authentication of ${name} cannot be expressed in consul on port '${port.name}', which it proxies as tcp (consul reads tokens in ` +
        "HTTP intentions only); name the port 'http' (or 'http-…', 'http2', 'grpc')",
    );
  }
  for (const issuer of auth.issuers.filter((i) => (i.outputClaimToHeaders ?? []).length > 0)) {
    errors.push(
      `authentication issuer '${issuer.issuer}' of ${name} copies claims into headers (outputClaimToHeaders), which consul cannot express ` +
        '(its JWTProvider forwards the whole verified payload in one header, never one claim); drop outputClaimToHeaders and read the claims from the token',
    );
  }
  if (auth.require.length === 0) {
    errors.push(
      `authentication of ${name} requires no token (require: []), which consul cannot express: its proxies validate a JWT only for an ` +
        'intention that requires one, and let a request with an invalid token through as one without; list the requests that need a token',
    );
  }
  auth.require.forEach((requirement, index) => {
    for (const path of requirement.paths.filter((p) => p.type === MatchType.REGEX)) {
      errors.push(
        `authentication require ${index + 1} of ${name} covers the regular-expression path '${path.value}', which consul cannot express ` +
          '(its intention permissions are tried in order, and a pattern cannot be ordered against the other paths); list the paths as PathMatch.exact or PathMatch.prefix',
      );
    }
  });
  return errors;
}

/**
 * What of a service's load balancing and locality failover Consul cannot
 * express: slow start (its load balancer has no warm-up), a revision's own
 * load balancing (the resolver's one `loadBalancer` serves every subset),
 * consistent hashing on request content for a tcp service, and of locality failover: all of it
 * outside Consul Enterprise; on Consul Enterprise anything but a failover
 * priority of region then zone, which is what its ServiceResolver
 * `prioritizeByLocality` does (named failover regions and fixed weights
 * between localities have no field: a resolver's `failover` names other
 * datacenters and cluster peers, not the zones of one cluster).
 *
 * @see https://developer.hashicorp.com/consul/docs/connect/config-entries/service-resolver#loadbalancer
 * @see https://developer.hashicorp.com/consul/docs/connect/manage-traffic/route-to-local-upstreams
 */
export function unsupportedTrafficPolicy(routes: ServiceRoutes, enterprise: boolean): string[] {
  const name = routes.service.serviceName;
  const errors: string[] = [];
  const lb = routes.loadBalancing;
  if (lb?.slowStart !== undefined) {
    errors.push(`loadBalancing.slowStart of ${name} cannot be expressed in consul, whose load balancer has no warm-up of new pods; drop slowStart`);
  }
  const port = consulServicePort(routes.service.ports);
  const affinity = lb?.sessionAffinity;
  if (affinity !== undefined && affinity.kind !== 'source-ip' && port !== undefined && !isL7(consulProtocol(port))) {
    errors.push(
      `loadBalancing.sessionAffinity of ${name} hashes a ${affinity.kind}, which consul reads only on an HTTP service, and port ` +
        `'${port.name}' is proxied as tcp; hash the source IP (sessionAffinity: { sourceIp: true }) or name the port 'http'`,
    );
  }
  for (const { revision } of routes.revisionLoadBalancing) {
    errors.push(
      `revision '${revision.track}' of ${name} has load balancing of its own, which cannot be expressed in consul: a ServiceResolver ` +
        'has one loadBalancer for the service, which every subset (revision) shares; drop addRevisionLoadBalancing, or set loadBalancing ' +
        'for the whole service',
    );
  }
  const locality = routes.localityFailover;
  if (locality !== undefined && !enterprise) {
    errors.push(
      `localityFailover of ${name} cannot be expressed in consul outside Consul Enterprise (its locality-aware routing, ServiceResolver ` +
        'prioritizeByLocality, is an Enterprise feature of Consul 1.17 or later); use MeshProvider.consul({ enterprise: true }) on Consul ' +
        'Enterprise, or drop localityFailover',
    );
  } else if (locality !== undefined) {
    errors.push(...unsupportedLocality(locality, name));
  }
  return errors;
}

/** The failover priority Consul Enterprise's locality-aware routing follows: the caller's region, then its zone. */
export const CONSUL_LOCALITY_PRIORITY: readonly string[] = ['topology.kubernetes.io/region', 'topology.kubernetes.io/zone'];

function unsupportedLocality(locality: LocalityFailover, name: string): string[] {
  const errors: string[] = [];
  const priority = CONSUL_LOCALITY_PRIORITY.map((l) => `'${l}'`).join(', ');
  if ((locality.failover ?? []).length > 0) {
    const regions = locality.failover!.map((f) => `${f.from} → ${f.to}`).join(', ');
    errors.push(
      `localityFailover.failover of ${name} (${regions}) cannot be expressed in consul, which fails over from the caller's zone to the ` +
        "closest healthy instances by its own order of region and zone, never to a named region (a ServiceResolver's failover targets are " +
        `other datacenters and cluster peers); drop failover and set failoverPriority: [${priority}]`,
    );
  }
  if ((locality.distribute ?? []).length > 0) {
    errors.push(
      `localityFailover.distribute of ${name} cannot be expressed in consul, which sends every request to the closest healthy instances ` +
        `and has no weights between localities; drop distribute and set failoverPriority: [${priority}]`,
    );
  }
  const given = locality.failoverPriority ?? [];
  if (given.length > 0 && given.join(' ') !== CONSUL_LOCALITY_PRIORITY.join(' ')) {
    errors.push(
      `localityFailover.failoverPriority of ${name} (${given.map((l) => `'${l}'`).join(', ')}) cannot be expressed in consul, which ` +
        `prefers instances by the region and zone of their node, in that order; set failoverPriority: [${priority}]`,
    );
  }
  return errors;
}

/**
 * What of a circuit breaker Consul cannot express: a limit of requests per
 * connection (its upstream limits are connections, pending and concurrent
 * requests), and any breaker of a service no declared caller reaches, since
 * Consul sets circuit breaking on the callers' side.
 */
export function unsupportedCircuitBreaker(breaker: CircuitBreaker, routes: ServiceRoutes): string[] {
  const name = routes.service.serviceName;
  const errors: string[] = [];
  if (breaker.maxRequestsPerConnection !== undefined) {
    errors.push(
      `circuitBreaker.maxRequestsPerConnection (${breaker.maxRequestsPerConnection}) of ${name} cannot be expressed in consul, whose ` +
        'upstream limits are maxConnections, maxPendingRequests and maxConcurrentRequests; drop it',
    );
  }
  if (routes.service.dependents.length === 0) {
    errors.push(
      `circuitBreaker of ${name} reaches no caller: consul sets circuit breaking in each caller's ServiceDefaults (upstreamConfig), ` +
        `and no service of the mesh declares ${name} as a dependency; declare its callers, or drop the circuit breaker`,
    );
  }
  return errors;
}

/**
 * A serverless function in a Consul mesh, which Consul cannot serve:
 * Knative gives a revision's pods several Services (consul-k8s's transparent
 * proxy takes one), and its activator would have to be admitted by a Consul
 * service name this stack does not own.
 */
export function unsupportedFunction(fn: MeshFunction): string {
  return (
    `function ${fn.name} cannot join a consul mesh: Knative selects each revision's pods with several Services, and consul-k8s ` +
    "registers a transparent-proxied pod under one; keep the function out of the mesh (drop its mesh prop), or use MeshProvider.istio()"
  );
}
