import { httpsRedirectPort } from '../gateway-checks';
import { GatewayRoute } from '../gateway-route';
import { hostnamesIntersect } from '../hostnames';
import { Listener, listenerHosts } from '../listener';
import { percentagesProblem } from './istio-http-routes';
import { istioProtocol } from './istio-server';

/**
 * What an Istio Gateway and its VirtualServices cannot express: plaintext
 * HTTP and gRPC on one port (a port has one protocol), gRPC and HTTP
 * listeners with overlapping hostnames (a VirtualService binds per hostname
 * to every server), an HTTPS redirect to a port other than 443
 * (`httpsRedirect` has no port), and a split whose small non-zero weight
 * rounds to 0% (weights are whole percentages).
 */
export function istioGatewayProblems(listeners: readonly Listener[], routes: readonly GatewayRoute[]): string[] {
  return [...listenerProblems(listeners), ...routes.flatMap(weightProblems)];
}

function listenerProblems(listeners: readonly Listener[]): string[] {
  const problems: string[] = [];
  listeners.forEach((listener, index) => {
    for (const other of listeners.slice(0, index)) {
      if (other.port === listener.port && istioProtocol(other) !== istioProtocol(listener)) {
        problems.push(
          `listeners '${other.name}' (${istioProtocol(other)}) and '${listener.name}' (${istioProtocol(listener)}) share port ${listener.port}, ` +
            'but an Istio Gateway serves one protocol per port (istio); give them different ports',
        );
      }
      const routing = !other.redirectToHttps && !listener.redirectToHttps;
      const overlapping = listenerHosts(other).some((h) => listenerHosts(listener).some((o) => hostnamesIntersect(h, o)));
      const httpAndGrpc = [other, listener].every((l) => l.routeKind === 'HTTPRoute' || l.routeKind === 'GRPCRoute');
      if (routing && httpAndGrpc && other.routeKind !== listener.routeKind && overlapping) {
        problems.push(
          `listeners '${other.name}' and '${listener.name}' take overlapping hostnames (${listenerHosts(other).join(', ')} / ${listenerHosts(listener).join(', ')}) ` +
            `for HTTP and gRPC routes, which Istio VirtualServices cannot keep apart (istio); give the gRPC listener hostnames of its own, e.g. grpc.example.com`,
        );
      }
    }
    if (listener.redirectToHttps) {
      const port = httpsRedirectPort(listener, listeners);
      if (typeof port === 'number' && port !== 443) {
        problems.push(
          `listener '${listener.name}' redirects to HTTPS on port ${port}, but Istio's httpsRedirect always sends clients to port 443 (istio); ` +
            'serve HTTPS on 443 or render the gateway with GatewayRendering.gatewayApi()',
        );
      }
    }
  });
  return problems;
}

function weightProblems(route: GatewayRoute): string[] {
  const problem = route.targets.length < 2 ? undefined : percentagesProblem(route);
  return problem === undefined ? [] : [`${problem} (istio weights are whole percentages)`];
}
