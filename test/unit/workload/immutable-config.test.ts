import { ImmutableConfigMap, ImmutableSecret } from '../../../lib';
import { contentHash } from '../../../lib/internal';
import { findObject, synthObjects } from '../../../lib/testing';
import { hashFrozenData, immutableDataHash } from '../../../lib/workload/immutable-data';
import { newChart, validationErrorOf } from '../../fixtures';

type Kind = 'ConfigMap' | 'Secret';
interface Props {
  readonly namePrefix: string;
  readonly data: Record<string, string>;
  readonly labels?: Record<string, string>;
}

/** Makes the object of `kind` at test/config. */
function make(kind: Kind, props: Props) {
  const chart = newChart();
  const construct = kind === 'ConfigMap'
    ? new ImmutableConfigMap(chart, 'config', props)
    : new ImmutableSecret(chart, 'config', { namePrefix: props.namePrefix, stringData: props.data, labels: props.labels });
  return { chart, construct };
}

const field = (kind: Kind) => (kind === 'ConfigMap' ? 'data' : 'stringData');

describe.each<Kind>(['ConfigMap', 'Secret'])('Immutable %s', (kind) => {
  test('is named <prefix>-<content hash>, labelled as given and immutable', () => {
    const { chart, construct } = make(kind, { namePrefix: 'orders-settings', data: { 'LOG_LEVEL': 'info', 'app.conf': 'x=1' }, labels: { 'app.kubernetes.io/name': 'orders', 'tier': '' } });
    const object = findObject(synthObjects(chart), { kind });
    expect(object.metadata.name).toBe(construct.name);
    expect(construct.name).toMatch(/^orders-settings-[0-9a-f]{10}$/);
    expect(object.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'orders', 'tier': '' });
    expect(object.immutable).toBe(true);
  });

  test('a long prefix is cut so that the name fits a DNS label', () => {
    const { construct } = make(kind, { namePrefix: 'x'.repeat(80), data: { A: '1' } });
    expect(construct.name.length).toBeLessThanOrEqual(63);
  });

  test.each([
    ['', "''"],
    ['Settings', "'Settings'"],
    ['orders_settings', "'orders_settings'"],
    ['app.config', "'app.config'"],
    ['-settings', "'-settings'"],
  ])('fails when namePrefix is %p', (namePrefix, shown) => {
    const error = validationErrorOf(() => make(kind, { namePrefix, data: { A: '1' } }));
    expect(error.path).toBe('test/config');
    expect(error.message).toBe(
      `namePrefix must be lower-case letters, digits or '-', starting and ending with a letter or digit, got ${shown}; ` +
        "the content hash is appended (the prefix cut to fit a DNS label), e.g. 'orders-settings' (at test/config)",
    );
  });

  test.each(['a b', '', 'dir/file', 'ключ', 'x'.repeat(254)])('fails when a key is %p', (key) => {
    const error = validationErrorOf(() => make(kind, { namePrefix: 'settings', data: { [key]: 'v' } }));
    expect(error.message).toBe(`${field(kind)} key '${key}' is invalid: keys are 1-253 letters, digits, '-', '_' or '.' (at test/config)`);
  });

  test.each(['constructor', '__proto__'])('fails when a key is %p, which cdk8s cannot render or JavaScript drops', (key) => {
    const error = validationErrorOf(() => make(kind, { namePrefix: 'settings', data: JSON.parse(`{"${key}": "v"}`) }));
    expect(error.message).toBe(`${field(kind)} key '${key}' cannot be written into a manifest (cdk8s, which renders it, reads a 'constructor' member as a class and JavaScript drops a '__proto__' member); rename the key (at test/config)`);
  });

  test('fails when the data holds more than 1 MiB', () => {
    const error = validationErrorOf(() => make(kind, { namePrefix: 'settings', data: { A: 'x'.repeat(1024 * 1024) } }));
    expect(error.message).toBe(`${field(kind)} holds 1048577 bytes, above the 1 MiB limit of a ConfigMap or Secret; split it (at test/config)`);
  });

  test.each([
    ['a key with a space', { 'bad key': 'x' }, "label key 'bad key' is not ≤ 63 letters, digits, '-', '_' or '.' starting and ending with a letter or digit"],
    ['a key with an upper-case prefix', { 'Example.com/tier': 'x' }, "label key 'Example.com/tier' has a prefix that is not a DNS subdomain (lower-case letters, digits, '-' and '.')"],
    ['a value of 64 characters', { tier: 'x'.repeat(64) }, `label 'tier' has value '${'x'.repeat(64)}', which is not empty or ≤ 63 letters, digits, '-', '_' or '.' starting and ending with a letter or digit`],
    ['a value with a space', { tier: 'front end' }, "label 'tier' has value 'front end', which is not empty or ≤ 63 letters, digits, '-', '_' or '.' starting and ending with a letter or digit"],
    ["the key 'constructor'", { constructor: 'x' }, "'constructor' cannot be written into a manifest (cdk8s, which renders it, reads a 'constructor' member as a class and JavaScript drops a '__proto__' member)"],
  ])('fails when a label has %s', (_, labels, problem) => {
    const error = validationErrorOf(() => make(kind, { namePrefix: 'settings', data: { A: '1' }, labels }));
    expect(error.message).toBe(`labels: ${problem}; fix the label or drop it (at test/config)`);
  });
});

describe('the content hash of a config object\'s data', () => {
  test('is hashed once for data the library made: frozen, and the same hash as hashing it again', () => {
    const data: Record<string, string> = { LOG_LEVEL: 'info' };
    const hash = hashFrozenData('ConfigMap', data);
    expect(Object.isFrozen(data)).toBe(true);
    expect(() => {
      data.LOG_LEVEL = 'debug';
    }).toThrow(TypeError);
    expect(hash).toBe(contentHash({ kind: 'ConfigMap', data: { LOG_LEVEL: 'info' } }));
    expect(immutableDataHash('ConfigMap', data)).toBe(hash);
    expect(new ImmutableConfigMap(newChart(), 'config', { namePrefix: 'orders-settings', data }).contentHash).toBe(hash);
  });

  test('is the hash of the kind and the data: the same data as the other kind, or data the library did not make, is hashed', () => {
    const data: Record<string, string> = { TOKEN: 'x' };
    hashFrozenData('ConfigMap', data);
    expect(immutableDataHash('Secret', data)).toBe(contentHash({ kind: 'Secret', data: { TOKEN: 'x' } }));
    expect(immutableDataHash('Secret', { TOKEN: 'x' })).toBe(contentHash({ kind: 'Secret', data: { TOKEN: 'x' } }));
    expect(immutableDataHash('Secret', { TOKEN: 'y' })).not.toBe(immutableDataHash('Secret', { TOKEN: 'x' }));
  });
});
