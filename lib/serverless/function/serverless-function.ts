import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { L1 } from '../../core/checked-objects';
import { emitObject } from '../../core/emit-object';
import { serviceIdentity } from '../../core/identity';
import { assertDnsLabel, DNS_LABEL_MAX_LENGTH } from '../../core/names';
import { checkProps, prop } from '../../core/prop-schema';
import { claimObjectName, validateManifestsAtSynth } from '../../core/synth-validation';
import { ValidationError } from '../../core/validation-error';
import { BackendTarget, GatewayBackendBinding, IGatewayBackend } from '../../gateway/backend-target';
import type { Mesh } from '../../mesh/mesh';
import { EndUserAuthentication, resolveEndUserAuthentication } from '../../traffic/end-user-auth';
import { ConfigObjects, LOGICAL_NAME_MAX_LENGTH } from '../../workload/config-objects';
import { ContainerImage, toContainerImage } from '../../workload/container-image';
import { EventDestination, EventSinkBinding, IEventSink } from '../eventing/event-sink';
import { FunctionNetworkPolicy } from './function-network-policy';
import { FunctionProtocol } from './function-protocol';
import { FunctionRevision } from './function-revision';
import { FunctionRevisionProps } from './function-revision-props';
import { functionRevisionPropsSchema, serverlessFunctionPropsSchema } from './function-schemas';
import { FunctionTrafficTarget, KnativeTrafficEntry, resolveTraffic } from './function-traffic';
import { FunctionVisibility } from './function-visibility';
import { KnativePlatformProps } from './knative-platform';
import { KnativeServingApi, QueueProxyPorts } from './knative-serving-api';

/** Props of {@link ServerlessFunction}. */
export interface ServerlessFunctionProps extends FunctionRevisionProps {
  /** The container image of the first revision, by digest. */
  readonly image: ContainerImage | string;
  /**
   * The function name (DNS-1035 label, ≤ 41 characters so revision names fit).
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The application the function belongs to (`app.kubernetes.io/part-of`).
   * @default - the id of the enclosing chart
   */
  readonly partOf?: string;
  /**
   * The container port requests arrive on.
   * @default 8080
   */
  readonly port?: number;
  /**
   * The protocol on that port.
   * @default FunctionProtocol.HTTP1
   */
  readonly protocol?: FunctionProtocol;
  /**
   * Who can reach the function through Knative's ingress.
   * @default FunctionVisibility.CLUSTER_LOCAL
   */
  readonly visibility?: FunctionVisibility;
  /**
   * Stack-side name of the first revision.
   * @default 'stable'
   */
  readonly track?: string;
  /**
   * Guard the pods with a NetworkPolicy that admits only Knative's data path
   * (activator, autoscaler, ingress) on the queue-proxy's ports.
   * @default true
   */
  readonly networkPolicy?: boolean;
  /**
   * The service mesh the function joins: its pods get the mesh's injection
   * metadata, and the mesh admits Knative's data path to them, nothing else.
   * @default - not in a mesh
   */
  readonly mesh?: Mesh;
  /**
   * End-user (JWT) authentication of the function's requests, at its pods'
   * mesh proxies: the tokens accepted, and which requests must present one.
   * It adds to the mesh's admission (requests still come through Knative's
   * data path) and needs a `mesh` that validates tokens (Istio; Linkerd
   * refuses it). Knative's own calls on `/healthz` and `/metrics` need no token.
   * @default - none: the function authenticates no end users
   */
  readonly authentication?: EndUserAuthentication;
  /**
   * Where Knative runs in the cluster.
   * @default - Knative Serving in 'knative-serving', the ingress in 'istio-system' in an Istio mesh, else 'kourier-system'
   */
  readonly knative?: KnativePlatformProps;
}

const DEFAULT_PORT = 8080;
const TRACK_SCHEMA = prop.string("a track name such as 'canary'");
/** Ports Knative keeps for its queue-proxy in every revision pod. */
const RESERVED_PORTS = new Set([8012, 8013, 8022, 9090, 9091]);

