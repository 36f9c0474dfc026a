import { ApiObject, ApiObjectProps, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { canonicalJson } from './content-hash';
import { LabelKeys } from './labels';
import { Manifest } from './manifest-schema';
import { revisionContentProblem } from './revision-content';

/** A class of L1 objects, e.g. cdk8s-plus-28's `KubeDeployment`. */
export type ApiObjectClass<P> = new (scope: Construct, id: string, props: P) => ApiObject;

/**
 * Wraps an L1 class so that no escape hatch can change content a name was
 * made from: at synth validation, each object compares what it renders with
 * what the library built (its JSON patches left out, its metadata as it was
 * when made) and reports any change of revision content (see
 * {@link revisionContentProblem}). It keeps its JSON patches itself, to
 * render the object both ways; `toJson()` applies them as cdk8s does.
 */
export function contentGuarded<P>(base: ApiObjectClass<P>): ApiObjectClass<P> {
  class ContentGuarded extends base {
    private readonly escapeHatchPatches: JsonPatch[] = [];
    /** A revision object's metadata as the library built it, canonical JSON; `undefined` for other objects. */
    private readonly builtMetadata: string | undefined;

    constructor(scope: Construct, id: string, props: P) {
      super(scope, id, props);
      this.builtMetadata = isRevisionObject(props as ApiObjectProps) ? canonicalJson(this.metadata.toJson()) : undefined;
      this.node.addValidation({ validate: () => this.escapeHatchProblems() });
    }

    public addJsonPatch(...ops: JsonPatch[]): void {
      this.escapeHatchPatches.push(...ops);
    }

    public toJson(): any {
      return this.withPatches(super.toJson());
    }

    private escapeHatchProblems(): string[] {
      const metadataEdited = this.builtMetadata !== undefined && canonicalJson(this.metadata.toJson()) !== this.builtMetadata;
      if (this.escapeHatchPatches.length === 0 && !metadataEdited) {
        return [];
      }
      const unpatched = super.toJson() as Manifest;
      const built = metadataEdited ? { ...unpatched, metadata: JSON.parse(this.builtMetadata!) } : unpatched;
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
