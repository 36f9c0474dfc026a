import { Construct } from 'constructs';
import { Mesh, MeshProvider, Microservice, ServiceRoutes } from '../../../lib';
import { assertWeights, toPercentages, Weighted } from '../../../lib/traffic/weights';
import { digestImage, newChart, validationErrorOf } from '../../fixtures';

const scope = () => new Construct(newChart(), 'routes');
const named = (weights: number[]): Weighted<string>[] => weights.map((weight, index) => ({ target: `b${index}`, weight }));
const percentagesOf = (weights: number[]) => toPercentages(named(weights), (t) => t, "route 'r'", scope()).map((b) => b.weight);

describe('toPercentages (largest remainder)', () => {
  test.each<[number[], number[]]>([
    [[1], [100]],
    [[7], [100]],
    [[1, 1], [50, 50]],
    [[90, 10], [90, 10]],
    [[9, 1], [90, 10]],
    [[1, 1, 1], [34, 33, 33]],
    [[1, 2], [33, 67]],
    [[2, 1], [67, 33]],
    [[1, 1, 1, 1, 1, 1], [17, 17, 17, 17, 16, 16]],
    [[2, 1, 1, 2], [33, 17, 17, 33]],
    [[1, 150], [1, 99]],
    [[3, 0], [100, 0]],
    [[0, 5, 0, 5], [0, 50, 0, 50]],
    [[999_999, 1_000_000], [50, 50]],
  ])('%j → %j', (weights, expected) => {
    expect(percentagesOf(weights)).toEqual(expected);
  });

  test('every result is whole, sums to 100, is within 1 of the exact share, and keeps the targets in order', () => {
    const lists = [
      [1, 2, 3],
      [5, 5, 5, 5, 5, 5, 5],
      [13, 29, 58],
      [1, 1, 98],
      [33, 33, 34],
      [17, 0, 4, 9, 70],
      [3, 3, 3, 3, 3, 3, 3, 3, 3],
      [1_000_000, 123_456, 70_000],
    ];
    for (const weights of lists) {
      const result = toPercentages(named(weights), (t) => t, "route 'r'", scope());
      const total = weights.reduce((a, b) => a + b, 0);
      expect(result.map((b) => b.target)).toEqual(named(weights).map((b) => b.target));
      expect(result.reduce((sum, b) => sum + b.weight, 0)).toBe(100);
      result.forEach((b, index) => {
        expect(Number.isInteger(b.weight)).toBe(true);
        expect(Math.abs(b.weight - (weights[index] * 100) / total)).toBeLessThan(1);
      });
    }
  });

  test('ties go to the earlier backend, whatever the order of equal weights', () => {
    expect(percentagesOf([1, 1, 1])).toEqual([34, 33, 33]);
    expect(percentagesOf([2, 1, 1, 1])).toEqual([40, 20, 20, 20]);
    expect(percentagesOf([1, 2, 1, 2])).toEqual([17, 33, 17, 33]);
  });

  test('fails when a non-zero weight would round to 0%', () => {
    const where = scope();
    const error = validationErrorOf(() => toPercentages(named([1, 1000]), (t) => t, "route 'r'", where));
    expect(error.path).toBe('test/routes');
    expect(error.message).toBe(
      "route 'r': weight 1 of 'b0' is below 1% of the total 1001 and would round to 0%; raise it or set it to 0 (at test/routes)",
    );
  });
});

describe('assertWeights', () => {
  test('accepts whole weights 0-1000000 with one above 0', () => {
    expect(() => assertWeights(named([0, 1, 1_000_000]), (t) => t, "route 'r'", scope())).not.toThrow();
  });

  test.each<[string, number[], string]>([
    ['a weight is negative', [-1, 2], "route 'r': weight of 'b0' must be a whole number 0-1000000, got -1"],
    ['a weight is not whole', [1, 1.5], "route 'r': weight of 'b1' must be a whole number 0-1000000, got 1.5"],
    ['a weight is above 1000000', [1_000_001], "route 'r': weight of 'b0' must be a whole number 0-1000000, got 1000001"],
    ['a weight is NaN', [Number.NaN], "route 'r': weight of 'b0' must be a whole number 0-1000000, got NaN"],
    ['every weight is 0', [0, 0], "route 'r': every backend has weight 0, so the route would drop all requests; give one a weight above 0"],
  ])('fails when %s', (_, weights, message) => {
    const error = validationErrorOf(() => assertWeights(named(weights), (t) => t, "route 'r'", scope()));
    expect(error.path).toBe('test/routes');
    expect(error.message).toBe(`${message} (at test/routes)`);
  });
});

describe('route weights', () => {
  function routes() {
    const chart = newChart();
    const mesh = new Mesh(chart, 'mesh', { provider: MeshProvider.istio() });
    const reviews = new Microservice(chart, 'reviews', { image: digestImage(), ports: [{ port: 80, containerPort: 8080 }], mesh });
    const canary = reviews.addRevision('canary', { image: digestImage('ghcr.io/acme/app', 'b') });
    return { table: new ServiceRoutes(chart, 'routes', { service: reviews }), stable: reviews.revisions[0], canary };
  }

  test('a backend without a weight has weight 1; weights stay proportional in the neutral route', () => {
    const { table, stable, canary } = routes();
    expect(table.addRoute('default', { backends: [{ revision: stable }, { revision: canary, weight: 3 }] }).backends.map((b) => b.weight)).toEqual([1, 3]);
  });

  test('a weight of 0 keeps a revision in the route without traffic', () => {
    const { table, stable, canary } = routes();
    expect(table.addRoute('default', { backends: [{ revision: stable, weight: 1 }, { revision: canary, weight: 0 }] }).backends.map((b) => b.weight)).toEqual([1, 0]);
  });

  test.each<[string, number, number, string]>([
    ['a weight is negative', 5, -1, "route 'default': weight of 'canary' must be a whole number 0-1000000, got -1"],
    ['a weight is not whole', 0.5, 1, "route 'default': weight of 'stable' must be a whole number 0-1000000, got 0.5"],
    ['a weight is above 1000000', 1, 2_000_000, "route 'default': weight of 'canary' must be a whole number 0-1000000, got 2000000"],
    ['all weights are 0', 0, 0, "route 'default': every backend has weight 0, so the route would drop all requests; give one a weight above 0"],
  ])('fails when %s', (_, stableWeight, canaryWeight, message) => {
    const { table, stable, canary } = routes();
    const error = validationErrorOf(() =>
      table.addRoute('default', { backends: [{ revision: stable, weight: stableWeight }, { revision: canary, weight: canaryWeight }] }),
    );
    expect(error.path).toBe('test/routes');
    expect(error.message).toBe(`${message} (at test/routes)`);
  });
});
