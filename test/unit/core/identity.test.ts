import { Chart } from 'cdk8s';
import { LabelKeys, Microservice } from '../../../lib';
import { Broker, EventSink, PingSource } from '../../../lib/serverless/eventing';
import { ServerlessFunction } from '../../../lib/serverless/function';
import { digestImage, newChart, validationErrorOf } from '../../fixtures';

/** Each kind with a name and application, built in `chart` with `partOf`; returns its labels. */
const kinds: Record<string, (chart: Chart, partOf?: string) => Readonly<Record<string, string>>> = {
  Microservice: (chart, partOf) => new Microservice(chart, 'orders', { image: digestImage(), partOf }).labels,
  ServerlessFunction: (chart, partOf) => new ServerlessFunction(chart, 'orders', { image: digestImage(), partOf }).labels,
  Broker: (chart, partOf) => new Broker(chart, 'orders', { partOf }).labels,
  PingSource: (chart, partOf) => {
    const source = new PingSource(chart, 'orders', { schedule: '@daily', sink: EventSink.uri('https://hooks.example.com'), partOf });
    return source.apiObject.metadata.toJson().labels;
  },
};

const accepted: [string, string][] = [
  ['a lower-case name', 'shop'],
  ['upper case and underscores', 'Shop_App'],
  ['dots', 'shop.v2'],
  ['63 characters', 'a'.repeat(63)],
];

const refused: [string, string][] = [
  ['an empty value', ''],
  ['a space', 'my shop'],
  ['a leading dash', '-shop'],
  ['a trailing underscore', 'shop_'],
  ['64 characters', 'a'.repeat(64)],
];

describe.each(Object.keys(kinds))('the identity of a %s', (kind) => {
  const build = kinds[kind];

  test.each(accepted)('partOf with %s is accepted as the part-of label', (_, partOf) => {
    expect(build(newChart(), partOf)[LabelKeys.PART_OF]).toBe(partOf);
  });

  test.each(refused)('partOf with %s is refused, naming the rule and a fix', (_, partOf) => {
    const error = validationErrorOf(() => build(newChart(), partOf));
    expect(error.detail).toBe(
      "partOf must be a label value (1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit), " +
        `got '${partOf}'; pass an application name such as 'shop'`,
    );
    expect(error.path).toBe('test/orders');
  });

  test('partOf defaults to the id of the chart, and the name to the construct id', () => {
    const labels = build(newChart('shop'));
    expect(labels[LabelKeys.PART_OF]).toBe('shop');
    expect(labels[LabelKeys.NAME]).toBe('orders');
  });
});
