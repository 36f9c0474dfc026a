import { MatchType } from '../../traffic/http-match';
import { GatewayModel } from '../gateway-renderer';
import { ANY_HOSTNAME } from '../hostnames';
import { Listener } from '../listener';
import { servedHosts } from '../route-attachment';

/** One path of an Ingress rule. */
interface IngressPath {
  readonly path: string;
  readonly pathType: 'Exact' | 'Prefix';
  readonly backend: { readonly service: { readonly name: string; readonly port: { readonly number: number } } };
}

/**
 * The Ingress rules of a gateway: one per hostname its HTTP routes serve, in
 * the order they first appear (no `host` for a gateway without hostnames),
 * holding a path per match of each route on that host (`/` as a prefix for a
 * route without matches) to the route's one Service. Routes the Ingress
 * cannot express are refused before this is read (`ingressProblems`).
 */
export function ingressRules(gateway: GatewayModel): Array<Record<string, unknown>> {
  const paths = new Map<string, IngressPath[]>();
  for (const route of gateway.routes) {
    const [target] = route.targets;
    if (route.kind !== 'HTTPRoute' || target === undefined) {
      continue;
    }
    const matches = route.matches.length === 0 ? [{ path: undefined }] : route.matches;
    for (const host of servedHosts(route, gateway.listeners)) {
      const hostPaths = paths.get(host) ?? [];
      paths.set(host, hostPaths);
      for (const { path } of matches) {
        hostPaths.push({
          path: path?.value ?? '/',
          pathType: path?.type === MatchType.EXACT ? 'Exact' : 'Prefix',
          backend: { service: { name: target.serviceName, port: { number: target.port } } },
        });
      }
    }
  }
  return [...paths].map(([host, hostPaths]) => ({ host: host === ANY_HOSTNAME ? undefined : host, http: { paths: hostPaths } }));
}

/** The Ingress TLS entries: one per HTTPS listener, its hostnames (none: every host) and Secret; `undefined` for none. */
export function ingressTls(listeners: readonly Listener[]): Array<Record<string, unknown>> | undefined {
  const tls = listeners
    .filter((listener) => listener.secretName !== undefined)
    .map((listener) => ({ hosts: listener.hostnames.length === 0 ? undefined : [...listener.hostnames], secretName: listener.secretName }));
  return tls.length === 0 ? undefined : tls;
}