/**
 * A serverless function on Knative Serving: a Knative `Service` whose every
 * revision is immutable and named by content (`<function>-<revision id>`),
 * scaled to zero when idle by default, with traffic pinned to named revisions
 * by percent and tags. Config and secrets are content-hashed immutable
 * objects; the pods run as a ServiceAccount without token automount, with the
 * hardened container defaults, behind a NetworkPolicy that admits Knative's
 * data path only. The newest revision added is the Service's template;
 * the others must have been deployed before (as the template of an earlier
 * release), as Knative makes a revision only from the template.
 *
 * A function is a gateway backend (the route rewrites the Host to the
 * function's cluster-local domain, which Knative's ingress routes by) and an
 * event sink (Knative Eventing delivers to its address).
 *
 * @example
 *   const resize = new ServerlessFunction(chart, 'resize', {
 *     image: 'ghcr.io/shop/resize@sha256:…',
 *     scaling: { maxScale: 10, targetConcurrency: 5 },
 *   });
 *   const next = resize.addRevision('canary', { image: 'ghcr.io/shop/resize@sha256:…' });
 *   resize.setTraffic([
 *     { revision: resize.revisions[0], percent: 80, tag: 'stable' },
 *     { revision: next, percent: 20, tag: 'canary' },
 *   ]);
 */
export class ServerlessFunction extends Construct implements IGatewayBackend, IEventSink {
  /** The function (Knative Service) name. */
  public readonly functionName: string;
  /** The namespace, `undefined` for the default namespace of the kubeconfig. */
  public readonly namespace: string | undefined;
  /** Labels shared by every object of the function. */
  public readonly labels: Readonly<Record<string, string>>;
  /** The ServiceAccount's name, the identity the pods run as. */
  public readonly serviceAccountName: string;
  /** Who can reach the function through Knative's ingress. */
  public readonly visibility: FunctionVisibility;
  /** The mesh the function is in, if any. */
  public readonly mesh: Mesh | undefined;
  /** The Knative Service (the escape hatch): the pointer whose traffic block moves requests between revisions. */
  public readonly apiObject: ApiObject;

  private readonly baseProps: ServerlessFunctionProps;
  private readonly port: number;
  private readonly protocol: FunctionProtocol;
  private readonly configObjects: ConfigObjects;
  private readonly liveRevisions: FunctionRevision[] = [];
  private traffic: readonly KnativeTrafficEntry[] | undefined;

