import { Manifest } from '../../core/manifest-schema';
import { DistObjects, Fields, formatPercent, listOf, nameOf, shares, specOf } from './dist-objects';
import { backendLabel, gatewayApiMatchLabel, istioMatchLabel } from './route-labels';
import { TopologyBuilder } from './topology-builder';
import { Workloads } from './workloads';

const GATEWAY_API = 'gateway.networking.k8s.io';
const ISTIO = 'networking.istio.io';
const NETWORKING = 'networking.k8s.io';

/**
 * Adds the gateways and the routes bound to them: Gateway API Gateways
 * (one line per listener) with their HTTPRoutes and GRPCRoutes, Istio
 * Gateways (one line per server) with the VirtualServices bound to them,
 * Ingresses (one line per host) with their paths.
 * Edges go from a gateway to its routes (labelled with the listener a route
 * attaches to) and from a route to its backends (labelled with the rule's
 * match, and each backend's share when a rule splits).
 */
export function addGatewayRoutes(objects: DistObjects, workloads: Workloads, builder: TopologyBuilder): void {
  for (const gateway of objects.of(GATEWAY_API, 'Gateway')) {
    const listeners = listOf(specOf(gateway).listeners).map((l) => `${l.protocol} :${l.port} ${l.hostname ?? '*'}`);
    builder.node({ kind: 'gateway', namespace: gateway.metadata.namespace, name: nameOf(gateway), type: 'Gateway', details: listeners });
  }
  for (const gateway of objects.of(ISTIO, 'Gateway')) {
    const servers = listOf(specOf(gateway).servers).map((s) => `${s.port?.protocol} :${s.port?.number} ${((s.hosts ?? []) as string[]).map(bareHost).join(' ')}`);
    builder.node({ kind: 'gateway', namespace: gateway.metadata.namespace, name: nameOf(gateway), type: 'Istio Gateway', details: servers });
  }
  for (const kind of ['HTTPRoute', 'GRPCRoute']) {
    for (const route of objects.of(GATEWAY_API, kind)) {
      addGatewayApiRoute(route, workloads, builder);
    }
  }
  for (const vs of objects.of(ISTIO, 'VirtualService')) {
    addIstioRoute(vs, workloads, builder);
  }
  for (const ingress of objects.of(NETWORKING, 'Ingress')) {
    addIngress(ingress, workloads, builder);
  }
}

/**
 * An Ingress: a gateway node with a line per rule (`HTTPS host` where a TLS
 * entry covers the host), and an edge to each Service its paths reach,
 * labelled with those paths joined by ` | ` ('' for the prefix `/` alone).
 */
function addIngress(ingress: Manifest, workloads: Workloads, builder: TopologyBuilder): void {
  const namespace = ingress.metadata.namespace;
  const spec = specOf(ingress);
  const tls = listOf(spec.tls).map((entry) => (entry.hosts ?? []) as string[]);
  const rules = listOf(spec.rules);
  const secured = (host: string | undefined) => tls.some((hosts) => hosts.length === 0 || (host !== undefined && hosts.includes(host)));
  const details = rules.map((rule) => `${secured(rule.host) ? 'HTTPS' : 'HTTP'} ${rule.host ?? '*'}`);
  const node = builder.node({ kind: 'gateway', namespace, name: nameOf(ingress), type: 'Ingress', details });
  const pathsByService = new Map<string, string[]>();
  for (const path of rules.flatMap((rule) => listOf(rule.http?.paths))) {
    const service = (path.backend?.service as Fields | undefined)?.name;
    if (typeof service === 'string') {
      pathsByService.set(service, [...(pathsByService.get(service) ?? []), String(path.path ?? '/')]);
    }
  }
  for (const [service, paths] of pathsByService) {
    const label = paths.length === 1 && paths[0] === '/' ? '' : [...new Set(paths)].join(' | ');
    for (const target of workloads.serviceTarget(namespace, service)) {
      builder.edge({ from: node, to: target, kind: 'route', label });
    }
  }
}

