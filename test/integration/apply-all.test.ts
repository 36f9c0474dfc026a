import { App, Chart } from 'cdk8s';
import { ConfigRolloutChart } from '../../examples/config-rollout';
import { HelloServiceChart } from '../../examples/hello-service';
import { TwoRevisionsChart } from '../../examples/two-revisions';
import { MeshProvider } from '../../lib';
import { synthObjects } from '../../lib/testing';
import { ShopChart } from '../../stacks/shop/shop-chart';
import { ensureNamespaces, expectAcceptedAndLive } from './apply-checked';
import { deleteNamespace, kubectlOk, pollFor } from './kubectl';

/** Every stack and example, as the charts a user would apply. */
const charts: Array<[string, () => Chart]> = [
  ['stack shop-dev', () => new ShopChart(new App(), 'shop-dev', { environment: 'dev' })],
  ['stack shop-prod', () => new ShopChart(new App(), 'shop-prod', { environment: 'prod' })],
  ['stack shop-prod in Linkerd', () => new ShopChart(new App(), 'shop-linkerd', { environment: 'prod', meshProvider: MeshProvider.linkerd() })],
  ['example hello-service', () => new HelloServiceChart(new App(), 'hello-service')],
  ['example config-rollout v1', () => new ConfigRolloutChart(new App(), 'config-rollout-v1', { release: 'v1' })],
  ['example config-rollout v2', () => new ConfigRolloutChart(new App(), 'config-rollout-v2', { release: 'v2' })],
  ['example two-revisions', () => new TwoRevisionsChart(new App(), 'two-revisions')],
];

const namespaces = new Set<string>();

afterAll(() => {
  for (const namespace of namespaces) {
    deleteNamespace(namespace);
  }
});

describe('every stack and example is accepted by the real API server', () => {
  test.each(charts)('%s: server-side dry run, then applied, 0 errors', (_, makeChart) => {
    const objects = synthObjects(makeChart());
    ensureNamespaces(objects.filter((o) => o.kind !== 'Namespace'), namespaces);
    expectAcceptedAndLive(objects);
  });

  test('the controller manager turns a revision Deployment into its ReplicaSet', () => {
    const objects = synthObjects(new HelloServiceChart(new App(), 'hello-service'));
    const deployment = objects.find((o) => o.kind === 'Deployment')!;
    const revision = (deployment.metadata.labels as Record<string, string>)['immutable-infra.dev/revision'];
    const listReplicaSets = () => kubectlOk(['get', 'replicasets', '-n', 'hello', '-l', `immutable-infra.dev/revision=${revision}`, '-o', 'name']).trim();
    const replicaSets = pollFor(() => listReplicaSets() || undefined, 30_000) ?? '';
    expect(replicaSets).toMatch(new RegExp(`^replicaset.apps/${deployment.metadata.name}-`));
  });
});
