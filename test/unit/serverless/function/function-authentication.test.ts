import { EndUserAuthentication, FunctionProtocol, Mesh, MeshProvider, PathMatch, ServerlessFunction } from '../../../../lib';
import { findObject, findObjects, synthObjects } from '../../../../lib/testing';
import { digestImage, newChart, synthProblems, validationErrorOf } from '../../../fixtures';

const ISSUER = 'https://accounts.example.com';
const AUTH: EndUserAuthentication = {
  issuers: [{ issuer: ISSUER, jwksUri: 'https://accounts.example.com/.well-known/jwks.json', audiences: ['resize'] }],
};
const NO_TOKEN = { from: [{ source: { notRequestPrincipals: [`${ISSUER}/*`] } }] };
const SELECTOR = { matchLabels: { 'serving.knative.dev/service': 'resize' } };

function meshFunction(provider = MeshProvider.istio(), props: Partial<ConstructorParameters<typeof ServerlessFunction>[2]> = {}) {
  const chart = newChart();
  const mesh = new Mesh(chart, 'mesh', { provider });
  const fn = new ServerlessFunction(chart, 'resize', { image: digestImage(), mesh, authentication: AUTH, ...props });
  return { chart, fn };
}

const specOf = (objects: ReturnType<typeof synthObjects>, kind: string, name: string) => (findObject(objects, { kind, name }) as any).spec;

describe('end-user authentication of a serverless function', () => {
  test('Istio: a RequestAuthentication on every revision\'s pods and a DENY policy on the request port, outside Knative\'s system paths', () => {
    const { chart, fn } = meshFunction(MeshProvider.istio(), { authentication: { ...AUTH, require: [{ claims: [{ claim: 'groups', values: ['admin'] }] }] } });
    const objects = synthObjects(chart);
    expect(specOf(objects, 'RequestAuthentication', 'resize')).toEqual({ selector: SELECTOR, jwtRules: [{ issuer: ISSUER, jwksUri: AUTH.issuers[0].jwksUri, audiences: ['resize'] }] });
    const to = [{ operation: { ports: ['8012'], notPaths: ['/healthz', '/metrics'] } }];
    expect(specOf(objects, 'AuthorizationPolicy', 'resize-require-token')).toEqual({
      selector: SELECTOR,
      action: 'DENY',
      rules: [{ ...NO_TOKEN, to }, { to, when: [{ key: 'request.auth.claims[groups]', notValues: ['admin'] }] }],
    });
    // the function's ALLOW policy for Knative's data path is unchanged: the DENY adds to it
    expect(specOf(objects, 'AuthorizationPolicy', 'resize').action).toBe('ALLOW');
    // the policies are pointers: the revision is the same as without authentication
    const plain = new ServerlessFunction(newChart(), 'resize', { image: digestImage(), mesh: new Mesh(newChart('other'), 'mesh', { provider: MeshProvider.istio() }) });
    expect(fn.revisions[0].revisionId).toBe(plain.revisions[0].revisionId);
  });

  test('Istio: a requirement\'s own paths and methods narrow the rule; an h2c function is guarded on its h2c port', () => {
    const { chart } = meshFunction(MeshProvider.istio(), {
      protocol: FunctionProtocol.H2C,
      authentication: { ...AUTH, require: [{ paths: [PathMatch.prefix('/admin')], methods: ['POST'] }] },
    });
    expect(specOf(synthObjects(chart), 'AuthorizationPolicy', 'resize-require-token').rules).toEqual([
      { ...NO_TOKEN, to: [{ operation: { ports: ['8013'], notPaths: ['/healthz', '/metrics'], paths: ['/admin', '/admin/*'], methods: ['POST'] } }] },
    ]);
  });

  test('Istio: require [] validates presented tokens only, no DENY policy', () => {
    const { chart } = meshFunction(MeshProvider.istio(), { authentication: { ...AUTH, require: [] } });
    const objects = synthObjects(chart);
    expect(findObjects(objects, { kind: 'RequestAuthentication' })).toHaveLength(1);
    expect(findObjects(objects, { kind: 'AuthorizationPolicy', name: 'resize-require-token' })).toEqual([]);
  });

  describe('what is refused', () => {
    test('fails when the function is in a Linkerd mesh (linkerd validates no tokens)', () => {
      const { chart } = meshFunction(MeshProvider.linkerd());
      expect(synthProblems(chart)).toEqual([
        expect.stringMatching(/^\[test\/mesh\/test-function-resize\] authentication of function resize asks for JWT validation, which linkerd cannot express/),
      ]);
    });

    test('fails when a requirement covers a regular-expression path (istio)', () => {
      const { chart } = meshFunction(MeshProvider.istio(), { authentication: { ...AUTH, require: [{ paths: [PathMatch.regex('/v[0-9]+/admin')] }] } });
      expect(synthProblems(chart)).toEqual([
        expect.stringMatching(/authentication require 1 of function resize covers the regular-expression path '\/v\[0-9\]\+\/admin', which an Istio AuthorizationPolicy cannot scope by/),
      ]);
    });

    test('fails when the function is in no mesh', () => {
      const error = validationErrorOf(() => new ServerlessFunction(newChart(), 'resize', { image: digestImage(), authentication: AUTH }));
      expect(error.message).toMatch(/function resize has authentication but no mesh.*give it the mesh prop/);
      expect(error.message).toMatch(/test\/resize/);
    });

    test.each([
      ['an issuer that is not https', { issuers: [{ ...AUTH.issuers[0], issuer: 'http://accounts.example.com' }] }, /authentication issuer 1 issuer must be an https:\/\/ URL/],
      ['no audience', { issuers: [{ ...AUTH.issuers[0], audiences: [] }] }, /authentication issuer 1 \(https:\/\/accounts.example.com\) has no audiences/],
      ['a malformed claim name', { ...AUTH, require: [{ claims: [{ claim: 'a b', values: ['x'] }] }] }, /authentication require 1 claim must be a claim name/],
    ])('fails when the authentication has %s', (_, authentication, message) => {
      const error = validationErrorOf(() => meshFunction(MeshProvider.istio(), { authentication: authentication as EndUserAuthentication }));
      expect(error.message).toMatch(message);
    });
  });
});
