import { ApiObject, Chart } from 'cdk8s';
import { clusterServiceOf } from '../core/cluster-host';
import { configReferences } from '../core/config-references';
import { Manifest } from '../core/manifest-schema';
import { objectIdentity } from '../core/object-identity';
import { ObjectRole, objectRole } from '../core/object-role';
import { hasScaleFields, isScaleField } from '../core/scale-fields';
import { chartsManifests } from '../core/synth-app';
import { FIELD_MANAGER } from '../release/cluster/field-manager';

/** Options of {@link planDeployment}. */
export interface DeploymentPlanOptions {
  /**
   * Annotate every object with `pulumi.com/skipAwait: "true"`, so Pulumi does
   * not wait for readiness. Only for clusters where pods never run (a control
   * plane without a kubelet, as in the integration suite).
   * @default false
   */
  readonly skipAwait?: boolean;
}

/** One object of the plan, with the Pulumi options it gets. */
export interface PlannedResource {
  /**
   * The object's name in the stack code: its construct path
   * (`shop-prod/orders/stable/Resource`), or its identity when no construct of
   * the chart made it. What `dependsOn` refers to, and the key of
   * `ChartDeployment.resources`.
   */
  readonly logicalName: string;
  /**
   * The Pulumi resource name. A pointer's is its logical name, the same for
   * every release, so a change updates it in place. A revision object's is
   * the object's own `<kind>/<namespace>/<name>` (`<kind>/<name>` when
   * cluster-scoped), which its content-addressed name makes unique to the
   * revision: a new revision is a new resource, and the previous revision's
   * resource stays in the state, untouched, until a successful `pulumi up`
   * no longer has it.
   */
  readonly resourceName: string;
  /**
   * The names the resource had under earlier versions of the bridge, which
   * named every object by its logical name: Pulumi aliases, so the first
   * `pulumi up` after upgrading renames a live revision object in the state
   * rather than deleting and re-creating it. Empty for pointers (their name
   * did not change).
   */
  readonly aliases: readonly string[];
  /** The object to register. */
  readonly manifest: Manifest;
  /** Revision object (its own resource, never replaced) or pointer (updated in place). */
  readonly role: ObjectRole;
  /**
   * Property paths that never change under a revision object's name: its name
   * is derived from them, so new values make a new object and so a new
   * resource. All but the scale fields, which change in place. Empty for
   * pointers. Not passed to Pulumi as `replaceOnChanges` (see
   * `ChartDeployment`).
   */
  readonly replaceOnChanges: readonly string[];
  /** Logical names this resource waits for. */
  readonly dependsOn: readonly string[];
  /** Top-level fields to register as Pulumi secrets. */
  readonly secretFields: readonly string[];
}

const SKIP_AWAIT = 'pulumi.com/skipAwait';
/** The server-side apply field manager the Kubernetes provider writes an object as. */
const PATCH_FIELD_MANAGER = 'pulumi.com/patchFieldManager';
/** The pointers a stepped canary moves (see `CanaryRelease.steps`): its routes. */
const CANARY_STEPPED_KINDS = new Set(['VirtualService', 'HTTPRoute']);

/**
 * How the charts deploy through Pulumi, in an order where every resource comes
 * after what it depends on:
 * - each object is one resource; a pointer is named by its construct path, so
 *   it updates in place; a revision object by its kind, namespace and
 *   content-addressed name, so a new revision is a new resource, created
 *   before the pointers move to it, while the previous revision's resources
 *   leave the program and are deleted at the end of a successful `pulumi up`
 *   (after a failed one they are still in the state, untouched);
 * - a revision object's resource has an alias to its construct path, its name
 *   under earlier versions of the bridge;
 * - under its name, a revision object only ever changes scale (a Deployment's
 *   `spec.replicas`, an autoscaler's bounds and metrics, a KEDA ScaledObject's
 *   bounds and triggers, a TriggerAuthentication's Secret keys): any other
 *   change makes a new name (`replaceOnChanges` lists those fields);
 * - a Deployment waits for the ConfigMaps and Secrets it mounts, an autoscaler
 *   or disruption budget for its Deployment, a KEDA ScaledObject for its
 *   Deployment and TriggerAuthentications, a TriggerAuthentication for its
 *   Secrets, a Service for the Deployments it selects (traffic never moves to
 *   what does not exist yet), a Knative Service for the ConfigMaps, Secrets
 *   and ServiceAccount of its template, a Trigger for its Broker, and a
 *   Trigger, PingSource or Broker for the sinks it delivers to, and
 *   everything for its Namespace;
 * - Secret data is marked secret;
 * - a route (VirtualService, HTTPRoute: what a stepped canary moves) is
 *   written as field manager `immutable-infra` (the annotation
 *   `pulumi.com/patchFieldManager`), the manager `immutable-infra deploy`
 *   and the canary walk (see `CanaryWalk`) write it as: the weights a walk
 *   leaves at its last step are then the provider's own fields, which its
 *   update to the declared weights changes without a conflict, and a walk
 *   that fails puts back exactly what the provider applied. The same for
 *   every route and every release, so the manager never changes under a
 *   pointer (the first `pulumi up` after upgrading moves a route from the
 *   provider's generated manager to this one).
 */
