import { Construct } from 'constructs';
import { emitObject } from '../../core/emit-object';
import type { Route } from '../../traffic/route';
import { percentageProblem, toPercentages } from '../../traffic/weights';
import type { Microservice } from '../../workload/microservice';
import { ConsulApi, consulProtocol, consulServicePort } from './consul-api';
import { consulSplitServiceName } from './consul-router-route';

/**
 * The split service of a matched route that sends its requests to several
 * revisions (Consul's router sends a route to one subset or one service):
 * the ServiceRouter route goes to the virtual service
 * `<service>-split-<route>`, whose ServiceSplitter weighs the revisions as
 * subsets of the service in whole percentages, and whose ServiceDefaults
 * gives it the service's protocol (Consul splits only an HTTP service, and
 * one discovery chain speaks one protocol). It has no instances and needs no
 * intentions: the chain ends at the service's own subsets, whose sidecars
 * admit the service's callers by its ServiceIntentions, and no caller is
 * admitted to the virtual name itself. Both objects are pointers, moved
 * with the weights.
 *
 * @see https://developer.hashicorp.com/consul/docs/connect/config-entries/service-splitter
 * @internal
 */
export class ConsulRouteSplit extends Construct {
  constructor(scope: Construct, id: string, service: Microservice, route: Route) {
    super(scope, id);
    const metadata = { name: consulSplitServiceName(service.serviceName, route.name), namespace: service.namespace!, labels: { ...service.labels } };
    const port = consulServicePort(service.ports);
    emitObject(this, 'ServiceDefaults', {
      apiVersion: ConsulApi.V1ALPHA1,
      kind: 'ServiceDefaults',
      metadata,
      spec: { protocol: port && consulProtocol(port) },
    });
    const what = `route '${route.name}'`;
    // a weight rounding to 0% is refused in consul-capabilities: no splits then
    const splits = percentageProblem(route.backends, (r) => r.track, what) === undefined
      ? toPercentages(route.backends, (r) => r.track, what, this)
        .map((b) => ({ weight: b.weight, service: service.serviceName, serviceSubset: b.target.track }))
      : [];
    emitObject(this, 'ServiceSplitter', { apiVersion: ConsulApi.V1ALPHA1, kind: 'ServiceSplitter', metadata, spec: { splits } });
  }
}
