import { Construct } from 'constructs';
import { LabelKeys } from '../../core/labels';
import { revisionObjectName } from '../../core/names';
import { revisionId } from '../../core/revision-id';
import { ValidationError } from '../../core/validation-error';
import { RevisionConfig } from '../../workload/config-objects';
import { buildFunctionTemplate, FunctionTemplateInput } from './function-template';

/** Props of {@link FunctionRevision}; made by `ServerlessFunction.addRevision`. */
export interface FunctionRevisionConstructProps extends Omit<FunctionTemplateInput, 'mounts'> {
  /** The revision's config objects. */
  readonly config: RevisionConfig;
  /** The function's other live revisions. */
  readonly liveRevisions: readonly FunctionRevision[];
}

/**
 * One immutable revision of a function: a Knative revision whose name,
 * `<function>-<revision id>`, is set from the hash of its whole template
 * (image, env, config content, resources, scaling, timeout), so the same
 * input always names the same revision and any change names a new one.
 */
export class FunctionRevision extends Construct {
  /** The revision id: a hash of the template and the config it uses. */
  public readonly revisionId: string;
  /** The Knative revision name, `<function>-<revision id>`. */
  public readonly name: string;
  /** The stack's name for this revision, e.g. 'stable' or 'canary'. */
  public readonly track: string;
  /** The function this revision belongs to. */
  public readonly functionName: string;
  /** The revision template (`spec.template` of the Knative Service), name and revision label included. */
  public readonly template: Readonly<Record<string, any>>;

  constructor(scope: Construct, track: string, props: FunctionRevisionConstructProps) {
    super(scope, track);
    this.track = track;
    this.functionName = props.functionName;
    const template = buildFunctionTemplate({ ...props, mounts: props.config.mounts }, this);
    this.revisionId = revisionId({
      podTemplate: template,
      configContents: props.config.configContents,
      externalSecretNames: props.config.externalSecretNames,
      servicePorts: [],
    });
    this.name = revisionObjectName(props.functionName, this.revisionId);
    const twin = props.liveRevisions.find((r) => r.revisionId === this.revisionId);
    if (twin !== undefined) {
      throw new ValidationError(
        `revision '${track}' is identical to revision '${twin.track}' (both ${this.name}); ` +
          'change its image, config, env, resources or scaling, or drop it',
        this,
      );
    }
    this.template = {
      metadata: {
        ...template.metadata,
        name: this.name,
        labels: { ...template.metadata.labels, [LabelKeys.REVISION]: this.revisionId },
      },
      spec: template.spec,
    };
  }
}