export function planDeployment(charts: readonly Chart[], options: DeploymentPlanOptions = {}): PlannedResource[] {
  const manifests = chartsManifests(charts);
  const entries = charts.flatMap((chart, i) => namedManifests(chart, manifests[i], options));
  const byIdentity = new Map(entries.map((e) => [objectIdentity(e.manifest), e.logicalName]));
  const planned = entries.map(({ logicalName, manifest }): PlannedResource => {
    const role = objectRole(manifest);
    return {
      logicalName,
      resourceName: role === 'revision' ? revisionResourceName(manifest) : logicalName,
      aliases: role === 'revision' ? [logicalName] : [],
      manifest,
      role,
      replaceOnChanges: role === 'revision' ? replacePaths(manifest) : [],
      dependsOn: dependencies(manifest, entries, byIdentity).filter((d) => d !== logicalName),
      secretFields: manifest.kind === 'Secret' && manifest.apiVersion === 'v1' ? ['data', 'stringData'].filter((f) => f in manifest) : [],
    };
  });
  return dependencyOrder(planned);
}

interface NamedManifest {
  readonly logicalName: string;
  readonly manifest: Manifest;
}

function namedManifests(chart: Chart, manifests: readonly Manifest[], options: DeploymentPlanOptions): NamedManifest[] {
  const paths = new Map<string, string>();
  for (const construct of chart.node.findAll()) {
    if (ApiObject.isApiObject(construct) && Chart.of(construct) === chart) {
      const { apiVersion, kind, name } = construct;
      paths.set(objectIdentity({ apiVersion, kind, metadata: { name, namespace: construct.metadata.namespace } }), construct.node.path);
    }
  }
  return manifests.map((manifest) => {
    const added = {
      ...(options.skipAwait ? { [SKIP_AWAIT]: 'true' } : {}),
      ...(CANARY_STEPPED_KINDS.has(manifest.kind) ? { [PATCH_FIELD_MANAGER]: FIELD_MANAGER } : {}),
    };
    const annotated = Object.keys(added).length === 0
      ? manifest
      : { ...manifest, metadata: { ...manifest.metadata, annotations: { ...(manifest.metadata.annotations as object), ...added } } };
    return { logicalName: paths.get(objectIdentity(manifest)) ?? objectIdentity(manifest), manifest: annotated };
  });
}

/**
 * A revision object's resource name, `<kind>/<namespace>/<name>`: the object's
 * own identity, so the same object keeps its resource whichever slot (track,
 * config source) makes it, and a new object is a new resource. Unique in a
 * program: the URN adds the type (with the API group), and a cluster holds
 * one object of a kind per namespace and name.
 */
function revisionResourceName(manifest: Manifest): string {
  const { namespace, name } = manifest.metadata;
  return namespace === undefined ? `${manifest.kind}/${name}` : `${manifest.kind}/${namespace}/${name}`;
}

/** Every field but the scale fields that autoscaling and scaling change in place. */
function replacePaths(manifest: Manifest): string[] {
  if (!hasScaleFields(manifest.kind)) {
    return ['*'];
  }
  const spec = (manifest.spec ?? {}) as Record<string, unknown>;
  return ['metadata', ...Object.keys(spec).filter((k) => !isScaleField(manifest.kind, k)).map((k) => `spec.${k}`)];
}

