import { canonicalJson } from './content-hash';
import { LabelKeys } from './labels';
import { Manifest } from './manifest-schema';
import { objectRole } from './object-role';
import { withoutScale } from './scale-fields';

/**
 * The parts of an object whose content its name stands for, as JSON
 * pointers: the whole object for a revision object (a content-hashed
 * ConfigMap or Secret, anything labelled with a revision id); in a pointer,
 * each nested object labelled with a revision id (a Knative Service's
 * revision template, named after its content).
 */
function revisionContentPointers(manifest: Manifest): string[] {
  if (objectRole(manifest) === 'revision') {
    return [''];
  }
  const pointers: string[] = [];
  const visit = (value: unknown, pointer: string): void => {
    if (value === null || typeof value !== 'object') {
      return;
    }
    const labels = (value as { metadata?: { labels?: Record<string, unknown> } }).metadata?.labels;
    if (labels !== undefined && LabelKeys.REVISION in labels) {
      pointers.push(pointer);
      return;
    }
    for (const [key, member] of Object.entries(value)) {
      visit(member, `${pointer}/${escapePointerToken(key)}`);
    }
  };
  visit(manifest, '');
  return pointers;
}

/** What must never change under a revision object's name: all of it but its API version and its scale, as the release guard sees it. */
function identityContent(manifest: Manifest): Manifest {
  const { apiVersion: _apiVersion, ...rest } = withoutScale(manifest);
  return rest as Manifest;
}

/**
 * The fields (JSON pointers) of revision content that differ between the
 * object the library built and the object as it is synthesized: empty when
 * every content-addressed name still stands for its content.
 *
 * @param built the object as the library built it, before any escape hatch
 * @param final the object as synthesized, escape hatches applied
 */
function revisionContentChanges(built: Manifest, final: Manifest): string[] {
  return revisionContentPointers(built).flatMap((pointer) => pointer === ''
    ? changedFields(identityContent(built), identityContent(final), '')
    : changedFields(valueAt(built, pointer), valueAt(final, pointer), pointer));
}

/** The JSON pointers at which two values differ, as deep as both are maps (or lists of one length). */
function changedFields(before: unknown, after: unknown, pointer: string): string[] {
  if (canonicalJson(before) === canonicalJson(after)) {
    return [];
  }
  const bothLists = Array.isArray(before) && Array.isArray(after) && before.length === after.length;
  const bothMaps = isMap(before) && isMap(after);
  if (!bothLists && !bothMaps) {
    return [pointer === '' ? '/' : pointer];
  }
  const keys = [...new Set([...Object.keys(before as object), ...Object.keys(after as object)])].sort();
  return keys.flatMap((key) =>
    changedFields((before as Record<string, unknown>)[key], (after as Record<string, unknown>)[key], `${pointer}/${escapePointerToken(key)}`));
}

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The value at a JSON pointer, `undefined` where the path does not exist. */
function valueAt(document: unknown, pointer: string): unknown {
  return pointer.split('/').slice(1).reduce<unknown>(
    (value, token) => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[unescapePointerToken(token)] : undefined),
    document,
  );
}

/** A map key as a JSON pointer token (RFC 6901): '~' as '~0', '/' as '~1'. */
function escapePointerToken(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function unescapePointerToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Where each kind's revision content comes from: the props to change instead of patching it. */
function contentSource(manifest: Manifest): string {
  switch (manifest.kind) {
    case 'Deployment':
      return "the revision's props (image, command, args, env, configs, secrets, resources, probes, security, podLabels) " +
        'on the Microservice or in its addRevision() (spec.replicas alone may be patched: scale changes in place)';
    case 'ConfigMap':
    case 'Secret':
      return "the data of its source (a workload's configs or secrets, or an ImmutableConfigMap's data or ImmutableSecret's stringData)";
    case 'Service':
      return manifest.apiVersion.startsWith('serving.knative.dev/')
        ? "the revision's props (image, env, configs, secrets, resources, scaling, timeout) on the ServerlessFunction or in its addRevision()"
        : "the Microservice's ports (a revision's Service copies them)";
    case 'HorizontalPodAutoscaler':
      return "the revision's autoscaling props";
    case 'ScaledObject':
    case 'TriggerAuthentication':
      return "the revision's eventScaling props";
    default:
      return 'the props of the construct that makes it';
  }
}

/**
 * The synth-time refusal of an escape hatch (a JSON patch, a metadata edit)
 * that changes content a name was made from: the name would stay while the
 * content changed, which no deploy may see. Says what changed and which
 * props to change instead, so the content makes a new name.
 *
 * @param owner the construct that made the object, e.g. `Revision 'stable'`
 * @returns `undefined` when no revision content changed
 */
export function revisionContentProblem(built: Manifest, final: Manifest, owner: string): string | undefined {
  const changes = revisionContentChanges(built, final);
  if (changes.length === 0) {
    return undefined;
  }
  return `${built.kind} ${built.metadata.name} (made by ${owner}) is named after its content, but an escape hatch (a JSON patch or ` +
    `a metadata edit) changes ${changes.join(', ')} under that name; change ${contentSource(built)} instead: ` +
    'new content then gets a new name, and everything that refers to the name follows';
}
