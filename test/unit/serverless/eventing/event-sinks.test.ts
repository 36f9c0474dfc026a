import { App, Chart } from 'cdk8s';
import { IngressPeer, Mesh, MeshProvider, Microservice } from '../../../../lib';
import { Broker, EventSink, IEventSink } from '../../../../lib/serverless/eventing';
import { newChart, validationErrorOf } from '../../../fixtures';
import { receiver, specOf } from './fixtures';

/** Subscribes a trigger 'deliver' of a broker in `chart` to `sink` and returns its subscriber. */
function subscriberOf(chart: Chart, sink: IEventSink): unknown {
  new Broker(chart, 'default').addTrigger('deliver', { subscriber: sink });
  return specOf(chart, 'Trigger', 'deliver').subscriber;
}

/** The message of the error a trigger 'deliver' to `sink` fails with. */
function bindError(chart: Chart, sink: IEventSink): string {
  const broker = new Broker(chart, 'default');
  return validationErrorOf(() => broker.addTrigger('deliver', { subscriber: sink })).message;
}

describe('EventSink.service', () => {
  test('a reference to the stable Service, on its port 80 by default', () => {
    const chart = newChart();
    const thumbs = new Microservice(chart, 'thumbs', receiver('a'));
    expect(subscriberOf(chart, EventSink.service(thumbs))).toEqual({ ref: { apiVersion: 'v1', kind: 'Service', name: 'thumbs', namespace: 'test' } });
  });

  test('the path becomes a relative URI', () => {
    const chart = newChart();
    const thumbs = new Microservice(chart, 'thumbs', receiver('a'));
    expect(subscriberOf(chart, EventSink.service(thumbs, { path: '/events/v1' }))).toEqual({
      ref: { apiVersion: 'v1', kind: 'Service', name: 'thumbs', namespace: 'test' },
      uri: '/events/v1',
    });
  });

  test('port 80 among several ports is found by default, and may be named by name or number', () => {
    const ports = [{ name: 'admin', port: 9090 }, { name: 'http', port: 80, containerPort: 8080 }];
    for (const port of [undefined, 'http', 80]) {
      const chart = newChart();
      const api = new Microservice(chart, 'api', receiver('b', { ports }));
      expect(subscriberOf(chart, EventSink.service(api, { port }))).toEqual({ ref: { apiVersion: 'v1', kind: 'Service', name: 'api', namespace: 'test' } });
    }
  });

  test('a service in another namespace is referenced there', () => {
    const app = new App();
    const other = new Chart(app, 'media', { namespace: 'media' });
    const thumbs = new Microservice(other, 'thumbs', receiver('a'));
    const chart = new Chart(app, 'events', { namespace: 'events' });
    expect(subscriberOf(chart, EventSink.service(thumbs))).toEqual({ ref: { apiVersion: 'v1', kind: 'Service', name: 'thumbs', namespace: 'media' } });
  });

  test('fails when the service has no port 80, naming its ports and both fixes', () => {
    const chart = newChart();
    const api = new Microservice(chart, 'api', receiver('b', { ports: [{ port: 8080 }] }));
    expect(bindError(chart, EventSink.service(api))).toBe(
      "trigger 'deliver' delivers to api, which has no port 80 (it has http (8080)), and Knative reaches a Kubernetes Service sink on port 80 only; " +
        "expose port 80 (e.g. { port: 80, containerPort: 8080 }) or use EventSink.uri('http://api.test.svc.cluster.local:8080/') (at test/default/deliver)",
    );
  });

  test('fails when the port named is not port 80', () => {
    const chart = newChart();
    const api = new Microservice(chart, 'api', receiver('b', { ports: [{ name: 'http', port: 80 }, { name: 'admin', port: 9090, containerPort: 9091 }] }));
    expect(bindError(chart, EventSink.service(api, { port: 'admin' }))).toBe(
      "trigger 'deliver' delivers to port admin (9090) of api, but Knative reaches a Kubernetes Service sink on port 80 only; " +
        "expose it as port 80 (e.g. { port: 80, containerPort: 9091 }) or use EventSink.uri('http://api.test.svc.cluster.local:9090/') (at test/default/deliver)",
    );
  });

  test('fails when the port named does not exist', () => {
    const chart = newChart();
    const api = new Microservice(chart, 'api', receiver('b'));
    expect(bindError(chart, EventSink.service(api, { port: 'grpc' }))).toBe(
      "trigger 'deliver' delivers to port \"grpc\", which api does not expose; use one of http (80) (at test/default/deliver)",
    );
    const again = newChart();
    const other = new Microservice(again, 'api', receiver('b'));
    expect(bindError(again, EventSink.service(other, { port: 8080 }))).toBe(
      "trigger 'deliver' delivers to port 8080, which api does not expose; use one of http (80) (at test/default/deliver)",
    );
  });

  test('fails when the service exposes no ports', () => {
    const chart = newChart();
    const worker = new Microservice(chart, 'worker', receiver('c', { ports: [] }));
    expect(bindError(chart, EventSink.service(worker))).toBe(
      "trigger 'deliver' delivers to worker, which exposes no ports; give it a port 80 or pick another sink (at test/default/deliver)",
    );
  });

  test('fails when port 80 is UDP', () => {
    const chart = newChart();
    const dns = new Microservice(chart, 'dns', receiver('c', { ports: [{ name: 'dns', port: 80, protocol: 'UDP' }] }));
    expect(bindError(chart, EventSink.service(dns))).toBe(
      "trigger 'deliver' delivers to port dns of dns, which is UDP; Knative delivers over HTTP, so make it a TCP port (at test/default/deliver)",
    );
  });

  test('fails when the service has no namespace', () => {
    const app = new App();
    const lonely = new Microservice(new Chart(app, 'bare'), 'lonely', receiver('d'));
    const chart = new Chart(app, 'test', { namespace: 'test' });
    expect(bindError(chart, EventSink.service(lonely))).toBe(
      "trigger 'deliver' delivers to lonely, which has no namespace, so Knative cannot address it; give its chart a namespace (at test/default/deliver)",
    );
  });

  test.each(['events', '/a b', '/a?x=1', '/a#top', '/../admin', '/a/./b', ''])('fails when the path is %p', (path) => {
    const chart = newChart();
    const thumbs = new Microservice(chart, 'thumbs', receiver('a'));
    expect(bindError(chart, EventSink.service(thumbs, { path }))).toBe(
      `trigger 'deliver' delivers to path '${path}' of thumbs, which is not a URL path; pass one that starts with '/', such as '/events', ` +
        "with no '.' or '..' segments (at test/default/deliver)",
    );
  });

  test.each(['/', '/events', '/a/b-c_d.e~f/%20x', '/.well-known/x', '/v1:push'])('the path %p is accepted', (path) => {
    const chart = newChart();
    const thumbs = new Microservice(chart, 'thumbs', receiver('a'));
    expect((subscriberOf(chart, EventSink.service(thumbs, { path })) as { uri: string }).uri).toBe(path);
  });
});

