import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { emitObject } from '../../core/emit-object';
import type { CircuitBreaker } from '../../traffic/circuit-breaker';
import { formatDuration } from '../../traffic/durations';
import type { ServiceRoutes } from '../../traffic/service-routes';
import type { IMicroservice, Microservice } from '../../workload/microservice';
import type { IMeshServiceBinding } from '../mesh-provider';
import { ConsulApi, consulProtocol, consulServicePort } from './consul-api';
import { unsupportedService } from './consul-capabilities';
import { consulJwtIntentions } from './consul-jwt-intentions';

/**
 * Props of {@link ConsulServiceSecurity}.
 *
 * @internal
 */
export interface ConsulServiceSecurityProps {
  /** The service. */
  readonly service: Microservice;
  /** The routing table of a service of the mesh, if it has one (read at synth). */
  readonly routesOf: (service: IMicroservice) => ServiceRoutes | undefined;
  /** Whether the cluster runs Consul Enterprise (rate limits). */
  readonly enterprise: boolean;
}

/**
 * Consul's objects for one service, derived from the service graph:
 * - a `ServiceDefaults` (named like the service, as Consul names it after
 *   the Kubernetes Service): the protocol of its one port (`http`, `http2`
 *   or `grpc` from the port name, else `tcp`), strict mutual TLS, its rate
 *   limit (Consul Enterprise), and for each dependency with a circuit
 *   breaker an `upstreamConfig` override (Consul limits connections and
 *   ejects failing instances on the caller's side);
 * - a `ServiceIntentions` for the service: each declared caller allowed by
 *   its Consul service name, every other source denied (`*`), so a service
 *   nobody calls admits nobody. `IngressPeer.anywhere()` allows every source
 *   of the mesh; clients outside the mesh reach it through a Consul gateway,
 *   since strict mTLS admits meshed callers only. With end-user
 *   authentication, an admitted caller needs a token too: the intentions'
 *   top-level `jwt`, or each admitted source's `permissions` where the
 *   requirements differ by path or method (see consul-jwt-intentions).
 *
 * @see https://developer.hashicorp.com/consul/docs/connect/config-entries/service-defaults
 * @see https://developer.hashicorp.com/consul/docs/connect/config-entries/service-intentions
 * @see https://developer.hashicorp.com/consul/docs/secure-mesh/intention/jwt
 * @internal
 */
export class ConsulServiceSecurity extends Construct implements IMeshServiceBinding {
  private readonly callers: Microservice[] = [];

  constructor(scope: Construct, id: string, props: ConsulServiceSecurityProps) {
    super(scope, id);
    const { service, routesOf } = props;
    const metadata = { name: service.serviceName, namespace: service.namespace!, labels: { ...service.labels } };
    this.node.addValidation({ validate: () => unsupportedService(service) });
    const port = consulServicePort(service.ports);

    emitObject(this, 'ServiceDefaults', {
      apiVersion: ConsulApi.V1ALPHA1,
      kind: 'ServiceDefaults',
      metadata,
      spec: {
        protocol: port && consulProtocol(port),
        mutualTLSMode: 'strict',
        rateLimits: Lazy.any({ produce: () => (props.enterprise ? rateLimits(routesOf(service)) : undefined) }),
        upstreamConfig: Lazy.any({ produce: () => upstreamConfig(service, routesOf) }),
      },
    });

    const anywhere = service.allowIngressFrom.some((peer) => peer.isAnywhere);
    const tokens = () => {
      const auth = routesOf(service)?.authentication;
      return auth && consulJwtIntentions(auth);
    };
    emitObject(this, 'ServiceIntentions', {
      apiVersion: ConsulApi.V1ALPHA1,
      kind: 'ServiceIntentions',
      metadata,
      spec: {
        destination: { name: service.serviceName },
        jwt: Lazy.any({ produce: () => tokens()?.jwt }),
        sources: Lazy.any({
          produce: () => {
            const permissions = tokens()?.permissions;
            const admit = (name: string) => (permissions === undefined ? { name, action: 'allow' } : { name, permissions });
            return [...this.callers.map((caller) => admit(caller.serviceName)), anywhere ? admit('*') : { name: '*', action: 'deny' }];
          },
        }),
      },
    });
  }

  /** Allows `caller`, by its Consul service name. */
  public addCaller(caller: Microservice): void {
    this.callers.push(caller);
  }
}

/** The service's local rate limit as ServiceDefaults `rateLimits` (refilled every second: other intervals are refused in consul-capabilities). */
function rateLimits(routes: ServiceRoutes | undefined): Record<string, unknown> | undefined {
  const limit = routes?.rateLimit;
  return limit && { instanceLevel: { requestsPerSecond: limit.requests, requestsMaxBurst: limit.burst } };
}

/** The circuit breakers of the service's dependencies, as overrides of its upstream config; `undefined` for none. */
function upstreamConfig(service: Microservice, routesOf: (service: IMicroservice) => ServiceRoutes | undefined): Record<string, unknown> | undefined {
  const overrides = service.dependencies.flatMap((dependency) => {
    const routes = routesOf(dependency);
    const breaker = routes?.circuitBreaker;
    return breaker === undefined ? [] : [{ name: dependency.serviceName, ...upstreamLimits(breaker, routes!) }];
  });
  return overrides.length === 0 ? undefined : { overrides };
}

/** A circuit breaker as an upstream's `limits` and `passiveHealthCheck` (maxRequestsPerConnection is refused in consul-capabilities). */
function upstreamLimits(breaker: CircuitBreaker, scope: Construct): Record<string, unknown> {
  const outlier = breaker.outlierDetection;
  const limited = breaker.maxConnections !== undefined || breaker.maxPendingRequests !== undefined;
  return {
    limits: limited ? { maxConnections: breaker.maxConnections, maxPendingRequests: breaker.maxPendingRequests } : undefined,
    passiveHealthCheck: outlier && {
      maxFailures: outlier.consecutiveErrors,
      interval: outlier.interval && formatDuration('circuitBreaker.outlierDetection.interval', outlier.interval, scope),
      baseEjectionTime: outlier.baseEjectionTime && formatDuration('circuitBreaker.outlierDetection.baseEjectionTime', outlier.baseEjectionTime, scope),
      maxEjectionPercent: outlier.maxEjectionPercent,
    },
  };
}
