import { Manifest } from '../core/manifest-schema';
import { objectIdentity } from '../core/object-identity';
import { deployReporter } from '../release/cli/render-deploy';
import { textStyle } from '../release/cli/style';
import { getObject, versionOf } from '../release/cluster/api-objects';
import { ApiResources } from '../release/cluster/api-resources';
import { FIELD_MANAGER } from '../release/cluster/field-manager';
import { KubeApi } from '../release/cluster/kube-api';
import { withNamespaces } from '../release/cluster/namespace-defaults';
import { walkCanaryStages } from '../release/deploy/canary-step-walk';
import { canaryStages } from '../release/deploy/canary-walk';
import { DeployEvent } from '../release/deploy/deploy-events';
import { GateTarget } from '../release/deploy/health-gate';
import { PrometheusClient } from '../release/deploy/prometheus-client';
import { DEFAULT_PARALLELISM, ReleaseWriter } from '../release/deploy/release-writer';
import { appliedView } from '../release/plan/applied-view';
import { WalkedRevision } from './canary-walk-plan';

/** What a canary walk runs with: the inputs of its Pulumi resource (`CanaryWalk`). */
export interface CanaryWalkInputs {
  /** What makes it walk: a release that changes it walks, any other does not (see `PlannedCanaryWalk.routing`). */
  readonly routing: string;
  /** The pointers it walks, as registered, at their declared weights. */
  readonly pointers: readonly Manifest[];
  /** The revision Deployments it gates. */
  readonly revisions: readonly WalkedRevision[];
  /**
   * Prometheus's base URL, for analysed steps; a secret in the state (it may carry a password).
   * @default - none: the steps must not be analysed
   */
  readonly prometheusUrl?: string;
  /**
   * The kubeconfig file of the cluster the pointers are in.
   * @default - the first file of $KUBECONFIG, else ~/.kube/config
   */
  readonly kubeconfig?: string;
  /**
   * Its context.
   * @default - its current context
   */
  readonly kubeconfigContext?: string;
  /** How long each health gate and pointer check of a step may take, in seconds. */
  readonly timeoutSeconds: number;
}

/** What a walk leaves in the Pulumi state. */
export interface CanaryWalkOutputs {
  /** The routing it walked to (see `PlannedCanaryWalk.routing`). */
  readonly routing: string;
  /** The canary shares of each step it walked, e.g. `[[20], [50]]`; none when the canary's live share was already at or above every step. */
  readonly walked: number[][];
}

/**
 * Walks a canary's steps on the live cluster with the deploy path's own
 * walk (`walkCanaryStages`): the steps above the share the canary has live
 * (read from the cluster), each applied at its weights, checked to hold,
 * gated on the revisions' health, held for its pause while its analysis
 * queries Prometheus, gated again. The pointers are written as
 * `immutable-infra deploy` writes them (server-side apply, field manager
 * `immutable-infra`, taking over fields another manager owns: the Pulumi
 * bridge writes route pointers as that manager too, so nothing conflicts).
 * Before the first step it gates the revisions: Pulumi has just made them
 * ready, so this passes at once, and it stops a walk pointed at a cluster
 * without them before it writes anything there.
 *
 * @throws Error when a step fails, after every pointer it moved is back as
 *   it was: the deploy path's error lines, then the walk's progress
 */
export async function runCanaryWalk(inputs: CanaryWalkInputs): Promise<CanaryWalkOutputs> {
  const api = KubeApi.connect({ kubeconfig: inputs.kubeconfig, context: inputs.kubeconfigContext });
  try {
    const resources = await ApiResources.discover(api);
    const pointers = withNamespaces(inputs.pointers, resources, () => api.namespace);
    const revisions = inputs.revisions.map((r): GateTarget => ({ ...r, namespace: r.namespace ?? api.namespace }));
    const previous = await livePointers(api, resources, pointers);
    const stages = canaryStages(pointers, previous);
    const progress: string[] = [];
    const errors: string[] = [];
    const io = { stdout: { write: (text: string) => progress.push(text) }, stderr: { write: (text: string) => errors.push(text) }, env: {} };
    const render = deployReporter(io, textStyle(false));
    let restored = false;
    const report = (event: DeployEvent) => {
      restored ||= event.type === 'restored';
      render(event);
    };
    const writer = new ReleaseWriter(api, resources, undefined, {
      forceConflicts: true,
      parallelism: DEFAULT_PARALLELISM,
      timeoutSeconds: inputs.timeoutSeconds,
      report,
    });
    const prometheus = inputs.prometheusUrl === undefined ? undefined : new PrometheusClient(inputs.prometheusUrl);
    const gated = stages.length === 0 || (await writer.gate(revisions)).length === 0;
    const result = gated ? await walkCanaryStages(writer, stages, { pointers, previous, after: pointers, revisions, prometheus, report }) : 'unhealthy';
    if (result !== 'walked') {
      const names = pointers.map((m) => `${m.kind} ${m.metadata.namespace}/${m.metadata.name}`).join(', ');
      throw new Error([
        `the canary walk of ${names} failed; ${!gated ? 'it moved no pointer' : restored ? 'every pointer it moved is back as it was' : 'putting its pointers back failed too'}:`,
        ...errors.map((line) => line.trimEnd()),
        ...(result === 'unhealthy' ? ['error: the release is not healthy; traffic stays on the previous release'] : []),
        'the walk:',
        ...progress.map((line) => line.trimEnd()),
      ].join('\n'));
    }
    return { routing: inputs.routing, walked: stages.map((s) => [...s.percents]) };
  } finally {
    api.close();
  }
}

/** The live pointers as `immutable-infra` applied them (see `appliedView`), by identity; those not in the cluster yet are left out. */
async function livePointers(api: KubeApi, resources: ApiResources, pointers: readonly Manifest[]): Promise<Map<string, Manifest>> {
  const live = new Map<string, Manifest>();
  for (const pointer of pointers) {
    const resource = resources.of(pointer.apiVersion, pointer.kind);
    if (resource === undefined) {
      throw new Error(`the cluster does not serve ${pointer.apiVersion} ${pointer.kind}, so the canary walk cannot move ${pointer.metadata.name}; install its CRD first`);
    }
    const object = await getObject(api, resource, versionOf(pointer.apiVersion), pointer.metadata.namespace, pointer.metadata.name!);
    if (object !== undefined) {
      live.set(objectIdentity(pointer), appliedView(object, FIELD_MANAGER, pointer));
    }
  }
  return live;
}
