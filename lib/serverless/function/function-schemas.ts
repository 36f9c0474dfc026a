import { isObject, prop, PropSchema, PropsShape } from '../../core/prop-schema';
import { endUserAuthenticationSchema } from '../../traffic/traffic-schemas';
import { containerShape, imageSchema } from '../../workload/workload-schemas';
import type { FunctionRevisionProps } from './function-revision-props';
import type { FunctionScalingProps } from './function-scaling';
import type { KnativePlatformProps } from './knative-platform';
import type { ServerlessFunctionProps } from './serverless-function';

// The run-time schemas of a ServerlessFunction's props (see core/prop-schema):
// the container props are the workload's, checked the same way.

const scalingSchema = prop.object<FunctionScalingProps>({
  minScale: prop.number('0').optional(),
  maxScale: prop.number('10').optional(),
  targetConcurrency: prop.number('5').optional(),
  targetRequestsPerSecond: prop.number('100').optional(),
  containerConcurrency: prop.number('10').optional(),
  scaleDownDelay: prop.duration('Duration.minutes(5)').optional(),
}, 'an object of scaling props', '{ maxScale: 10, targetConcurrency: 5 }');

const revisionShape: PropsShape<FunctionRevisionProps> = {
  ...containerShape,
  scaling: scalingSchema.optional(),
  timeout: prop.duration('Duration.seconds(30)').optional(),
};

export const functionRevisionPropsSchema = prop.object<FunctionRevisionProps>(revisionShape, 'an object of revision props', "{ image: 'ghcr.io/acme/fn@sha256:…' }");

const knativeSchema = prop.object<KnativePlatformProps>({
  servingNamespace: prop.string("a namespace such as 'knative-serving'").optional(),
  ingressNamespace: prop.string("a namespace such as 'kourier-system'").optional(),
}, 'an object of Knative platform props', "{ servingNamespace: 'knative-serving' }");

export const serverlessFunctionPropsSchema = prop.object<ServerlessFunctionProps>({
  ...revisionShape,
  image: imageSchema,
  name: prop.string("a function name such as 'resize'").optional(),
  partOf: prop.string("an application name such as 'shop'").optional(),
  port: prop.number('8080').optional(),
  // the enums' values are the function's own check, which names the enum
  protocol: (prop.string('FunctionProtocol.HTTP1') as unknown as PropSchema<NonNullable<ServerlessFunctionProps['protocol']>>).optional(),
  visibility: (prop.string('FunctionVisibility.CLUSTER_LOCAL') as unknown as PropSchema<NonNullable<ServerlessFunctionProps['visibility']>>).optional(),
  track: prop.string("a track name such as 'stable'").optional(),
  networkPolicy: prop.boolean().optional(),
  mesh: prop.instance<NonNullable<ServerlessFunctionProps['mesh']>>(
    'a Mesh',
    (v) => isObject(v) && typeof (v as { addFunction?: unknown }).addFunction === 'function',
    'a Mesh of the stack',
  ).optional(),
  knative: knativeSchema.optional(),
  authentication: endUserAuthenticationSchema.optional(),
}, 'an object of ServerlessFunction props', "{ image: 'ghcr.io/acme/fn@sha256:…' }");
