import { ApiObject, App, Chart, IResolver, Lazy, ResolutionContext } from 'cdk8s';
import { MetadataSnapshot } from '../../../lib/core/metadata-snapshot';
import { renderMetadata } from '../../../lib/core/plain-render';
import { newChart } from '../../fixtures';

/** A ConfigMap with labels, an annotation and an additional metadata attribute, in `chart`. */
function configMap(chart: Chart = newChart(), labels: Record<string, unknown> = { app: 'orders', tier: 'web' }): ApiObject {
  return new ApiObject(chart, 'config', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'orders-settings', labels: labels as Record<string, string>, annotations: { owner: 'team' }, generateName: 'orders-' },
  });
}

/** Edits that change what the metadata renders to. */
const EDITS: ReadonlyArray<readonly [string, (o: ApiObject) => void]> = [
  ['a label added', (o) => o.metadata.addLabel('extra', 'x')],
  ['a label changed', (o) => o.metadata.addLabel('tier', 'api')],
  ['a label removed', (o) => delete (o.metadata as any).labels.tier],
  ['an annotation added', (o) => o.metadata.addAnnotation('note', 'x')],
  ['a finalizer added', (o) => o.metadata.addFinalizers('example.com/keep')],
  ['an owner reference added', (o) => o.metadata.addOwnerReference({ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: 'u' })],
  ['an additional attribute changed', (o) => o.metadata.add('generateName', 'other-')],
  ['an additional attribute added', (o) => o.metadata.add('uid', 'u')],
  ['the name changed', (o) => ((o.metadata as any).name = 'other')],
  ['a label set to a Lazy of another value', (o) => o.metadata.addLabel('tier', Lazy.any({ produce: () => 'api' }) as unknown as string)],
];

describe('MetadataSnapshot', () => {
  test('is unchanged while nothing is edited, and renders as the metadata did', () => {
    const object = configMap();
    const rendered = renderMetadata(object.metadata, object);
    const snapshot = MetadataSnapshot.of(object);
    expect(snapshot.isUnchanged()).toBe(true);
    expect(snapshot.rendered()).toEqual(rendered);
    expect(JSON.stringify(snapshot.rendered())).toBe(JSON.stringify(rendered));
  });

  test.each(EDITS)('sees %s, and still renders the metadata as it was', (_, edit) => {
    const object = configMap();
    const before = JSON.stringify(renderMetadata(object.metadata, object));
    const snapshot = MetadataSnapshot.of(object);
    edit(object);
    expect(snapshot.isUnchanged()).toBe(false);
    expect(JSON.stringify(snapshot.rendered())).toBe(before);
  });

  test('an edit that renders the same (a label set again to its value, an empty label list) is no change', () => {
    const object = configMap();
    const snapshot = MetadataSnapshot.of(object);
    object.metadata.addLabel('tier', 'web');
    object.metadata.addFinalizers();
    expect(snapshot.isUnchanged()).toBe(true);
    object.metadata.addLabel('tier', Lazy.any({ produce: () => 'web' }) as unknown as string);
    expect(snapshot.isUnchanged()).toBe(true);
  });

  test('with a value that is not a primitive, it keeps the rendered metadata and sees an edit inside that value', () => {
    const inner = { value: 'web' };
    const object = configMap(newChart(), { app: 'orders', tier: Lazy.any({ produce: () => inner.value }) });
    const snapshot = MetadataSnapshot.of(object);
    expect(snapshot.isUnchanged()).toBe(true);
    inner.value = 'api';
    expect(snapshot.isUnchanged()).toBe(false);
    expect((snapshot.rendered() as any).labels.tier).toBe('web');
  });

  test('in an app with resolvers of its own, it keeps the rendered metadata, resolved by them', () => {
    class Upper implements IResolver {
      public resolve(context: ResolutionContext): void {
        if (typeof context.value === 'string' && context.value === 'web') {
          context.replaceValue('WEB');
        }
      }
    }
    const object = configMap(new Chart(new App({ resolvers: [new Upper()] }), 'test', { namespace: 'test' }));
    const snapshot = MetadataSnapshot.of(object);
    expect((snapshot.rendered() as any).labels.tier).toBe('WEB');
    expect(snapshot.isUnchanged()).toBe(true);
    object.metadata.addLabel('tier', 'api');
    expect(snapshot.isUnchanged()).toBe(false);
  });
});
