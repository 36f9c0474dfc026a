import { ContainerImage, IngressPeer, Mesh, MeshProvider, Microservice, MicroserviceProps, Probe, ValidationError } from '../../../lib';
import { digestImage, newChart, validationErrorOf } from '../../fixtures';

const base: MicroserviceProps = { image: digestImage(), ports: [{ port: 8080 }] };

/** Builds `orders` with the given props and returns the ValidationError. */
function failureOf(props: Partial<MicroserviceProps>): ValidationError {
  return validationErrorOf(() => new Microservice(newChart(), 'orders', { ...base, ...props }));
}

interface BadInput {
  readonly props: Partial<MicroserviceProps>;
  /** The value received, as the message must show it. */
  readonly value: string;
  /** Words of the fix the message must give. */
  readonly fix: RegExp;
}

const badInputs: Record<string, BadInput> = {
  'the name is not a DNS label': { props: { name: 'Orders_Service' }, value: "'Orders_Service'", fix: /pass a name such as/ },
  'the name is too long for revision names': { props: { name: 'o'.repeat(42) }, value: `'${'o'.repeat(42)}'`, fix: /1-41/ },
  'a port is 0': { props: { ports: [{ port: 0 }] }, value: 'got 0', fix: /must be 1-65535/ },
  'a port is above 65535': { props: { ports: [{ port: 70000 }] }, value: 'got 70000', fix: /must be 1-65535/ },
  'a container port is out of range': { props: { ports: [{ port: 80, containerPort: 65536 }] }, value: 'got 65536', fix: /1-65535/ },
  'two ports share a name': { props: { ports: [{ port: 80 }, { port: 81 }] }, value: "'http'", fix: /give each port its own name/ },
  'two ports share a number': {
    props: { ports: [{ name: 'a', port: 80 }, { name: 'b', port: 80, containerPort: 81 }] },
    value: '80/TCP',
    fix: /declare each port once/,
  },
  'a port name is not an IANA service name': { props: { ports: [{ name: 'HTTP', port: 80 }] }, value: "'HTTP'", fix: /lower-case/ },
  'replicas are negative': { props: { replicas: -1 }, value: 'got -1', fix: /whole number ≥ 0/ },
  'replicas are fractional': { props: { replicas: 1.5 }, value: 'got 1.5', fix: /whole number ≥ 0/ },
  'autoscaling min is above max': {
    props: { autoscaling: { minReplicas: 5, maxReplicas: 2 } },
    value: 'minReplicas (5) is greater than maxReplicas (2)',
    fix: /set maxReplicas ≥ minReplicas/,
  },
  'both replicas and autoscaling are set': {
    props: { replicas: 3, autoscaling: { minReplicas: 2, maxReplicas: 5 } },
    value: 'replicas (3)',
    fix: /set one of them/,
  },
  'autoscaling min is 0': { props: { autoscaling: { minReplicas: 0, maxReplicas: 2 } }, value: 'got 0', fix: /≥ 1/ },
  'a CPU target is above 100%': {
    props: { autoscaling: { minReplicas: 1, maxReplicas: 2, cpuUtilizationPercent: 150 } },
    value: 'got 150',
    fix: /1-100/,
  },
  'a CPU quantity is malformed': { props: { resources: { cpuRequest: '100 millicores' } }, value: "'100 millicores'", fix: /such as '250m'/ },
  'a memory quantity is malformed': { props: { resources: { memoryLimit: '1GB' } }, value: "'1GB'", fix: /such as '512Mi'/ },
  'a memory quantity uses milli': { props: { resources: { memoryRequest: '128m' } }, value: "'128m'", fix: /such as '256Mi'/ },
  'an ephemeral storage quantity is malformed': { props: { resources: { ephemeralStorageLimit: '2 GB' } }, value: "'2 GB'", fix: /such as '2Gi'/ },
  'a request exceeds its limit': {
    props: { resources: { cpuRequest: '2', cpuLimit: '1' } },
    value: 'cpuRequest (2) exceeds resources.cpuLimit (1)',
    fix: /raise the limit or lower the request/,
  },
  'a config key is invalid': {
    props: { configs: [{ name: 'files', literals: { 'bad key!': 'x' }, mountPath: '/etc/app' }] },
    value: "'bad key!'",
    fix: /letters, digits, '-', '_' or '\.'/,
  },
  'an env-exposed config key is not a variable name': {
    props: { configs: [{ name: 'settings', literals: { 'log.level': 'info' } }] },
    value: "'log.level'",
    fix: /set mountPath to mount files/,
  },
  'a config has no data': { props: { configs: [{ name: 'settings' }] }, value: "config 'settings'", fix: /add literals or files/ },
  'a config name is not a DNS label': { props: { configs: [{ name: 'Settings', literals: { A: '1' } }] }, value: "'Settings'", fix: /lower-case/ },
  'a config file path is relative': {
    props: { configs: [{ name: 'files', files: { 'app.conf': 'config/app.conf' }, mountPath: '/etc/app' }] },
    value: "'config/app.conf'",
    fix: /path\.join\(__dirname/,
  },
  'a config file cannot be read': {
    props: { configs: [{ name: 'files', files: { 'app.conf': '/nonexistent/app.conf' }, mountPath: '/etc/app' }] },
    value: "'/nonexistent/app.conf'",
    fix: /cannot be read/,
  },
  'two sources mount at one path': {
    props: {
      configs: [
        { name: 'a', literals: { x: '1' }, mountPath: '/etc/app' },
        { name: 'b', literals: { y: '1' }, mountPath: '/etc/app/' },
      ],
    },
    value: "'/etc/app/'",
    fix: /mount each source in its own directory/,
  },
  'a config mounts over /tmp': {
    props: { configs: [{ name: 'a', literals: { x: '1' }, mountPath: '/tmp' }] },
    value: "'/tmp'",
    fix: /its own directory/,
  },
  'the image is empty': { props: { image: '' }, value: 'must not be empty', fix: /pass a digest reference/ },
  'the image is tag-only': { props: { image: 'nginx:latest' }, value: "'nginx:latest'", fix: /fromMutableTag/ },
  'the image has no tag or digest': { props: { image: 'ghcr.io/acme/app' }, value: "'ghcr.io/acme/app'", fix: /pin it by digest/ },
  'the digest is malformed': { props: { image: 'ghcr.io/acme/app@sha256:abc' }, value: "'ghcr.io/acme/app@sha256:abc'", fix: /64 hex/ },
  'a mutable-tag opt-out is malformed': { props: { image: ContainerImage.fromMutableTag('not an image') }, value: "'not an image'", fix: /registry\/repository:tag/ },
  'a probe names an unknown port': { props: { readiness: Probe.http({ port: 'admin' }) }, value: "port 'admin'", fix: /declared: 'http' \(8080\)/ },
  'a probe names an unknown port number': { props: { liveness: Probe.tcp({ port: 9999 }) }, value: 'port 9999', fix: /add it to ports/ },
  'a probe needs a port the service lacks': { props: { ports: [], readiness: Probe.tcp() }, value: 'declares none', fix: /add 'ports' or use Probe.exec/ },
  'an exec probe has no command': { props: { liveness: Probe.exec({ command: [] }) }, value: 'command must not be empty', fix: /\/bin\/healthcheck/ },
  'an env name is invalid': { props: { env: { '1BAD': 'x' } }, value: "'1BAD'", fix: /not starting with a digit/ },
  'runAsUser is root while runAsNonRoot': { props: { security: { runAsUser: 0 } }, value: 'runAsUser is 0', fix: /pick a non-zero UID/ },
  'a capability is malformed': { props: { security: { capabilitiesAdd: ['cap_net_admin'] } }, value: "'cap_net_admin'", fix: /NET_BIND_SERVICE/ },
  'an existing secret name is not a DNS subdomain': { props: { existingSecrets: [{ secretName: 'Platform_TLS' }] }, value: "'Platform_TLS'", fix: /DNS subdomain/ },
  'partOf is not a label value': { props: { partOf: 'my shop' }, value: "'my shop'", fix: /label value/ },
  "a config key is 'constructor', which cdk8s cannot render": {
    props: { configs: [{ name: 'settings', literals: { constructor: 'x' } }] },
    value: "config 'settings' key 'constructor'",
    fix: /cannot be written into a manifest .*; rename the key/,
  },
  "a secret file key is '__proto__', which JavaScript drops": {
    props: { secrets: [{ name: 'tls', files: JSON.parse(`{"__proto__": "${__filename}"}`), mountPath: '/etc/tls' }] },
    value: "secret 'tls' key '__proto__'",
    fix: /cannot be written into a manifest .*; rename the key/,
  },
};

describe('Microservice bad input', () => {
  test.each(Object.entries(badInputs))('fails when %s', (_, { props, value, fix }) => {
    const error = failureOf(props);
    expect(error.message).toContain(value);
    expect(error.message).toMatch(fix);
    expect(error.path).toMatch(/^test\/orders/);
    expect(error.message).toContain(`(at ${error.path})`);
  });

  test('fails when two services in one chart share a name', () => {
    const chart = newChart();
    new Microservice(chart, 'orders', base);
    const error = validationErrorOf(() => new Microservice(chart, 'orders2', { ...base, name: 'orders' }));
    expect(error.message).toMatch(/'orders' is already used by test\/orders/);
  });

  test('fails when a revision is identical to a live one', () => {
    const orders = new Microservice(newChart(), 'orders', base);
    const error = validationErrorOf(() => orders.addRevision('canary', {}));
    expect(error.message).toMatch(/revision 'canary' is identical to revision 'stable'/);
    expect(error.path).toBe('test/orders/canary');
  });

  test('fails when a revision asks for fixed replicas and autoscaling at once', () => {
    const orders = new Microservice(newChart(), 'orders', base);
    const error = validationErrorOf(() => orders.addRevision('canary', { replicas: 1, autoscaling: { minReplicas: 1, maxReplicas: 2 } }));
    expect(error.message).toMatch(/revision 'canary' sets both replicas \(1\) and autoscaling/);
  });

  test('fails when a revision track is used twice', () => {
    const orders = new Microservice(newChart(), 'orders', base);
    orders.addRevision('canary', { image: digestImage('ghcr.io/acme/app', 'b') });
    const error = validationErrorOf(() => orders.addRevision('canary', { image: digestImage('ghcr.io/acme/app', 'c') }));
    expect(error.message).toMatch(/revision track 'canary' already exists/);
  });

  test('fails when a revision track is not a DNS label', () => {
    const orders = new Microservice(newChart(), 'orders', base);
    expect(validationErrorOf(() => orders.addRevision('Canary!', {})).message).toMatch(/'Canary!'/);
  });

  test('fails when a service depends on itself, twice on one service, or on a service without ports', () => {
    const chart = newChart();
    const worker = new Microservice(chart, 'worker', { image: digestImage() });
    const payments = new Microservice(chart, 'payments', base);
    const orders = new Microservice(chart, 'orders', { ...base, dependencies: [payments] });
    expect(validationErrorOf(() => orders.addDependency(orders)).message).toMatch(/cannot depend on itself/);
    expect(validationErrorOf(() => orders.addDependency(payments)).message).toMatch(/'payments' is declared twice/);
    expect(validationErrorOf(() => orders.addDependency(worker)).message).toMatch(/'worker' exposes no ports/);
  });
});

describe('Microservice allowIngressFrom', () => {
  test.each([['no mesh', undefined], ['Istio', 'istio'], ['Linkerd', 'linkerd']] as const)(
    'fails when a namespace is not a DNS label, with %s and no NetworkPolicy to render it: the service is named, not a policy under the mesh',
    (_, provider) => {
      const chart = newChart();
      const mesh = provider && new Mesh(chart, 'mesh', { provider: provider === 'istio' ? MeshProvider.istio() : MeshProvider.linkerd() });
      const error = validationErrorOf(() => new Microservice(chart, 'orders', { ...base, mesh, networkPolicy: false, allowIngressFrom: [IngressPeer.namespace('Bad_NS')] }));
      expect(error.message).toBe(
        "allowIngressFrom namespace must be 1-63 lower-case letters, digits or '-' and start and end with a letter or digit, got 'Bad_NS' (at test/orders)",
      );
    },
  );
});
