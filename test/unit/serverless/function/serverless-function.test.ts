import { Duration } from 'cdk8s';
import { ContainerImage, FunctionProtocol, FunctionVisibility, LabelKeys, Mesh, MeshProvider, Probe, ServerlessFunction } from '../../../../lib';
import { objectRole } from '../../../../lib/internal';
import { findObject, findObjects, synthObjects } from '../../../../lib/testing';
import { digestImage, newChart, validationErrorOf } from '../../../fixtures';

const knativeService = (objects: ReturnType<typeof synthObjects>) => findObjects(objects, { kind: 'Service' }).find((o) => o.apiVersion === 'serving.knative.dev/v1') as any;

describe('ServerlessFunction', () => {
  test('a Knative Service whose revision is named by content and scales to zero by default', () => {
    const chart = newChart();
    const fn = new ServerlessFunction(chart, 'resize', { image: digestImage() });
    const ksvc = knativeService(synthObjects(chart));
    const revision = fn.revisions[0];
    expect(revision.name).toBe(`resize-${revision.revisionId}`);
    expect(ksvc.metadata.labels['networking.knative.dev/visibility']).toBe('cluster-local');
    expect(ksvc.spec.template.metadata.name).toBe(revision.name);
    expect(ksvc.spec.template.metadata.labels[LabelKeys.REVISION]).toBe(revision.revisionId);
    expect(ksvc.spec.template.metadata.annotations).toEqual({ 'autoscaling.knative.dev/min-scale': '0' });
    expect(ksvc.spec.template.spec.containerConcurrency).toBe(0);
    expect(ksvc.spec.traffic).toEqual([{ revisionName: revision.name, latestRevision: false, percent: 100 }]);
  });

  test('the same input names the same revision; any change names a new one', () => {
    const name = (props: object) => new ServerlessFunction(newChart(), 'f', { image: digestImage(), ...props }).revisions[0].name;
    expect(name({})).toBe(name({}));
    expect(name({ env: { A: '1' } })).not.toBe(name({}));
    expect(name({ scaling: { maxScale: 3 } })).not.toBe(name({}));
    expect(name({ timeout: Duration.seconds(10) })).not.toBe(name({}));
    expect(name({ configs: [{ name: 'c', literals: { A: '1' } }] })).not.toBe(name({ configs: [{ name: 'c', literals: { A: '2' } }] }));
  });

  test('hardened pods within what Knative admits: container security context, no pod-level one, no affinity, writable /tmp', () => {
    const chart = newChart();
    new ServerlessFunction(chart, 'f', { image: digestImage() });
    const spec = knativeService(synthObjects(chart)).spec.template.spec;
    expect(spec.securityContext).toBeUndefined();
    expect(spec.affinity).toBeUndefined();
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      readOnlyRootFilesystem: true,
      runAsGroup: 10001,
      runAsNonRoot: true,
      runAsUser: 10001,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(spec.containers[0].ports).toEqual([{ name: 'http1', containerPort: 8080, protocol: 'TCP' }]);
    expect(spec.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }]);
    expect(spec.containers[0].resources.requests).toEqual({ 'cpu': '100m', 'memory': '128Mi', 'ephemeral-storage': '128Mi' });
  });

  test('autoscaling: bounds, target, hard limit, scale-down delay and request timeout', () => {
    const chart = newChart();
    new ServerlessFunction(chart, 'f', {
      image: digestImage(),
      scaling: { minScale: 1, maxScale: 20, targetRequestsPerSecond: 150, containerConcurrency: 50, scaleDownDelay: Duration.minutes(5) },
      timeout: Duration.seconds(45),
    });
    const template = knativeService(synthObjects(chart)).spec.template;
    expect(template.metadata.annotations).toEqual({
      'autoscaling.knative.dev/min-scale': '1',
      'autoscaling.knative.dev/max-scale': '20',
      'autoscaling.knative.dev/metric': 'rps',
      'autoscaling.knative.dev/target': '150',
      'autoscaling.knative.dev/scale-down-delay': '300s',
    });
    expect(template.spec.containerConcurrency).toBe(50);
    expect(template.spec.timeoutSeconds).toBe(45);
  });

  test('config and secrets are content-hashed immutable objects, shared by revisions with the same content', () => {
    const chart = newChart();
    const fn = new ServerlessFunction(chart, 'f', { image: digestImage(), configs: [{ name: 'settings', literals: { MODE: 'fast' } }], secrets: [{ name: 'keys', literals: { TOKEN: 't' }, mountPath: '/keys' }] });
    fn.addRevision('canary', { image: digestImage('ghcr.io/acme/app', 'b') });
    const objects = synthObjects(chart);
    const configMaps = findObjects(objects, { kind: 'ConfigMap' });
    expect(configMaps).toHaveLength(1);
    expect(configMaps[0]).toMatchObject({ immutable: true });
    expect(objectRole(configMaps[0])).toBe('revision');
    expect(findObjects(objects, { kind: 'Secret' })).toHaveLength(1);
    const container = knativeService(objects).spec.template.spec.containers[0];
    expect(container.envFrom).toEqual([{ configMapRef: { name: configMaps[0].metadata.name } }]);
    expect(container.volumeMounts).toContainEqual({ name: 'secret-keys', mountPath: '/keys', readOnly: true });
  });

  test('the Knative Service is a pointer, so a release updates it in place', () => {
    const chart = newChart();
    new ServerlessFunction(chart, 'f', { image: digestImage() });
    expect(objectRole(knativeService(synthObjects(chart)))).toBe('pointer');
  });

  test('the newest revision is the template; by default the first keeps 100% and the others get a 0% tag URL', () => {
    const chart = newChart();
    const fn = new ServerlessFunction(chart, 'f', { image: digestImage() });
    const canary = fn.addRevision('canary', { image: digestImage('ghcr.io/acme/app', 'b') });
    const ksvc = knativeService(synthObjects(chart));
    expect(ksvc.spec.template.metadata.name).toBe(canary.name);
    expect(ksvc.spec.traffic).toEqual([
      { revisionName: fn.revisions[0].name, latestRevision: false, percent: 100 },
      { revisionName: canary.name, latestRevision: false, percent: 0, tag: 'canary' },
    ]);
  });

  test('an 80/20 split with a tag URL each, pinned by revision name', () => {
    const chart = newChart();
    const fn = new ServerlessFunction(chart, 'f', { image: digestImage() });
    const canary = fn.addRevision('canary', { image: digestImage('ghcr.io/acme/app', 'b') });
    fn.setTraffic([{ revision: fn.revisions[0], percent: 80, tag: 'stable' }, { revision: canary, percent: 20, tag: 'canary' }]);
    expect(knativeService(synthObjects(chart)).spec.traffic).toEqual([
      { revisionName: fn.revisions[0].name, latestRevision: false, percent: 80, tag: 'stable' },
      { revisionName: canary.name, latestRevision: false, percent: 20, tag: 'canary' },
    ]);
  });

  test("'latest' follows the newest revision, on request only", () => {
    const chart = newChart();
    const fn = new ServerlessFunction(chart, 'f', { image: digestImage() });
    fn.setTraffic([{ revision: 'latest', percent: 100 }]);
    expect(knativeService(synthObjects(chart)).spec.traffic).toEqual([{ latestRevision: true, percent: 100 }]);
  });

  test('public visibility drops the cluster-local label; h2c names the port and admits the h2c queue port', () => {
    const chart = newChart();
    new ServerlessFunction(chart, 'f', { image: digestImage(), visibility: FunctionVisibility.PUBLIC, protocol: FunctionProtocol.H2C, port: 9000 });
    const objects = synthObjects(chart);
    const ksvc = knativeService(objects);
    expect(ksvc.metadata.labels['networking.knative.dev/visibility']).toBeUndefined();
    expect(ksvc.spec.template.spec.containers[0].ports).toEqual([{ name: 'h2c', containerPort: 9000, protocol: 'TCP' }]);
    const policy = findObject(objects, { kind: 'NetworkPolicy' }) as any;
    expect(policy.spec.ingress[0].ports.map((p: any) => p.port)).toEqual([8013, 9090]);
  });

  test('probes name the container port by number, as Knative requires', () => {
    const chart = newChart();
    new ServerlessFunction(chart, 'f', { image: digestImage(), readiness: Probe.http({ path: '/ready' }), liveness: Probe.tcp() });
    const container = knativeService(synthObjects(chart)).spec.template.spec.containers[0];
    expect(container.readinessProbe.httpGet).toEqual({ path: '/ready', port: 8080 });
    expect(container.livenessProbe.tcpSocket).toEqual({ port: 8080 });
  });

  test("the readiness probe carries Knative's defaults, so re-applying the same template is not a change Knative refuses", () => {
    const readiness = (props: object) => {
      const chart = newChart();
      new ServerlessFunction(chart, 'f', { image: digestImage(), ...props });
      return knativeService(synthObjects(chart)).spec.template.spec.containers[0].readinessProbe;
    };
    expect(readiness({})).toEqual({ tcpSocket: { port: 8080 }, successThreshold: 1 });
    expect(readiness({ readiness: Probe.http({ path: '/ready' }) })).toEqual({ httpGet: { path: '/ready', port: 8080 }, successThreshold: 1 });
    expect(readiness({ readiness: Probe.tcp({ period: Duration.seconds(5) }) })).toEqual({
      tcpSocket: { port: 8080 },
      periodSeconds: 5,
      failureThreshold: 3,
      timeoutSeconds: 1,
      successThreshold: 1,
    });
    expect(readiness({ readiness: Probe.tcp({ period: Duration.seconds(5), failureThreshold: 6, timeout: Duration.seconds(2) }) })).toMatchObject({
      failureThreshold: 6,
      timeoutSeconds: 2,
    });
  });

  test('the NetworkPolicy admits Knative and its ingress only, on the queue-proxy ports', () => {
    const chart = newChart();
    new ServerlessFunction(chart, 'f', { image: digestImage(), knative: { ingressNamespace: 'contour-internal' } });
    const policy = findObject(synthObjects(chart), { kind: 'NetworkPolicy' }) as any;
    expect(policy.spec.podSelector).toEqual({ matchLabels: { 'serving.knative.dev/service': 'f' } });
    expect(policy.spec.ingress[0].from.map((p: any) => p.namespaceSelector.matchLabels['kubernetes.io/metadata.name'])).toEqual(['knative-serving', 'contour-internal']);
  });

  test('a mutable tag is visible on the revision template', () => {
    const chart = newChart();
    new ServerlessFunction(chart, 'f', { image: ContainerImage.fromMutableTag('nginx:1.27') });
    expect(knativeService(synthObjects(chart)).spec.template.metadata.annotations['immutable-infra.dev/mutable-images']).toBe('f=nginx:1.27');
  });

  test('a digest is pulled only if the node lacks it; a mutable tag on every container start', () => {
    const pullPolicy = (image: ContainerImage | string) => {
      const chart = newChart();
      new ServerlessFunction(chart, 'f', { image });
      return knativeService(synthObjects(chart)).spec.template.spec.containers[0].imagePullPolicy;
    };
    expect(pullPolicy(digestImage())).toBe('IfNotPresent');
    expect(pullPolicy(ContainerImage.fromMutableTag('nginx:1.27'))).toBe('Always');
  });
});

