import { join } from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import {
  ContainerImage,
  ImmutableConfigMap,
  ImmutableSecret,
  Microservice,
  MicroserviceProps,
  Probe,
  SynthValidationError,
} from '../../../lib';
import { synthObjects } from '../../../lib/testing';
import { digestImage, ExpectedRefusal, expectRefusal, newChart, validationErrorOf } from '../../fixtures';

// Wrong JavaScript values given to the workload constructs, as plain
// JavaScript, JSON or YAML config, `process.env` or `as any` give them: each
// is refused with a ValidationError that names the construct path, the prop,
// the value as given (a string in quotes, a number bare) and the fix, never
// with a TypeError or a ManifestSchemaError, and never showing secret data.

const image = digestImage();
/** Stands for a value from the environment that is not set. */
const unset = process.env.IMMUTABLE_INFRA_TEST_SURELY_UNSET;
const PEM = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----';
const PIN = 918273;

interface BadInput extends ExpectedRefusal {
  /** Builds the bad input in `chart` (namespace 'test'). */
  readonly build: (chart: Chart) => unknown;
}

const service = (props: Record<string, unknown>) => (chart: Chart) => new Microservice(chart, 'orders', { image, ...props } as unknown as MicroserviceProps);
const revision = (props: Record<string, unknown>) => (chart: Chart) =>
  new Microservice(chart, 'orders', { image, ports: [{ port: 8080 }] }).addRevision('canary', { image: digestImage('ghcr.io/acme/app', 'b'), ...props });