function addGatewayApiRoute(route: Manifest, workloads: Workloads, builder: TopologyBuilder): void {
  const namespace = route.metadata.namespace;
  const spec = specOf(route);
  const parents = listOf(spec.parentRefs).filter((p) => (p.kind ?? 'Gateway') === 'Gateway');
  if (parents.length === 0) {
    return;
  }
  const node = builder.node({ kind: 'route', namespace, name: nameOf(route), type: route.kind, details: (spec.hostnames ?? []) as string[] });
  for (const parent of parents) {
    const gateway = builder.node({ kind: 'gateway', namespace: parent.namespace ?? namespace, name: parent.name, type: 'Gateway' });
    builder.edge({ from: gateway, to: node, kind: 'route', label: parent.sectionName });
  }
  for (const rule of listOf(spec.rules)) {
    const match = gatewayApiMatchLabel(rule);
    const backends = listOf(rule.backendRefs);
    const weights = shares(backends.map((b) => b.weight ?? 1));
    backends.forEach((backend, i) => {
      for (const target of workloads.serviceTarget(backend.namespace ?? namespace, backend.name)) {
        builder.edge({ from: node, to: target, kind: 'route', label: backendLabel(match, weights[i], backends.length), ...(backends.length > 1 ? { percent: weights[i] } : {}) });
      }
    });
    for (const filter of listOf(rule.filters)) {
      const mirror = filter.requestMirror as Fields | undefined;
      if (mirror?.backendRef !== undefined) {
        for (const target of workloads.serviceTarget(mirror.backendRef.namespace ?? namespace, mirror.backendRef.name)) {
          builder.edge({ from: node, to: target, kind: 'route', label: `mirror ${formatPercent(mirror.percent ?? 100)}` });
        }
      }
      if (filter.requestRedirect !== undefined && backends.length === 0) {
        builder.addDetails(node, [redirectLine(match, filter.requestRedirect)]);
      }
    }
  }
}

function redirectLine(match: string, redirect: Fields): string {
  const to = [redirect.scheme, redirect.hostname, redirect.path?.replaceFullPath ?? redirect.path?.replacePrefixMatch].filter((p) => p !== undefined).join(' ');
  return `${match === '' ? '' : `${match} `}redirect → ${to || 'same URL'}`;
}

function addIstioRoute(vs: Manifest, workloads: Workloads, builder: TopologyBuilder): void {
  const namespace = vs.metadata.namespace;
  const spec = specOf(vs);
  const gateways = ((spec.gateways ?? []) as string[]).filter((g) => g !== 'mesh');
  if (gateways.length === 0) {
    return;
  }
  const node = builder.node({ kind: 'route', namespace, name: nameOf(vs), type: 'VirtualService', details: (spec.hosts ?? []) as string[] });
  for (const gateway of gateways) {
    const [gatewayNamespace, gatewayName] = gateway.includes('/') ? gateway.split('/', 2) : [namespace, gateway];
    builder.edge({ from: builder.node({ kind: 'gateway', namespace: gatewayNamespace, name: gatewayName, type: 'Istio Gateway' }), to: node, kind: 'route' });
  }
  for (const route of [...listOf(spec.http), ...listOf(spec.tls), ...listOf(spec.tcp)]) {
    const match = istioMatchLabel(route);
    const destinations = listOf(route.route);
    const weights = shares(destinations.map((d) => d.weight ?? (destinations.length === 1 ? 100 : 0)));
    destinations.forEach((d, i) => {
      for (const target of istioDestination(d.destination, namespace, workloads)) {
        builder.edge({ from: node, to: target, kind: 'route', label: backendLabel(match, weights[i], destinations.length), ...(destinations.length > 1 ? { percent: weights[i] } : {}) });
      }
    });
    for (const target of istioDestination(route.mirror, namespace, workloads)) {
      builder.edge({ from: node, to: target, kind: 'route', label: `mirror ${formatPercent(route.mirrorPercentage?.value ?? 100)}` });
    }
    if (route.redirect !== undefined && destinations.length === 0) {
      const { scheme, authority, uri } = route.redirect;
      builder.addDetails(node, [redirectLine(match, { scheme, hostname: authority, path: { replaceFullPath: uri } })]);
    }
  }
}

/** The nodes of an Istio destination: its host's, or the revisions of its subset. */
function istioDestination(destination: Fields | undefined, namespace: string | undefined, workloads: Workloads): string[] {
  if (typeof destination?.host !== 'string') {
    return [];
  }
  const service = destination.subset === undefined ? undefined : workloads.stableServiceOf(destination.host, namespace);
  if (service !== undefined) {
    return workloads.subsetRevisions(service, destination.subset);
  }
  return workloads.hostTarget(destination.host, namespace);
}

/** `shop.example.com` for `./shop.example.com` or `shop-edge/shop.example.com`. */
function bareHost(host: string): string {
  return host.includes('/') ? host.slice(host.indexOf('/') + 1) : host;
}
