import { Manifest } from '../../core/manifest-schema';
import { consulRules, consulSubsets } from './consul-traffic';
import { DistObjects, Fields, formatPercent, listOf, namespacedKey, nameOf, shares, specOf } from './dist-objects';
import { MeshRule } from './mesh-rule';
import { gatewayApiMatchLabel, istioMatchLabel } from './route-labels';
import { TopologyBuilder } from './topology-builder';
import { StableService, Workloads } from './workloads';

/**
 * Adds the traffic edges from each microservice's stable Service to its live
 * revisions, with their shares as the mesh routes them: Istio VirtualService
 * routes to DestinationRule subsets (whose names the revisions get as a
 * detail line), Linkerd (and Gateway API mesh) HTTPRoute rules to revision
 * Services, or Consul's discovery chain (ServiceRouter routes, ServiceSplitter
 * splits, ServiceResolver subsets, named as detail lines too: see
 * {@link consulRules}). Without a mesh route the Service spreads requests
 * over the pods: one revision gets 100%, several a share by their replicas. A revision no rule sends to gets 0%.
 */
export function addServiceTraffic(objects: DistObjects, workloads: Workloads, builder: TopologyBuilder): void {
  const virtualServices = meshVirtualServices(objects, workloads);
  const routes = attachedRoutes(objects);
  for (const service of workloads.stableServices) {
    for (const subset of [...workloads.subsets(service), ...consulSubsets(objects, workloads, service)]) {
      subset.revisions.forEach((revision) => builder.addDetails(revision, [`subset ${subset.name}`]));
    }
    const serviceKey = namespacedKey(service.manifest.metadata.namespace, nameOf(service.manifest));
    const rules = [
      ...istioRules(virtualServices.get(service) ?? [], workloads, service),
      ...meshRouteRules(routes.get(serviceKey) ?? [], workloads, service),
      ...consulRules(objects, workloads, service),
    ];
    if (rules.length === 0) {
      addReplicaShares(workloads, builder, service);
      continue;
    }
    for (const revision of service.revisions) {
      const labels: string[] = [];
      let percent = 0;
      for (const rule of rules) {
        const share = rule.shares.get(revision);
        if (share !== undefined) {
          labels.push(rules.length > 1 ? `${rule.label}: ${formatPercent(share)}` : formatPercent(share));
          percent = Math.max(percent, share);
        }
        const mirror = rule.mirrors.get(revision);
        if (mirror !== undefined) {
          labels.push(`mirror ${formatPercent(mirror)}`);
        }
      }
      builder.edge({ from: service.node, to: revision, kind: 'traffic', label: labels.length === 0 ? '0%' : labels.join(', '), percent });
    }
  }
}

function addReplicaShares(workloads: Workloads, builder: TopologyBuilder, service: StableService): void {
  if (service.revisions.length === 1) {
    builder.edge({ from: service.node, to: service.revisions[0], kind: 'traffic', label: '100%', percent: 100 });
    return;
  }
  const replicas = service.revisions.map((r) => workloads.replicas(r));
  const known = replicas.every((r) => r !== undefined);
  const byReplicas = shares(replicas.map((r) => r ?? 1));
  service.revisions.forEach((revision, i) => {
    builder.edge(known
      ? { from: service.node, to: revision, kind: 'traffic', label: `${formatPercent(byReplicas[i])} by replicas`, percent: byReplicas[i] }
      : { from: service.node, to: revision, kind: 'traffic', label: 'by pods' });
  });
}

/** The Istio VirtualServices of the mesh (not bound to a gateway) by the stable Services their hosts name, in object order. */
function meshVirtualServices(objects: DistObjects, workloads: Workloads): Map<StableService, Manifest[]> {
  const byService = new Map<StableService, Manifest[]>();
  for (const vs of objects.of('networking.istio.io', 'VirtualService')) {
    const spec = specOf(vs);
    if (!((spec.gateways ?? ['mesh']) as string[]).includes('mesh')) {
      continue;
    }
    const services = ((spec.hosts ?? []) as string[]).map((h) => workloads.stableServiceOf(h, vs.metadata.namespace));
    for (const service of new Set(services)) {
      if (service !== undefined) {
        byService.set(service, [...(byService.get(service) ?? []), vs]);
      }
    }
  }
  return byService;
}