function dependencies(manifest: Manifest, entries: readonly NamedManifest[], byIdentity: Map<string, string>): string[] {
  const found = new Set<string>();
  /** `apiVersion` only counts for its group: identities ignore the version. */
  const add = (apiVersion: string, kind: string, name: string | undefined, namespace: string | undefined) => {
    const target = byIdentity.get(objectIdentity({ apiVersion, kind, metadata: { name, namespace } }));
    if (target !== undefined) {
      found.add(target);
    }
  };
  const namespace = manifest.metadata.namespace;
  if (namespace !== undefined) {
    add('v1', 'Namespace', namespace, undefined);
  }
  const spec = (manifest.spec ?? {}) as Record<string, any>;
  if (manifest.kind === 'Deployment') {
    for (const ref of configReferences(spec.template?.spec ?? {})) {
      add('v1', ref.kind, ref.name, namespace);
    }
  }
  if (manifest.kind === 'HorizontalPodAutoscaler' && spec.scaleTargetRef) {
    add(spec.scaleTargetRef.apiVersion, spec.scaleTargetRef.kind, spec.scaleTargetRef.name, namespace);
  }
  if (manifest.apiVersion.startsWith('keda.sh/') && manifest.kind === 'ScaledObject') {
    const target = spec.scaleTargetRef ?? {};
    add(target.apiVersion ?? 'apps/v1', target.kind ?? 'Deployment', target.name, namespace);
    for (const trigger of spec.triggers ?? []) {
      const auth = trigger.authenticationRef;
      if (auth !== undefined && (auth.kind ?? 'TriggerAuthentication') === 'TriggerAuthentication') {
        add(manifest.apiVersion, 'TriggerAuthentication', auth.name, namespace);
      }
    }
  }
  if (manifest.apiVersion.startsWith('keda.sh/') && manifest.kind === 'TriggerAuthentication') {
    for (const ref of spec.secretTargetRef ?? []) {
      add('v1', 'Secret', ref.name, namespace);
    }
  }
  if (manifest.apiVersion.startsWith('serving.knative.dev/') && manifest.kind === 'Service') {
    for (const ref of configReferences(spec.template?.spec ?? {})) {
      add('v1', ref.kind, ref.name, namespace);
    }
    add('v1', 'ServiceAccount', spec.template?.spec?.serviceAccountName, namespace);
  }
  if (manifest.apiVersion.startsWith('eventing.knative.dev/') || manifest.apiVersion.startsWith('sources.knative.dev/')) {
    if (manifest.kind === 'Trigger') {
      add(manifest.apiVersion, 'Broker', spec.broker, namespace);
    }
    for (const destination of [spec.subscriber, spec.sink, spec.delivery?.deadLetterSink]) {
      if (destination?.ref !== undefined) {
        add(destination.ref.apiVersion, destination.ref.kind, destination.ref.name, destination.ref.namespace ?? namespace);
      }
    }
  }
  const selectedDeployments = (selector: Record<string, string>) => {
    for (const entry of entries) {
      const target = entry.manifest;
      const podLabels = target.kind === 'Deployment' ? (target.spec as any)?.template?.metadata?.labels ?? {} : undefined;
      if (podLabels && target.metadata.namespace === namespace && Object.entries(selector).every(([k, v]) => podLabels[k] === v)) {
        found.add(entry.logicalName);
      }
    }
  };
  if (manifest.kind === 'PodDisruptionBudget' || (manifest.kind === 'Service' && spec.selector)) {
    selectedDeployments(manifest.kind === 'Service' ? spec.selector : spec.selector?.matchLabels ?? {});
  }
  const group = manifest.apiVersion.split('/')[0];
  if (group === 'networking.istio.io' && manifest.kind === 'DestinationRule') {
    for (const subset of spec.subsets ?? []) {
      selectedDeployments(subset.labels ?? {});
    }
  }
  if (group === 'networking.istio.io' && manifest.kind === 'VirtualService') {
    const hosts = new Set<string>(
      (spec.http ?? []).flatMap((r: any) => [...(r.route ?? []).map((d: any) => d.destination.host), ...(r.mirror ? [r.mirror.host] : [])]),
    );
    for (const entry of entries) {
      const rule = entry.manifest;
      if (rule.kind === 'DestinationRule' && rule.metadata.namespace === namespace && hosts.has((rule.spec as any)?.host)) {
        found.add(entry.logicalName);
      }
    }
    for (const host of hosts) {
      const service = clusterServiceOf(host);
      if (service !== undefined) {
        add('v1', 'Service', service.name, service.namespace);
      }
    }
  }
  if (manifest.kind === 'HTTPRoute' || manifest.kind === 'GRPCRoute') {
    for (const rule of spec.rules ?? []) {
      const mirrors = (rule.filters ?? []).flatMap((f: any) => (f.requestMirror?.backendRef ? [f.requestMirror.backendRef] : []));
      for (const ref of [...(rule.backendRefs ?? []), ...mirrors]) {
        if ((ref.kind ?? 'Service') === 'Service' && (ref.group ?? '') === '') {
          add('v1', 'Service', ref.name, ref.namespace ?? namespace);
        }
      }
    }
  }
  if (group === 'policy.linkerd.io' && manifest.kind === 'AuthorizationPolicy') {
    for (const ref of [spec.targetRef, ...(spec.requiredAuthenticationRefs ?? [])]) {
      if (ref?.group === 'policy.linkerd.io') {
        add(`${ref.group}/any`, ref.kind, ref.name, ref.namespace ?? namespace);
      }
    }
  }
  return [...found];
}

/** A stable topological order: synthesis order, each resource after its dependencies. */
function dependencyOrder(planned: readonly PlannedResource[]): PlannedResource[] {
  const byName = new Map(planned.map((p) => [p.logicalName, p]));
  const done = new Set<string>();
  const ordered: PlannedResource[] = [];
  const visit = (resource: PlannedResource, trail: readonly string[]) => {
    if (done.has(resource.logicalName)) {
      return;
    }
    if (trail.includes(resource.logicalName)) {
      throw new Error(`dependency cycle between ${[...trail, resource.logicalName].join(' → ')}`);
    }
    for (const dependency of resource.dependsOn) {
      visit(byName.get(dependency)!, [...trail, resource.logicalName]);
    }
    done.add(resource.logicalName);
    ordered.push(resource);
  };
  for (const resource of planned) {
    visit(resource, []);
  }
  return ordered;
}
