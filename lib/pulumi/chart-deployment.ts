import { existsSync } from 'fs';
import * as pulumi from '@pulumi/pulumi';
import { Chart, Duration } from 'cdk8s';
import { PrometheusClient } from '../release/deploy/prometheus-client';
import { CanaryWalk, CanaryWalkArgs } from './canary-walk';
import { PlannedCanaryWalk, planCanaryWalks } from './canary-walk-plan';
import { planDeployment } from './deployment-plan';
import { registerManifest } from './resource-types';

/** Arguments of {@link ChartDeployment}. */
export interface ChartDeploymentArgs {
  /** The charts to deploy; they are synthesized (and validated) in-process. */
  readonly charts: readonly Chart[];
  /**
   * Do not wait for readiness (`pulumi.com/skipAwait`). Only for clusters
   * where pods never run, such as a control plane without a kubelet.
   * @default false - Pulumi waits for every workload to become ready
   */
  readonly skipAwait?: boolean;
  /**
   * How long Pulumi waits for each object to become ready when it creates or
   * updates it (a Deployment available, a Service with ready endpoints)
   * before the operation, and so `pulumi up`, fails: the `create` and
   * `update` of every resource's `customTimeouts`. A resource option, not
   * part of the objects, so changing it replaces nothing. Whole seconds, at
   * least one; no effect with `skipAwait`.
   * @default - the Kubernetes provider's timeout of each kind (10 minutes for a Deployment or a Service)
   */
  readonly awaitTimeout?: Duration;
  /**
   * The base URL of the Prometheus that the analyses of canary steps query
   * (see `CanaryStep.analysis`) while the canary walk runs, e.g.
   * `http://prometheus.monitoring:9090`; user and password in it are sent as
   * basic authentication. A secret in the state.
   * @default - the stack config `immutable-infra:prometheusUrl`; without
   *   either, a chart whose canary steps are analysed is refused before
   *   anything is applied
   */
  readonly prometheusUrl?: string;
  /**
   * The kubeconfig file through which canary walks read and move the
   * pointers: that of the cluster the Kubernetes provider deploys to. Give
   * it (and `kubeconfigContext`) when the component's provider is not the
   * default one.
   * @default - the default provider's: the stack config `kubernetes:kubeconfig`
   *   (a file), else the first file of $KUBECONFIG, else ~/.kube/config
   */
  readonly kubeconfig?: string;
  /**
   * The context of `kubeconfig` canary walks use.
   * @default - the stack config `kubernetes:context`, else the kubeconfig's current context
   */
  readonly kubeconfigContext?: string;
}

/**
 * Deploys synthesized charts through @pulumi/kubernetes, one Pulumi resource
 * per object, in release order: new revision objects are created before the
 * pointers that move traffic to them, and the revision objects they take
 * over from are deleted last.
 *
 * - A pointer (Service, ServiceAccount, Namespace, route…) is named by its
 *   construct path and updates in place.
 * - A revision object (a revision's Deployment, autoscaler, disruption budget,
 *   a content-hashed ConfigMap or Secret) is named by the object,
 *   `<kind>/<namespace>/<name>`: a new revision is a new resource, and the
 *   previous revision's resources leave the program; Pulumi deletes them at
 *   the end of a `pulumi up` that succeeds. After one that fails they are
 *   still in the state as they were, so going back to the previous release is
 *   a no-op for them (and deletes the failed revision's resources).
 * - Each revision resource has an alias to its construct path, its name under
 *   earlier versions of the bridge, so the first `pulumi up` after upgrading
 *   renames the live revision's resources in the state instead of deleting
 *   and re-creating them.
 * - No resource gets `replaceOnChanges` or `deleteBeforeReplace`: a
 *   replacement here would keep the object's name, and then creating the
 *   replacement first would take over the live object and deleting the
 *   replaced one would delete it. A revision object's name changes with
 *   anything but its scale (and its metadata), which update in place.
 * - Secret data is a Pulumi secret, never plaintext in the state.
 * - A stepped canary (`CanaryRelease.steps`) is walked before its pointers
 *   take their declared weights: a {@link CanaryWalk} per canary, which its
 *   pointers wait for and which waits for what they wait for and for its
 *   revisions. When the canary's routing changes, its create or update walks
 *   the steps with `deploy`'s own walk against the live cluster (weights,
 *   health gates, pauses, analyses in Prometheus); a failed step fails the
 *   `pulumi up` with every moved pointer put back, so Pulumi never sets the
 *   declared weights. Canaries walk independently of each other.
 *
 * @example
 *   const app = new App();
 *   const shop = new ShopChart(app, 'shop-prod', { environment: 'prod' });
 *   new ChartDeployment('shop', { charts: [shop] }, { provider });
 */
