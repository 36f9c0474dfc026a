import { Mesh, MeshProvider, Microservice } from '../../../lib';
import { findObject, synthObjects } from '../../../lib/testing';
import { digestImage, newChart, validationErrorOf } from '../../fixtures';

describe('Microservice podLabels', () => {
  test('label the pods of the revision only (not its Deployment, not its selector), beside the library\'s labels', () => {
    const chart = newChart();
    new Microservice(chart, 'orders', { image: digestImage(), podLabels: { team: 'payments', 'example.com/tier': 'backend' } });
    const deployment = findObject(synthObjects(chart), { kind: 'Deployment' }) as any;
    expect(deployment.spec.template.metadata.labels).toEqual({
      'app.kubernetes.io/managed-by': 'immutable-infra',
      'app.kubernetes.io/name': 'orders',
      'app.kubernetes.io/part-of': 'test',
      'example.com/tier': 'backend',
      'immutable-infra.dev/revision': expect.stringMatching(/^[0-9a-f]{10}$/),
      team: 'payments',
    });
    expect(deployment.metadata.labels.team).toBeUndefined();
    expect(deployment.spec.selector.matchLabels.team).toBeUndefined();
  });

  test('are part of the revision identity: other labels, another revision with new names; a revision overrides the service\'s', () => {
    const chart = newChart();
    const orders = new Microservice(chart, 'orders', { image: digestImage(), podLabels: { team: 'payments' } });
    const canary = orders.addRevision('canary', { podLabels: { team: 'checkout' } });
    const plain = new Microservice(newChart(), 'orders', { image: digestImage() });
    expect(new Set([orders.revisions[0].revisionId, canary.revisionId, plain.revisions[0].revisionId]).size).toBe(3);
    const labels = synthObjects(chart).filter((o) => o.kind === 'Deployment').map((d: any) => d.spec.template.metadata.labels.team);
    expect(labels.sort()).toEqual(['checkout', 'payments']);
  });

  test('fails when a pod label is not one the API server accepts, naming it and the fix', () => {
    const error = validationErrorOf(() => new Microservice(newChart(), 'orders', { image: digestImage(), podLabels: { team: 'pay ments' } }));
    expect(error.path).toBe('test/orders/stable');
    expect(error.detail).toMatch(/^podLabels: label 'team' has value 'pay ments', which is not .*; fix the label or drop it$/);
  });

  test('fails when a pod label has a key the library sets (its selectors and the revision id depend on them)', () => {
    for (const key of ['app.kubernetes.io/name', 'immutable-infra.dev/revision']) {
      const error = validationErrorOf(() => new Microservice(newChart(), 'orders', { image: digestImage(), podLabels: { [key]: 'x' } }));
      expect(error.detail).toMatch(new RegExp(`^podLabels key '${key}' is set by the library \\(.*\\); give your label another key$`));
    }
    const chart = newChart();
    const mesh = new Mesh(chart, 'Mesh', { provider: MeshProvider.istio() });
    const error = validationErrorOf(() => new Microservice(chart, 'orders', { image: digestImage(), mesh, podLabels: { 'sidecar.istio.io/inject': 'false' } }));
    expect(error.detail).toContain("podLabels key 'sidecar.istio.io/inject' is set by the library");
  });
});
