import { Chart } from 'cdk8s';
import { ServerlessFunction, ServerlessFunctionProps } from '../../../../lib';
import { digestImage, ExpectedRefusal, expectRefusal, newChart } from '../../../fixtures';

// Wrong JavaScript values given to a ServerlessFunction: its container props
// are checked as a Microservice's are (one schema), its own ones likewise.
// Each is refused with a ValidationError naming the function's path, the
// prop, the value as given and the fix, and never showing secret data.

const image = digestImage();
const PIN = 4321;

/** A bad input and what its refusal (at test/resize) must say. */
interface BadInput extends Omit<ExpectedRefusal, 'path'> {
  /** Builds the bad input in `chart` (namespace 'test'). */
  readonly build: (chart: Chart) => unknown;
}

const fn = (props: Record<string, unknown>) => (chart: Chart) => new ServerlessFunction(chart, 'resize', { image, ...props } as unknown as ServerlessFunctionProps);
const revision = (props: Record<string, unknown>) => (chart: Chart) =>
  new ServerlessFunction(chart, 'resize', { image }).addRevision('canary', { image: digestImage('ghcr.io/acme/app', 'b'), ...props });

const cases: Record<string, Record<string, BadInput>> = {
  'string for a list': {
    'command as one string': { build: fn({ command: 'node fn.js' }), prop: 'command', shown: "got 'node fn.js' (a string)", fix: /\['node', 'fn\.js'\]/ },
    'args as one string, in a revision': { build: revision({ args: '--fast' }), prop: "revision 'canary' args", shown: "got '--fast'", fix: /\['--fast'\]/ },
  },
  'wrong type': {
    'args of numbers': { build: fn({ args: [1] }), prop: 'args[0]', shown: 'got 1 (a number)', fix: /'1'/ },
    'a timeout as a number': { build: fn({ timeout: 30 }), prop: 'timeout', shown: 'got 30 (a number)', fix: /Duration\.seconds\(30\)/ },
    'maxScale as a string': { build: fn({ scaling: { maxScale: '10' } }), prop: 'scaling.maxScale', shown: "got '10' (a string)", fix: /without quotes: 10/ },
    'the mesh as a name': { build: fn({ mesh: 'istio' }), prop: 'mesh', shown: "got 'istio'", fix: /a Mesh/ },
    'an authentication audience as one string': {
      build: fn({ authentication: { issuers: [{ issuer: 'https://login.example.com', jwksUri: 'https://login.example.com/jwks', audiences: 'shop' }] } }),
      prop: 'authentication.issuers[0].audiences', shown: "got 'shop'", fix: /\['shop'\]/,
    },
  },
  'missing required value': {
    'no image': { build: (chart) => new ServerlessFunction(chart, 'resize', {} as never), prop: 'image', shown: 'is required', fix: /sha256/ },
  },
  'NaN and Infinity': {
    'a NaN port': { build: fn({ port: NaN }), prop: 'port', shown: 'got NaN', fix: /finite number/ },
    'an Infinity containerConcurrency': { build: fn({ scaling: { containerConcurrency: Infinity } }), prop: 'scaling.containerConcurrency', shown: 'got Infinity', fix: /finite number/ },
  },
  'unset environment variable (undefined)': {
    'an env value': { build: fn({ env: { BUCKET: undefined } }), prop: 'env.BUCKET', shown: 'is undefined', fix: /not set/ },
  },
  'number for a string': {
    'an env value': { build: revision({ env: { WIDTH: 640 } }), prop: "revision 'canary' env.WIDTH", shown: 'got 640 (a number)', fix: /'640'/ },
  },
  'unknown key': {
    'a scaling prop in snake case': { build: fn({ scaling: { max_scale: 10 } }), prop: 'scaling.max_scale', shown: 'is not a known prop', fix: /did you mean 'maxScale'\?/ },
  },
  'secret content in a bad value': {
    'a number as a secret literal': {
      build: fn({ secrets: [{ name: 'api', literals: { pin: PIN } }] }),
      prop: 'secrets[0].literals.pin', shown: 'not shown: secret data', fix: /as a string/, secret: String(PIN),
    },
  },
};

describe.each(Object.keys(cases))('ServerlessFunction bad input: %s', (group) => {
  test.each(Object.entries(cases[group]))('%s', (_, c) => {
    expectRefusal(() => c.build(newChart()), { ...c, path: 'test/resize' });
  });
});