export class ChartDeployment extends pulumi.ComponentResource {
  /**
   * The registered resources by logical name (construct path, e.g.
   * `shop-prod/orders/stable/Resource`); a revision object's Pulumi resource
   * is named by the object (see `PlannedResource.resourceName`).
   */
  public readonly resources: Readonly<Record<string, pulumi.CustomResource>>;
  /**
   * The Pulumi resource name of each object, by logical name: the logical
   * name itself for a pointer, `<kind>/<namespace>/<name>` for a revision
   * object (e.g. `Deployment/shop-prod/orders-0123456789`).
   */
  public readonly resourceNames: Readonly<Record<string, string>>;
  /** The canary walks by resource name (see `PlannedCanaryWalk.logicalName`), e.g. `shop-prod/reviews-routes/Mesh/Routing/CanaryWalk`. */
  public readonly canaryWalks: Readonly<Record<string, CanaryWalk>>;

  constructor(name: string, args: ChartDeploymentArgs, opts: pulumi.ComponentResourceOptions = {}) {
    const customTimeouts = awaitTimeouts(args.awaitTimeout);
    const plan = planDeployment(args.charts, { skipAwait: args.skipAwait });
    const walks = planCanaryWalks(plan, { skipAwait: args.skipAwait });
    const walkAccess = walks.length === 0 ? undefined : canaryWalkAccess(walks, args);
    super('immutable-infra:index:ChartDeployment', name, {}, opts);
    const planned = new Map(plan.map((p) => [p.logicalName, p]));
    const walksByName = new Map(walks.map((walk) => [walk.logicalName, walk]));
    const walkOf = new Map(walks.flatMap((walk) => walk.pointers.map((pointer) => [pointer, walk.logicalName] as const)));
    const resources: Record<string, pulumi.CustomResource> = {};
    const canaryWalks: Record<string, CanaryWalk> = {};
    /** Registers a resource (or walk) after what it depends on, each once. */
    const register = (logicalName: string, trail: readonly string[]): pulumi.CustomResource => {
      const found = resources[logicalName] ?? canaryWalks[logicalName];
      if (found !== undefined) {
        return found;
      }
      if (trail.includes(logicalName)) {
        throw new Error(`dependency cycle between ${[...trail, logicalName].join(' → ')}`);
      }
      const next = [...trail, logicalName];
      const walk = walksByName.get(logicalName);
      if (walk !== undefined) {
        canaryWalks[logicalName] = new CanaryWalk(logicalName, {
          routing: walk.routing,
          pointers: walk.manifests,
          revisions: walk.revisions,
          timeoutSeconds: args.awaitTimeout?.toSeconds() ?? DEFAULT_WALK_TIMEOUT_SECONDS,
          ...walkAccess,
        }, { parent: this, dependsOn: walk.dependsOn.map((d) => register(d, next)) });
        return canaryWalks[logicalName];
      }
      const resource = planned.get(logicalName)!;
      const walked = walkOf.get(logicalName);
      const dependsOn = [...resource.dependsOn, ...(walked === undefined ? [] : [walked])].map((d) => register(d, next));
      const manifest = { ...resource.manifest } as Record<string, unknown>;
      for (const field of resource.secretFields) {
        manifest[field] = pulumi.secret(manifest[field]);
      }
      resources[logicalName] = registerManifest(resource.resourceName, manifest as typeof resource.manifest, {
        parent: this,
        dependsOn,
        aliases: resource.aliases.length > 0 ? resource.aliases.map((alias) => ({ name: alias })) : undefined,
        customTimeouts,
      });
      return resources[logicalName];
    };
    for (const resource of plan) {
      register(resource.logicalName, []);
    }
    this.resources = Object.fromEntries(plan.map((p) => [p.logicalName, resources[p.logicalName]]));
    this.resourceNames = Object.fromEntries(plan.map((p) => [p.logicalName, p.resourceName]));
    this.canaryWalks = canaryWalks;
    this.registerOutputs({ resourceNames: Object.values(this.resourceNames) });
  }
}

