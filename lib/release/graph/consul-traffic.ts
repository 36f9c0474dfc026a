import { ConsulAnnotations, ConsulApi, REVISION_META_KEY } from '../../mesh/consul/consul-api';
import { apiGroup, DistObjects, Fields, listOf, nameOf, shares, specOf } from './dist-objects';
import { MeshRule } from './mesh-rule';
import { consulMatchLabel } from './route-labels';
import { StableService, Workloads } from './workloads';

const CONSUL = apiGroup(ConsulApi.V1ALPHA1);
/** A ServiceResolver subset's filter on one revision's service metadata: `Service.Meta.revision == "5cf89df05b"`. */
const REVISION_FILTER = new RegExp(`^\\s*Service\\.Meta\\.${REVISION_META_KEY}\\s*==\\s*"([^"]*)"\\s*$`);

/** A subset of a Consul service, with the revisions whose instances its filter picks. */
export interface ConsulSubset {
  readonly name: string;
  readonly revisions: string[];
}

/**
 * The subsets of the ServiceResolver named like the stable Service (in its
 * namespace), each with the revisions whose pods consul-k8s registers with
 * the filter's `Service.Meta.revision` (from their annotation
 * `consul.hashicorp.com/service-meta-revision`). A subset filtering on
 * anything else picks no revision.
 */
export function consulSubsets(objects: DistObjects, workloads: Workloads, service: StableService): ConsulSubset[] {
  const resolver = objects.find(CONSUL, 'ServiceResolver', service.manifest.metadata.namespace, nameOf(service.manifest));
  const subsets = (resolver === undefined ? {} : specOf(resolver).subsets ?? {}) as Fields;
  return Object.entries(subsets).map(([name, subset]) => {
    const revision = typeof subset?.filter === 'string' ? REVISION_FILTER.exec(subset.filter) : null;
    return { name, revisions: revision === null ? [] : workloads.annotatedRevisions(service, ConsulAnnotations.REVISION_META, revision[1]) };
  });
}

/**
 * The rules of a stable Service's Consul discovery chain (its config
 * entries are named like the Service, in its namespace): each route of its
 * ServiceRouter (adjacent routes to the same destination are one rule, their
 * matches alternatives), then, unless a route matches every request, the
 * router's implicit default route to the service itself. A destination
 * reaches revisions by its `serviceSubset`; without one, through the
 * ServiceSplitter of the service it names (the service's own, or a split
 * service such as `catalog-split-testers` whose splits are subsets of the
 * service), else the resolver's `defaultSubset`. A destination with
 * neither reaches every instance: the rule gives no shares. Consul namespaces
 * and admin partitions (Enterprise) are read as the Kubernetes namespace.
 */
export function consulRules(objects: DistObjects, workloads: Workloads, service: StableService): MeshRule[] {
  const namespace = service.manifest.metadata.namespace;
  const serviceName = nameOf(service.manifest);
  const subsets = consulSubsets(objects, workloads, service);
  const find = (kind: string, name: string) => objects.find(CONSUL, kind, namespace, name);

  /** Each revision's share of the requests sent to a service (and subset), following splitters not yet on the way there. */
  const chainShares = (name: string, subset: string | undefined, visited: ReadonlySet<string>): Map<string, number> => {
    const result = new Map<string, number>();
    if (subset !== undefined) {
      if (name === serviceName) {
        (subsets.find((s) => s.name === subset)?.revisions ?? []).forEach((revision) => result.set(revision, 100));
      }
      return result;
    }
    const splitter = visited.has(name) ? undefined : find('ServiceSplitter', name);
    if (splitter === undefined) {
      const resolver = name === serviceName ? find('ServiceResolver', name) : undefined;
      const defaultSubset = resolver === undefined ? undefined : specOf(resolver).defaultSubset;
      return typeof defaultSubset === 'string' ? chainShares(name, defaultSubset, visited) : result;
    }
    const splits = listOf(specOf(splitter).splits);
    const weights = shares(splits.map((split) => (typeof split.weight === 'number' ? split.weight : 0)));
    splits.forEach((split, i) => {
      const next = chainShares(split.service ?? name, split.serviceSubset, new Set([...visited, name]));
      next.forEach((share, revision) => result.set(revision, (result.get(revision) ?? 0) + (share * weights[i]) / 100));
    });
    return result;
  };

  const rules: MeshRule[] = [];
  const router = find('ServiceRouter', serviceName);
  const routes = router === undefined ? [] : listOf(specOf(router).routes);
  let matchesEverything = false;
  for (let start = 0; start < routes.length;) {
    const destination = JSON.stringify(routes[start].destination ?? {});
    let end = start + 1;
    while (end < routes.length && JSON.stringify(routes[end].destination ?? {}) === destination) {
      end++;
    }
    const group = routes.slice(start, end);
    const label = consulMatchLabel(group);
    matchesEverything = matchesEverything || label === '';
    const target: Fields = group[0].destination ?? {};
    addRule(rules, label || 'otherwise', chainShares(target.service ?? serviceName, target.serviceSubset, new Set()));
    start = end;
  }
  if (!matchesEverything) {
    addRule(rules, 'otherwise', chainShares(serviceName, undefined, new Set()));
  }
  return rules;
}

function addRule(rules: MeshRule[], label: string, ruleShares: ReadonlyMap<string, number>): void {
  if (ruleShares.size > 0) {
    rules.push({ label, shares: ruleShares, mirrors: new Map() });
  }
}
