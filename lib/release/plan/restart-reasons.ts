import { configReferences, ConfigReference } from '../../core/config-references';
import { LabelKeys } from '../../core/labels';
import { contentAddressedPrefix } from '../../core/names';
import { comparable, diffValues, isMap, sameValue } from './manifest-diff';

/** What kind of change starts new pods. */
export type RestartReasonKind =
  | 'image'
  | 'env'
  | 'config'
  | 'command'
  | 'args'
  | 'resources'
  | 'probes'
  | 'security'
  | 'ports'
  | 'volumes'
  | 'mesh'
  | 'containers'
  | 'other';

/** Why a workload's new revision runs new pods. */
export interface RestartReason {
  readonly kind: RestartReasonKind;
  /** The change in words, e.g. `image digest changed: orders sha256:3c4d5e6f7a8b → sha256:9a8b7c6d5e4f`. */
  readonly message: string;
  /** The container concerned; absent for a change of the pod as a whole. */
  readonly container?: string;
}

type Json = Record<string, any>;

const CONTAINER_LISTS = [['initContainers', 'init container'], ['containers', 'container']] as const;
const PROBES = new Set(['readinessProbe', 'livenessProbe', 'startupProbe']);
const CONTAINER_FIELD_KINDS: Readonly<Record<string, RestartReasonKind>> = {
  command: 'command',
  args: 'args',
  resources: 'resources',
  ports: 'ports',
  securityContext: 'security',
  volumeMounts: 'volumes',
};
const MESH_KEY = /^([^/]*\.)?(istio\.io|linkerd\.io)\//;

/**
 * Why pods of the template `after` differ from those of `before`: image
 * digests, env vars, config content (a ConfigMap or Secret reference whose
 * content-hashed name changed, named by its logical name), command, args,
 * resources, probes, security, ports, volumes, mesh injection, containers
 * added or removed. The revision label is not a reason (it follows from the
 * rest). Zero values (`false`, `0`, `''`) count as unset: the API server does
 * not store most of them, so a template read back from a cluster lacks them.
 *
 * @param workload the service name, stripped from config names to give their logical names
 */
export function restartReasons(before: Json, after: Json, workload: string): RestartReason[] {
  const reasons: RestartReason[] = [];
  const was = comparable(withoutZeros(before)) as Json | undefined ?? {};
  const is = comparable(withoutZeros(after)) as Json | undefined ?? {};
  reasons.push(...metadataReasons(was.metadata ?? {}, is.metadata ?? {}));
  const refsBefore = configReferences(was.spec ?? {});
  const refsAfter = configReferences(is.spec ?? {});
  reasons.push(...configReasons(refsBefore, refsAfter, workload));
  // What the config reasons explain is no other reason: a config whose content
  // changed keeps its logical name, one added or removed leaves with its uses.
  const logicalKeys = (refs: readonly ConfigReference[]) => new Set(refs.map(logicalKey));
  const [keysBefore, keysAfter] = [logicalKeys(refsBefore), logicalKeys(refsAfter)];
  const unmatched = [...refsBefore.filter((r) => !keysAfter.has(logicalKey(r))), ...refsAfter.filter((r) => !keysBefore.has(logicalKey(r)))];
  const oneSided = new Set(unmatched.map((r) => r.name));
  const renames = new Map([...refsBefore, ...refsAfter].map((ref) => [ref.name, contentAddressedPrefix(ref.name) ?? ref.name]));
  const specBefore = renamed(withoutConfigs(was.spec ?? {}, oneSided), renames) as Json;
  const specAfter = renamed(withoutConfigs(is.spec ?? {}, oneSided), renames) as Json;
  for (const [list, what] of CONTAINER_LISTS) {
    reasons.push(...containerListReasons(specBefore[list] ?? [], specAfter[list] ?? [], what));
  }
  reasons.push(...podSpecReasons(specBefore, specAfter));
  if (reasons.length === 0) {
    reasons.push({ kind: 'other', message: 'same pod template; the revision\'s other inputs changed (e.g. the Service ports it serves behind)' });
  }
  return reasons;
}