  constructor(scope: Construct, id: string, props: ServerlessFunctionProps) {
    super(scope, id);
    checkProps(serverlessFunctionPropsSchema, props, this, { name: 'ServerlessFunction props' });
    const identity = serviceIdentity(this, props);
    this.functionName = identity.name;
    this.namespace = identity.namespace;
    this.labels = identity.labels;
    this.port = props.port ?? DEFAULT_PORT;
    if (!Number.isInteger(this.port) || this.port < 1 || this.port > 65535 || RESERVED_PORTS.has(this.port)) {
      throw new ValidationError(
        `port must be 1-65535 and not one Knative's queue-proxy takes (${[...RESERVED_PORTS].join(', ')}), got ${this.port}; the default is ${DEFAULT_PORT}`,
        this,
      );
    }
    this.protocol = props.protocol ?? FunctionProtocol.HTTP1;
    this.visibility = props.visibility ?? FunctionVisibility.CLUSTER_LOCAL;
    // from JavaScript any string gets here: Knative refuses other port names, and anything but cluster-local would be public
    if (!Object.values(FunctionProtocol).includes(this.protocol)) {
      throw new ValidationError(`protocol must be one of ${Object.values(FunctionProtocol).join(', ')} (FunctionProtocol), got '${this.protocol}'`, this);
    }
    if (!Object.values(FunctionVisibility).includes(this.visibility)) {
      throw new ValidationError(`visibility must be one of ${Object.values(FunctionVisibility).join(', ')} (FunctionVisibility), got '${this.visibility}'`, this);
    }
    this.mesh = props.mesh;
    this.baseProps = props;
    this.serviceAccountName = this.functionName;
    this.configObjects = new ConfigObjects(this, this.functionName, this.labels);
    validateManifestsAtSynth(this);

    claimObjectName(this, 'ServiceAccount', this.namespace, this.serviceAccountName);
    new L1.ServiceAccount(this, 'ServiceAccount', {
      metadata: { name: this.serviceAccountName, labels: { ...this.labels } },
      automountServiceAccountToken: false,
    });

    const visibilityLabel: Record<string, string> = this.visibility === FunctionVisibility.CLUSTER_LOCAL ? { [KnativeServingApi.VISIBILITY_LABEL]: 'cluster-local' } : {};
    this.apiObject = emitObject(this, 'Resource', {
      apiVersion: KnativeServingApi.V1,
      kind: 'Service',
      metadata: { name: this.functionName, labels: { ...this.labels, ...visibilityLabel } },
      spec: Lazy.any({
        produce: () => ({
          template: this.liveRevisions[this.liveRevisions.length - 1].template,
          traffic: (this.traffic ?? this.defaultTraffic()).map((entry) => ({ ...entry })),
        }),
      }),
    });

    const callerNamespaces = this.callerNamespaces(props.knative ?? {});
    if (props.networkPolicy ?? true) {
      new FunctionNetworkPolicy(this, 'NetworkPolicy', {
        functionName: this.functionName,
        namespace: this.namespace,
        labels: this.labels,
        protocol: this.protocol,
        namespaces: callerNamespaces,
      });
    }
    this.addRevision(props.track ?? 'stable', {});
    const authentication = props.authentication && resolveEndUserAuthentication('authentication', props.authentication, this);
    if (authentication !== undefined && props.mesh === undefined) {
      throw new ValidationError(
        `function ${this.functionName} has authentication but no mesh, and its tokens are validated by the mesh's proxy on its pods; ` +
          'give it the mesh prop (an Istio mesh), or validate tokens at a gateway route',
        this,
      );
    }
    if (props.mesh !== undefined) {
      if (this.namespace === undefined) {
        throw new ValidationError(
          `function ${this.functionName} has no namespace, and mesh policies are per namespace; give its chart a namespace`,
          this,
        );
      }
      props.mesh.addFunction({
        name: this.functionName,
        namespace: this.namespace,
        labels: this.labels,
        podSelector: { [KnativeServingApi.SERVICE_LABEL]: this.functionName },
        callerNamespaces,
        ports: [this.requestPort, QueueProxyPorts.METRICS],
        requestPort: this.requestPort,
        authentication,
      }, this);
    }
  }

  /** @deprecated use {@link apiObject}, the name every construct of the library gives its main object. */
  public get service(): ApiObject {
    return this.apiObject;
  }

  /** The live revisions, first one first; the last is the Knative Service's template. */
  public get revisions(): readonly FunctionRevision[] {
    return [...this.liveRevisions];
  }

  /** The function's address inside the cluster, whatever its visibility. */
  public get clusterLocalHostname(): string {
    return `${this.functionName}.${this.namespace ?? 'default'}.svc.cluster.local`;
  }

  /**
   * Adds a live revision beside the existing ones (a canary, a preview); it
   * becomes the Knative Service's template. Props not given are taken from
   * the function's props. It gets no traffic until `setTraffic` gives it
   * some; by default it is reachable at its track's tag URL.
   *
   * @param track the stack-side name of the revision, e.g. 'canary'
   * @throws ValidationError for a duplicate track or a revision identical to a live one
   */
  public addRevision(track: string, props: FunctionRevisionProps): FunctionRevision {
    checkProps(TRACK_SCHEMA, track, this, { name: 'revision track' });
    checkProps(functionRevisionPropsSchema, props, this, { prefix: `revision '${track}'` });
    assertDnsLabel('revision track', track, LOGICAL_NAME_MAX_LENGTH, this);
    if (this.liveRevisions.some((r) => r.track === track)) {
      throw new ValidationError(`revision track '${track}' already exists; give each live revision its own track name`, this);
    }
    const merged = mergeFunctionProps(this.baseProps, props);
    const revision = new FunctionRevision(this, track, {
      functionName: this.functionName,
      image: toContainerImage(merged.image ?? this.baseProps.image),
      props: merged,
      port: this.port,
      protocol: this.protocol,
      serviceAccountName: this.serviceAccountName,
      config: this.configObjects.resolve(merged, track),
      labels: this.labels,
      podMetadata: this.mesh?.podMetadata,
      liveRevisions: this.liveRevisions,
    });
    this.liveRevisions.push(revision);
    return revision;
  }

