import { isObject, prop } from '../core/prop-schema';
import type { ConsulProviderProps } from './consul/consul-provider';
import type { IstioProviderProps } from './istio/istio-provider';
import type { LinkerdProviderProps } from './linkerd/linkerd-provider';
import type { MeshProps } from './mesh';
import type { IMeshProvider } from './mesh-provider';

// The run-time schemas of a mesh's props (see core/prop-schema): types and
// shapes only; what a provider makes of them stays its own check.

const PROVIDER_METHODS = ['bindNamespace', 'bindService', 'bindRoutes', 'bindFunction'] as const;

/** A mesh implementation: made by MeshProvider.istio(), .linkerd() or .consul(), or a class implementing IMeshProvider. */
const providerSchema = prop.instance<IMeshProvider>(
  'a mesh provider',
  (v) => isObject(v) && PROVIDER_METHODS.every((m) => typeof (v as Record<string, unknown>)[m] === 'function'),
  'MeshProvider.istio()',
);

export const meshPropsSchema = prop.object<MeshProps>({
  provider: providerSchema,
}, 'an object of Mesh props', '{ provider: MeshProvider.istio() }');

export const istioProviderPropsSchema = prop.object<IstioProviderProps>({
  trustDomain: prop.string("a trust domain such as 'cluster.local'").optional(),
  routes: prop.oneOf(['virtual-service', 'gateway-api']).optional(),
}, 'an object of Istio provider props', "{ trustDomain: 'cluster.local' }");

export const linkerdProviderPropsSchema = prop.object<LinkerdProviderProps>({}, 'an object of Linkerd provider props (none yet)', '{}');

export const consulProviderPropsSchema = prop.object<ConsulProviderProps>({
  enterprise: prop.boolean().optional(),
}, 'an object of Consul provider props', '{ enterprise: true }');
