import { Testing } from 'cdk8s';
import { ValidationError } from '../../../lib';
import { assertServiceName, contentAddressedName, DNS_LABEL_MAX_LENGTH, revisionObjectName, SERVICE_NAME_MAX_LENGTH } from '../../../lib/internal';
import { validationErrorOf } from '../../fixtures';

describe('names', () => {
  test('revision object names are <service>-<revision id> and fit 52 characters', () => {
    const longest = 'a'.repeat(SERVICE_NAME_MAX_LENGTH);
    expect(revisionObjectName('orders', '0123456789')).toBe('orders-0123456789');
    expect(revisionObjectName(longest, '0123456789').length).toBeLessThanOrEqual(52);
  });

  test('content-addressed names keep the whole hash and fit a DNS label', () => {
    const name = contentAddressedName(`${'x'.repeat(70)}-settings`, 'abcdef0123');
    expect(name.length).toBeLessThanOrEqual(DNS_LABEL_MAX_LENGTH);
    expect(name.endsWith('-abcdef0123')).toBe(true);
    expect(name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });

  test('a cut prefix never leaves a double dash', () => {
    const prefix = `${'x'.repeat(51)}-y`;
    expect(contentAddressedName(prefix, 'abcdef0123')).toBe(`${'x'.repeat(51)}-abcdef0123`);
  });

  test.each(['Orders', '1orders', 'orders-', 'or_ders', '', 'a'.repeat(SERVICE_NAME_MAX_LENGTH + 1)])(
    'fails when a service name is %p',
    (name) => {
      const scope = Testing.chart();
      const error = validationErrorOf(() => assertServiceName(name, SERVICE_NAME_MAX_LENGTH, scope));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.message).toContain(`'${name}'`);
      expect(error.path).toBe(scope.node.path);
    },
  );
});
