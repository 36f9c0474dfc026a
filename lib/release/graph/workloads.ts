import { clusterServiceOf } from '../../core/cluster-host';
import { LabelKeys } from '../../core/labels';
import { Manifest } from '../../core/manifest-schema';
import { isDnsLabel } from '../../core/names';
import { DistObjects, Fields, formatPercent, labelsOf, listOf, namespacedKey, nameOf, selects, specOf } from './dist-objects';
import { topologyNodeId } from './topology';
import { compare, TopologyBuilder } from './topology-builder';

/** The label Knative puts on the pods of a Knative Service. */
const KNATIVE_SERVICE_LABEL = 'serving.knative.dev/service';


/** Pods a workload runs, and the node that stands for them. */
interface PodTemplate {
  readonly namespace: string | undefined;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly serviceAccount: string;
  /** The Deployment's node, or the function's. */
  readonly workload: string;
}

/** A Service that selects revision Deployments: a microservice's stable pointer. */
export interface StableService {
  readonly node: string;
  readonly manifest: Manifest;
  /** The nodes of the Deployments it selects, sorted. */
  readonly revisions: readonly string[];
}

/**
 * The workloads of a synthesis, made into nodes: Deployments (revision
 * nodes), the Services that select them (service nodes), Knative Services
 * (function nodes with their revisions, traffic edges from the `traffic`
 * block). Answers which node stands for a Service name, a cluster host, the
 * pods a selector picks or a service account runs.
 */
export class Workloads {
  private readonly stable: StableService[] = [];
  /**
   * Lookups that keep a large synthesis linear (each answers in constant
   * time what a scan of every object would): the pods by namespace and one
   * label, by namespace and service account, by workload; the stable
   * Services by namespace and name, the first that selects each workload.
   */
  private readonly podsByLabel = new Map<string, PodTemplate[]>();
  private readonly podsByAccount = new Map<string, PodTemplate[]>();
  private readonly podsByWorkload = new Map<string, PodTemplate[]>();
  private readonly stableByName = new Map<string, StableService>();
  private readonly stableOfWorkload = new Map<string, string>();
  /** Made on first use: each stable Service's subsets, each Deployment node's replicas. */
  private subsetsByService: Map<StableService, Array<{ readonly name: string; readonly revisions: string[] }>> | undefined;
  private replicasByNode: Map<string, number | undefined> | undefined;
  /** Revision Services (`<service>-<revision>`, one revision's pods) by `namespace/name`, to the Deployments they select. */
  private readonly revisionServices = new Map<string, string[]>();
  /** Function nodes by `namespace/name`. */
  private readonly functions = new Map<string, string>();

  /** Reads the workloads of `objects` into `builder`. */
  constructor(private readonly objects: DistObjects, private readonly builder: TopologyBuilder) {
    this.readDeployments();
    this.readFunctions();
    this.readServices();
  }

  /** The microservices' stable Services, sorted by namespace and name. */
  public get stableServices(): readonly StableService[] {
    return this.stable;
  }

  /**
   * The nodes a Service name stands for: a function (Knative makes a Service
   * of its name), the revisions a revision Service selects, a service; a
   * service node is made for a name the synthesis does not have.
   */
  public serviceTarget(namespace: string | undefined, name: string): string[] {
    const key = `${namespace}/${name}`;
    const fn = this.functions.get(key);
    if (fn !== undefined) {
      return [fn];
    }
    return this.revisionServices.get(key) ?? [this.builder.node({ kind: 'service', namespace, name, type: 'Service' })];
  }

  /** The revisions a revision Service selects; none for any other name. */
  public revisionServiceTargets(namespace: string | undefined, name: string): readonly string[] {
    return this.revisionServices.get(`${namespace}/${name}`) ?? [];
  }

  /**
   * The nodes a host stands for: a Service for `name.namespace.svc.cluster.local`
   * (or `.svc`, or a bare name in `namespace`), an external node for any other
   * host; none for a wildcard.
   */
  public hostTarget(host: string, namespace: string | undefined): string[] {
    if (host.includes('*')) {
      return [];
    }
    const cluster = clusterServiceOf(host);
    if (cluster !== undefined) {
      return this.serviceTarget(cluster.namespace, cluster.name);
    }
    if (isDnsLabel(host)) {
      return this.serviceTarget(namespace, host);
    }
    return [this.builder.node({ kind: 'external', name: host, type: 'external host' })];
  }

  /** The stable Service a host names, if it names one. */
  public stableServiceOf(host: string, namespace: string | undefined): StableService | undefined {
    const { namespace: ns, name } = clusterServiceOf(host) ?? { namespace, name: host };
    return this.stableByName.get(namespacedKey(ns, name));
  }

