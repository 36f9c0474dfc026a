import { App, Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import { HelloServiceChart } from '../../../examples/hello-service';
import { MESH_SCENARIOS, MeshTrafficChart } from '../../../examples/mesh-traffic';
import { TwoRevisionsChart } from '../../../examples/two-revisions';
import { ContainerImage, Mesh, MeshProvider, Microservice, Probe } from '../../../lib';
import { canonicalJson } from '../../../lib/internal';
import * as podTemplate from '../../../lib/workload/pod-template';
import { podTemplateJson } from '../../../lib/workload/pod-template-json';
import { everyContentAddressedKind } from '../../escape-hatch-stack';
import { digestImage, newChart } from '../../fixtures';
import { podPropsShape, ports, withDefect } from '../../property/workload-generators';

/** The pod templates the library builds while `build` runs. */
function templatesBuiltBy(build: () => void): k8s.PodTemplateSpec[] {
  const spy = jest.spyOn(podTemplate, 'buildPodTemplate');
  try {
    build();
    return spy.mock.results.filter((r) => r.type === 'return').map((r) => r.value as k8s.PodTemplateSpec);
  } finally {
    spy.mockRestore();
  }
}

/** Converts a template, failing if it went through the generated converter. */
function convertedInOnePass(template: k8s.PodTemplateSpec): unknown {
  const generated = jest.spyOn(k8s, 'toJson_PodTemplateSpec');
  try {
    const json = podTemplateJson(template);
    expect(generated).not.toHaveBeenCalled();
    return json;
  } finally {
    generated.mockRestore();
  }
}

/** Expects the one-pass conversion to be the generated converter's, for the revision id's canonical JSON byte for byte. */
function expectSameAsGenerated(template: k8s.PodTemplateSpec): void {
  const generated = k8s.toJson_PodTemplateSpec(template);
  const json = convertedInOnePass(template);
  expect(json).toEqual(generated);
  expect(canonicalJson(json)).toBe(canonicalJson(generated));
}

describe('podTemplateJson (the pod template in a revision id)', () => {
  test('is the generated converter\'s JSON for every pod template of the examples, converted in one pass', () => {
    const templates = templatesBuiltBy(() => {
      new HelloServiceChart(new App(), 'hello');
      new TwoRevisionsChart(new App(), 'two');
      for (const scenario of MESH_SCENARIOS) {
        new MeshTrafficChart(new App(), `mesh-${scenario}`, { mesh: 'istio', scenario });
      }
      everyContentAddressedKind();
    });
    expect(templates.length).toBeGreaterThan(10);
    templates.forEach(expectSameAsGenerated);
  });

  test('is the generated converter\'s JSON for the pod templates of generated services', () => {
    const service = ports.valid.chain((declared) => fc.record({
      declared: fc.constant(declared),
      pod: withDefect(podPropsShape(declared), 0),
      podLabels: fc.option(fc.dictionary(fc.constantFrom('team', 'example.com/tier', 'a_b.c'), fc.constantFrom('orders', '', 'v1.2')), { nil: undefined }),
      mesh: fc.constantFrom(undefined, 'istio' as const, 'linkerd' as const),
    }));
    fc.assert(fc.property(service, ({ declared, pod, podLabels, mesh }) => {
      const templates = templatesBuiltBy(() => {
        const chart = newChart();
        const provider = mesh === 'istio' ? MeshProvider.istio() : mesh === 'linkerd' ? MeshProvider.linkerd() : undefined;
        new Microservice(chart, 'orders', {
          ...pod,
          image: pod.image ?? digestImage(),
          ports: declared,
          podLabels,
          mesh: provider === undefined ? undefined : new Mesh(chart, 'mesh', { provider }),
        });
      });
      expect(templates).toHaveLength(1);
      templates.forEach(expectSameAsGenerated);
    }), { numRuns: 150 });
  });

  test('a template with every field it converts itself is the generated converter\'s JSON', () => {
    const probe = (port: k8s.IntOrString): k8s.Probe => ({
      initialDelaySeconds: 1, periodSeconds: 2, timeoutSeconds: 3, failureThreshold: 4, successThreshold: 1, terminationGracePeriodSeconds: 5,
      httpGet: { path: '/healthz', scheme: 'HTTPS', host: 'localhost', port },
      tcpSocket: { host: 'localhost', port },
      exec: { command: ['/bin/check', '--fast'] },
    });
    const seccompProfile = { type: 'Localhost', localhostProfile: 'profiles/app.json' };
    const keyToPath = { key: 'app.conf', path: 'conf/app.conf', mode: 0o400 };
    expectSameAsGenerated({
      metadata: { name: 'pod', namespace: 'shop', labels: { app: 'orders', gone: undefined as unknown as string }, annotations: { note: 'x' } },
      spec: {
        serviceAccountName: 'orders',
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile },
        affinity: {
          podAntiAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [{
              weight: 100,
              podAffinityTerm: { labelSelector: { matchLabels: { app: 'orders' } }, topologyKey: 'kubernetes.io/hostname' },
            }],
          },
        },
        containers: [{
          name: 'orders',
          image: digestImage(),
          imagePullPolicy: 'IfNotPresent',
          workingDir: '/app',
          command: ['node'],
          args: ['server.js', ''],
          env: [
            { name: 'A', value: '1' },
            { name: 'B', valueFrom: { secretKeyRef: { name: 's', key: 'k', optional: true } } },
            { name: 'C', valueFrom: { configMapKeyRef: { name: 'c', key: 'k', optional: false } } },
          ],
          envFrom: [{ prefix: 'P_', configMapRef: { name: 'c', optional: true } }, { secretRef: { name: 's', optional: false } }],
          ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
          resources: {
            limits: { cpu: k8s.Quantity.fromString('500m'), memory: k8s.Quantity.fromNumber(256), none: undefined as unknown as k8s.Quantity },
            requests: { cpu: k8s.Quantity.fromString('100m') },
          },
          securityContext: {
            allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 1, runAsGroup: 1,
            capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] },
            seccompProfile,
          },
          readinessProbe: probe(k8s.IntOrString.fromString('http')),
          livenessProbe: probe(k8s.IntOrString.fromNumber(8080)),
          startupProbe: probe(k8s.IntOrString.fromString('http')),
          volumeMounts: [{ name: 'tmp', mountPath: '/tmp', readOnly: false, subPath: 'x' }],
        }],
        volumes: [
          { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('64Mi') } },
          { name: 'config', configMap: { name: 'c', defaultMode: 0o400, optional: false, items: [keyToPath] } },
          { name: 'secret', secret: { secretName: 's', defaultMode: 0o400, optional: true, items: [keyToPath] } },
        ],
      },
    });
  });

  test.each<[string, k8s.PodTemplateSpec]>([
    ['a field it does not convert itself', { spec: { containers: [{ name: 'a', image: 'x' }], restartPolicy: 'Always' } }],
    ['a field the converter renames', { spec: { containers: [], hostIpc: true } }],
    ['a key that is no field (the converter drops it)', { spec: { containers: [], extra: 1 } as k8s.PodSpec }],
    ['a list of strings given as null (the converter drops it)', { spec: { containers: [{ name: 'a', command: null as unknown as string[] }] } }],
    ['a list of containers given as null (the converter drops it)', { spec: { containers: null as unknown as k8s.Container[] } }],
    ['a class instance where a struct goes', { spec: { containers: [new (class { public readonly name = 'a'; })()] } }],
    ['a quantity map with a __proto__ key', { spec: { containers: [{ name: 'a', resources: { limits: JSON.parse('{"__proto__":{"value":"1"}}') } }] } }],
  ])('with %s, it is what the generated converter makes of it', (_, template) => {
    const json = podTemplateJson(template);
    expect(canonicalJson(json)).toBe(canonicalJson(k8s.toJson_PodTemplateSpec(template)));
    expect(json).toEqual(k8s.toJson_PodTemplateSpec(template));
  });

  test('a revision id still changes with one byte of its pod template, and stays for the same template', () => {
    const idOf = (args: string[], image: ContainerImage | string = digestImage()) => new Microservice(newChart(), 'orders', {
      image,
      args,
      ports: [{ port: 8080 }],
      readiness: Probe.http({ path: '/healthz', period: Duration.seconds(10) }),
    }).revisions[0].revisionId;
    expect(idOf(['--port', '8080'])).toBe(idOf(['--port', '8080']));
    expect(idOf(['--port', '8080'])).not.toBe(idOf(['--port', '8081']));
    expect(idOf(['--port', '8080'])).not.toBe(idOf(['--port', '8080'], digestImage('ghcr.io/acme/app', 'b')));
  });
});

