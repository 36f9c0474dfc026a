import { Chart, Duration } from 'cdk8s';
import { ExternalHostProps, Mesh, MESH_DEFAULT_RETRIES, MeshProvider, Microservice, RetryOn, SynthValidationError, ValidationError } from '../../../lib';
import { schemaErrors } from '../../../lib/internal';
import { findObjects, synthObjects } from '../../../lib/testing';
import { digestImage, newChart, validationErrorOf } from '../../fixtures';
import { istioCrdProblems } from './istio-crd-schema';

// Calls to hosts outside the cluster: TLS origination, timeouts and retries
// on Istio; refused by Linkerd and without a mesh.

function payments(externalHosts: ExternalHostProps[], provider: 'istio' | 'linkerd' | 'none' = 'istio') {
  const chart = newChart();
  const mesh = provider === 'none'
    ? undefined
    : new Mesh(chart, 'mesh', { provider: provider === 'istio' ? MeshProvider.istio() : MeshProvider.linkerd() });
  const service = new Microservice(chart, 'payments', { image: digestImage(), ports: [{ port: 80, containerPort: 8080 }], externalHosts, mesh });
  return { chart, service };
}

const ofKind = (chart: Chart, kind: string): any[] => findObjects(synthObjects(chart), { kind }).filter((o) => o.metadata.name?.startsWith('payments-external'));