const cases: Record<string, Record<string, BadInput>> = {
  'string for a list': {
    'command as one string': {
      build: service({ command: 'node server.js' }),
      path: 'test/orders', prop: 'command', shown: "got 'node server.js' (a string)", fix: /pass each item on its own: \['node', 'server\.js'\]/,
    },
    'args as one string, in a revision': {
      build: revision({ args: '--port 8080' }),
      path: 'test/orders', prop: "revision 'canary' args", shown: "got '--port 8080' (a string)", fix: /\['--port', '8080'\]/,
    },
    'an exec probe command as one string': {
      build: service({ liveness: Probe.exec({ command: 'cat /tmp/healthy' as never }) }),
      path: 'test/orders/stable', prop: 'liveness probe command', shown: "got 'cat /tmp/healthy'", fix: /\['cat', '\/tmp\/healthy'\]/,
    },
    'ports as a string': {
      build: service({ ports: '80' }),
      path: 'test/orders', prop: 'ports', shown: "got '80' (a string)", fix: /pass \[\{ port: 8080 \}\]/,
    },
    'capabilitiesAdd as a string': {
      build: service({ security: { capabilitiesAdd: 'NET_BIND_SERVICE' } }),
      path: 'test/orders', prop: 'security.capabilitiesAdd', shown: "got 'NET_BIND_SERVICE'", fix: /\['NET_BIND_SERVICE'\]/,
    },
  },
  'wrong type': {
    'env as a list of NAME=value': {
      build: service({ env: ['A=1'] }),
      path: 'test/orders', prop: 'env', shown: "got ['A=1']", fix: /write the pairs as an object: \{ A: '1' \}/,
    },
    'args of numbers': {
      build: service({ args: [1, 2] }),
      path: 'test/orders', prop: 'args[0]', shown: 'got 1 (a number)', fix: /write it in quotes: '1' \(also wrong: args\[1\]\)/,
    },
    'a protocol in lower case': {
      build: service({ ports: [{ port: 80, protocol: 'tcp' }] }),
      path: 'test/orders', prop: 'ports[0].protocol', shown: "got 'tcp'", fix: /one of 'TCP', 'UDP', 'SCTP'.*write 'TCP'/,
    },
    'replicas as a string': {
      build: service({ replicas: '3' }),
      path: 'test/orders', prop: 'replicas', shown: "got '3' (a string)", fix: /write it without quotes: 3/,
    },
    'a probe period as a number': {
      build: service({ ports: [{ port: 8080 }], readiness: Probe.http({ period: 5 as never }) }),
      path: 'test/orders/stable', prop: 'readiness probe period', shown: 'got 5 (a number)', fix: /Duration\.seconds\(5\)/,
    },
    'a probe given its path alone': {
      build: service({ ports: [{ port: 8080 }], readiness: Probe.http('/healthz' as never) }),
      path: 'test/orders/stable', prop: 'readiness probe props (of Probe.http)', shown: "got '/healthz'", fix: /\{ path: '\/healthz' \}/,
    },
    'a probe that is a plain object': {
      build: service({ readiness: { path: '/healthz' } }),
      path: 'test/orders', prop: 'readiness', shown: "got { path: '/healthz' }", fix: /Probe\.http/,
    },
    'a resource quantity as a number': {
      build: service({ resources: { cpuLimit: 1 } }),
      path: 'test/orders', prop: 'resources.cpuLimit', shown: 'got 1 (a number)', fix: /write it in quotes: '1'/,
    },
    'runAsNonRoot as a string': {
      build: service({ security: { runAsNonRoot: 'false' } }),
      path: 'test/orders', prop: 'security.runAsNonRoot', shown: "got 'false' (a string)", fix: /true or false/,
    },
    'the image as a number': {
      build: service({ image: 42 }),
      path: 'test/orders', prop: 'image', shown: 'got 42 (a number)', fix: /sha256/,
    },
    'a ContainerImage of a number': {
      build: service({ image: ContainerImage.fromDigest(42 as never) }),
      path: 'test/orders/stable', prop: 'image (the reference given to ContainerImage.fromDigest)', shown: 'got 42', fix: /must be a string/,
    },
    'the props as a string': {
      build: (chart) => new Microservice(chart, 'orders', 'orders' as never),
      path: 'test/orders', prop: 'Microservice props', shown: "got 'orders' (a string)", fix: /pass \{ image:/,
    },
    'a revision track as a number': {
      build: (chart) => new Microservice(chart, 'orders', { image }).addRevision(2 as never, {}),
      path: 'test/orders', prop: 'revision track', shown: 'got 2 (a number)', fix: /'2'/,
    },
    'a dependency that is a name': {
      build: service({ dependencies: ['db'] }),
      path: 'test/orders', prop: 'dependencies[0]', shown: "got 'db'", fix: /an IMicroservice/,
    },
    'null for an optional list': {
      build: service({ configs: null }),
      path: 'test/orders', prop: 'configs', shown: 'got null', fix: /pass \[\{ name: 'settings'/,
    },
  },
  'missing required value': {
    'no image': {
      build: (chart) => new Microservice(chart, 'orders', {} as never),
      path: 'test/orders', prop: 'image', shown: 'is required', fix: /got undefined; pass a digest reference/,
    },
    'no props at all': {
      build: (chart) => new Microservice(chart, 'orders', undefined as never),
      path: 'test/orders', prop: 'Microservice props', shown: 'is required', fix: /got undefined/,
    },
    'a port without its number': {
      build: service({ ports: [{ name: 'http' }] }),
      path: 'test/orders', prop: 'ports[0].port', shown: 'is required', fix: /pass 8080/,
    },
    'a config source without a name': {
      build: service({ configs: [{ literals: { A: '1' } }] }),
      path: 'test/orders', prop: 'configs[0].name', shown: 'is required', fix: /'settings'/,
    },
    'autoscaling without maxReplicas': {
      build: service({ autoscaling: { minReplicas: 2 } }),
      path: 'test/orders', prop: 'autoscaling.maxReplicas', shown: 'is required', fix: /pass 10/,
    },
    'an exec probe without a command': {
      build: service({ liveness: Probe.exec({} as never) }),
      path: 'test/orders/stable', prop: 'liveness probe command', shown: 'is required', fix: /\/bin\/healthcheck/,
    },
  },
  'NaN, Infinity and out of range': {
    'NaN replicas': {
      build: service({ replicas: Number('three') }),
      path: 'test/orders', prop: 'replicas', shown: 'must be a finite number, got NaN', fix: /NaN comes from/,
    },
    'Infinity as a port': {
      build: service({ ports: [{ port: Infinity }] }),
      path: 'test/orders', prop: 'ports[0].port', shown: 'got Infinity', fix: /finite number such as 8080/,
    },
    'NaN autoscaling target': {
      build: revision({ autoscaling: { minReplicas: 1, maxReplicas: 3, cpuUtilizationPercent: NaN } }),
      path: 'test/orders', prop: "revision 'canary' autoscaling.cpuUtilizationPercent", shown: 'got NaN', fix: /finite number/,
    },
    'NaN runAsUser': {
      build: service({ security: { runAsUser: NaN } }),
      path: 'test/orders', prop: 'security.runAsUser', shown: 'got NaN', fix: /finite number/,
    },
    'replicas beyond a 32-bit integer': {
      build: service({ replicas: 2 ** 31 }),
      path: 'test/orders/stable', prop: 'replicas', shown: 'got 2147483648', fix: /at most 2147483647/,
    },
    'a failure threshold beyond a 32-bit integer': {
      build: service({ liveness: Probe.exec({ command: ['true'], failureThreshold: 2 ** 31 }) }),
      path: 'test/orders/stable', prop: 'liveness probe failureThreshold', shown: 'got 2147483648', fix: /at most 2147483647/,
    },
  },
  'unset environment variable (undefined)': {
    'an env value': {
      build: service({ env: { DB_HOST: unset } }),
      path: 'test/orders', prop: 'env.DB_HOST', shown: 'is undefined', fix: /process\.env .* not set: set it, or leave the key out/,
    },
    'a config literal': {
      build: service({ configs: [{ name: 'settings', literals: { LOG_LEVEL: unset } }] }),
      path: 'test/orders', prop: 'configs[0].literals.LOG_LEVEL', shown: 'is undefined', fix: /not set/,
    },
    'a secret literal, in a revision': {
      build: revision({ secrets: [{ name: 'db', literals: { PASSWORD: unset } }] }),
      path: 'test/orders', prop: "revision 'canary' secrets[0].literals.PASSWORD", shown: 'is undefined', fix: /not set/,
    },
    'an ImmutableConfigMap value': {
      build: (chart) => new ImmutableConfigMap(chart, 'settings', { namePrefix: 'settings', data: { URL: unset as never } }),
      path: 'test/settings', prop: 'data.URL', shown: 'is undefined', fix: /not set/,
    },
  },
  'number for a string': {
    'an env value': {
      build: service({ env: { PORT: 8080 } }),
      path: 'test/orders', prop: 'env.PORT', shown: 'got 8080 (a number)', fix: /write it in quotes: '8080'/,
    },
    'a config literal': {
      build: service({ configs: [{ name: 'settings', literals: { PORT: 8080 } }] }),
      path: 'test/orders', prop: 'configs[0].literals.PORT', shown: 'got 8080 (a number)', fix: /'8080'/,
    },
    'a port name': {
      build: service({ ports: [{ name: 80, port: 80 }] }),
      path: 'test/orders', prop: 'ports[0].name', shown: 'got 80 (a number)', fix: /'80'/,
    },
    'a service name': {
      build: service({ name: 7 }),
      path: 'test/orders', prop: 'name', shown: 'got 7 (a number)', fix: /'7'/,
    },
  },
  'unknown key': {
    'replica for replicas': {
      build: service({ replica: 3 }),
      path: 'test/orders', prop: 'replica', shown: 'is not a known prop, so it would be ignored', fix: /did you mean 'replicas'\?/,
    },
    'a misspelled literals of a secret, whose value is not shown': {
      build: service({ secrets: [{ name: 'db', literal: { PASSWORD: String(PIN) } }] }),
      path: 'test/orders', prop: 'secrets[0].literal', shown: 'is not a known prop', fix: /did you mean 'literals'\?/, secret: String(PIN),
    },
    'a security setting in another case': {
      build: revision({ security: { runAsNonroot: true } }),
      path: 'test/orders', prop: "revision 'canary' security.runAsNonroot", shown: 'is not a known prop', fix: /did you mean 'runAsNonRoot'\?/,
    },
  },
  'secret content in a bad value': {
    'a number as a secret literal': {
      build: service({ secrets: [{ name: 'card', literals: { pin: PIN } }] }),
      path: 'test/orders', prop: 'secrets[0].literals.pin', shown: 'got a number (not shown: secret data)', fix: /as a string/, secret: String(PIN),
    },
    'a PEM key passed as a file path': {
      build: service({ secrets: [{ name: 'tls', files: { 'tls.key': PEM }, mountPath: '/etc/tls' }] }),
      path: 'test/orders', prop: "secret 'tls' file for key 'tls.key'", shown: 'is not shown', fix: /path\.join\(__dirname, 'tls\.key'\), or the content under literals/, secret: 'MIIEvQ',
    },
    'secret literals as a string': {
      build: service({ secrets: [{ name: 'db', literals: `PASSWORD=${PIN}` }] }),
      path: 'test/orders', prop: 'secrets[0].literals', shown: 'got a string (not shown: secret data)', fix: /PASSWORD/, secret: String(PIN),
    },
    'secret literals as a list': {
      build: service({ secrets: [{ name: 'db', literals: [`PASSWORD=${PIN}`] }] }),
      path: 'test/orders', prop: 'secrets[0].literals', shown: 'got an array (not shown: secret data)', fix: /an object/, secret: String(PIN),
    },
    'an ImmutableSecret value as a number': {
      build: (chart) => new ImmutableSecret(chart, 'db', { namePrefix: 'db', stringData: { pin: PIN as never } }),
      path: 'test/db', prop: 'stringData.pin', shown: 'not shown: secret data', fix: /as a string/, secret: String(PIN),
    },
  },
};

describe.each(Object.keys(cases))('workload bad input: %s', (group) => {
  test.each(Object.entries(cases[group]))('%s', (_, c) => {
    expectRefusal(() => c.build(newChart()), c);
  });
});

describe('workload bad input: the same value left out, or given right, is accepted', () => {
  test('props given as undefined take their defaults', () => {
    expect(() => new Microservice(newChart(), 'orders', { image, command: undefined, env: undefined, replicas: undefined, ports: undefined })).not.toThrow();
  });

  test('a config file given by absolute path is read', () => {
    const orders = new Microservice(newChart(), 'orders', { image, configs: [{ name: 'files', files: { 'app.conf': join(__dirname, 'bad-input.test.ts') }, mountPath: '/etc/app' }] });
    expect(orders.revisions).toHaveLength(1);
  });

  test('a config file path that is relative is shown (config data is not secret)', () => {
    const error = validationErrorOf(() => service({ configs: [{ name: 'files', files: { 'app.conf': 'config/app.conf' }, mountPath: '/etc/app' }] })(newChart()));
    expect(error.detail).toContain("file 'config/app.conf' for key 'app.conf' is a relative path");
  });
});

describe('workload bad input: synth refuses what the API server would', () => {
  test('a chart namespace the API server refuses, naming the chart and the namespace', () => {
    const chart = new Chart(new App(), 'x', { namespace: 'Bad_NS' });
    new Microservice(chart, 'orders', { image });
    const error = validationErrorOf(() => synthObjects(chart));
    expect(error).toBeInstanceOf(SynthValidationError);
    expect(error.path).toBe('x');
    expect(error.message).toMatch(/\[x\] chart x has namespace 'Bad_NS', which the API server refuses: .*lower-case letters/);
  });

  test('an object of a raw chart with a bad namespace of its own', () => {
    const chart = newChart();
    new Microservice(chart, 'orders', { image });
    new ApiObject(chart, 'raw', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'raw', namespace: 'Team.A' } });
    expect(validationErrorOf(() => synthObjects(chart)).message).toMatch(/ConfigMap raw \(at test\/raw\) has namespace 'Team\.A'/);
  });

  test('the same service in two charts of one namespace, naming both construct paths', () => {
    const app = new App();
    new Microservice(new Chart(app, 'shop', { namespace: 'shop' }), 'orders', { image });
    const error = validationErrorOf(() => new Microservice(new Chart(app, 'shop-extra', { namespace: 'shop' }), 'orders', { image }));
    expect(error.path).toBe('shop-extra/orders');
    expect(error.message).toMatch(/ServiceAccount name 'orders' is already used by shop\/orders; give this construct another name \(at shop-extra\/orders\)/);
  });

  test('the same service in two charts of different namespaces, or in two apps, is fine', () => {
    const app = new App();
    new Microservice(new Chart(app, 'dev', { namespace: 'shop-dev' }), 'orders', { image });
    new Microservice(new Chart(app, 'prod', { namespace: 'shop-prod' }), 'orders', { image });
    new Microservice(new Chart(new App(), 'dev', { namespace: 'shop-dev' }), 'orders', { image });
  });

  test('an object of another chart that the library did not make, with the identity of a library object, at synth naming both', () => {
    const app = new App();
    const shop = new Chart(app, 'shop', { namespace: 'shop' });
    new Microservice(shop, 'orders', { image });
    const raw = new Chart(app, 'raw', { namespace: 'shop' });
    new ApiObject(raw, 'sa', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'orders' } });
    const error = validationErrorOf(() => synthObjects(shop));
    expect(error).toBeInstanceOf(SynthValidationError);
    expect(error.message).toMatch(/ServiceAccount orders \(at raw\/sa\) has the same kind, namespace and name as the object at shop\/orders\/ServiceAccount/);
  });

  test('objects of one name in different API groups are different objects', () => {
    const app = new App();
    const shop = new Chart(app, 'shop', { namespace: 'shop' });
    new Microservice(shop, 'orders', { image });
    const other = new Chart(app, 'other', { namespace: 'shop' });
    new ApiObject(other, 'sa', { apiVersion: 'example.com/v1', kind: 'ServiceAccount', metadata: { name: 'orders' } });
    expect(() => synthObjects(shop)).not.toThrow();
  });
});