function metadataReasons(before: Json, after: Json): RestartReason[] {
  const reasons: RestartReason[] = [];
  for (const field of ['labels', 'annotations'] as const) {
    const was: Json = { ...before[field] };
    const is: Json = { ...after[field] };
    delete was[LabelKeys.REVISION];
    delete is[LabelKeys.REVISION];
    const changed = changedKeys(was, is);
    for (const key of changed.filter((k) => MESH_KEY.test(k))) {
      reasons.push({ kind: 'mesh', message: `mesh injection changed: ${key} ${shown(was[key])} → ${shown(is[key])}` });
    }
    const others = changed.filter((k) => !MESH_KEY.test(k));
    if (others.length > 0) {
      reasons.push({ kind: 'other', message: `pod ${field} changed: ${others.join(', ')}` });
    }
  }
  return reasons;
}

/** A config's kind and the part of its name that stays when its content changes. */
function logicalKey(ref: ConfigReference): string {
  return `${ref.kind}/${contentAddressedPrefix(ref.name) ?? ref.name}`;
}

function configReasons(before: readonly ConfigReference[], after: readonly ConfigReference[], workload: string): RestartReason[] {
  const byLogicalName = (refs: readonly ConfigReference[]) => new Map(refs.map((ref) => [logicalKey(ref), ref]));
  const was = byLogicalName(before);
  const is = byLogicalName(after);
  const reasons: RestartReason[] = [];
  for (const key of [...new Set([...was.keys(), ...is.keys()])]) {
    const old = was.get(key);
    const now = is.get(key);
    const ref = (now ?? old)!;
    const what = `${ref.kind === 'ConfigMap' ? 'config' : 'secret'} '${logicalName(ref.name, workload)}'`;
    if (old === undefined) {
      reasons.push({ kind: 'config', message: `${what} added (${now!.name})` });
    } else if (now === undefined) {
      reasons.push({ kind: 'config', message: `${what} removed (${old.name})` });
    } else if (old.name !== now.name) {
      reasons.push({ kind: 'config', message: `${what} content changed (${old.name} → ${now.name})` });
    }
  }
  return reasons;
}

/** `settings` for `orders-settings-89af217ecf` of workload `orders`. */
function logicalName(objectName: string, workload: string): string {
  const prefix = contentAddressedPrefix(objectName) ?? objectName;
  return prefix.startsWith(`${workload}-`) ? prefix.slice(workload.length + 1) : prefix;
}

function containerListReasons(before: readonly Json[], after: readonly Json[], what: string): RestartReason[] {
  const reasons: RestartReason[] = [];
  const names = [...new Set([...before, ...after].map((c) => c.name as string))];
  for (const name of names) {
    const was = before.find((c) => c.name === name);
    const is = after.find((c) => c.name === name);
    if (was === undefined || is === undefined) {
      reasons.push({ kind: 'containers', message: `${what} '${name}' ${was === undefined ? 'added' : 'removed'}`, container: name });
    } else {
      reasons.push(...containerReasons(was, is, name));
    }
  }
  return reasons;
}

function containerReasons(before: Json, after: Json, container: string): RestartReason[] {
  const reasons: RestartReason[] = [];
  const changed = changedKeys(before, after);
  if (changed.includes('image')) {
    reasons.push({ kind: 'image', message: imageMessage(container, before.image, after.image), container });
  }
  const env = envChanges(before.env ?? [], after.env ?? []);
  if (changed.includes('envFrom')) {
    env.push('envFrom');
  }
  if (env.length > 0) {
    reasons.push({ kind: 'env', message: `env changed: ${container}: ${env.join(', ')}`, container });
  }
  const probes = changed.filter((key) => PROBES.has(key));
  if (probes.length > 0) {
    reasons.push({ kind: 'probes', message: `probes changed: ${container}: ${probes.join(', ')}`, container });
  }
  for (const key of changed.filter((k) => k in CONTAINER_FIELD_KINDS)) {
    const details = diffValues(before[key], after[key]).map((change) => change.path).filter((path) => path !== '');
    const suffix = details.length > 0 ? `: ${details.join(', ')}` : '';
    reasons.push({ kind: CONTAINER_FIELD_KINDS[key], message: `${key} changed: ${container}${suffix}`, container });
  }
  const others = changed.filter((key) => !['image', 'env', 'envFrom'].includes(key) && !PROBES.has(key) && !(key in CONTAINER_FIELD_KINDS));
  if (others.length > 0) {
    reasons.push({ kind: 'other', message: `container fields changed: ${container}: ${others.join(', ')}`, container });
  }
  return reasons;
}