describe('Istio: external hosts', () => {
  test('TLS origination: the plain-HTTP port sent to the TLS port, and a DestinationRule opening TLS with SNI', () => {
    const { chart } = payments([{ host: 'api.stripe.com', tlsOrigination: {} }]);
    const [entry] = ofKind(chart, 'ServiceEntry');
    expect(entry.spec).toEqual({
      hosts: ['api.stripe.com'],
      ports: [{ number: 80, name: 'http-80', protocol: 'HTTP', targetPort: 443 }],
      location: 'MESH_EXTERNAL',
      resolution: 'DNS',
      exportTo: ['.'],
    });
    const [rule] = ofKind(chart, 'DestinationRule');
    expect(rule.metadata.name).toBe(entry.metadata.name);
    expect(rule.spec).toEqual({
      host: 'api.stripe.com',
      exportTo: ['.'],
      trafficPolicy: {
        portLevelSettings: [{ port: { number: 80 }, tls: { mode: 'SIMPLE', sni: 'api.stripe.com', caCertificates: '/etc/ssl/certs/ca-certificates.crt' } }],
      },
    });
    expect(ofKind(chart, 'VirtualService')).toEqual([]);
    for (const object of [entry, rule]) {
      expect(schemaErrors(object)).toBeUndefined();
      expect(istioCrdProblems(object)).toEqual([]);
    }
  });

  test('a host as before keeps its ServiceEntry, name included, and gets nothing else', () => {
    const { chart } = payments([{ host: 'api.stripe.com' }]);
    const [entry] = ofKind(chart, 'ServiceEntry');
    expect(entry.spec.ports).toEqual([{ number: 443, name: 'tls-443', protocol: 'TLS' }]);
    expect(entry.metadata.name).toMatch(/^payments-external-[0-9a-f]+$/);
    expect(ofKind(chart, 'DestinationRule')).toEqual([]);
    expect(ofKind(chart, 'VirtualService')).toEqual([]);
  });

  test('a timeout and retries: a VirtualService for the host, to its port', () => {
    const { chart } = payments([{
      host: 'api.stripe.com',
      port: 8080,
      protocol: 'HTTP',
      tlsOrigination: { port: 8443, sni: 'stripe.com', caCertificates: '/etc/pki/partner-ca.pem' },
      timeout: Duration.seconds(5),
      retries: { attempts: 2, perTryTimeout: Duration.seconds(2), retryOn: [RetryOn.CONNECT_FAILURE], statusCodes: [503] },
    }]);
    const [service] = ofKind(chart, 'VirtualService');
    expect(service.spec).toEqual({
      hosts: ['api.stripe.com'],
      exportTo: ['.'],
      http: [{
        route: [{ destination: { host: 'api.stripe.com', port: { number: 8080 } } }],
        timeout: '5s',
        retries: { attempts: 2, perTryTimeout: '2s', retryOn: 'connect-failure,503' },
      }],
    });
    expect(ofKind(chart, 'DestinationRule')[0].spec.trafficPolicy.portLevelSettings[0].tls).toEqual({ mode: 'SIMPLE', sni: 'stripe.com', caCertificates: '/etc/pki/partner-ca.pem' });
    expect(schemaErrors(service)).toBeUndefined();
    expect(istioCrdProblems(service)).toEqual([]);
  });

  test("a timeout alone keeps the mesh's retries: no retries field", () => {
    const { chart } = payments([{ host: 'api.example.com', port: 80, protocol: 'HTTP', timeout: Duration.seconds(3) }]);
    expect(ofKind(chart, 'VirtualService')[0].spec.http).toEqual([{ route: [{ destination: { host: 'api.example.com', port: { number: 80 } } }], timeout: '3s' }]);
    const withDefault = payments([{ host: 'api.example.com', port: 9090, protocol: 'GRPC', retries: MESH_DEFAULT_RETRIES }]);
    expect(ofKind(withDefault.chart, 'VirtualService')[0].spec.http[0]).not.toHaveProperty('retries');
  });

  test.each<[string, ExternalHostProps, string]>([
    ['TLS origination is asked for on a TLS port', { host: 'api.example.com', protocol: 'TLS', tlsOrigination: {} },
      "externalHosts 'api.example.com:80' asks for tlsOrigination on protocol 'TLS'; the service must call it in plain 'HTTP' for the mesh to open TLS"],
    ['TLS origination is asked for on a wildcard host', { host: '*.example.com', tlsOrigination: {} },
      "externalHosts '*.example.com:80' asks for tlsOrigination on a wildcard host, which has no one name to resolve and verify; name the host"],
    ['the TLS port is out of range', { host: 'api.example.com', tlsOrigination: { port: 70000 } }, "externalHosts 'api.example.com:80' tlsOrigination.port must be 1-65535, got 70000"],
    ['the SNI is no DNS name', { host: 'api.example.com', tlsOrigination: { sni: 'Not A Name' } },
      "externalHosts 'api.example.com:80' tlsOrigination.sni must be a lower-case DNS name such as 'api.example.com', got 'Not A Name'"],
    ['a timeout is set on an encrypted port', { host: 'api.example.com', timeout: Duration.seconds(1) },
      "externalHosts 'api.example.com:443' sets a timeout on protocol 'TLS', whose requests the mesh cannot see"],
    ['the CA file is no absolute path', { host: 'api.example.com', tlsOrigination: { caCertificates: 'certs.pem' } },
      "externalHosts 'api.example.com:80' tlsOrigination.caCertificates must be an absolute file path in the proxy, got \"certs.pem\""],
    ['retries are set on a TCP port', { host: 'db.example.com', port: 5432, protocol: 'TCP', retries: { attempts: 2 } },
      "externalHosts 'db.example.com:5432' sets retries on protocol 'TCP', whose requests the mesh cannot see"],
  ])('fails when %s', (_, host, message) => {
    const error = validationErrorOf(() => payments([host]));
    expect(error.path).toBe('test/payments');
    expect(error.message).toContain(message);
  });

  test('fails when a retry policy is wrong, at the service', () => {
    const error = validationErrorOf(() => payments([{ host: 'api.example.com', port: 80, protocol: 'HTTP', retries: { attempts: 11 } }]));
    expect(error.message).toContain("externalHosts 'api.example.com:80' retries.attempts must be a whole number 1-10, got 11");
  });

  test('fails when TLS origination, a timeout or retries come without a mesh', () => {
    const error = validationErrorOf(() => payments([{ host: 'api.example.com', tlsOrigination: {}, timeout: Duration.seconds(1) }], 'none'));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain(
      "externalHosts 'api.example.com:80' sets tlsOrigination, timeout, which only a mesh's proxy applies; give the service the mesh prop or drop them",
    );
  });
});

describe('Linkerd: external hosts', () => {
  test('fails at synth when TLS origination, a timeout or retries are asked for', () => {
    const { chart } = payments([
      { host: 'api.stripe.com', tlsOrigination: {} },
      { host: 'api.example.com', port: 80, protocol: 'HTTP', retries: { attempts: 2 } },
    ], 'linkerd');
    const error = validationErrorOf(() => synthObjects(chart));
    expect(error).toBeInstanceOf(SynthValidationError);
    expect((error as SynthValidationError).problems.map((p) => p.message)).toEqual([
      "externalHosts 'api.stripe.com:80' of payments asks for tlsOrigination, which linkerd cannot do (its proxy does not originate TLS to external hosts); " +
        'call the host over TLS from the service',
      "externalHosts 'api.example.com:80' of payments sets retries, which linkerd cannot apply (it routes no traffic to hosts outside the cluster); " +
        "set them in the service's HTTP client",
    ]);
  });

  test('a plain external host is still fine', () => {
    const { chart } = payments([{ host: 'api.stripe.com' }], 'linkerd');
    expect(() => synthObjects(chart)).not.toThrow();
  });
});
