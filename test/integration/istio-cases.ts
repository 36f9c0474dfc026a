import { App, Chart } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { ConfigRolloutChart } from '../../examples/config-rollout';
import { ConsulMeshChart } from '../../examples/consul-mesh';
import { EdgePoliciesChart } from '../../examples/edge-policies';
import { FunctionGatewayChart } from '../../examples/function-behind-gateway';
import { FunctionSplitChart } from '../../examples/function-traffic-split';
import { GatewayCanaryChart } from '../../examples/gateway-canary';
import { GatewayRoutingChart, InventoryChart } from '../../examples/gateway-routing';
import { shopBehindGateway } from '../../examples/gateway-shop';
import { GatewayTcpChart } from '../../examples/gateway-tcp';
import { HelloServiceChart } from '../../examples/hello-service';
import { IngressEdgeChart } from '../../examples/ingress-edge';
import { MeshGatewayApiChart } from '../../examples/mesh-gateway-api';
import { MESH_SCENARIOS, MeshTrafficChart } from '../../examples/mesh-traffic';
import { NightlyCronChart } from '../../examples/nightly-cron';
import { observedShop } from '../../examples/observed-shop';
import { QueueWorkerChart } from '../../examples/queue-worker';
import { ThumbnailEventsChart } from '../../examples/thumbnail-events';
import { TrafficPolicyChart } from '../../examples/traffic-policy';
import { TwoRevisionsChart } from '../../examples/two-revisions';
import { GatewayRendering, Manifest } from '../../lib';
import { synthYaml } from '../../lib/testing';
import { ShopChart } from '../../stacks/shop/shop-chart';

/** One synthesis of a stack or example: its source file and its charts (applied together). */
export interface SynthCase {
  readonly name: string;
  readonly source: string;
  readonly charts: () => Chart[];
}

const RENDERINGS = [GatewayRendering.gatewayApi(), GatewayRendering.istio()];

/**
 * Every stack and example that runs in Istio (the default mesh) or renders a gateway, as
 * `cdk8s synth` writes it. The Linkerd renderings are left out (Istio does not read them).
 */
export const ISTIO_CASES: readonly SynthCase[] = [
  { name: 'stack shop dev', source: 'stacks/shop/shop-chart.ts', charts: () => [new ShopChart(new App(), 'shop-dev', { environment: 'dev' })] },
  { name: 'stack shop prod', source: 'stacks/shop/shop-chart.ts', charts: () => [new ShopChart(new App(), 'shop-prod', { environment: 'prod' })] },
  { name: 'example hello-service', source: 'examples/hello-service.ts', charts: () => [new HelloServiceChart(new App(), 'hello-service')] },
  { name: 'example config-rollout v1', source: 'examples/config-rollout.ts', charts: () => [new ConfigRolloutChart(new App(), 'config-rollout', { release: 'v1' })] },
  { name: 'example config-rollout v2', source: 'examples/config-rollout.ts', charts: () => [new ConfigRolloutChart(new App(), 'config-rollout', { release: 'v2' })] },
  { name: 'example two-revisions', source: 'examples/two-revisions.ts', charts: () => [new TwoRevisionsChart(new App(), 'two-revisions')] },
  { name: 'example traffic-policy', source: 'examples/traffic-policy.ts', charts: () => [new TrafficPolicyChart(new App(), 'traffic-policy')] },
  { name: 'example edge-policies', source: 'examples/edge-policies.ts', charts: () => [new EdgePoliciesChart(new App(), 'edge-policies')] },
  ...MESH_SCENARIOS.map((scenario): SynthCase => ({
    name: `example mesh-traffic in Istio: ${scenario}`,
    source: 'examples/mesh-traffic.ts',
    charts: () => [new MeshTrafficChart(new App(), 'bookinfo', { mesh: 'istio', scenario })],
  })),
  // Istio's mesh routing in the Gateway API form: istiod's Gateway API controller judges its HTTPRoute and TCPRoute too
  {
    name: `example mesh-gateway-api (${GatewayRendering.gatewayApi()})`,
    source: 'examples/mesh-gateway-api.ts',
    charts: () => [new MeshGatewayApiChart(new App(), 'mesh-gateway-api')],
  },
  ...RENDERINGS.flatMap((rendering): SynthCase[] => [
    { name: `example gateway-shop (${rendering})`, source: 'examples/gateway-shop.ts', charts: () => shopBehindGateway(new App(), rendering) },
    { name: `example gateway-canary (${rendering})`, source: 'examples/gateway-canary.ts', charts: () => [new GatewayCanaryChart(new App(), 'gateway-canary', { rendering })] },
    { name: `example gateway-tcp (${rendering})`, source: 'examples/gateway-tcp.ts', charts: () => [new GatewayTcpChart(new App(), 'gateway-tcp', { rendering })] },
    {
      name: `example gateway-routing (${rendering})`,
      source: 'examples/gateway-routing.ts',
      charts: () => {
        const app = new App();
        const inventory = new InventoryChart(app, 'inventory');
        return [inventory, new GatewayRoutingChart(app, 'gateway-routing', { inventory: inventory.inventory, rendering })];
      },
    },
    {
      name: `example function-behind-gateway (${rendering})`,
      source: 'examples/function-behind-gateway.ts',
      charts: () => [new FunctionGatewayChart(new App(), 'function-behind-gateway', { rendering })],
    },
  ]),
  { name: 'example function-traffic-split', source: 'examples/function-traffic-split.ts', charts: () => [new FunctionSplitChart(new App(), 'function-traffic-split')] },
  { name: 'example thumbnail-events', source: 'examples/thumbnail-events.ts', charts: () => [new ThumbnailEventsChart(new App(), 'thumbnail-events')] },
  { name: 'example nightly-cron', source: 'examples/nightly-cron.ts', charts: () => [new NightlyCronChart(new App(), 'nightly-cron')] },
  { name: 'example queue-worker', source: 'examples/queue-worker.ts', charts: () => [new QueueWorkerChart(new App(), 'queue-worker')] },
  { name: 'example observed-shop', source: 'examples/observed-shop.ts', charts: () => [...observedShop(new App()).charts] },
  { name: 'example ingress-edge', source: 'examples/ingress-edge.ts', charts: () => [new IngressEdgeChart(new App(), 'ingress-edge')] },
  // in Consul: no Istio object, its Kubernetes objects analyzed like every example's
  { name: 'example consul-mesh', source: 'examples/consul-mesh.ts', charts: () => [new ConsulMeshChart(new App(), 'consul-mesh')] },
];

/** The gateway examples in the Gateway API rendering (the ones istiod's Gateway API controller reads). */
export const GATEWAY_API_CASES: readonly SynthCase[] = ISTIO_CASES.filter((c) => c.name.endsWith(`(${GatewayRendering.gatewayApi()})`));

/** The YAML `cdk8s synth` writes for a case, and its objects. */
export function synthCase(c: SynthCase): { yaml: string; objects: Manifest[] } {
  const yaml = c.charts().map((chart) => synthYaml(chart)).join('---\n');
  const objects = parseAllDocuments(yaml).map((doc) => doc.toJSON() as Manifest).filter((o) => o !== null);
  return { yaml, objects };
}

/** A file-system-safe name for a case. */
export const slug = (name: string) => name.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** Whether an object is an Istio configuration object (istio.io API groups). */
export const isIstioObject = (o: Pick<Manifest, 'apiVersion'>) => /^[a-z.]*istio\.io\//.test(o.apiVersion);
