import { Manifest } from '../core/manifest-schema';
import { objectIdentity } from '../core/object-identity';
import { objectRole } from '../core/object-role';

/** One step of a release: objects to apply, or objects to delete. */
export interface ReleaseStep {
  /**
   * - `prepare`: Namespaces, ServiceAccounts and the security policies
   *   (NetworkPolicy, mesh mTLS, authorization and egress), in place before
   *   any new pod starts;
   * - `create`: revision objects that are new in this release;
   * - `route`: every other pointer (Services, routes), moving traffic;
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
 * routing to something that does not exist: prerequisites, then the new
 * revision objects, then the pointers, then deletion of what was retired
 * (pointers first, Namespaces last). Revision objects already live are not
 * touched. Stop at the first failed step and nothing is lost: the previous
 * revisions stay complete and routed.
 */
export function releaseSteps(before: readonly Manifest[], after: readonly Manifest[]): ReleaseStep[] {
  const live = new Set(before.map(objectIdentity));
  const kept = new Set(after.map(objectIdentity));
  const prepare = after.filter((m) => PREREQUISITE_KINDS.has(m.kind));
  const create = after.filter((m) => objectRole(m) === 'revision' && !live.has(objectIdentity(m)));
  const route = after.filter((m) => objectRole(m) === 'pointer' && !PREREQUISITE_KINDS.has(m.kind));
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
