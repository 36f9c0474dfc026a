import { Duration } from 'cdk8s';
import { ContainerImage, LabelKeys, Microservice, MicroserviceProps, Probe } from '../../../lib';
import { findObject, findObjects, synthObjects } from '../../../lib/testing';
import { digestImage, newChart } from '../../fixtures';

const base: MicroserviceProps = { image: digestImage(), ports: [{ port: 8080 }] };

function synthService(props: Partial<MicroserviceProps> = {}) {
  const chart = newChart();
  const service = new Microservice(chart, 'orders', { ...base, ...props });
  return { service, objects: synthObjects(chart) };
}

const spec = (o: Record<string, any>) => o.spec as any;
const podSpec = (o: Record<string, any>) => spec(o).template.spec as any;

describe('Microservice', () => {
  test('makes a revision Deployment, a stable Service and a ServiceAccount without token automount', () => {
    const { service, objects } = synthService();
    const revision = service.revisions[0];
    expect(revision.name).toBe(`orders-${revision.revisionId}`);
    expect(revision.revisionId).toMatch(/^[0-9a-f]{10}$/);

    const deployment = findObject(objects, { kind: 'Deployment', name: revision.name });
    expect(deployment.metadata.labels).toEqual({
      'app.kubernetes.io/name': 'orders',
      'app.kubernetes.io/part-of': 'test',
      'app.kubernetes.io/managed-by': 'immutable-infra',
      'immutable-infra.dev/revision': revision.revisionId,
    });
    expect(spec(deployment).selector.matchLabels).toEqual({
      'app.kubernetes.io/name': 'orders',
      'immutable-infra.dev/revision': revision.revisionId,
    });
    expect(spec(deployment).replicas).toBe(1);
    expect(podSpec(deployment).serviceAccountName).toBe('orders');
    expect(podSpec(deployment).automountServiceAccountToken).toBe(false);

    const svc = findObject(objects, { kind: 'Service', name: 'orders' });
    expect(spec(svc).ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP', targetPort: 'http' }]);
    // The one live revision is selected: revisions a deploy keeps for a rollback take no traffic.
    expect(spec(svc).selector[LabelKeys.REVISION]).toBe(revision.revisionId);

    const account = findObject(objects, { kind: 'ServiceAccount', name: 'orders' });
    expect(account.automountServiceAccountToken).toBe(false);
    expect(objects.every((o) => o.metadata.namespace === 'test')).toBe(true);
  });

  test('a worker without ports has no Service and no default readiness probe', () => {
    const { objects } = synthService({ ports: undefined });
    expect(findObjects(objects, { kind: 'Service' })).toHaveLength(0);
    const deployment = findObject(objects, { kind: 'Deployment' });
    expect(podSpec(deployment).containers[0].readinessProbe).toBeUndefined();
  });

  test('secure defaults: non-root, read-only root FS with a writable /tmp, no escalation, drop ALL, RuntimeDefault', () => {
    const { objects } = synthService();
    const pod = podSpec(findObject(objects, { kind: 'Deployment' }));
    const container = pod.containers[0];
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsGroup: 10001,
      runAsNonRoot: true,
      runAsUser: 10001,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp', readOnly: false });
    expect(pod.volumes).toContainEqual({ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } });
    expect(container.resources).toEqual({
      requests: { 'cpu': '100m', 'memory': '128Mi', 'ephemeral-storage': '128Mi' },
      limits: { 'cpu': '500m', 'memory': '256Mi', 'ephemeral-storage': '1Gi' },
    });
    expect(container.readinessProbe).toEqual({ tcpSocket: { port: 'http' } });
  });

  test('each security default can be overridden by a typed prop', () => {
    const { objects } = synthService({
      security: { readOnlyRootFilesystem: false, runAsUser: 2000, capabilitiesAdd: ['NET_BIND_SERVICE'], seccompProfile: 'Unconfined' },
    });
    const container = podSpec(findObject(objects, { kind: 'Deployment' })).containers[0];
    expect(container.securityContext.readOnlyRootFilesystem).toBe(false);
    expect(container.securityContext.runAsUser).toBe(2000);
    expect(container.securityContext.capabilities).toEqual({ drop: ['ALL'], add: ['NET_BIND_SERVICE'] });
    expect(container.securityContext.seccompProfile).toEqual({ type: 'Unconfined' });
    expect(container.volumeMounts).toBeUndefined();
  });

  test('config becomes an immutable, content-named ConfigMap exposed as env or files', () => {
    const { objects } = synthService({
      configs: [
        { name: 'settings', literals: { LOG_LEVEL: 'info' } },
        { name: 'nginx', literals: { 'nginx.conf': 'worker_processes 1;' }, mountPath: '/etc/nginx' },
      ],
    });
    const maps = findObjects(objects, { kind: 'ConfigMap' });
    expect(maps.map((m) => m.metadata.name)).toEqual([
      expect.stringMatching(/^orders-settings-[0-9a-f]{10}$/),
      expect.stringMatching(/^orders-nginx-[0-9a-f]{10}$/),
    ]);
    expect(maps.every((m) => m.immutable === true)).toBe(true);
    const pod = podSpec(findObject(objects, { kind: 'Deployment' }));
    expect(pod.containers[0].envFrom).toEqual([{ configMapRef: { name: maps[0].metadata.name } }]);
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'config-nginx', mountPath: '/etc/nginx', readOnly: true });
    expect(pod.volumes).toContainEqual({ name: 'config-nginx', configMap: { name: maps[1].metadata.name } });
  });

  test('a config file key named like a member of every JavaScript object (toString) is read, not taken for a literal', () => {
    const { objects } = synthService({ configs: [{ name: 'settings', files: { toString: __filename }, mountPath: '/etc/settings' }] });
    expect(Object.keys(findObject(objects, { kind: 'ConfigMap' }).data as object)).toEqual(['toString']);
  });

  test('secrets become immutable, content-named Secrets; existing Secrets are referenced by name', () => {
    const { objects } = synthService({
      secrets: [{ name: 'db', literals: { password: 's3cret' }, mountPath: '/var/run/secrets/db' }],
      existingSecrets: [{ secretName: 'platform-tls' }],
    });
    const secret = findObject(objects, { kind: 'Secret' });
    expect(secret.metadata.name).toMatch(/^orders-db-[0-9a-f]{10}$/);
    expect(secret.immutable).toBe(true);
    expect(secret.type).toBe('Opaque');
    expect(secret.data).toEqual({ password: Buffer.from('s3cret').toString('base64') });
    const pod = podSpec(findObject(objects, { kind: 'Deployment' }));
    expect(pod.volumes).toContainEqual({ name: 'secret-db', secret: { secretName: secret.metadata.name } });
    expect(pod.containers[0].envFrom).toEqual([{ secretRef: { name: 'platform-tls' } }]);
  });

  test('an existing Secret whose name is a DNS subdomain (dots, over 63 characters) mounts under a DNS-label volume name', () => {
    const long = `${'x'.repeat(60)}.example.com`;
    const { objects } = synthService({
      existingSecrets: [{ secretName: 'api-key.v2', mountPath: '/etc/api-key' }, { secretName: long, mountPath: '/etc/long' }, { secretName: 'platform-tls', mountPath: '/etc/tls' }],
    });
    const pod = podSpec(findObject(objects, { kind: 'Deployment' }));
    const volumes = pod.volumes.filter((v: any) => v.secret !== undefined);
    expect(volumes.map((v: any) => v.secret.secretName)).toEqual(['api-key.v2', long, 'platform-tls']);
    expect(volumes.map((v: any) => v.name)).toEqual([expect.stringMatching(/^secret-api-key-v2-[0-9a-f]{10}$/), expect.stringMatching(/^secret-x+-[0-9a-f]{10}$/), 'secret-platform-tls']);
    for (const volume of volumes) {
      expect(volume.name.length).toBeLessThanOrEqual(63);
    }
    expect(pod.containers[0].volumeMounts.map((m: any) => m.name)).toEqual(['tmp', ...volumes.map((v: any) => v.name)]);
  });

  test('a secret source and an existing Secret of the same name both mount, under volumes of distinct names', () => {
    const { objects } = synthService({
      secrets: [{ name: 'db', literals: { password: 's3cret' }, mountPath: '/etc/db' }],
      existingSecrets: [{ secretName: 'db', mountPath: '/etc/db-existing' }],
    });
    const pod = podSpec(findObject(objects, { kind: 'Deployment' }));
    const secret = findObject(objects, { kind: 'Secret' });
    expect(pod.volumes.filter((v: any) => v.secret !== undefined)).toEqual([
      { name: 'secret-db', secret: { secretName: secret.metadata.name } },
      { name: expect.stringMatching(/^secret-db-[0-9a-f]{10}$/), secret: { secretName: 'db' } },
    ]);
    expect(pod.containers[0].volumeMounts.map((m: any) => m.name)).toEqual(pod.volumes.map((v: any) => v.name));
  });

  test('changing only the Service port (not the container port) makes a new revision: its own Service copies the ports', () => {
    const revision = (port: number) =>
      new Microservice(newChart(), 'orders', { image: digestImage(), ports: [{ port, containerPort: 8080 }] }).revisions[0].revisionId;
    expect(revision(80)).toBe(revision(80));
    expect(revision(81)).not.toBe(revision(80));
  });

  test('changing one byte of config makes a new revision and new names; the old objects stay as they were; the Service selector moves', () => {
    const before = synthService({ configs: [{ name: 'settings', literals: { LOG_LEVEL: 'info' } }] });
    const after = synthService({ configs: [{ name: 'settings', literals: { LOG_LEVEL: 'infO' } }] });
    expect(after.service.revisions[0].revisionId).not.toBe(before.service.revisions[0].revisionId);
    const names = (objects: typeof before.objects, kind: string) => findObjects(objects, { kind }).map((o) => o.metadata.name);
    expect(names(after.objects, 'ConfigMap')).not.toEqual(names(before.objects, 'ConfigMap'));
    expect(names(after.objects, 'Deployment')).not.toEqual(names(before.objects, 'Deployment'));
    const selector = (objects: typeof before.objects) => spec(findObject(objects, { kind: 'Service' })).selector;
    expect(selector(before.objects)[LabelKeys.REVISION]).toBe(before.service.revisions[0].revisionId);
    expect(selector(after.objects)[LabelKeys.REVISION]).toBe(after.service.revisions[0].revisionId);
    const withoutRevision = ({ [LabelKeys.REVISION]: _, ...rest }: Record<string, string>) => rest;
    expect(withoutRevision(selector(after.objects))).toEqual(withoutRevision(selector(before.objects)));
  });

  test('the Service selects every live revision when there are several', () => {
    const chart = newChart();
    const orders = new Microservice(chart, 'orders', base);
    orders.addRevision('canary', { image: digestImage('ghcr.io/acme/app', 'b') });
    expect(spec(findObject(synthObjects(chart), { kind: 'Service' })).selector[LabelKeys.REVISION]).toBeUndefined();
  });

  test('an existing Secret reference is part of the revision identity', () => {
    const a = synthService({ existingSecrets: [{ secretName: 'creds-v1' }] }).service.revisions[0].revisionId;
    const b = synthService({ existingSecrets: [{ secretName: 'creds-v2' }] }).service.revisions[0].revisionId;
    expect(a).not.toBe(b);
  });

  test('replicas are not part of the revision identity: scaling does not restart pods', () => {
    const one = synthService({ replicas: 1 }).service.revisions[0];
    const three = synthService({ replicas: 3 }).service.revisions[0];
    expect(three.revisionId).toBe(one.revisionId);
  });

  test('a PodDisruptionBudget is made only when a revision has more than one replica', () => {
    expect(findObjects(synthService({ replicas: 1 }).objects, { kind: 'PodDisruptionBudget' })).toHaveLength(0);
    const { service, objects } = synthService({ replicas: 3 });
    const pdb = findObject(objects, { kind: 'PodDisruptionBudget' });
    expect(pdb.metadata.name).toBe(service.revisions[0].name);
    expect(spec(pdb)).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'orders', 'immutable-infra.dev/revision': service.revisions[0].revisionId } },
    });
  });

  test('autoscaling makes an autoscaling/v2 HPA on the revision, CPU and memory targets, no fixed replicas', () => {
    const { service, objects } = synthService({
      autoscaling: { minReplicas: 2, maxReplicas: 10, cpuUtilizationPercent: 60, memoryUtilizationPercent: 75 },
    });
    const name = service.revisions[0].name;
    const hpa = findObject(objects, { kind: 'HorizontalPodAutoscaler' });
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(spec(hpa)).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
        { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 75 } } },
      ],
    });
    expect(spec(findObject(objects, { kind: 'Deployment' })).replicas).toBeUndefined();
    expect(findObjects(objects, { kind: 'PodDisruptionBudget' })).toHaveLength(1);
  });

  test('an autoscaled revision that may scale out gets a PodDisruptionBudget even when it may shrink to one pod; one capped at one pod gets none', () => {
    const { service, objects } = synthService({ autoscaling: { minReplicas: 1, maxReplicas: 3 } });
    expect(spec(findObject(objects, { kind: 'PodDisruptionBudget' }))).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'orders', 'immutable-infra.dev/revision': service.revisions[0].revisionId } },
    });
    expect(findObjects(synthService({ autoscaling: { minReplicas: 1, maxReplicas: 1 } }).objects, { kind: 'PodDisruptionBudget' })).toHaveLength(0);
  });

  test('autoscaling defaults to a 70% CPU target', () => {
    const { objects } = synthService({ autoscaling: { minReplicas: 1, maxReplicas: 3 } });
    expect(spec(findObject(objects, { kind: 'HorizontalPodAutoscaler' })).metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
    ]);
  });

  test('HTTP, TCP and exec probes for startup, readiness and liveness', () => {
    const { objects } = synthService({
      ports: [{ port: 80, containerPort: 8080 }, { name: 'admin', port: 9090 }],
      startup: Probe.exec({ command: ['/bin/ready'], failureThreshold: 30 }),
      readiness: Probe.http({ path: '/ready', port: 'admin', period: Duration.seconds(5) }),
      liveness: Probe.tcp({ port: 8080, initialDelay: Duration.seconds(10), timeout: Duration.seconds(2) }),
    });
    const container = podSpec(findObject(objects, { kind: 'Deployment' })).containers[0];
    expect(container.startupProbe).toEqual({ exec: { command: ['/bin/ready'] }, failureThreshold: 30 });
    expect(container.readinessProbe).toEqual({ httpGet: { path: '/ready', port: 'admin' }, periodSeconds: 5 });
    expect(container.livenessProbe).toEqual({ tcpSocket: { port: 'http' }, initialDelaySeconds: 10, timeoutSeconds: 2 });
    expect(container.ports).toEqual([
      { name: 'http', containerPort: 8080, protocol: 'TCP' },
      { name: 'admin', containerPort: 9090, protocol: 'TCP' },
    ]);
  });

  test('a mutable tag is accepted only by explicit opt-out, which is annotated in the output', () => {
    const { objects } = synthService({ image: ContainerImage.fromMutableTag('nginx:1.27') });
    const deployment = findObject(objects, { kind: 'Deployment' });
    expect(deployment.metadata.annotations).toEqual({ 'immutable-infra.dev/mutable-images': 'orders=nginx:1.27' });
    expect(spec(deployment).template.metadata.annotations).toEqual({ 'immutable-infra.dev/mutable-images': 'orders=nginx:1.27' });
  });

  test('a digest is pulled only if the node lacks it; a mutable tag on every container start, so no node keeps a stale build of the tag', () => {
    const pullPolicy = (image: MicroserviceProps['image']) => podSpec(findObject(synthService({ image }).objects, { kind: 'Deployment' })).containers[0].imagePullPolicy;
    expect(pullPolicy(digestImage())).toBe('IfNotPresent');
    expect(pullPolicy(ContainerImage.fromMutableTag('nginx:1.27'))).toBe('Always');
  });

  test('env vars are sorted by name so output is stable', () => {
    const { objects } = synthService({ env: { ZED: '1', ALPHA: '2' } });
    expect(podSpec(findObject(objects, { kind: 'Deployment' })).containers[0].env).toEqual([
      { name: 'ALPHA', value: '2' },
      { name: 'ZED', value: '1' },
    ]);
  });

  test('declared dependencies are kept in order', () => {
    const chart = newChart();
    const payments = new Microservice(chart, 'payments', base);
    const cart = new Microservice(chart, 'cart', base);
    const orders = new Microservice(chart, 'orders', { ...base, dependencies: [payments] });
    orders.addDependency(cart);
    expect(orders.dependencies.map((d) => d.serviceName)).toEqual(['payments', 'cart']);
  });
});

