import { Manifest } from '../../lib';
import { applyServerSide, deleteNamespace, getLive, kubectl, kubectlOk, pollFor } from './kubectl';

/*
 * The suite's cluster runs pods: kube-scheduler places them on kwok's simulated nodes, kwok moves
 * them to Running and Ready (no container runs). A pod template labelled
 * immutable-infra.dev/simulate=unready|crashloop makes the pods fail for real
 * (scripts/engines/kwok/pod-fault-stages.yaml).
 */

const NAMESPACE = 'kwok-cluster';
const SIMULATE = 'immutable-infra.dev/simulate';

type Obj = Record<string, any>;

function deployment(name: string, replicas: number, simulate?: 'unready' | 'crashloop'): Manifest {
  const labels = { app: name, ...(simulate ? { [SIMULATE]: simulate } : {}) };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NAMESPACE },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels },
        spec: {
          topologySpreadConstraints: [
            { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: name } } },
          ],
          containers: [
            {
              name: 'app',
              image: `registry.invalid/${name}:1`,
              ports: [{ name: 'http', containerPort: 8080 }],
              resources: { requests: { 'cpu': '100m', 'memory': '128Mi', 'ephemeral-storage': '128Mi' } },
            },
          ],
        },
      },
    },
  };
}

function service(name: string): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: NAMESPACE },
    spec: { selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
  };
}

function apply(objects: Manifest[]): void {
  const result = applyServerSide(objects);
  if (result.status !== 0) {
    throw new Error(`apply failed: ${result.stderr}`);
  }
}

function list(kind: string, selector: string, namespace = NAMESPACE): Obj[] {
  return JSON.parse(kubectlOk(['get', kind, '-n', namespace, '-l', selector, '-o', 'json'])).items;
}

/** A pod count quantity (`'250'`, `'1k'`). */
const podCount = (quantity: string): number => (quantity.endsWith('k') ? Number(quantity.slice(0, -1)) * 1000 : Number(quantity));

const condition = (object: Obj, type: string): string | undefined =>
  (object.status?.conditions ?? []).find((c: Obj) => c.type === type)?.status;

/** The deployment's pods once `count` of them are Running with an IP; `undefined` on timeout. */
function runningPods(name: string, count: number, timeoutMs = 60_000): Obj[] | undefined {
  return pollFor(() => {
    const pods = list('pods', `app=${name}`).filter((p) => p.status?.phase === 'Running' && p.status?.podIP);
    return pods.length === count ? pods : undefined;
  }, timeoutMs);
}

/** Checks `check` every 250 ms for `ms`; returns the first failure message, if any. */
function holdsFor(ms: number, check: () => string | undefined): string | undefined {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const failure = check();
    if (failure !== undefined) {
      return failure;
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
  }
  return undefined;
}

/** Pods of the deployment stay Running and not Ready, and the Deployment never becomes Available. */
function staysUnavailable(name: string, ms = 5_000): string | undefined {
  return holdsFor(ms, () => {
    const live = getLive('deployment', name, NAMESPACE)!;
    if (condition(live, 'Available') === 'True' || (live.status?.availableReplicas ?? 0) > 0 || (live.status?.readyReplicas ?? 0) > 0) {
      return `deployment ${name} became available: ${JSON.stringify(live.status)}`;
    }
    for (const pod of list('pods', `app=${name}`)) {
      if (pod.status?.phase !== 'Running' || condition(pod, 'Ready') !== 'False' || condition(pod, 'ContainersReady') !== 'False') {
        return `pod ${pod.metadata.name} is not Running-and-unready: ${JSON.stringify(pod.status)}`;
      }
      if (pod.status.containerStatuses.some((c: Obj) => c.ready !== false)) {
        return `pod ${pod.metadata.name} has a ready container`;
      }
    }
    return undefined;
  });
}

beforeAll(() => {
  apply([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } }]);
});
afterAll(() => deleteNamespace(NAMESPACE));

