import { ApiObject, ApiObjectMetadataDefinition } from 'cdk8s';
import { hasOnlyBuiltInResolvers, METADATA_KEYS, MetadataFields, renderMetadata } from './plain-render';

/** The additional attributes (the options the metadata was made with) that the named fields render over. */
const RENDERED_OVER: ReadonlySet<string> = new Set(METADATA_KEYS);

/** Copies of the rendered fields, every value in them a primitive (so the copies cannot change under us). */
interface FieldValues {
  readonly name: unknown;
  readonly namespace: unknown;
  readonly labels: Readonly<Record<string, unknown>>;
  readonly annotations: Readonly<Record<string, unknown>>;
  readonly finalizers: readonly unknown[];
  readonly ownerReferences: readonly unknown[];
  /** The additional attributes that are not rendered over. */
  readonly additional: Readonly<Record<string, unknown>>;
}

/**
 * An API object's metadata as it was at one moment, to tell later whether it
 * still renders the same (the content guard's check that no metadata edit
 * changes a revision object under its name).
 *
 * When every value in the metadata is a primitive and the app renders with
 * cdk8s's own resolvers only, what the metadata renders to is a function of
 * those values: the snapshot copies them (no rendering) and a later check
 * compares the values, rendering both sides only when they differ.
 * Otherwise the snapshot is the rendered metadata, compared by rendering
 * again.
 */
export class MetadataSnapshot {
  /** Takes a snapshot of the object's metadata as it is now. */
  public static of(object: ApiObject): MetadataSnapshot {
    // from the object's chart: App.of walks up to the root, and the chart is nearer it
    const values = hasOnlyBuiltInResolvers(object.chart) ? primitiveFieldValues(object.metadata) : undefined;
    return values !== undefined
      ? new MetadataSnapshot(object, values)
      : new MetadataSnapshot(object, undefined, renderMetadata(object.metadata, object));
  }

  private renderedDone: boolean;

  private constructor(
    private readonly object: ApiObject,
    private readonly values: FieldValues | undefined,
    private renderedValue?: Record<string, unknown>,
  ) {
    this.renderedDone = values === undefined;
  }

  /** Whether the object's metadata renders now as it did when the snapshot was taken. */
  public isUnchanged(): boolean {
    if (this.values !== undefined && hasOnlyBuiltInResolvers(this.object.chart)) {
      const now = primitiveFieldValues(this.object.metadata);
      if (now !== undefined && sameFieldValues(now, this.values)) {
        return true;
      }
    }
    return sameJson(renderMetadata(this.object.metadata, this.object), this.rendered());
  }

  /** The metadata as rendered when the snapshot was taken (keys sorted at every depth). */
  public rendered(): Record<string, unknown> | undefined {
    if (!this.renderedDone) {
      const v = this.values!;
      const built = new ApiObjectMetadataDefinition({
        ...v.additional,
        name: v.name as string | undefined,
        namespace: v.namespace as string | undefined,
        labels: v.labels as Record<string, string>,
        annotations: v.annotations as Record<string, string>,
        finalizers: v.finalizers as string[],
        ownerReferences: v.ownerReferences as never[],
        apiObject: this.object,
      });
      this.renderedValue = renderMetadata(built, this.object);
      this.renderedDone = true;
    }
    return this.renderedValue;
  }
}

/** Copies of the metadata's rendered fields, or `undefined` when any value in them is not a primitive (or a field is not the map or list it should be). */
function primitiveFieldValues(metadata: ApiObjectMetadataDefinition): FieldValues | undefined {
  const m = metadata as unknown as MetadataFields;
  if (!isPrimitive(m.name) || !isPrimitive(m.namespace)) {
    return undefined;
  }
  const labels = primitiveMap(m.labels);
  const annotations = primitiveMap(m.annotations);
  const finalizers = primitiveList(m.finalizers);
  const ownerReferences = primitiveList(m.ownerReferences);
  const additional = primitiveMap(m._additionalAttributes, RENDERED_OVER);
  if (labels === undefined || annotations === undefined || finalizers === undefined || ownerReferences === undefined || additional === undefined) {
    return undefined;
  }
  return { name: m.name, namespace: m.namespace, labels, annotations, finalizers, ownerReferences, additional };
}

function isPrimitive(value: unknown): boolean {
  return value === null || (typeof value !== 'object' && typeof value !== 'function');
}

/** A copy of a plain map of primitives (the `skipped` keys left out), or `undefined`. */
function primitiveMap(value: unknown, skipped?: ReadonlySet<string>): Record<string, unknown> | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return undefined;
  }
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (skipped?.has(key)) {
      continue;
    }
    const member = (value as Record<string, unknown>)[key];
    if (!isPrimitive(member) || key === '__proto__') {
      return undefined;
    }
    copy[key] = member;
  }
  return copy;
}

/** A copy of an array of primitives, or `undefined`. */
function primitiveList(value: unknown): unknown[] | undefined {
  if (!Array.isArray(value) || Object.getPrototypeOf(value) !== Array.prototype) {
    return undefined;
  }
  const copy = new Array<unknown>(value.length);
  for (let i = 0; i < value.length; i++) {
    if (!(i in value) || !isPrimitive(value[i])) {
      return undefined;
    }
    copy[i] = value[i];
  }
  return copy;
}

function sameFieldValues(a: FieldValues, b: FieldValues): boolean {
  return Object.is(a.name, b.name) && Object.is(a.namespace, b.namespace) &&
    sameMap(a.labels, b.labels) && sameMap(a.annotations, b.annotations) && sameMap(a.additional, b.additional) &&
    sameList(a.finalizers, b.finalizers) && sameList(a.ownerReferences, b.ownerReferences);
}

function sameMap(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && Object.is(a[key], b[key]));
}

function sameList(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((item, i) => Object.is(item, b[i]));
}

/** Whether two rendered JSON values (keys in the same, sorted order) are equal. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) {
    return true;
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(a) !== Array.isArray(b)) {
    return false;
  }
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b);
  return aKeys.length === bKeys.length &&
    aKeys.every((key, i) => key === bKeys[i] && sameJson((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}
