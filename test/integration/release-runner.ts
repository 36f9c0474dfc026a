import { Manifest, releaseSteps, ReleaseStep } from '../../lib';
import { applyServerSide, getLive, kubectl, resourceType } from './kubectl';

/** How a release run ended. */
export interface ReleaseOutcome {
  /** The steps that completed, in order. */
  readonly completed: ReadonlyArray<ReleaseStep['name']>;
  /** The step that failed and the API server's answer, if one did. */
  readonly failed?: { readonly step: ReleaseStep['name']; readonly error: string };
}

/**
 * Takes the cluster from `before` to `after` in release order (prepare →
 * create → route → retire) with server-side apply, object by object so the
 * first refusal stops the release before anything else changes.
 *
 * @param afterStep called after each completed step (for checks between steps)
 */
export function runRelease(
  before: readonly Manifest[],
  after: readonly Manifest[],
  afterStep: (step: ReleaseStep['name']) => void = () => undefined,
): ReleaseOutcome {
  const completed: Array<ReleaseStep['name']> = [];
  for (const step of releaseSteps(before, after)) {
    for (const object of step.objects) {
      const result = step.action === 'apply'
        ? applyServerSide([object])
        : kubectl(['delete', resourceType(object), object.metadata.name!, '--ignore-not-found', '--wait=false',
          ...(object.metadata.namespace ? ['-n', object.metadata.namespace] : [])]);
      if (result.status !== 0) {
        return { completed, failed: { step: step.name, error: result.stderr } };
      }
    }
    completed.push(step.name);
    afterStep(step.name);
  }
  return { completed };
}

/** A live revision of a service and whether everything it needs exists. */
export interface RoutedRevision {
  readonly deployment: string;
  readonly complete: boolean;
}

/**
 * The revisions a Service routes to: the Deployments whose pods its selector
 * matches, each with whether every ConfigMap and Secret it mounts exists.
 */
export function routedRevisions(service: string, namespace: string): RoutedRevision[] {
  const live = getLive('service', service, namespace);
  if (live === undefined) {
    return [];
  }
  const selector = Object.entries(live.spec.selector as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(',');
  const list = JSON.parse(kubectl(['get', 'deployments', '-n', namespace, '-o', 'json']).stdout).items as any[];
  return list
    .filter((d) => Object.entries(live.spec.selector as Record<string, string>).every(([k, v]) => d.spec.template.metadata.labels?.[k] === v))
    .map((d) => {
      const pod = d.spec.template.spec;
      const needed: Array<[string, string]> = [];
      for (const c of pod.containers) {
        for (const source of c.envFrom ?? []) {
          if (source.configMapRef) needed.push(['configmap', source.configMapRef.name]);
          if (source.secretRef) needed.push(['secret', source.secretRef.name]);
        }
      }
      for (const v of pod.volumes ?? []) {
        if (v.configMap) needed.push(['configmap', v.configMap.name]);
        if (v.secret) needed.push(['secret', v.secret.secretName]);
      }
      return {
        deployment: `${d.metadata.name} (selected by ${selector})`,
        complete: needed.every(([kind, name]) => getLive(kind, name, namespace) !== undefined),
      };
    });
}
