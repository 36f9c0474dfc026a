import { Chart } from 'cdk8s';
import { GatewayBackend, GatewayRendering, ListenerProtocol, PathMatch, ServerlessFunction } from '../../../../lib';
import { findObjects, synthObjects } from '../../../../lib/testing';
import { digestImage, validationErrorOf } from '../../../fixtures';
import { shopEdge, specOf } from '../../gateway/fixtures';

describe('a function behind a gateway', () => {
  test('Gateway API: the route sends to the Service Knative makes (port 80) and rewrites the Host to the cluster-local domain', () => {
    const { chart, gateway } = shopEdge();
    const thumbs = new ServerlessFunction(chart, 'thumbs', { image: digestImage() });
    gateway.addRoute('thumbs', { matches: [{ path: PathMatch.prefix('/thumbs') }], backend: thumbs });
    const rule = specOf(chart, 'HTTPRoute', 'edge-thumbs').rules[0];
    expect(rule.backendRefs).toEqual([{ name: 'thumbs', port: 80 }]);
    expect(rule.filters).toContainEqual({ type: 'URLRewrite', urlRewrite: { hostname: 'thumbs.test.svc.cluster.local' } });
  });

  test('Istio: the VirtualService rewrites the authority to the function', () => {
    const { chart, gateway } = shopEdge(GatewayRendering.istio());
    const thumbs = new ServerlessFunction(chart, 'thumbs', { image: digestImage() });
    gateway.addRoute('thumbs', { matches: [{ path: PathMatch.prefix('/thumbs') }], backend: thumbs });
    const http = findObjects(synthObjects(chart), { kind: 'VirtualService' }).flatMap((vs: any) => vs.spec.http);
    const entry = http.find((h: any) => h.route[0].destination.host === 'thumbs.test.svc.cluster.local');
    expect(entry.rewrite).toEqual({ authority: 'thumbs.test.svc.cluster.local' });
    expect(entry.route[0].destination.port).toEqual({ number: 80 });
  });

  test('a function in another namespace gets its ReferenceGrant', () => {
    const { chart, gateway } = shopEdge();
    const fnChart = new Chart(chart.node.scope!, 'functions', { namespace: 'functions' });
    const thumbs = new ServerlessFunction(fnChart, 'thumbs', { image: digestImage() });
    gateway.addRoute('thumbs', { backend: thumbs });
    expect(findObjects(synthObjects(fnChart), { kind: 'ReferenceGrant' })).toHaveLength(1);
  });

  test('fails when the route also rewrites the Host to something else', () => {
    const { chart, gateway } = shopEdge();
    const thumbs = new ServerlessFunction(chart, 'thumbs', { image: digestImage() });
    expect(validationErrorOf(() => gateway.addRoute('thumbs', { backend: thumbs, rewrite: { hostname: 'other.example.com' } })).detail).toBe(
      "route 'thumbs' rewrites the Host to 'other.example.com', but function 'thumbs' is reached only by Host 'thumbs.test.svc.cluster.local'; drop rewrite.hostname",
    );
  });

  test('fails when a gRPC route sends to a function', () => {
    const { chart, gateway } = shopEdge(undefined, { listeners: { grpc: { protocol: ListenerProtocol.GRPC } } });
    const thumbs = new ServerlessFunction(chart, 'thumbs', { image: digestImage() });
    expect(validationErrorOf(() => gateway.addGrpcRoute('thumbs', { backend: thumbs })).detail).toMatch(/is a gRPC route, which cannot rewrite the Host/);
  });

  test('a microservice backend is unchanged: no Host rewrite', () => {
    const { chart, gateway, frontend } = shopEdge();
    gateway.addRoute('web', { backend: GatewayBackend.service(frontend) });
    expect(specOf(chart, 'HTTPRoute', 'edge-web').rules[0].filters).toBeUndefined();
  });
});