/** How long a canary walk's gates and pointer checks may take without `awaitTimeout`: `deploy`'s default. */
const DEFAULT_WALK_TIMEOUT_SECONDS = 600;

/**
 * Where canary walks read and write: Prometheus (required when a step is
 * analysed) and the cluster, from the arguments, else the stack config.
 *
 * @throws Error before anything is registered: analysed steps and no
 *   Prometheus URL (as `deploy` refuses them), a URL that is not an http(s)
 *   base URL, a `kubernetes:kubeconfig` that is no file
 */
function canaryWalkAccess(walks: readonly PlannedCanaryWalk[], args: ChartDeploymentArgs): Pick<CanaryWalkArgs, 'prometheusUrl' | 'kubeconfig' | 'kubeconfigContext'> {
  const prometheusUrl = args.prometheusUrl ?? pulumi.runtime.getConfig('immutable-infra:prometheusUrl');
  const analysed = walks.find((w) => w.analysedService !== undefined);
  if (analysed !== undefined && prometheusUrl === undefined) {
    throw new Error(`${analysed.logicalName}: its canary steps are analysed in Prometheus (CanaryStep.analysis of ${analysed.analysedService}); ` +
      'pass Prometheus\'s URL (ChartDeployment\'s prometheusUrl, or `pulumi config set immutable-infra:prometheusUrl <url>`). Nothing was applied');
  }
  if (prometheusUrl !== undefined) {
    try {
      PrometheusClient.parseUrl(prometheusUrl);
    } catch (error) {
      throw new Error(`prometheusUrl: ${(error as Error).message}`);
    }
  }
  const kubeconfig = args.kubeconfig ?? pulumi.runtime.getConfig('kubernetes:kubeconfig');
  if (args.kubeconfig === undefined && kubeconfig !== undefined && !existsSync(kubeconfig)) {
    throw new Error('the stack config kubernetes:kubeconfig is no kubeconfig file on this machine (its contents, or a path that does not exist); ' +
      'canary walks read a file: give its path as ChartDeployment\'s kubeconfig');
  }
  const kubeconfigContext = args.kubeconfigContext ?? pulumi.runtime.getConfig('kubernetes:context');
  return {
    ...(prometheusUrl === undefined ? {} : { prometheusUrl }),
    ...(kubeconfig === undefined ? {} : { kubeconfig }),
    ...(kubeconfigContext === undefined ? {} : { kubeconfigContext }),
  };
}

/**
 * The `customTimeouts` of an await timeout: create and update (the operations
 * that wait for readiness); `undefined` keeps the provider's defaults.
 *
 * @throws Error for less than one second or a fraction of a second (the
 *   provider truncates to whole seconds, and zero means its default)
 */
function awaitTimeouts(timeout: Duration | undefined): pulumi.CustomTimeouts | undefined {
  if (timeout === undefined) {
    return undefined;
  }
  const seconds = timeout.toSeconds({ integral: false });
  if (!Number.isInteger(seconds) || seconds < 1) {
    throw new Error(`awaitTimeout must be whole seconds, at least one; got ${seconds}s`);
  }
  return { create: `${seconds}s`, update: `${seconds}s` };
}
