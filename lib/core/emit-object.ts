import { ApiObject, ApiObjectProps, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { L1 } from './checked-objects';
import { claimObjectName } from './synth-validation';

/**
 * An object to emit: any kind, with an explicit name.
 *
 * @internal
 */
export interface EmittedObjectProps extends ApiObjectProps {
  readonly metadata: NonNullable<ApiObjectProps['metadata']> & { readonly name: string };
}

/**
 * Emits a schema-checked object of any kind (e.g. a CRD object) after
 * reserving its kind/namespace/name, so no two constructs can emit the same
 * object.
 *
 * @throws ValidationError when another construct emits that name already
 * @internal
 */
export function emitObject(scope: Construct, id: string, props: EmittedObjectProps): ApiObject {
  claimObjectName(scope, props.kind, props.metadata.namespace ?? Chart.of(scope).namespace, props.metadata.name);
  return new L1.ApiObject(scope, id, props);
}
