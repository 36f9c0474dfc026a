import type { ApiResource } from './api-resources';

/*
 * The resource types the deploy reads or writes itself, whatever the
 * synthesis holds, at the version it reads them.
 */

/** Core ConfigMaps (the release histories). */
export const CONFIG_MAPS: ApiResource = { name: 'configmaps', group: '', version: 'v1', namespaced: true, kind: 'ConfigMap' };
/** Core Pods (the diagnostics of a failed gate). */
export const PODS: ApiResource = { name: 'pods', group: '', version: 'v1', namespaced: true, kind: 'Pod' };
/** Core Events (the diagnostics of a failed gate). */
export const EVENTS: ApiResource = { name: 'events', group: '', version: 'v1', namespaced: true, kind: 'Event' };
/** Deployments (the health gate, rollback). */
export const DEPLOYMENTS: ApiResource = { name: 'deployments', group: 'apps', version: 'v1', namespaced: true, kind: 'Deployment' };
/** EndpointSlices (the pointer check). */
export const ENDPOINT_SLICES: ApiResource = { name: 'endpointslices', group: 'discovery.k8s.io', version: 'v1', namespaced: true, kind: 'EndpointSlice' };
/** Knative Services (the health gate of functions). */
export const KNATIVE_SERVICES: ApiResource = { name: 'services', group: 'serving.knative.dev', version: 'v1', namespaced: true, kind: 'Service' };