describe('admission of Knative Eventing by a microservice sink', () => {
  test('fails when the NetworkPolicy does not admit the eventing namespace, naming the trigger, the service and the fix', () => {
    const chart = newChart();
    const closed = new Microservice(chart, 'closed', receiver('e', { allowIngressFrom: [IngressPeer.namespace('edge')] }));
    expect(bindError(chart, EventSink.service(closed))).toBe(
      "trigger 'deliver' delivers to closed, but closed admits only its declared callers (NetworkPolicy), so the Knative Eventing pods that deliver events " +
        "in namespace 'knative-eventing' would be refused; add allowIngressFrom: [IngressPeer.namespace('knative-eventing')] to closed (at test/default/deliver)",
    );
  });

  test('fails when mesh authorization (without a NetworkPolicy) does not admit it', () => {
    const chart = newChart();
    const mesh = new Mesh(chart, 'mesh', { provider: MeshProvider.istio() });
    const meshed = new Microservice(chart, 'meshed', receiver('e', { allowIngressFrom: [], networkPolicy: false, mesh }));
    expect(bindError(chart, EventSink.service(meshed))).toBe(
      "trigger 'deliver' delivers to meshed, but meshed admits only its declared callers (mesh authorization), so the Knative Eventing pods that deliver events " +
        "in namespace 'knative-eventing' would be refused; add allowIngressFrom: [IngressPeer.namespace('knative-eventing')] to meshed (at test/default/deliver)",
    );
  });

  test('names both guards when both refuse', () => {
    const chart = newChart();
    const mesh = new Mesh(chart, 'mesh', { provider: MeshProvider.linkerd() });
    const guarded = new Microservice(chart, 'guarded', receiver('e', { allowIngressFrom: [], mesh }));
    expect(bindError(chart, EventSink.service(guarded))).toMatch(/^trigger 'deliver' delivers to guarded, but guarded admits only its declared callers \(NetworkPolicy and mesh authorization\), /);
  });

  test('a configured eventing namespace is the one checked and named', () => {
    const chart = newChart();
    const thumbs = new Microservice(chart, 'thumbs', receiver('a'));
    expect(bindError(chart, EventSink.service(thumbs, { eventingNamespace: 'eventing' }))).toMatch(
      /in namespace 'eventing' would be refused; add allowIngressFrom: \[IngressPeer\.namespace\('eventing'\)\] to thumbs \(at test\/default\/deliver\)$/,
    );
    const admitted = newChart();
    const open = new Microservice(admitted, 'open', receiver('a', { allowIngressFrom: [IngressPeer.namespace('eventing')] }));
    expect(subscriberOf(admitted, EventSink.service(open, { eventingNamespace: 'eventing' }))).toEqual({
      ref: { apiVersion: 'v1', kind: 'Service', name: 'open', namespace: 'test' },
    });
  });

  test('fails when the eventing namespace is not a DNS label', () => {
    const chart = newChart();
    const thumbs = new Microservice(chart, 'thumbs', receiver('a'));
    expect(bindError(chart, EventSink.service(thumbs, { eventingNamespace: 'Knative_Eventing' }))).toBe(
      "eventingNamespace must be 1-63 lower-case letters, digits or '-' and start and end with a letter or digit, got 'Knative_Eventing' (at test/default/deliver)",
    );
  });

  test('a service without NetworkPolicy and mesh, or open to anywhere, needs no admission', () => {
    for (const props of [{ allowIngressFrom: [], networkPolicy: false }, { allowIngressFrom: [IngressPeer.anywhere()] }]) {
      const chart = newChart();
      const open = new Microservice(chart, 'open', receiver('f', props));
      expect(subscriberOf(chart, EventSink.service(open))).toEqual({ ref: { apiVersion: 'v1', kind: 'Service', name: 'open', namespace: 'test' } });
    }
  });
});

describe('EventSink.uri', () => {
  test.each(['https://hooks.example.com/events', 'http://10.0.0.7:8080/', 'http://display.default.svc.cluster.local', 'HTTPS://Example.com/a?b=c'])(
    '%p is delivered to as given',
    (uri) => {
      expect(subscriberOf(newChart(), EventSink.uri(uri))).toEqual({ uri });
    },
  );

  test.each(['/events', 'hooks.example.com/events', 'ftp://example.com/x', 'http:example.com', 'http:///path', 'https://exa mple.com', ' https://example.com', 'http:\\\\example.com', ''])(
    'fails when the URI is %p',
    (uri) => {
      expect(bindError(newChart(), EventSink.uri(uri))).toBe(
        `trigger 'deliver' delivers to '${uri}', which is not an absolute http or https URL with a host; pass one such as 'https://hooks.example.com/events' (at test/default/deliver)`,
      );
    },
  );
});
