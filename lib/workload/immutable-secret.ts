import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { L1 } from '../core/checked-objects';
import { contentAddressedName } from '../core/names';
import { checkProps } from '../core/prop-schema';
import { claimObjectName, validateManifestsAtSynth } from '../core/synth-validation';
import { checkImmutableData, immutableDataHash } from './immutable-data';
import { immutableSecretPropsSchema } from './workload-schemas';

/** Props of {@link ImmutableSecret}. */
export interface ImmutableSecretProps {
  /**
   * The readable part of the name: lower-case letters, digits and '-',
   * starting and ending with a letter or digit. The content hash is
   * appended, and the prefix cut so that the name fits a DNS label.
   */
  readonly namePrefix: string;
  /** The key/value data, as plain strings (written base64-encoded): keys of 1-253 letters, digits, '-', '_' or '.', at most 1 MiB in all. */
  readonly stringData: Readonly<Record<string, string>>;
  /**
   * Labels of the Secret.
   * @default - none
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * An Opaque Secret named by its content (`<prefix>-<hash>`) with
 * `immutable: true`. The kubelet caches immutable Secrets, so a name is never
 * reused for other content: changed data always means a new name.
 */
export class ImmutableSecret extends Construct {
  /** The object name, `<prefix>-<content hash>`. */
  public readonly name: string;
  /** The hash of the data. */
  public readonly contentHash: string;
  /** The Secret object (the escape hatch). A patch that changes its content is refused at synth: change the data instead. */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: ImmutableSecretProps) {
    super(scope, id);
    checkProps(immutableSecretPropsSchema, props, this, { name: 'ImmutableSecret props' });
    checkImmutableData('stringData', { namePrefix: props.namePrefix, data: props.stringData, labels: props.labels }, this);
    this.contentHash = immutableDataHash('Secret', props.stringData);
    this.name = contentAddressedName(props.namePrefix, this.contentHash);
    claimObjectName(this, 'Secret', Chart.of(this).namespace, this.name);
    validateManifestsAtSynth(this);
    const data: Record<string, string> = {};
    for (const key of Object.keys(props.stringData).sort()) {
      data[key] = Buffer.from(props.stringData[key], 'utf8').toString('base64');
    }
    this.apiObject = new L1.Secret(this, 'Resource', {
      metadata: { name: this.name, labels: { ...props.labels } },
      type: 'Opaque',
      data,
      immutable: true,
    });
  }
}