describe('Microservice revisions', () => {
  test('a second live revision gets its own Deployment; the Service spans both (replica-weighted split)', () => {
    const chart = newChart();
    const orders = new Microservice(chart, 'orders', { ...base, replicas: 3 });
    const canary = orders.addRevision('canary', { image: digestImage('ghcr.io/acme/app', 'b'), replicas: 1 });
    const objects = synthObjects(chart);
    const deployments = findObjects(objects, { kind: 'Deployment' });
    expect(deployments.map((d) => d.metadata.name)).toEqual([orders.revisions[0].name, canary.name]);
    expect(deployments.map((d) => spec(d).replicas)).toEqual([3, 1]);
    expect(canary.track).toBe('canary');
    expect(orders.revisions.map((r) => r.track)).toEqual(['stable', 'canary']);
    const selector = spec(findObject(objects, { kind: 'Service' })).selector;
    for (const deployment of deployments) {
      const podLabels = spec(deployment).template.metadata.labels;
      expect(Object.entries(selector).every(([k, v]) => podLabels[k] === v)).toBe(true);
    }
  });

  test('a fixed-size canary of an autoscaled service runs its own replicas and no autoscaler', () => {
    const chart = newChart();
    const orders = new Microservice(chart, 'orders', { ...base, autoscaling: { minReplicas: 3, maxReplicas: 9 } });
    const canary = orders.addRevision('canary', { image: digestImage('ghcr.io/acme/app', 'b'), replicas: 1 });
    const objects = synthObjects(chart);
    expect(spec(findObject(objects, { kind: 'Deployment', name: canary.name })).replicas).toBe(1);
    expect(findObjects(objects, { kind: 'HorizontalPodAutoscaler' }).map((h) => h.metadata.name)).toEqual([orders.revisions[0].name]);
  });

  test('revisions with the same config share one ConfigMap', () => {
    const chart = newChart();
    const orders = new Microservice(chart, 'orders', { ...base, configs: [{ name: 'settings', literals: { A: '1' } }] });
    orders.addRevision('canary', { image: digestImage('ghcr.io/acme/app', 'b') });
    expect(findObjects(synthObjects(chart), { kind: 'ConfigMap' })).toHaveLength(1);
  });

  test('a revision with its own config gets its own ConfigMap; the stable one is untouched', () => {
    const chart = newChart();
    const orders = new Microservice(chart, 'orders', { ...base, configs: [{ name: 'settings', literals: { A: '1' } }] });
    const stableOnly = synthObjects(newChartWith({ ...base, configs: [{ name: 'settings', literals: { A: '1' } }] }));
    orders.addRevision('canary', { configs: [{ name: 'settings', literals: { A: '2' } }] });
    const objects = synthObjects(chart);
    expect(findObjects(objects, { kind: 'ConfigMap' })).toHaveLength(2);
    // The Service is a pointer: with two revisions it selects both.
    for (const object of stableOnly.filter((o) => o.kind !== 'Service')) {
      expect(objects).toContainEqual(object);
    }
  });
});

function newChartWith(props: MicroserviceProps) {
  const chart = newChart();
  new Microservice(chart, 'orders', props);
  return chart;
}
