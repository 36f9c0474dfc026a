import { Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { ValidationError } from '../../../lib';

test('a ValidationError ends with the construct path it names', () => {
  const scope = new Construct(Testing.chart(), 'orders');
  const error = new ValidationError('port must be 1-65535, got 70000', scope);
  expect(error.message).toBe(`port must be 1-65535, got 70000 (at ${scope.node.path})`);
  expect(error.path).toBe(scope.node.path);
  expect(error.detail).toBe('port must be 1-65535, got 70000');
  expect(error.name).toBe('ValidationError');
});