  /** The Istio subsets of a stable Service (from its first DestinationRule), each with the revisions whose pods carry the subset's labels. */
  public subsets(service: StableService): ReadonlyArray<{ readonly name: string; readonly revisions: string[] }> {
    if (this.subsetsByService === undefined) {
      this.subsetsByService = this.readSubsets();
    }
    return this.subsetsByService.get(service) ?? [];
  }

  /** The revisions of a stable Service in an Istio subset. */
  public subsetRevisions(service: StableService, subset: string): string[] {
    return this.subsets(service).find((s) => s.name === subset)?.revisions ?? [];
  }

  /** The revisions of a stable Service whose pods carry this annotation with this value (Consul's service metadata). */
  public annotatedRevisions(service: StableService, annotation: string, value: string): string[] {
    return service.revisions.filter((revision) => (this.podsByWorkload.get(revision) ?? []).some((p) => p.annotations[annotation] === value));
  }

  /** The nodes whose pods a label selector picks in a namespace: a Deployment's service (else the Deployment), a function. */
  public podOwners(namespace: string | undefined, selector: Readonly<Record<string, string>> | undefined): string[] {
    return this.owners(this.selectedPods(namespace, selector));
  }

  /** The nodes whose pods run as this service account. */
  public accountOwners(namespace: string | undefined, serviceAccount: string): string[] {
    return this.owners(this.podsByAccount.get(namespacedKey(namespace, serviceAccount)) ?? []);
  }

  /** The replicas a Deployment node runs, if the synthesis says. */
  public replicas(revision: string): number | undefined {
    if (this.replicasByNode === undefined) {
      this.replicasByNode = new Map();
      for (const deployment of this.objects.of('apps', 'Deployment')) {
        const node = this.deploymentNode(deployment);
        if (!this.replicasByNode.has(node)) {
          const replicas = specOf(deployment).replicas;
          this.replicasByNode.set(node, typeof replicas === 'number' ? replicas : undefined);
        }
      }
    }
    return this.replicasByNode.get(revision);
  }

  /**
   * The pods in a namespace that a selector picks, in the order they were
   * read; none for an empty selector. Only the pods carrying the selector's
   * rarest label are tried.
   */
  private selectedPods(namespace: string | undefined, selector: Readonly<Record<string, string>> | undefined): PodTemplate[] {
    const entries = Object.entries(selector ?? {});
    if (entries.length === 0) {
      return [];
    }
    const candidates = entries
      .map(([key, value]) => this.podsByLabel.get(labelKey(namespace, key, value)) ?? [])
      .reduce((fewest, pods) => (pods.length < fewest.length ? pods : fewest));
    return candidates.filter((p) => selects(selector, p.labels));
  }

  private owners(pods: readonly PodTemplate[]): string[] {
    const owners = pods.map((p) => this.stableOfWorkload.get(p.workload) ?? p.workload);
    return [...new Set(owners)].sort(compare);
  }

  /** Each stable Service's subsets, from the first DestinationRule (in object order) whose host is the Service. */
  private readSubsets(): Map<StableService, Array<{ readonly name: string; readonly revisions: string[] }>> {
    const subsets = new Map<StableService, Array<{ readonly name: string; readonly revisions: string[] }>>();
    for (const rule of this.objects.of('networking.istio.io', 'DestinationRule')) {
      const host = specOf(rule).host;
      const service = typeof host === 'string' ? this.stableServiceOf(host, rule.metadata.namespace) : undefined;
      if (service === undefined || subsets.has(service)) {
        continue;
      }
      subsets.set(service, listOf(specOf(rule).subsets).filter((s) => typeof s.name === 'string').map((s) => ({
        name: s.name as string,
        revisions: service.revisions.filter((revision) => (this.podsByWorkload.get(revision) ?? []).some((p) => selects(s.labels, p.labels))),
      })));
    }
    return subsets;
  }

  private deploymentNode(deployment: Manifest): string {
    return topologyNodeId('revision', deployment.metadata.namespace, nameOf(deployment));
  }

