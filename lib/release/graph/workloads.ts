import { clusterServiceOf } from '../../core/cluster-host';
import { LabelKeys } from '../../core/labels';
import { Manifest } from '../../core/manifest-schema';
import { isDnsLabel } from '../../core/names';
import { DistObjects, Fields, formatPercent, labelsOf, listOf, nameOf, selects, specOf } from './dist-objects';
import { topologyNodeId } from './topology';
import { compare, TopologyBuilder } from './topology-builder';

/** The label Knative puts on the pods of a Knative Service. */
const KNATIVE_SERVICE_LABEL = 'serving.knative.dev/service';


/** Pods a workload runs, and the node that stands for them. */
interface PodTemplate {
  readonly namespace: string | undefined;
  readonly labels: Readonly<Record<string, string>>;
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
  private readonly pods: PodTemplate[] = [];
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
    return this.stable.find((s) => s.manifest.metadata.namespace === ns && nameOf(s.manifest) === name);
  }

  /** The Istio subsets of a stable Service (from its DestinationRule), each with the revisions whose pods carry the subset's labels. */
  public subsets(service: StableService): Array<{ readonly name: string; readonly revisions: string[] }> {
    const rule = this.objects.of('networking.istio.io', 'DestinationRule')
      .find((dr) => typeof specOf(dr).host === 'string' && this.stableServiceOf(specOf(dr).host, dr.metadata.namespace) === service);
    return listOf(rule === undefined ? [] : specOf(rule).subsets).filter((s) => typeof s.name === 'string').map((s) => ({
      name: s.name as string,
      revisions: service.revisions.filter((revision) => this.pods.some((p) => p.workload === revision && selects(s.labels, p.labels))),
    }));
  }

  /** The revisions of a stable Service in an Istio subset. */
  public subsetRevisions(service: StableService, subset: string): string[] {
    return this.subsets(service).find((s) => s.name === subset)?.revisions ?? [];
  }

  /** The nodes whose pods a label selector picks in a namespace: a Deployment's service (else the Deployment), a function. */
  public podOwners(namespace: string | undefined, selector: Readonly<Record<string, string>> | undefined): string[] {
    return this.owners(this.pods.filter((p) => p.namespace === namespace && selects(selector, p.labels)));
  }

  /** The nodes whose pods run as this service account. */
  public accountOwners(namespace: string | undefined, serviceAccount: string): string[] {
    return this.owners(this.pods.filter((p) => p.namespace === namespace && p.serviceAccount === serviceAccount));
  }

  /** The replicas a Deployment node runs, if the synthesis says. */
  public replicas(revision: string): number | undefined {
    const deployment = this.objects.of('apps', 'Deployment').find((d) => this.deploymentNode(d) === revision);
    const replicas = deployment === undefined ? undefined : specOf(deployment).replicas;
    return typeof replicas === 'number' ? replicas : undefined;
  }

  private owners(pods: readonly PodTemplate[]): string[] {
    const owners = pods.map((p) => this.stable.find((s) => s.revisions.includes(p.workload))?.node ?? p.workload);
    return [...new Set(owners)].sort(compare);
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
    for (const service of this.objects.of('', 'Service')) {
      const namespace = service.metadata.namespace;
      const name = nameOf(service);
      const spec = specOf(service);
      const selected = this.pods.filter((p) => p.namespace === namespace && selects(spec.selector, p.labels)).map((p) => p.workload);
      if (LabelKeys.REVISION in labelsOf(service) && selected.length > 0) {
        this.revisionServices.set(`${namespace}/${name}`, [...new Set(selected)].sort(compare));
        continue;
      }
      const details = spec.type === 'ExternalName' ? [`→ ${spec.externalName}`] : [];
      const node = this.builder.node({ kind: 'service', namespace, name, type: spec.type === 'ExternalName' ? 'ExternalName Service' : 'Service', details });
      const revisions = [...new Set(selected)].filter((w) => !this.functionNodes().has(w)).sort(compare);
      if (revisions.length > 0) {
        this.stable.push({ node, manifest: service, revisions });
      }
    }
  }

  private functionNodes(): Set<string> {
    return new Set(this.functions.values());
  }

  private addPods(namespace: string | undefined, template: Fields | undefined, workload: string, implicit: Record<string, string> = {}): void {
    this.pods.push({
      namespace,
      labels: { ...(template?.metadata?.labels ?? {}), ...implicit },
      serviceAccount: template?.spec?.serviceAccountName ?? 'default',
      workload,
    });
  }
}
