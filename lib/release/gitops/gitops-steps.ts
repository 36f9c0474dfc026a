import { Manifest } from '../../core/manifest-schema';
import { releaseSteps } from '../release-steps';

/** A step of a release as a GitOps engine applies it, one folder each. */
export interface GitopsStep {
  /**
   * - `prepare`: Namespaces, ServiceAccounts and security policies;
   * - `revisions`: every revision object (ConfigMaps, Secrets, revision
   *   Deployments and their per-revision objects);
   * - `pointers`: everything else (Services, routes), which moves traffic.
   */
  readonly name: 'prepare' | 'revisions' | 'pointers';
  /** Its folder under `steps/`: `1-prepare`, `2-revisions`, `3-pointers`. */
  readonly folder: string;
  /** Its place in the release, from 1. */
  readonly order: number;
  readonly objects: readonly Manifest[];
}

/**
 * The steps of a synthesis in release order, the way `deploy` orders a first
 * release (see `releaseSteps`): a GitOps engine compares with the cluster
 * itself, so every revision object goes in `revisions` (an engine leaves one
 * already live as it is) and every pointer in `pointers`. Steps without
 * objects are left out.
 */
export function gitopsSteps(dist: readonly Manifest[]): GitopsStep[] {
  const [prepare, create, route] = releaseSteps([], dist);
  const steps = [
    { name: 'prepare' as const, objects: prepare.objects },
    { name: 'revisions' as const, objects: create.objects },
    { name: 'pointers' as const, objects: route.objects },
  ];
  return steps
    .map((step, i) => ({ ...step, order: i + 1, folder: `${i + 1}-${step.name}` }))
    .filter((step) => step.objects.length > 0);
}