  private readDeployments(): void {
    const autoscaled = new Map<string, string>();
    for (const hpa of this.objects.of('autoscaling', 'HorizontalPodAutoscaler')) {
      const spec = specOf(hpa);
      if (spec.scaleTargetRef?.kind === 'Deployment') {
        autoscaled.set(`${hpa.metadata.namespace}/${spec.scaleTargetRef.name}`, `${spec.minReplicas ?? 1}–${spec.maxReplicas} replicas (HPA)`);
      }
    }
    for (const deployment of this.objects.of('apps', 'Deployment')) {
      const spec = specOf(deployment);
      const namespace = deployment.metadata.namespace;
      const scale = autoscaled.get(`${namespace}/${nameOf(deployment)}`) ?? (typeof spec.replicas === 'number' ? `${spec.replicas} ${spec.replicas === 1 ? 'replica' : 'replicas'}` : undefined);
      const workload = this.builder.node({ kind: 'revision', namespace, name: nameOf(deployment), type: 'Deployment', details: scale === undefined ? [] : [scale] });
      this.addPods(namespace, spec.template, workload);
    }
  }

  private readFunctions(): void {
    for (const service of this.objects.of('serving.knative.dev', 'Service')) {
      const namespace = service.metadata.namespace;
      const name = nameOf(service);
      const spec = specOf(service);
      const fn = this.builder.node({ kind: 'function', namespace, name, type: 'Knative Service' });
      this.functions.set(`${namespace}/${name}`, fn);
      this.addPods(namespace, spec.template, fn, { [KNATIVE_SERVICE_LABEL]: name });
      const latest: string = spec.template?.metadata?.name ?? `${name} (latest)`;
      const traffic = listOf(spec.traffic);
      const entries = traffic.length > 0 ? traffic : [{ latestRevision: true, percent: 100 }];
      const revisions = new Set<string>();
      for (const entry of entries) {
        const revisionName: string = entry.revisionName ?? latest;
        revisions.add(revisionName);
        const revision = this.builder.node({ kind: 'revision', namespace, name: revisionName, type: 'Knative revision', details: entry.tag === undefined ? [] : [`tag ${entry.tag}`] });
        const percent = typeof entry.percent === 'number' ? entry.percent : 0;
        this.builder.edge({ from: fn, to: revision, kind: 'traffic', label: formatPercent(percent), percent });
      }
      if (!revisions.has(latest)) {
        const revision = this.builder.node({ kind: 'revision', namespace, name: latest, type: 'Knative revision' });
        this.builder.edge({ from: fn, to: revision, kind: 'traffic', label: '0%', percent: 0 });
      }
    }
  }

  private readServices(): void {
    const functionNodes = new Set(this.functions.values());
    for (const service of this.objects.of('', 'Service')) {
      const namespace = service.metadata.namespace;
      const name = nameOf(service);
      const spec = specOf(service);
      const selected = this.selectedPods(namespace, spec.selector).map((p) => p.workload);
      if (LabelKeys.REVISION in labelsOf(service) && selected.length > 0) {
        this.revisionServices.set(`${namespace}/${name}`, [...new Set(selected)].sort(compare));
        continue;
      }
      const details = spec.type === 'ExternalName' ? [`→ ${spec.externalName}`] : [];
      const node = this.builder.node({ kind: 'service', namespace, name, type: spec.type === 'ExternalName' ? 'ExternalName Service' : 'Service', details });
      const revisions = [...new Set(selected)].filter((w) => !functionNodes.has(w)).sort(compare);
      if (revisions.length > 0) {
        this.addStable({ node, manifest: service, revisions });
      }
    }
  }

  private addStable(service: StableService): void {
    this.stable.push(service);
    const key = namespacedKey(service.manifest.metadata.namespace, nameOf(service.manifest));
    if (!this.stableByName.has(key)) {
      this.stableByName.set(key, service);
    }
    for (const revision of service.revisions) {
      if (!this.stableOfWorkload.has(revision)) {
        this.stableOfWorkload.set(revision, service.node);
      }
    }
  }

  private addPods(namespace: string | undefined, template: Fields | undefined, workload: string, implicit: Record<string, string> = {}): void {
    const pod: PodTemplate = {
      namespace,
      labels: { ...(template?.metadata?.labels ?? {}), ...implicit },
      annotations: template?.metadata?.annotations ?? {},
      serviceAccount: template?.spec?.serviceAccountName ?? 'default',
      workload,
    };
    for (const [key, value] of Object.entries(pod.labels)) {
      append(this.podsByLabel, labelKey(namespace, key, value), pod);
    }
    append(this.podsByAccount, namespacedKey(namespace, pod.serviceAccount), pod);
    append(this.podsByWorkload, workload, pod);
  }
}

/** A map key for a label (key and value) in a namespace. */
function labelKey(namespace: string | undefined, key: string, value: string): string {
  return `${namespacedKey(namespace, key)}\u0000${value}`;
}

function append<T>(map: Map<string, T[]>, key: string, item: T): void {
  const list = map.get(key);
  if (list === undefined) {
    map.set(key, [item]);
  } else {
    list.push(item);
  }
}
