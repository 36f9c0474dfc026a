import { Chart } from 'cdk8s';
import { Manifest, Mesh, MeshProvider, Microservice, MicroserviceProps } from '../../../lib';
import { findObject, synthObjects } from '../../../lib/testing';
import { digestImage } from '../../fixtures';

/** The mesh a test service joins, or none. */
export type MeshChoice = 'istio' | 'linkerd' | 'none';

/** A service 'orders' with an http and a metrics port, in the mesh chosen. */
export function ordersService(chart: Chart, mesh: MeshChoice, props: Partial<MicroserviceProps> = {}): Microservice {
  return new Microservice(chart, 'orders', {
    image: digestImage(),
    ports: [{ port: 8080 }, { name: 'metrics', port: 9090 }],
    ...(mesh === 'none' ? {} : { mesh: new Mesh(chart, 'mesh', { provider: mesh === 'istio' ? MeshProvider.istio() : MeshProvider.linkerd() }) }),
    ...props,
  });
}

/** App metrics of a service outside a mesh. */
export const APP_METRICS = { requestsTotal: 'http_requests_total', latencySeconds: 'http_request_duration_seconds' } as const;

/** The object of a kind and name among the synthesized ones. */
export function objectOf(chart: Chart, kind: string, name: string): Manifest & Record<string, any> {
  return findObject(synthObjects(chart), { kind, name }) as Manifest & Record<string, any>;
}

/** The rules of a PrometheusRule, all groups, in order. */
export function rulesOf(rule: Record<string, any>): Record<string, any>[] {
  return rule.spec.groups.flatMap((g: { rules: Record<string, any>[] }) => g.rules);
}