test('the simulated nodes are Ready, untainted and spread over three zones', () => {
  const nodes: Obj[] = JSON.parse(kubectlOk(['get', 'nodes', '-o', 'json'])).items.filter(
    (n: Obj) => n.metadata.annotations?.['kwok.x-k8s.io/node'] === 'fake',
  );
  expect(nodes.length).toBeGreaterThanOrEqual(3);
  for (const node of nodes) {
    expect({ node: node.metadata.name, ready: condition(node, 'Ready'), taints: node.spec.taints ?? [] }).toEqual({
      node: node.metadata.name,
      ready: 'True',
      taints: [],
    });
    expect(node.metadata.labels['kubernetes.io/hostname']).toBe(node.metadata.name);
    expect(podCount(node.status.allocatable.pods)).toBeGreaterThanOrEqual(250);
  }
  const zones = new Set(nodes.map((n) => n.metadata.labels['topology.kubernetes.io/zone']));
  expect([...zones].sort()).toEqual(['zone-a', 'zone-b', 'zone-c']);
});

test('a 3-replica Deployment becomes Available on three nodes and its Service gets ready endpoints', () => {
  apply([deployment('web', 3), service('web')]);

  const available = pollFor(() => {
    const live = getLive('deployment', 'web', NAMESPACE);
    return live && condition(live, 'Available') === 'True' && live.status.availableReplicas === 3 ? live : undefined;
  });
  expect(available?.status).toMatchObject({ replicas: 3, readyReplicas: 3, availableReplicas: 3 });

  const pods = list('pods', 'app=web');
  expect(pods).toHaveLength(3);
  expect(new Set(pods.map((p) => p.spec.nodeName)).size).toBe(3);
  for (const pod of pods) {
    expect(pod.status.phase).toBe('Running');
    expect(condition(pod, 'Ready')).toBe('True');
    expect(pod.status.podIP).toMatch(/^10\.244\./);
  }

  const podIPs = pods.map((p) => p.status.podIP).sort();
  const endpoints = pollFor(() => {
    const ready = list('endpointslices', 'kubernetes.io/service-name=web')
      .flatMap((slice) => slice.endpoints ?? [])
      .filter((e: Obj) => e.conditions?.ready === true);
    return ready.length === 3 ? ready : undefined;
  });
  expect(endpoints?.flatMap((e: Obj) => e.addresses).sort()).toEqual(podIPs);
  expect(new Set(endpoints?.map((e: Obj) => e.zone))).toEqual(new Set(['zone-a', 'zone-b', 'zone-c']));
});

test('pods labelled simulate=unready run but never become Ready; the Deployment is never Available', () => {
  apply([deployment('unready', 2, 'unready'), service('unready')]);

  const pods = runningPods('unready', 2);
  expect(pods).toHaveLength(2);
  for (const pod of pods!) {
    expect(condition(pod, 'Ready')).toBe('False');
    expect(pod.status.containerStatuses).toEqual([
      expect.objectContaining({ name: 'app', ready: false, restartCount: 0, state: { running: expect.anything() } }),
    ]);
  }
  expect(staysUnavailable('unready')).toBeUndefined();

  // The Service lists the pods, none of them ready.
  const endpoints = pollFor(() => {
    const all = list('endpointslices', 'kubernetes.io/service-name=unready').flatMap((slice) => slice.endpoints ?? []);
    return all.length === 2 ? all : undefined;
  });
  expect(endpoints?.map((e: Obj) => e.conditions.ready)).toEqual([false, false]);
});

test('pods labelled simulate=crashloop wait in CrashLoopBackOff with restarts; the Deployment is never Available; deleting works', () => {
  apply([deployment('crashloop', 2, 'crashloop')]);

  const pods = runningPods('crashloop', 2);
  expect(pods).toHaveLength(2);
  for (const pod of pods!) {
    const [status] = pod.status.containerStatuses;
    expect(status).toMatchObject({ name: 'app', ready: false, state: { waiting: { reason: 'CrashLoopBackOff' } } });
    expect(status.restartCount).toBeGreaterThan(0);
    expect(status.lastState.terminated.exitCode).not.toBe(0);
  }
  expect(staysUnavailable('crashloop')).toBeUndefined();

  // kwok's pod-delete stage still removes them.
  expect(kubectl(['delete', 'deployment', 'crashloop', '-n', NAMESPACE, '--wait=true', '--timeout=60s']).status).toBe(0);
  expect(pollFor(() => (list('pods', 'app=crashloop').length === 0 ? true : undefined))).toBe(true);
});
