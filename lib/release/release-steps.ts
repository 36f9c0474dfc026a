import { Manifest } from '../core/manifest-schema';
import { objectIdentity } from '../core/object-identity';
import { objectRole } from '../core/object-role';
import { scaleChange } from './scale-change';

/** One step of a release: objects to apply, or objects to delete. */
export interface ReleaseStep {
  /**
   * - `prepare`: Namespaces, ServiceAccounts and the security policies
   *   (NetworkPolicy, mesh mTLS, authorization and egress), in place before
   *   any new pod starts;
   * - `create`: revision objects that are new in this release, and live
   *   ones whose replica counts only grow;
   * - `route`: every other pointer (Services, routes), moving traffic, then
   *   live revision objects whose scale changes otherwise (fewer replicas);
   * - `retire`: objects the release no longer has, deleted.
   */
  readonly name: 'prepare' | 'create' | 'route' | 'retire';
  readonly action: 'apply' | 'delete';
  readonly objects: readonly Manifest[];
}

const PREREQUISITE_KINDS = new Set([
  'Namespace',
  'ServiceAccount',
  'NetworkPolicy',
  'PeerAuthentication',
  'AuthorizationPolicy',
  'Sidecar',
  'ServiceEntry',
  'Server',
  'MeshTLSAuthentication',
  'NetworkAuthentication',
]);

/**
 * The steps that take a cluster from `before` to `after` without ever
 * routing to something that does not exist: prerequisites (Namespaces
 * first), then the new revision objects, then the pointers, then deletion of
 * what was retired (pointers first, Namespaces last). Revision objects
 * already live are not touched, except to scale them: up before traffic
 * moves (with the new revisions), down after (with the pointers). Stop at the
 * first failed step and nothing is lost: the previous revisions stay
 * complete and routed.
 */
export function releaseSteps(before: readonly Manifest[], after: readonly Manifest[]): ReleaseStep[] {
  const live = new Map(before.map((m) => [objectIdentity(m), m]));
  const kept = new Set(after.map(objectIdentity));
  const scale = (m: Manifest) => {
    const old = live.get(objectIdentity(m));
    return old === undefined ? 'new' : scaleChange(old, m);
  };
  const prerequisites = after.filter((m) => PREREQUISITE_KINDS.has(m.kind));
  const prepare = [...prerequisites.filter((m) => m.kind === 'Namespace'), ...prerequisites.filter((m) => m.kind !== 'Namespace')];
  const revisions = after.filter((m) => objectRole(m) === 'revision');
  const create = revisions.filter((m) => scale(m) === 'new' || scale(m) === 'up');
  const route = [
    ...after.filter((m) => objectRole(m) === 'pointer' && !PREREQUISITE_KINDS.has(m.kind)),
    ...revisions.filter((m) => scale(m) === 'other'),
  ];
  const retired = before.filter((m) => !kept.has(objectIdentity(m)));
  const retireOrder = (m: Manifest) => (m.kind === 'Namespace' ? 2 : objectRole(m) === 'pointer' ? 0 : 1);
  const retire = retired
    .map((m, i) => ({ m, i }))
    .sort((a, b) => retireOrder(a.m) - retireOrder(b.m) || b.i - a.i)
    .map(({ m }) => m);
  return [
    { name: 'prepare', action: 'apply', objects: prepare },
    { name: 'create', action: 'apply', objects: create },
    { name: 'route', action: 'apply', objects: route },
    { name: 'retire', action: 'delete', objects: retire },
  ];
}
