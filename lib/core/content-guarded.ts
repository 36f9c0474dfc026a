import { ApiObject, ApiObjectProps, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { LabelKeys } from './labels';
import { Manifest } from './manifest-schema';
import { MetadataSnapshot } from './metadata-snapshot';
import { renderPlainApiObject } from './plain-render';
import { revisionContentProblem } from './revision-content';
import { Struct } from './typed-fields';
import { GroupVersionKind, renderTypedApiObject } from './typed-render';

/** A class of L1 objects, e.g. cdk8s-plus-28's `KubeDeployment`. */
export type ApiObjectClass<P> = new (scope: Construct, id: string, props: P) => ApiObject;

/**
 * How a typed L1 class of cdk8s-plus-28's `k8s` module turns what
 * `ApiObject.toJson()` returns into its JSON: `{ ...GVK, ...propsToJson(resolved) }`
 * (its generated `toJson()`), e.g. `KubeDeployment.GVK` and `toJson_KubeDeploymentProps`;
 * and the fields of its props the library sets, with which it renders them in
 * one pass ({@link renderTypedApiObject}).
 */
export interface TypedL1Json {
  readonly gvk: GroupVersionKind;
  readonly propsToJson: (resolved: any) => Record<string, unknown> | undefined;
  readonly fields: Struct;
}

/**
 * Wraps an L1 class so that no escape hatch can change content a name was
 * made from: at synth validation, each object compares what it renders with
 * what the library built (its JSON patches left out, its metadata as it was
 * when made) and reports any change of revision content (see
 * {@link revisionContentProblem}). It keeps its JSON patches itself, to
 * render the object both ways; `toJson()` applies them as cdk8s does.
 *
 * It renders plain data (no tokens) in one pass, with the same result as the
 * L1 class's own `toJson()`: converted as the typed L1 class's converter does
 * it ({@link renderTypedApiObject}) when `typed` says how, else as
 * `ApiObject.toJson()` renders it ({@link renderPlainApiObject}), then
 * converted by the typed class's converter if there is one.
 */
export function contentGuarded<P>(base: ApiObjectClass<P>, typed?: TypedL1Json): ApiObjectClass<P> {
  class ContentGuarded extends base {
    private readonly escapeHatchPatches: JsonPatch[] = [];
    /** A revision object's metadata as the library built it; `undefined` for other objects. */
    private readonly builtMetadata: MetadataSnapshot | undefined;

    constructor(scope: Construct, id: string, props: P) {
      super(scope, id, props);
      this.builtMetadata = isRevisionObject(props as ApiObjectProps) ? MetadataSnapshot.of(this) : undefined;
      this.node.addValidation({ validate: () => this.escapeHatchProblems() });
    }

    public addJsonPatch(...ops: JsonPatch[]): void {
      this.escapeHatchPatches.push(...ops);
    }

    public toJson(): any {
      return this.withPatches(this.rendered());
    }

    /** What the L1 class's `toJson()` returns, escape-hatch patches left out. */
    private rendered(): Manifest {
      const converted = typed && renderTypedApiObject(this, typed.gvk, typed.fields);
      if (converted !== undefined) {
        return converted as Manifest;
      }
      const plain = renderPlainApiObject(this);
      if (plain === undefined) {
        return super.toJson() as Manifest;
      }
      return (typed === undefined ? plain : { ...typed.gvk, ...typed.propsToJson(plain) }) as Manifest;
    }

    private escapeHatchProblems(): string[] {
      const metadataEdited = this.builtMetadata !== undefined && !this.builtMetadata.isUnchanged();
      if (this.escapeHatchPatches.length === 0 && !metadataEdited) {
        return [];
      }
      const unpatched = this.rendered();
      const built = metadataEdited ? { ...unpatched, metadata: this.builtMetadata!.rendered() as Manifest['metadata'] } : unpatched;
      const owner = this.node.scope!;
      const problem = revisionContentProblem(built, this.withPatches(unpatched), `${owner.constructor.name} '${owner.node.id}'`);
      return problem === undefined ? [] : [problem];
    }

    /** The rendered object with the escape-hatch patches applied, top-level keys in cdk8s's order. */
    private withPatches(rendered: Manifest): Manifest {
      if (this.escapeHatchPatches.length === 0) {
        return rendered;
      }
      let patched: Record<string, unknown>;
      try {
        patched = JsonPatch.apply(structuredClone(rendered), ...this.escapeHatchPatches);
      } catch (error) {
        throw new Error(`Failed serializing construct at path '${this.node.path}' with name '${this.name}': ${error}`);
      }
      const ordered = [...new Set(['apiVersion', 'kind', 'metadata', ...Object.keys(patched)])].filter((key) => key in patched);
      return Object.fromEntries(ordered.map((key) => [key, patched[key]])) as Manifest;
    }
  }
  return ContentGuarded;
}

/** Whether an object is built as a revision object (immutable, or labelled with a revision id), as `objectRole` judges it. */
function isRevisionObject(props: ApiObjectProps): boolean {
  return (props as { immutable?: unknown }).immutable === true || LabelKeys.REVISION in (props.metadata?.labels ?? {});
}