/** The rules of the service's mesh VirtualServices that route its host to its subsets. */
function istioRules(virtualServices: readonly Manifest[], workloads: Workloads, service: StableService): MeshRule[] {
  const rules: MeshRule[] = [];
  for (const vs of virtualServices) {
    const spec = specOf(vs);
    const namespace = vs.metadata.namespace;
    for (const route of [...listOf(spec.http), ...listOf(spec.tls), ...listOf(spec.tcp)]) {
      const destinations = listOf(route.route);
      const weights = shares(destinations.map((d) => d.weight ?? (destinations.length === 1 ? 100 : 0)));
      const ruleShares = new Map<string, number>();
      destinations.forEach((d, i) => {
        for (const revision of subsetRevisions(workloads, service, d.destination, namespace)) {
          ruleShares.set(revision, (ruleShares.get(revision) ?? 0) + weights[i]);
        }
      });
      const mirrors = new Map<string, number>();
      for (const revision of subsetRevisions(workloads, service, route.mirror, namespace)) {
        mirrors.set(revision, route.mirrorPercentage?.value ?? 100);
      }
      if (ruleShares.size > 0 || mirrors.size > 0) {
        rules.push({ label: route.name ?? (istioMatchLabel(route) || 'otherwise'), shares: ruleShares, mirrors });
      }
    }
  }
  return rules;
}

/** The revisions of an Istio destination (host and subset) of the service. */
function subsetRevisions(workloads: Workloads, service: StableService, destination: Fields | undefined, namespace: string | undefined): string[] {
  if (typeof destination?.host !== 'string' || typeof destination.subset !== 'string' || workloads.stableServiceOf(destination.host, namespace) !== service) {
    return [];
  }
  return workloads.subsetRevisions(service, destination.subset);
}

/**
 * The routes attached to Services (Linkerd's HTTPRoute and GRPCRoute, the
 * Gateway API's mesh routes), by the namespace and name of each Service they
 * attach to, in object order.
 */
function attachedRoutes(objects: DistObjects): Map<string, Manifest[]> {
  const routes = ['policy.linkerd.io', 'gateway.networking.k8s.io'].flatMap((group) => ['HTTPRoute', 'GRPCRoute'].flatMap((kind) => objects.of(group, kind)));
  const byService = new Map<string, Manifest[]>();
  for (const route of routes) {
    const namespace = route.metadata.namespace;
    const services = listOf(specOf(route).parentRefs)
      .filter((p) => p.kind === 'Service' && (p.group ?? 'core') === 'core' && typeof p.name === 'string')
      .map((p) => namespacedKey(p.namespace ?? namespace, p.name));
    for (const service of new Set(services)) {
      byService.set(service, [...(byService.get(service) ?? []), route]);
    }
  }
  return byService;
}

/** The rules of the routes attached to the service itself, to its revision Services. */
function meshRouteRules(routes: readonly Manifest[], workloads: Workloads, service: StableService): MeshRule[] {
  const rules: MeshRule[] = [];
  for (const route of routes) {
    const namespace = route.metadata.namespace;
    for (const rule of listOf(specOf(route).rules)) {
      const backends = listOf(rule.backendRefs);
      const weights = shares(backends.map((b) => b.weight ?? 1));
      const ruleShares = new Map<string, number>();
      backends.forEach((b, i) => {
        for (const revision of workloads.revisionServiceTargets(b.namespace ?? namespace, b.name).filter((n) => service.revisions.includes(n))) {
          ruleShares.set(revision, (ruleShares.get(revision) ?? 0) + weights[i]);
        }
      });
      if (ruleShares.size > 0) {
        rules.push({ label: rule.name ?? (gatewayApiMatchLabel(rule) || 'otherwise'), shares: ruleShares, mirrors: new Map() });
      }
    }
  }
  return rules;
}

