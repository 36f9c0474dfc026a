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
 * pointers that move traffic to them, and what they replace is deleted last.
 * Revision objects are replace-only; pointers update in place; Secret data is
 * a Pulumi secret, never plaintext in the state.
 *
 * @example
 *   const app = new App();
 *   const shop = new ShopChart(app, 'shop-prod', { environment: 'prod' });
 *   new ChartDeployment('shop', { charts: [shop] }, { provider });
 */
export class ChartDeployment extends pulumi.ComponentResource {
  /** The registered resources by logical name (construct path). */
  public readonly resources: Readonly<Record<string, pulumi.CustomResource>>;

  constructor(name: string, args: ChartDeploymentArgs, opts: pulumi.ComponentResourceOptions = {}) {
    const customTimeouts = awaitTimeouts(args.awaitTimeout);
    super('immutable-infra:index:ChartDeployment', name, {}, opts);
    const resources: Record<string, pulumi.CustomResource> = {};
    for (const planned of planDeployment(args.charts, { skipAwait: args.skipAwait })) {
      const manifest = { ...planned.manifest } as Record<string, unknown>;
      for (const field of planned.secretFields) {
        manifest[field] = pulumi.secret(manifest[field]);
      }
      resources[planned.logicalName] = registerManifest(planned.logicalName, manifest as typeof planned.manifest, {
        parent: this,
        dependsOn: planned.dependsOn.map((dependency) => resources[dependency]),
        replaceOnChanges: planned.role === 'revision' ? [...planned.replaceOnChanges] : undefined,
        deleteBeforeReplace: false,
        customTimeouts,
      });
    }
    this.resources = resources;
    this.registerOutputs({ resourceNames: Object.keys(resources) });
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
