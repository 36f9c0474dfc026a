import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { L1 } from '../core/checked-objects';
import { contentAddressedName } from '../core/names';
import { checkProps } from '../core/prop-schema';
import { claimObjectName, validateManifestsAtSynth } from '../core/synth-validation';
import { checkImmutableData, immutableDataHash } from './immutable-data';
import { immutableConfigMapPropsSchema } from './workload-schemas';

/** Props of {@link ImmutableConfigMap}. */
export interface ImmutableConfigMapProps {
  /**
   * The readable part of the name: lower-case letters, digits and '-',
   * starting and ending with a letter or digit. The content hash is
   * appended, and the prefix cut so that the name fits a DNS label.
   */
  readonly namePrefix: string;
  /** The key/value data: keys of 1-253 letters, digits, '-', '_' or '.', at most 1 MiB in all. */
  readonly data: Readonly<Record<string, string>>;
  /**
   * Labels of the ConfigMap.
   * @default - none
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * A ConfigMap named by its content (`<prefix>-<hash>`) with `immutable: true`.
 * Changed data means a new name, so the old object is never edited and every
 * pod that uses it keeps seeing exactly what it started with.
 */
export class ImmutableConfigMap extends Construct {
  /** The object name, `<prefix>-<content hash>`. */
  public readonly name: string;
  /** The hash of the data. */
  public readonly contentHash: string;
  /** The ConfigMap object (the escape hatch). A patch that changes its content is refused at synth: change the data instead. */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: ImmutableConfigMapProps) {
    super(scope, id);
    checkProps(immutableConfigMapPropsSchema, props, this, { name: 'ImmutableConfigMap props' });
    checkImmutableData('data', { namePrefix: props.namePrefix, data: props.data, labels: props.labels }, this);
    this.contentHash = immutableDataHash('ConfigMap', props.data);
    this.name = contentAddressedName(props.namePrefix, this.contentHash);
    claimObjectName(this, 'ConfigMap', Chart.of(this).namespace, this.name);
    validateManifestsAtSynth(this);
    this.apiObject = new L1.ConfigMap(this, 'Resource', {
      metadata: { name: this.name, labels: { ...props.labels } },
      data: { ...props.data },
      immutable: true,
    });
  }
}
