import { App, Chart } from 'cdk8s';
import { IngressPeer, Mesh, MeshProvider, Microservice, MicroserviceProps } from '../../../lib';
import { schemaErrors } from '../../../lib/internal';
import { findObject, findObjects, synthObjects } from '../../../lib/testing';
import { digestImage, newChart, validationErrorOf } from '../../fixtures';

const web: MicroserviceProps = { image: digestImage(), ports: [{ port: 80, containerPort: 8080 }] };

function meshedShop() {
  const chart = newChart();
  const mesh = new Mesh(chart, 'mesh', { provider: MeshProvider.istio() });
  const payments = new Microservice(chart, 'payments', { ...web, mesh });
  const orders = new Microservice(chart, 'orders', { ...web, mesh, dependencies: [payments] });
  const frontend = new Microservice(chart, 'frontend', { ...web, mesh, dependencies: [orders], allowIngressFrom: [IngressPeer.anywhere()] });
  return { chart, mesh, payments, orders, frontend, objects: synthObjects(chart) };
}

describe('Mesh with the Istio provider', () => {
  test('every emitted object passes its schema', () => {
    const { objects } = meshedShop();
    for (const object of objects) {
      expect({ object: `${object.kind}/${object.metadata.name}`, problem: schemaErrors(object) }).toEqual({
        object: `${object.kind}/${object.metadata.name}`,
        problem: undefined,
      });
    }
  });

  test('pods get the sidecar injection label, which makes a new revision', () => {
    const meshed = meshedShop().payments.revisions[0];
    const plain = new Microservice(newChart(), 'payments', web).revisions[0];
    expect(meshed.revisionId).not.toBe(plain.revisionId);
    const { objects } = meshedShop();
    const deployment = findObject(objects, { kind: 'Deployment', name: meshed.name });
    expect((deployment.spec as any).template.metadata.labels['sidecar.istio.io/inject']).toBe('true');
  });

  test('strict mTLS and deny-by-default once per namespace', () => {
    const { objects } = meshedShop();
    expect(findObject(objects, { kind: 'PeerAuthentication', name: 'default' }).spec).toEqual({ mtls: { mode: 'STRICT' } });
    const denyAll = findObject(objects, { kind: 'AuthorizationPolicy', name: 'deny-by-default' });
    expect(denyAll.metadata.namespace).toBe('test');
    expect(denyAll.spec ?? {}).toEqual({});
    expect(findObjects(objects, { kind: 'PeerAuthentication' })).toHaveLength(1);
  });

  test('each service allows exactly its declared dependents\' identities, on its ports; an undeclared caller is denied', () => {
    const { objects, payments } = meshedShop();
    expect(findObject(objects, { kind: 'AuthorizationPolicy', name: 'payments' }).spec).toEqual({
      selector: { matchLabels: payments.labels },
      action: 'ALLOW',
      rules: [{ from: [{ source: { principals: ['cluster.local/ns/test/sa/orders'] } }], to: [{ operation: { ports: ['8080'] } }] }],
    });
    const frontendCallers = (findObject(objects, { kind: 'AuthorizationPolicy', name: 'orders' }).spec as any).rules[0].from[0].source.principals;
    expect(frontendCallers).toEqual(['cluster.local/ns/test/sa/frontend']);
    expect(frontendCallers).not.toContain('cluster.local/ns/test/sa/payments');
  });

  test('a public entry point admits any caller on its ports; a service nobody calls admits nobody', () => {
    const { objects } = meshedShop();
    expect((findObject(objects, { kind: 'AuthorizationPolicy', name: 'frontend' }).spec as any).rules).toEqual([{ to: [{ operation: { ports: ['8080'] } }] }]);
    const chart = newChart();
    new Microservice(chart, 'lonely', { ...web, mesh: new Mesh(chart, 'mesh', { provider: MeshProvider.istio() }) });
    expect((findObject(synthObjects(chart), { kind: 'AuthorizationPolicy', name: 'lonely' }).spec as any).rules).toEqual([]);
  });

  test('a namespace peer is admitted by namespace', () => {
    const chart = newChart();
    const mesh = new Mesh(chart, 'mesh', { provider: MeshProvider.istio() });
    new Microservice(chart, 'api', { ...web, mesh, allowIngressFrom: [IngressPeer.namespace('istio-ingress')] });
    expect((findObject(synthObjects(chart), { kind: 'AuthorizationPolicy', name: 'api' }).spec as any).rules[0].from).toEqual([
      { source: { namespaces: ['istio-ingress'] } },
    ]);
  });

  test('each service\'s Sidecar limits egress to its declared dependencies and the control plane', () => {
    const { objects, orders } = meshedShop();
    expect(findObject(objects, { kind: 'Sidecar', name: 'orders' }).spec).toEqual({
      workloadSelector: { labels: orders.labels },
      egress: [{ hosts: ['test/payments.test.svc.cluster.local', 'istio-system/*'] }],
      outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
    });
    expect((findObject(objects, { kind: 'Sidecar', name: 'payments' }).spec as any).egress[0].hosts).toEqual(['istio-system/*']);
  });

  test('a declared external host gets a namespace-local ServiceEntry and a place in the Sidecar; nothing else outside is reachable', () => {
    const chart = newChart();
    const mesh = new Mesh(chart, 'mesh', { provider: MeshProvider.istio() });
    new Microservice(chart, 'payments', {
      ...web,
      mesh,
      externalHosts: [{ host: 'api.stripe.example' }, { host: '*.vault.example', port: 8200, protocol: 'HTTPS' }],
    });
    const objects = synthObjects(chart);
    const entries = findObjects(objects, { kind: 'ServiceEntry' });
    expect(entries.map((e) => e.metadata.name)).toEqual([expect.stringMatching(/^payments-external-[0-9a-f]{10}$/), expect.stringMatching(/^payments-external-[0-9a-f]{10}$/)]);
    expect(entries.map((e) => e.spec)).toEqual([
      { hosts: ['api.stripe.example'], ports: [{ number: 443, name: 'tls-443', protocol: 'TLS' }], location: 'MESH_EXTERNAL', resolution: 'DNS', exportTo: ['.'] },
      { hosts: ['*.vault.example'], ports: [{ number: 8200, name: 'https-8200', protocol: 'HTTPS' }], location: 'MESH_EXTERNAL', resolution: 'NONE', exportTo: ['.'] },
    ]);
    expect((findObject(objects, { kind: 'Sidecar', name: 'payments' }).spec as any).egress[0].hosts).toEqual([
      './api.stripe.example',
      './*.vault.example',
      'istio-system/*',
    ]);
    for (const entry of entries) {
      expect(schemaErrors(entry)).toBeUndefined();
    }
  });

  test.each([
    [{ host: 'API.example.com' }, "got 'API.example.com'"],
    [{ host: 'localhost' }, "got 'localhost'"],
    [{ host: 'api.example.com', port: 0 }, 'must be 1-65535, got 0'],
  ])('fails when an external host is %j', (host, message) => {
    const error = validationErrorOf(() => new Microservice(newChart(), 'payments', { ...web, externalHosts: [host] }));
    expect(error.message).toContain(message);
    expect(error.path).toBe('test/payments');
  });

  test('fails when an external host and port is declared twice', () => {
    const error = validationErrorOf(() => new Microservice(newChart(), 'payments', { ...web, externalHosts: [{ host: 'a.example.com' }, { host: 'a.example.com', port: 443 }] }));
    expect(error.message).toMatch(/declares a.example.com:443 twice/);
  });

  test('services in several namespaces: one baseline per namespace, cross-namespace identities and hosts', () => {
    const app = new App();
    const backend = new Chart(app, 'backend', { namespace: 'backend' });
    const edge = new Chart(app, 'edge', { namespace: 'edge' });
    const mesh = new Mesh(backend, 'mesh', { provider: MeshProvider.istio({ trustDomain: 'prod.example' }) });
    const payments = new Microservice(backend, 'payments', { ...web, mesh });
    new Microservice(edge, 'frontend', { ...web, mesh, dependencies: [payments] });
    const objects = synthObjects(backend);
    expect(findObjects(objects, { kind: 'PeerAuthentication' }).map((o) => o.metadata.namespace)).toEqual(['backend', 'edge']);
    expect((findObject(objects, { kind: 'AuthorizationPolicy', name: 'payments' }).spec as any).rules[0].from[0].source.principals).toEqual([
      'prod.example/ns/edge/sa/frontend',
    ]);
    expect((findObject(objects, { kind: 'Sidecar', name: 'frontend' }).spec as any).egress[0].hosts).toEqual([
      'backend/payments.backend.svc.cluster.local',
      'istio-system/*',
    ]);
  });

  test('fails when a service without a namespace joins a mesh', () => {
    const chart = new Chart(new App(), 'nons');
    const mesh = new Mesh(chart, 'mesh', { provider: MeshProvider.istio() });
    const error = validationErrorOf(() => new Microservice(chart, 'api', { ...web, mesh }));
    expect(error.message).toMatch(/api has no namespace, and mesh policies are per namespace; give its chart a namespace/);
  });

  test.each([
    ['Istio', () => MeshProvider.istio()],
    ['Linkerd', () => MeshProvider.linkerd()],
  ])('fails when a service joins a second %s mesh in a namespace another mesh holds', (_, provider) => {
    const chart = newChart();
    const mesh = new Mesh(chart, 'mesh', { provider: provider() });
    const other = new Mesh(chart, 'other', { provider: provider() });
    new Microservice(chart, 'payments', { ...web, mesh });
    const error = validationErrorOf(() => new Microservice(chart, 'orders', { ...web, mesh: other }));
    expect(error.message).toBe(
      "orders would put namespace 'test' in mesh 'test/other', but it is in mesh 'test/mesh' already, and a namespace has one mesh " +
        "(one mTLS mode and default policy); give orders the mesh 'test/mesh', or another namespace (at test/orders)",
    );
  });

  test('fails when a service joins the same mesh twice', () => {
    const { mesh, payments } = meshedShop();
    expect(validationErrorOf(() => mesh.addService(payments)).message).toMatch(/payments joined mesh 'mesh' twice/);
  });
});

describe('namespace metadata of each mesh', () => {
  test('Istio asks for sidecar injection on the namespace; Linkerd for injection and the deny default', () => {
    const chart = newChart();
    expect(new Mesh(chart, 'istio', { provider: MeshProvider.istio() }).namespaceMetadata).toEqual({
      labels: { 'istio-injection': 'enabled' },
      annotations: {},
    });
    expect(new Mesh(chart, 'linkerd', { provider: MeshProvider.linkerd() }).namespaceMetadata).toEqual({
      labels: {},
      annotations: { 'linkerd.io/inject': 'enabled', 'config.linkerd.io/default-inbound-policy': 'deny' },
    });
  });
});
