import { ApiObject, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { L1 } from '../core/checked-objects';
import { serviceIdentity } from '../core/identity';
import { LabelKeys } from '../core/labels';
import { assertDnsLabel, DNS_LABEL_MAX_LENGTH } from '../core/names';
import { checkProps, prop } from '../core/prop-schema';
import { claimObjectName, validateManifestsAtSynth } from '../core/synth-validation';
import { ValidationError } from '../core/validation-error';
import { ConfigObjects, LOGICAL_NAME_MAX_LENGTH } from './config-objects';
import { ContainerImage, toContainerImage } from './container-image';
import { ExternalHost, ExternalHostProps, resolveExternalHosts } from './external-host';
import { IngressPeer } from './ingress-peer';
import { Revision } from './revision';
import { RevisionProps } from './revision-props';
import type { IServiceMesh } from './service-mesh';
import { ServiceNetworkPolicy } from './service-network-policy';
import { resolvePorts, ServicePort, ServicePortProps } from './service-port';
import { dependencySchema, microservicePropsSchema, revisionPropsSchema } from './workload-schemas';

/** A service other services can declare as a dependency. */
export interface IMicroservice extends IConstruct {
  /** The Kubernetes Service name. */
  readonly serviceName: string;
  /** The namespace, `undefined` for the default namespace of the kubeconfig. */
  readonly namespace: string | undefined;
  /** The ports the service exposes. */
  readonly ports: readonly ServicePort[];
}

/** Props of {@link Microservice}. */
export interface MicroserviceProps extends RevisionProps {
  /** The container image of the first revision, by digest. */
  readonly image: ContainerImage | string;
  /**
   * The service name (DNS-1035 label, ≤ 41 characters so revision names fit).
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Ports the service exposes through a stable Service.
   * @default - none: a worker with no Service
   */
  readonly ports?: readonly ServicePortProps[];
  /**
   * The application this service belongs to (`app.kubernetes.io/part-of`).
   * @default - the id of the enclosing chart
   */
  readonly partOf?: string;
  /**
   * Services this one calls. Used for authorization in a mesh.
   * @default - none
   */
  readonly dependencies?: readonly IMicroservice[];
  /**
   * Stack-side name of the first revision.
   * @default 'stable'
   */
  readonly track?: string;
  /**
   * Guard the pods with a NetworkPolicy that admits only the services that
   * declare this one as a dependency (plus `allowIngressFrom`), on its ports.
   * @default true
   */
  readonly networkPolicy?: boolean;
  /**
   * Callers allowed in besides the declared dependents: the namespace of an
   * ingress gateway, or anywhere for a public entry point.
   * @default - only the services that declare this one as a dependency
   */
  readonly allowIngressFrom?: readonly IngressPeer[];
  /**
   * Hosts outside the cluster the service calls. In a mesh, egress to
   * anything else outside is blocked.
   * @default - none
   */
  readonly externalHosts?: readonly ExternalHostProps[];
  /**
   * The service mesh the service joins: its pods get the mesh's injection
   * metadata (a new revision), and the mesh emits its mTLS, authorization and
   * egress policies from the declared dependencies. A `Mesh`.
   * @default - not in a mesh
   */
  readonly mesh?: IServiceMesh;
}


/**
 * A microservice: one immutable Deployment per live revision, a stable Service
 * (the pointer that moves traffic), a ServiceAccount without token automount,
 * a deny-by-default NetworkPolicy derived from the declared dependencies, an
 * autoscaler per revision where asked, a disruption budget per revision that
 * can run more than one pod, and
 * content-hashed immutable ConfigMaps and Secrets.
 *
 * @example
 *   const orders = new Microservice(chart, 'orders', {
 *     image: 'ghcr.io/shop/orders@sha256:…',
 *     ports: [{ port: 8080 }],
 *     configs: [{ name: 'settings', literals: { LOG_LEVEL: 'info' } }],
 *   });
 *   orders.addRevision('canary', { image: 'ghcr.io/shop/orders@sha256:…', replicas: 1 });
 */
export class Microservice extends Construct implements IMicroservice {
  public readonly serviceName: string;
  public readonly namespace: string | undefined;
  public readonly ports: readonly ServicePort[];
  /** The ServiceAccount all revisions run as. */
  public readonly serviceAccount: ApiObject;
  /** The stable Service (the escape hatch), `undefined` for a worker without ports. */
  public readonly apiObject: ApiObject | undefined;
  /** Labels shared by every object of the service. */
  public readonly labels: Readonly<Record<string, string>>;
  /** The ServiceAccount's name, the identity the pods run as. */
  public readonly serviceAccountName: string;
  /** Callers allowed in besides the declared dependents. */
  public readonly allowIngressFrom: readonly IngressPeer[];
  /** Hosts outside the cluster the service calls. */
  public readonly externalHosts: readonly ExternalHost[];
  /** The mesh the service is in, if any. */
  public readonly mesh: IServiceMesh | undefined;

  private readonly baseProps: MicroserviceProps;
  private readonly liveRevisions: Revision[] = [];
  private readonly declaredDependencies: IMicroservice[] = [];
  private readonly declaredDependents: Microservice[] = [];
  private readonly configObjects: ConfigObjects;

  constructor(scope: Construct, id: string, props: MicroserviceProps) {
    super(scope, id);
    checkProps(microservicePropsSchema, props, this, { name: 'Microservice props' });
    const identity = serviceIdentity(this, props);
    this.serviceName = identity.name;
    this.namespace = identity.namespace;
    this.labels = identity.labels;
    this.ports = resolvePorts(props.ports ?? [], this);
    assertOneScale(props, 'the service', this);
    this.baseProps = props;
    this.serviceAccountName = this.serviceName;
    this.allowIngressFrom = [...(props.allowIngressFrom ?? [])];
    for (const peer of this.allowIngressFrom) {
      if (!peer.isAnywhere) {
        assertDnsLabel('allowIngressFrom namespace', peer.namespaceName!, DNS_LABEL_MAX_LENGTH, this);
      }
    }
    this.externalHosts = resolveExternalHosts(props.externalHosts ?? [], this, props.mesh !== undefined);
    this.mesh = props.mesh;
    this.configObjects = new ConfigObjects(this, this.serviceName, this.labels);
    validateManifestsAtSynth(this);

    claimObjectName(this, 'ServiceAccount', this.namespace, this.serviceName);
    this.serviceAccount = new L1.ServiceAccount(this, 'ServiceAccount', {
      metadata: { name: this.serviceAccountName, labels: { ...this.labels } },
      automountServiceAccountToken: false,
    });

    if (this.ports.length > 0) {
      claimObjectName(this, 'Service', this.namespace, this.serviceName);
      this.apiObject = new L1.Service(this, 'Resource', {
        metadata: { name: this.serviceName, labels: { ...this.labels } },
        spec: {
          type: 'ClusterIP',
          selector: Lazy.any({ produce: () => this.serviceSelector() }),
          ports: this.ports.map((p) => ({
            name: p.name,
            port: p.port,
            targetPort: k8s.IntOrString.fromString(p.name),
            protocol: p.protocol,
          })),
        },
      });
    }

    if (props.networkPolicy ?? true) {
      new ServiceNetworkPolicy(this, 'NetworkPolicy', {
        service: this,
        dependents: () => this.declaredDependents,
        allowFrom: this.allowIngressFrom,
      });
    }

    this.addRevision(props.track ?? 'stable', {});
    props.mesh?.addService(this);
    for (const dependency of props.dependencies ?? []) {
      this.addDependency(dependency);
    }
  }

  /** @deprecated use {@link apiObject}, the name every construct of the library gives its main object. */
  public get service(): ApiObject | undefined {
    return this.apiObject;
  }

  /**
   * The pods the Service sends traffic to. With one live revision: that
   * revision's pods only, so the revisions a deploy keeps live for a
   * rollback take no traffic, and the selector is the pointer a release
   * moves. With several: every revision of the service, the traffic split
   * by the service's routes (in a mesh) or by replicas.
   */
  private serviceSelector(): Record<string, string> {
    const [only, ...others] = this.liveRevisions;
    return only !== undefined && others.length === 0
      ? { ...this.labels, [LabelKeys.REVISION]: only.revisionId }
      : { ...this.labels };
  }

  /** The live revisions, first one first. */
  public get revisions(): readonly Revision[] {
    return [...this.liveRevisions];
  }

  /** The services this one declares it calls. */
  public get dependencies(): readonly IMicroservice[] {
    return [...this.declaredDependencies];
  }

  /** The services of this stack that declare they call this one. */
  public get dependents(): readonly Microservice[] {
    return [...this.declaredDependents];
  }

  /**
   * Adds a live revision beside the existing ones (a canary, a blue-green
   * preview). Props not given are taken from the service's props. Removing the
   * call from the stack retires the revision.
   *
   * @param track the stack-side name of the revision, e.g. 'canary'
   * @throws ValidationError for a duplicate track or a revision identical to a live one
   */
  public addRevision(track: string, props: RevisionProps): Revision {
    checkProps(TRACK_SCHEMA, track, this, { name: 'revision track' });
    checkProps(revisionPropsSchema, props, this, { prefix: `revision '${track}'` });
    assertDnsLabel('revision track', track, LOGICAL_NAME_MAX_LENGTH, this);
    if (this.liveRevisions.some((r) => r.track === track)) {
      throw new ValidationError(`revision track '${track}' already exists; give each live revision its own track name`, this);
    }
    assertOneScale(props, `revision '${track}'`, this);
    const merged = mergeRevisionProps(this.baseProps, props);
    const config = this.configObjects.resolve(merged, track);

    const revision = new Revision(this, track, {
      serviceName: this.serviceName,
      containerName: this.serviceName,
      image: toContainerImage(merged.image ?? this.baseProps.image),
      props: merged,
      ports: this.ports,
      servicePorts: this.ports,
      serviceAccountName: this.serviceAccountName,
      podMetadata: this.baseProps.mesh?.podMetadata,
      mounts: config.mounts,
      labels: this.labels,
      configContents: config.configContents,
      externalSecretNames: config.externalSecretNames,
      liveRevisions: this.liveRevisions,
    });
    this.liveRevisions.push(revision);
    return revision;
  }

  /**
   * Declares that this service calls `target`.
   *
   * @throws ValidationError for itself, a duplicate, a target without ports,
   *   or a target in a mesh this service is not in
   */
  public addDependency(target: IMicroservice): void {
    checkProps(dependencySchema, target, this, { name: 'dependency' });
    if (target === this) {
      throw new ValidationError(`${this.serviceName} cannot depend on itself; remove it from dependencies`, this);
    }
    if (this.declaredDependencies.includes(target)) {
      throw new ValidationError(`dependency on '${target.serviceName}' is declared twice; declare it once`, this);
    }
    if (target.ports.length === 0) {
      throw new ValidationError(
        `dependency '${target.serviceName}' exposes no ports, so nothing can call it; add ports to it or drop the dependency`,
        this,
      );
    }
    if (target instanceof Microservice) {
      target.mesh?.addCaller(target, this);
      target.declaredDependents.push(this);
    }
    this.declaredDependencies.push(target);
  }
}

const TRACK_SCHEMA = prop.string("a track name such as 'canary'");

/** The props that choose how a revision scales; a revision sets at most one. */
const SCALE_PROPS = ['replicas', 'autoscaling', 'eventScaling'] as const;

/**
 * The service's revision props overridden by those given (an `undefined` prop
 * does not override). Scale is one choice: a revision that sets `replicas`,
 * `autoscaling` or `eventScaling` drops the service's other ones, e.g. it runs
 * fixed replicas even if the service autoscales.
 */
function mergeRevisionProps(base: RevisionProps, overrides: RevisionProps): RevisionProps {
  const merged: Record<string, unknown> = { ...base };
  if (SCALE_PROPS.some((key) => overrides[key] !== undefined)) {
    for (const key of SCALE_PROPS) {
      delete merged[key];
    }
  }
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) {
      merged[key] = value;
    }
  }
  return merged as RevisionProps;
}

/** @throws ValidationError when props choose more than one of fixed replicas, autoscaling and event scaling */
function assertOneScale(props: RevisionProps, what: string, scope: Construct): void {
  if (props.replicas !== undefined && props.autoscaling !== undefined) {
    throw new ValidationError(
      `${what} sets both replicas (${props.replicas}) and autoscaling, and the autoscaler would override the replicas; set one of them`,
      scope,
    );
  }
  if (props.eventScaling !== undefined && props.autoscaling !== undefined) {
    throw new ValidationError(
      `${what} sets both autoscaling and eventScaling, and KEDA refuses to scale a Deployment another HorizontalPodAutoscaler scales; set one of them`,
      scope,
    );
  }
  if (props.eventScaling !== undefined && props.replicas !== undefined) {
    throw new ValidationError(
      `${what} sets both replicas (${props.replicas}) and eventScaling, and KEDA would override the replicas; set one of them`,
      scope,
    );
  }
}
