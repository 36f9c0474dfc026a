import { ANY_HOSTNAME, hostnameCovers, hostnamesIntersect, hostnameSpecificity } from '../../../lib/gateway/hostnames';

describe('hostnames', () => {
  test.each([
    ['a.example.com', 'a.example.com', true],
    ['*.example.com', 'a.example.com', true],
    ['*.example.com', 'a.b.example.com', true],
    ['*.example.com', 'example.com', false],
    ['*.example.com', '*.a.example.com', true],
    ['*.a.example.com', '*.example.com', false],
    ['*.example.com', '*.example.com', true],
    ['a.example.com', '*.example.com', false],
    [ANY_HOSTNAME, '*.example.com', true],
    ['a.example.com', 'b.example.com', false],
  ])('%s covers %s: %s', (pattern, host, covers) => {
    expect(hostnameCovers(pattern, host)).toBe(covers);
  });

  test('two hostnames intersect when either covers the other', () => {
    expect(hostnamesIntersect('a.example.com', '*.example.com')).toBe(true);
    expect(hostnamesIntersect('*.example.org', '*.example.com')).toBe(false);
  });

  test('exact hostnames are more specific than wildcards, longer than shorter', () => {
    const sorted = ['*', '*.example.com', 'a.example.com', 'long.a.example.com'].map(hostnameSpecificity);
    expect(sorted).toEqual([[0, 0], [0, 13], [13, 13], [18, 18]]);
  });
});
