import { Duration } from 'cdk8s';
import { Manifest, MicroserviceProps, planRelease, Probe, RestartReason } from '../../../lib';
import { API_PROPS, apiService, objectOf } from './plan-fixtures';

/** The reasons the one restarted revision of `api` gives, going from `before` to `after` props. */
function reasons(
  before: Partial<MicroserviceProps>,
  after: Partial<MicroserviceProps>,
  options: { meshBefore?: boolean; meshAfter?: boolean } = {},
): RestartReason[] {
  const plan = planRelease(apiService(before, { mesh: options.meshBefore }), apiService(after, { mesh: options.meshAfter }));
  expect(plan.restarts).toHaveLength(1);
  expect(plan.restarts[0].started).toHaveLength(1);
  return [...plan.restarts[0].started[0].reasons];
}
const messages = (list: readonly RestartReason[]) => list.map((r) => r.message);

describe('restart reasons', () => {
  test('env vars added, removed and changed, by name (values never shown)', () => {
    const found = reasons({ env: { A: '1', B: '2', SECRET_ISH: 'x' } }, { env: { A: '1', B: '3', C: '4' } });
    expect(found).toEqual([{ kind: 'env', container: 'api', message: 'env changed: api: B (changed), C (added), SECRET_ISH (removed)' }]);
  });

  test('a Secret\'s content: the secret by its logical name, both object names', () => {
    const secrets = (url: string) => [{ name: 'db', literals: { url }, mountPath: '/var/run/secrets/db' }];
    const found = reasons({ secrets: secrets('postgres://a') }, { secrets: secrets('postgres://b') });
    expect(found).toHaveLength(1);
    expect(found[0].kind).toBe('config');
    expect(found[0].message).toMatch(/^secret 'db' content changed \(api-db-[0-9a-f]{10} → api-db-[0-9a-f]{10}\)$/);
  });

  test('a config added and one removed', () => {
    const found = reasons({}, { configs: [{ name: 'flags', literals: { FLAG: 'on' } }] });
    expect(messages(found)).toEqual([
      expect.stringMatching(/^config 'settings' removed \(api-settings-[0-9a-f]{10}\)$/),
      expect.stringMatching(/^config 'flags' added \(api-flags-[0-9a-f]{10}\)$/),
    ]);
  });

  test('command and args', () => {
    expect(messages(reasons({}, { command: ['/bin/api'], args: ['--fast'] }))).toEqual(['args changed: api', 'command changed: api']);
  });

  test('resources, with the fields that changed', () => {
    expect(reasons({}, { resources: { cpuLimit: '1', memoryRequest: '256Mi' } })).toEqual([
      { kind: 'resources', container: 'api', message: 'resources changed: api: limits.cpu, requests.memory' },
    ]);
  });

  test('probes, by which probe', () => {
    const probe = Probe.http({ path: '/healthz', period: Duration.seconds(5) });
    expect(reasons({}, { readiness: probe, liveness: probe })).toEqual([
      { kind: 'probes', container: 'api', message: 'probes changed: api: livenessProbe, readinessProbe' },
    ]);
  });

  test('security settings of the container and of the pod', () => {
    expect(reasons({}, { security: { runAsUser: 20000 } }).map((r) => [r.kind, r.message])).toEqual([
      ['security', 'securityContext changed: api: runAsUser'],
    ]);
  });

  test('joining a mesh: its injection switch on the pods', () => {
    expect(messages(reasons({}, {}, { meshAfter: true }))).toEqual(['mesh injection changed: sidecar.istio.io/inject (none) → "true"']);
  });

  test('the image by tag rather than digest: both references shown', () => {
    const found = reasons({ image: API_PROPS.image }, { image: 'ghcr.io/acme/other@sha256:' + 'd'.repeat(64) });
    expect(found).toEqual([{
      kind: 'image',
      container: 'api',
      message: `image changed: api "${API_PROPS.image}" → "ghcr.io/acme/other@sha256:${'d'.repeat(64)}"`,
    }]);
  });

  test('a template read back from a cluster lacks the zero values the synthesis sets: not a reason', () => {
    const before = apiService();
    const after = apiService({ env: { A: '1' } });
    const live = JSON.parse(JSON.stringify(before)) as Manifest[];
    const deployment = objectOf(live, 'Deployment', /^api-/) as any;
    for (const mount of deployment.spec.template.spec.containers[0].volumeMounts) {
      if (mount.readOnly === false) delete mount.readOnly;
    }
    expect(messages(planRelease(live, after).restarts[0].started[0].reasons)).toEqual(['env changed: api: A (added)']);
  });

  test('the same pod template under a new revision id says so', () => {
    const found = reasons({ ports: [{ port: 80, containerPort: 8080 }] }, { ports: [{ port: 8080, containerPort: 8080 }] });
    expect(found).toEqual([{ kind: 'other', message: 'same pod template; the revision\'s other inputs changed (e.g. the Service ports it serves behind)' }]);
  });
});
