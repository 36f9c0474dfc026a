import * as pulumi from '@pulumi/pulumi';
import { Chart, Duration } from 'cdk8s';
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

  constructor(name: string, args: ChartDeploymentArgs, opts: pulumi.ComponentResourceOptions = {}) {
    const customTimeouts = awaitTimeouts(args.awaitTimeout);
    super('immutable-infra:index:ChartDeployment', name, {}, opts);
    const resources: Record<string, pulumi.CustomResource> = {};
    const plan = planDeployment(args.charts, { skipAwait: args.skipAwait });
    for (const planned of plan) {
      const manifest = { ...planned.manifest } as Record<string, unknown>;
      for (const field of planned.secretFields) {
        manifest[field] = pulumi.secret(manifest[field]);
      }
      resources[planned.logicalName] = registerManifest(planned.resourceName, manifest as typeof planned.manifest, {
        parent: this,
        dependsOn: planned.dependsOn.map((dependency) => resources[dependency]),
        aliases: planned.aliases.length > 0 ? planned.aliases.map((alias) => ({ name: alias })) : undefined,
        customTimeouts,
      });
    }
    this.resources = resources;
    this.resourceNames = Object.fromEntries(plan.map((p) => [p.logicalName, p.resourceName]));
    this.registerOutputs({ resourceNames: Object.values(this.resourceNames) });
  }
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