describe('ServerlessFunction in a mesh', () => {
  test('Istio: injection on the template, an ALLOW policy for Knative and its ingress on the queue-proxy ports', () => {
    const chart = newChart();
    const mesh = new Mesh(chart, 'mesh', { provider: MeshProvider.istio() });
    new ServerlessFunction(chart, 'f', { image: digestImage(), mesh });
    const objects = synthObjects(chart);
    expect(knativeService(objects).spec.template.metadata.labels['sidecar.istio.io/inject']).toBe('true');
    expect(findObject(objects, { kind: 'AuthorizationPolicy', name: 'deny-by-default' })).toBeDefined();
    expect((findObject(objects, { kind: 'AuthorizationPolicy', name: 'f' }) as any).spec).toEqual({
      selector: { matchLabels: { 'serving.knative.dev/service': 'f' } },
      action: 'ALLOW',
      rules: [{ from: [{ source: { namespaces: ['knative-serving', 'istio-system'] } }], to: [{ operation: { ports: ['8012', '9090'] } }] }],
    });
  });

  test('Linkerd: injection annotations, deny Servers on the queue-proxy ports, Knative namespaces authorized', () => {
    const chart = newChart();
    const mesh = new Mesh(chart, 'mesh', { provider: MeshProvider.linkerd() });
    new ServerlessFunction(chart, 'f', { image: digestImage(), mesh });
    const objects = synthObjects(chart);
    expect(knativeService(objects).spec.template.metadata.annotations).toMatchObject({
      'linkerd.io/inject': 'enabled',
      'config.linkerd.io/default-inbound-policy': 'deny',
    });
    expect(findObjects(objects, { kind: 'Server' }).map((s: any) => [s.metadata.name, s.spec.port])).toEqual([['f-8012', 8012], ['f-9090', 9090]]);
    expect((findObject(objects, { kind: 'MeshTLSAuthentication' }) as any).spec.identityRefs).toEqual([
      { kind: 'Namespace', name: 'knative-serving' },
      { kind: 'Namespace', name: 'kourier-system' },
    ]);
    expect(findObjects(objects, { kind: 'AuthorizationPolicy' })).toHaveLength(2);
  });
});