  /**
   * Pins the function's requests to revisions by percent. Without it, the
   * first revision takes 100% and every other one 0% at its track's tag URL.
   *
   * @throws ValidationError for percents that are not whole or do not sum to
   *   100, a repeated or invalid tag, or a revision that is not live here
   */
  public setTraffic(targets: readonly FunctionTrafficTarget[]): void {
    this.traffic = resolveTraffic(this.functionName, this.liveRevisions, targets, this);
  }

  /**
   * Puts the function behind a gateway route: the route sends to the
   * Kubernetes Service Knative makes for it and rewrites the Host to the
   * function's cluster-local domain.
   *
   * @throws ValidationError for a gRPC route (its API has no Host rewrite) or a function without namespace
   */
  public bind(binding: GatewayBackendBinding): readonly BackendTarget[] {
    if (binding.routeKind === 'GRPCRoute') {
      throw new ValidationError(
        `${binding.what} is a gRPC route, which cannot rewrite the Host that Knative's ingress routes function ${this.functionName} by; ` +
          'use an HTTP route (gRPC over h2c passes through it)',
        binding.gateway,
      );
    }
    const namespace = this.assertNamespace(binding.what, binding.gateway);
    return [{
      serviceName: this.functionName,
      namespace,
      port: KnativeServingApi.SERVICE_PORT,
      weight: 1,
      hostname: this.clusterLocalHostname,
      description: `function '${this.functionName}'`,
      home: this,
      admissionProblem: () => undefined,
    }];
  }

  /** Events are delivered to the function's address (its Knative Service). */
  public bindSink(binding: EventSinkBinding): EventDestination {
    const namespace = this.assertNamespace(binding.what, binding.scope);
    return {
      ref: { apiVersion: KnativeServingApi.V1, kind: 'Service', name: this.functionName, namespace },
    };
  }

  /** The queue-proxy port requests arrive on. */
  private get requestPort(): number {
    return this.protocol === FunctionProtocol.H2C ? QueueProxyPorts.H2C : QueueProxyPorts.HTTP1;
  }

  private defaultTraffic(): KnativeTrafficEntry[] {
    return this.liveRevisions.map((revision, index) => (index === 0
      ? { revisionName: revision.name, latestRevision: false, percent: 100 }
      : { revisionName: revision.name, latestRevision: false, percent: 0, tag: revision.track }));
  }

  private callerNamespaces(knative: KnativePlatformProps): string[] {
    const ingress = knative.ingressNamespace ?? (this.mesh?.provider.name === 'istio' ? 'istio-system' : 'kourier-system');
    const namespaces = [...new Set([knative.servingNamespace ?? 'knative-serving', ingress])];
    namespaces.forEach((name) => assertDnsLabel('knative namespace', name, DNS_LABEL_MAX_LENGTH, this));
    return namespaces;
  }

  private assertNamespace(what: string, scope: Construct): string {
    if (this.namespace === undefined) {
      throw new ValidationError(
        `${what} sends to function ${this.functionName}, which has no namespace, so its address is unknown; give its chart a namespace`,
        scope,
      );
    }
    return this.namespace;
  }
}

/** The function's props overridden by a revision's (an `undefined` prop does not override). */
function mergeFunctionProps(base: FunctionRevisionProps, overrides: FunctionRevisionProps): FunctionRevisionProps {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) {
      merged[key] = value;
    }
  }
  return merged as FunctionRevisionProps;
}