const DIGEST = /^(.*)@(sha256:[0-9a-f]{12})[0-9a-f]*$/;

function imageMessage(container: string, before: string, after: string): string {
  const was = DIGEST.exec(before ?? '');
  const is = DIGEST.exec(after ?? '');
  if (was !== null && is !== null && was[1] === is[1]) {
    return `image digest changed: ${container} ${was[2]} → ${is[2]}`;
  }
  return `image changed: ${container} ${shown(before)} → ${shown(after)}`;
}

/** Names of env vars added, removed or changed, each marked. */
function envChanges(before: readonly Json[], after: readonly Json[]): string[] {
  const was = new Map(before.map((v) => [v.name as string, v]));
  const is = new Map(after.map((v) => [v.name as string, v]));
  const changes: string[] = [];
  for (const name of [...new Set([...was.keys(), ...is.keys()])].sort()) {
    if (!was.has(name)) {
      changes.push(`${name} (added)`);
    } else if (!is.has(name)) {
      changes.push(`${name} (removed)`);
    } else if (!sameValue(was.get(name), is.get(name))) {
      changes.push(`${name} (changed)`);
    }
  }
  return changes;
}

function podSpecReasons(before: Json, after: Json): RestartReason[] {
  const reasons: RestartReason[] = [];
  const changed = changedKeys(before, after).filter((key) => !CONTAINER_LISTS.some(([list]) => list === key));
  if (changed.includes('securityContext')) {
    reasons.push({ kind: 'security', message: 'pod securityContext changed' });
  }
  if (changed.includes('volumes')) {
    const paths = diffValues(before.volumes, after.volumes, ['volumes']).map((change) => change.path);
    reasons.push({ kind: 'volumes', message: `volumes changed: ${paths.join(', ')}` });
  }
  const others = changed.filter((key) => key !== 'securityContext' && key !== 'volumes');
  if (others.length > 0) {
    reasons.push({ kind: 'other', message: `pod spec changed: ${others.join(', ')}` });
  }
  return reasons;
}

/** Keys whose values differ, sorted. */
function changedKeys(before: Json, after: Json): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].sort().filter((key) => !sameValue(before[key], after[key]));
}

/** A copy without map members that are `false`, `0` or `''`. */
function withoutZeros(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(withoutZeros);
  }
  if (isMap(value)) {
    return Object.fromEntries(Object.entries(value)
      .filter(([, member]) => member !== false && member !== 0 && member !== '')
      .map(([key, member]) => [key, withoutZeros(member)]));
  }
  return value;
}

/** The pod spec without its uses of the named configs: `envFrom` entries, volumes and their mounts. */
function withoutConfigs(spec: Json, names: ReadonlySet<string>): Json {
  if (names.size === 0) {
    return spec;
  }
  const dropped = new Set<string>();
  const volumes = (spec.volumes ?? []).filter((v: Json) => {
    const config = v.configMap?.name ?? v.secret?.secretName;
    if (names.has(config)) {
      dropped.add(v.name);
      return false;
    }
    return true;
  });
  const container = (c: Json) => ({
    ...c,
    envFrom: (c.envFrom ?? []).filter((e: Json) => !names.has(e.configMapRef?.name ?? e.secretRef?.name)),
    volumeMounts: (c.volumeMounts ?? []).filter((m: Json) => !dropped.has(m.name)),
  });
  return comparable({
    ...spec,
    volumes,
    containers: (spec.containers ?? []).map(container),
    initContainers: (spec.initContainers ?? []).map(container),
  }) as Json;
}

/** A copy with every string that is a key of `renames` replaced by its value. */
function renamed(value: unknown, renames: ReadonlyMap<string, string>): unknown {
  if (typeof value === 'string') {
    return renames.get(value) ?? value;
  }
  if (Array.isArray(value)) {
    return value.map((item) => renamed(item, renames));
  }
  if (isMap(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, member]) => [key, renamed(member, renames)]));
  }
  return value;
}

function shown(value: unknown): string {
  return value === undefined ? '(none)' : JSON.stringify(value);
}