describe('ServerlessFunction validation', () => {
  const fn = (props: object = {}) => new ServerlessFunction(newChart(), 'f', { image: digestImage(), ...props });

  test('fails when the image is not pinned by digest', () => {
    expect(validationErrorOf(() => fn({ image: 'ghcr.io/acme/app:1.2' })).message).toMatch(/^image .*digest.*\(at test\/f\/stable\)$/s);
  });

  test('fails when min scale is above max scale', () => {
    expect(validationErrorOf(() => fn({ scaling: { minScale: 5, maxScale: 2 } })).message).toBe(
      'scaling.minScale (5) is above scaling.maxScale (2), so the function could never scale; lower minScale or raise maxScale (at test/f/stable)',
    );
  });

  test('fails when concurrency is negative or not whole', () => {
    expect(validationErrorOf(() => fn({ scaling: { containerConcurrency: -1 } })).detail).toBe(
      'scaling.containerConcurrency must be a whole number from 0 to 1000, got -1',
    );
    expect(validationErrorOf(() => fn({ scaling: { containerConcurrency: 2.5 } })).detail).toBe(
      'scaling.containerConcurrency must be a whole number from 0 to 1000, got 2.5',
    );
    expect(validationErrorOf(() => fn({ scaling: { targetConcurrency: -3 } })).detail).toBe(
      'scaling.targetConcurrency must be a number ≥ 0.01 with at most two decimals, got -3',
    );
  });

  test('fails when the soft target is above the hard limit, or both targets are set', () => {
    expect(validationErrorOf(() => fn({ scaling: { targetConcurrency: 20, containerConcurrency: 10 } })).detail).toMatch(/above the hard limit/);
    expect(validationErrorOf(() => fn({ scaling: { targetConcurrency: 2, targetRequestsPerSecond: 2 } })).detail).toMatch(/both targetConcurrency and targetRequestsPerSecond/);
  });

  test('fails when a delay or timeout is not whole seconds in range', () => {
    expect(validationErrorOf(() => fn({ scaling: { scaleDownDelay: Duration.millis(1500) } })).detail).toBe(
      'scaling.scaleDownDelay must be whole seconds from 1s to 3600s, got 1500ms',
    );
    expect(validationErrorOf(() => fn({ timeout: Duration.minutes(11) })).detail).toBe('timeout must be whole seconds from 1s to 600s, got 660000ms');
  });

  test('fails when the port is one the queue-proxy takes', () => {
    expect(validationErrorOf(() => fn({ port: 8012 })).detail).toMatch(/^port must be 1-65535 and not one Knative's queue-proxy takes .* got 8012/);
  });

  test("resources given as undefined take their defaults (they failed with got 'undefined')", () => {
    const chart = newChart();
    new ServerlessFunction(chart, 'f', { image: digestImage(), resources: { cpuRequest: undefined, cpuLimit: '1', memoryLimit: undefined } });
    const resources = knativeService(synthObjects(chart)).spec.template.spec.containers[0].resources;
    expect([resources.requests.cpu, resources.limits.cpu, resources.limits.memory]).toEqual(['100m', '1', '256Mi']);
  });

  test("fails when the protocol is not a FunctionProtocol (from JavaScript), which Knative would refuse as the container port's name", () => {
    const error = validationErrorOf(() => fn({ protocol: 'http3' }));
    expect(error.path).toBe('test/f');
    expect(error.detail).toBe("protocol must be one of http1, h2c (FunctionProtocol), got 'http3'");
  });

  test('fails when the visibility is not a FunctionVisibility (from JavaScript), which made the function public', () => {
    const error = validationErrorOf(() => fn({ visibility: 'internal' }));
    expect(error.path).toBe('test/f');
    expect(error.detail).toBe("visibility must be one of cluster-local, public (FunctionVisibility), got 'internal'");
  });

  test('fails when a capability other than NET_BIND_SERVICE is added', () => {
    expect(validationErrorOf(() => fn({ security: { capabilitiesAdd: ['SYS_ADMIN'] } })).detail).toMatch(/SYS_ADMIN, which Knative refuses/);
    expect(() => fn({ security: { capabilitiesAdd: ['NET_BIND_SERVICE'] } })).not.toThrow();
  });

  test('fails when a revision is identical to a live one', () => {
    const f = fn();
    expect(validationErrorOf(() => f.addRevision('again', {})).detail).toMatch(/^revision 'again' is identical to revision 'stable'/);
  });

  describe('traffic', () => {
    const twoRevisions = () => {
      const f = fn();
      return { f, stable: f.revisions[0], canary: f.addRevision('canary', { image: digestImage('ghcr.io/acme/app', 'b') }) };
    };

    test('fails when percents do not sum to 100, naming the revisions', () => {
      const { f, stable, canary } = twoRevisions();
      const error = validationErrorOf(() => f.setTraffic([{ revision: stable, percent: 80 }, { revision: canary, percent: 10 }]));
      expect(error.message).toBe(
        `traffic percents must sum to 100, got 90 (revision 'stable' (${stable.name}) 80%, revision 'canary' (${canary.name}) 10%); ` +
          'adjust them so they add up to 100 (at test/f)',
      );
    });

    test('fails when a tag is used twice', () => {
      const { f, stable, canary } = twoRevisions();
      expect(validationErrorOf(() => f.setTraffic([{ revision: stable, percent: 50, tag: 'v' }, { revision: canary, percent: 50, tag: 'v' }])).detail).toBe(
        `traffic tag 'v' is used by revision 'stable' (${stable.name}) and revision 'canary' (${canary.name}); give each target its own tag`,
      );
    });

    test('fails when a percent is not whole or out of range, or there are no targets', () => {
      const { f, stable, canary } = twoRevisions();
      expect(validationErrorOf(() => f.setTraffic([{ revision: stable, percent: 99.5 }, { revision: canary, percent: 0.5 }])).detail).toMatch(/must be a whole number from 0 to 100, got 99.5/);
      expect(validationErrorOf(() => f.setTraffic([])).detail).toBe('traffic has no targets; give at least one revision with percent 100');
    });

    test('fails when a tag is not a DNS label or makes the host label too long', () => {
      const { f, stable } = twoRevisions();
      expect(validationErrorOf(() => f.setTraffic([{ revision: stable, percent: 100, tag: 'Canary' }])).detail).toMatch(/tag of revision 'stable'.*got 'Canary'/);
      expect(validationErrorOf(() => f.setTraffic([{ revision: stable, percent: 100, tag: 'x'.repeat(62) }])).detail).toMatch(/longer than 63; use a shorter tag/);
    });

    test("fails when a target is another function's revision or listed twice untagged", () => {
      const { f, stable } = twoRevisions();
      const other = new ServerlessFunction(newChart('other'), 'g', { image: digestImage() });
      expect(validationErrorOf(() => f.setTraffic([{ revision: other.revisions[0], percent: 100 }])).detail).toMatch(/of function g; a function routes to its own revisions only$/);
      expect(validationErrorOf(() => f.setTraffic([{ revision: stable, percent: 50 }, { revision: stable, percent: 50 }])).detail).toMatch(/twice without a tag/);
    });
  });

  test('fails when the name is too long for revision names', () => {
    expect(validationErrorOf(() => new ServerlessFunction(newChart(), 'f', { image: digestImage(), name: 'a'.repeat(42) })).detail).toMatch(/^name must be 1-41/);
  });
});
