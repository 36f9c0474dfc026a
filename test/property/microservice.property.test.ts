import fc from 'fast-check';
import { ContainerImage, Microservice, MicroserviceProps, Probe, schemaErrors, ValidationError } from '../../lib';
import { synthObjects } from '../../lib/testing';
import { newChart } from '../fixtures';

/** Mostly valid values, sometimes invalid ones, so both paths are exercised. */
function mostly<T>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ arbitrary: valid, weight: 12 }, { arbitrary: invalid, weight: 1 });
}

const hex = fc.stringMatching(/^[0-9a-f]{64}$/);
const image = mostly<string | ContainerImage>(
  hex.map((h) => `ghcr.io/acme/app@sha256:${h}`),
  fc.oneof(fc.constantFrom('nginx:latest', '', 'ghcr.io/acme/app', 'ghcr.io/acme/app@sha256:1234'), fc.constant(ContainerImage.fromMutableTag('nginx:1.27'))),
);
const name = mostly(fc.stringMatching(/^[a-z][a-z0-9-]{0,38}[a-z0-9]$/).filter((n) => !n.includes('--')), fc.string({ maxLength: 12 }));
const portNumber = mostly(fc.integer({ min: 1, max: 65535 }), fc.integer({ min: -5, max: 70000 }));
const ports = fc.uniqueArray(
  fc.record({ name: mostly(fc.constantFrom('http', 'grpc', 'admin', 'metrics'), fc.constantFrom('Bad_Name', '-x')), port: portNumber }),
  { maxLength: 3, selector: (p) => p.name },
);
const cpu = mostly(fc.constantFrom('100m', '250m', '500m'), fc.string({ maxLength: 6 }));
const memory = mostly(fc.constantFrom('64Mi', '128Mi', '256Mi'), fc.string({ maxLength: 6 }));
const configKey = mostly(fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,10}$/), fc.string({ maxLength: 8 }));
const config = fc.record(
  {
    name: mostly(fc.constantFrom('settings', 'flags', 'extra'), fc.string({ maxLength: 6 })),
    literals: fc.dictionary(configKey, fc.string({ maxLength: 20 }), { minKeys: 1, maxKeys: 3 }),
    mountPath: mostly(fc.constantFrom(undefined, '/etc/app', '/etc/flags'), fc.constantFrom('relative', '/tmp', '/')),
  },
);
const autoscaling = fc.option(
  mostly(
    fc.integer({ min: 1, max: 5 }).chain((min) => fc.record({ minReplicas: fc.constant(min), maxReplicas: fc.integer({ min, max: 12 }) })),
    fc.record({ minReplicas: fc.integer({ min: -1, max: 5 }), maxReplicas: fc.integer({ min: -1, max: 12 }) }),
  ),
  { nil: undefined },
);

const props: fc.Arbitrary<MicroserviceProps> = fc.record(
  {
    image,
    name,
    ports,
    replicas: mostly(fc.integer({ min: 0, max: 5 }), fc.constantFrom(-1, 1.5)),
    autoscaling,
    resources: fc.record({ cpuRequest: cpu, cpuLimit: fc.constant('1'), memoryRequest: memory, memoryLimit: fc.constant('512Mi') }),
    configs: fc.uniqueArray(config, { maxLength: 2, selector: (c) => c.name }),
    secrets: fc.uniqueArray(config, { maxLength: 1, selector: (c) => c.name }),
    env: fc.dictionary(configKey, fc.string({ maxLength: 10 }), { maxKeys: 2 }),
    readiness: fc.constantFrom(Probe.http({ path: '/healthz' }), Probe.tcp({ port: 'admin' }), Probe.exec({ command: ['/ok'] })),
  },
  { requiredKeys: ['image'] },
);

/** Synthesizes one service; the result, or the ValidationError it was refused with. */
function synthesize(p: MicroserviceProps) {
  const chart = newChart();
  try {
    new Microservice(chart, 'svc', p);
    return { objects: synthObjects(chart) };
  } catch (error) {
    if (error instanceof ValidationError) {
      return { error };
    }
    throw error;
  }
}

describe('Microservice under generated props', () => {
  test('accepted input gives schema-valid, DNS-safe objects; rejected input a ValidationError with the path; nothing else escapes', () => {
    let accepted = 0;
    fc.assert(
      fc.property(props, (p) => {
        const result = synthesize(p);
        if (result.error) {
          expect(result.error.path.startsWith('test/svc')).toBe(true);
          return;
        }
        accepted++;
        for (const object of result.objects!) {
          expect(schemaErrors(object)).toBeUndefined();
          expect(object.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
          expect(object.metadata.name!.length).toBeLessThanOrEqual(63);
        }
      }),
      { numRuns: 1500, seed: 20261121 },
    );
    expect(accepted).toBeGreaterThan(150);
  });

  test('synthesis is deterministic for the same input', () => {
    fc.assert(
      fc.property(props, (p) => {
        const first = synthesize(p);
        const second = synthesize(p);
        expect(JSON.stringify(second)).toBe(JSON.stringify(first));
      }),
      { numRuns: 300, seed: 11 },
    );
  });
});
