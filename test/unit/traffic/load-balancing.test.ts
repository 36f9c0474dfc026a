import { Duration } from 'cdk8s';
import { LoadBalancingAlgorithm, Mesh, MeshProvider, Microservice, ServiceRoutes, ServiceRoutesProps, ValidationError } from '../../../lib';
import { digestImage, newChart, validationErrorOf } from '../../fixtures';

// The neutral checks of load balancing and locality failover, at the
// ServiceRoutes that has them, before any mesh sees them.

function routesWith(props: Omit<ServiceRoutesProps, 'service'>): ServiceRoutes {
  const chart = newChart();
  const mesh = new Mesh(chart, 'mesh', { provider: MeshProvider.istio() });
  const cart = new Microservice(chart, 'cart', { image: digestImage(), ports: [{ port: 80, containerPort: 8080 }], mesh });
  return new ServiceRoutes(chart, 'routes', { service: cart, ...props });
}

describe('ServiceRoutes load balancing and locality failover', () => {
  test('the resolved forms: header names lower-cased, durations formatted, the locality policy as given', () => {
    const routes = routesWith({
      loadBalancing: { sessionAffinity: { header: 'X-Cart' } },
      localityFailover: { failover: [{ from: 'eu-west1', to: 'eu-north1' }] },
    });
    expect(routes.loadBalancing).toEqual({ sessionAffinity: { kind: 'header', name: 'x-cart' } });
    expect(routes.localityFailover).toEqual({ failover: [{ from: 'eu-west1', to: 'eu-north1' }] });
    expect(routesWith({ loadBalancing: { slowStart: Duration.minutes(1) } }).loadBalancing).toEqual({ slowStart: '60s' });
  });

  test.each<[string, Omit<ServiceRoutesProps, 'service'>, string]>([
    ['an algorithm comes with session affinity', { loadBalancing: { algorithm: LoadBalancingAlgorithm.RANDOM, sessionAffinity: { sourceIp: true } } },
      "loadBalancing sets algorithm 'random' and sessionAffinity, but affinity is its own algorithm (consistent hashing); keep one"],
    ['the load balancing is empty', { loadBalancing: {} }, 'loadBalancing is empty; set algorithm, sessionAffinity or slowStart, or drop it'],
    ['an affinity names two keys', { loadBalancing: { sessionAffinity: { header: 'x-user', sourceIp: true } } },
      'loadBalancing.sessionAffinity must set exactly one of header, cookie, sourceIp or queryParameter, got header, sourceIp'],
    ['an affinity names no key', { loadBalancing: { sessionAffinity: {} } },
      'loadBalancing.sessionAffinity must set exactly one of header, cookie, sourceIp or queryParameter, got none'],
    ['an affinity header is no header name', { loadBalancing: { sessionAffinity: { header: 'x user' } } },
      "loadBalancing.sessionAffinity.header must be an HTTP header name such as 'x-user', got 'x user'"],
    ['an affinity cookie name has a space', { loadBalancing: { sessionAffinity: { cookie: { name: 'my cookie' } } } },
      'loadBalancing.sessionAffinity.cookie.name must be a cookie name (an HTTP token) such as \'session\', got "my cookie"'],
    ['an affinity cookie path is relative', { loadBalancing: { sessionAffinity: { cookie: { name: 'sid', path: 'cart' } } } },
      'loadBalancing.sessionAffinity.cookie.path must start with \'/\' and hold no spaces, \';\' or control characters, got "cart"'],
    ['an affinity cookie lives half a millisecond', { loadBalancing: { sessionAffinity: { cookie: { name: 'sid', ttl: Duration.millis(0.5) } } } },
      'loadBalancing.sessionAffinity.cookie.ttl must be a whole number of milliseconds ≥ 1ms, got 0.5ms'],
    ['an affinity by source IP is false', { loadBalancing: { sessionAffinity: { sourceIp: false } } },
      'loadBalancing.sessionAffinity.sourceIp is false, which pins nothing; set it to true or choose another key'],
    ['an affinity query parameter holds an ampersand', { loadBalancing: { sessionAffinity: { queryParameter: 'a&b' } } },
      'loadBalancing.sessionAffinity.queryParameter must be 1-256 URL-safe characters'],
    ['a slow start is 0', { loadBalancing: { slowStart: Duration.seconds(0) } }, 'loadBalancing.slowStart must be a whole number of milliseconds ≥ 1ms, got 0ms'],
    ['the locality failover is empty', { localityFailover: {} }, 'localityFailover is empty; set failover, failoverPriority or distribute, or drop it'],
    ['a region fails over to itself', { localityFailover: { failover: [{ from: 'us-east1', to: 'us-east1' }] } },
      "localityFailover.failover[0] fails region 'us-east1' over to itself; name another region"],
    ['a region fails over twice', { localityFailover: { failover: [{ from: 'a', to: 'b' }, { from: 'a', to: 'c' }] } },
      "localityFailover.failover names region 'a' as from twice; give each region one failover"],
    ['a failover names a zone', { localityFailover: { failover: [{ from: 'us-east1/zone-a', to: 'us-west1' }] } },
      'localityFailover.failover[0].from must be a region name such as \'us-east1\' (no \'/\' or \'*\'), got "us-east1/zone-a"'],
    ['a failover priority is no label key', { localityFailover: { failoverPriority: ['not a label'] } },
      'localityFailover.failoverPriority[0] must be a label key such as \'topology.kubernetes.io/zone\', got "not a label"'],
    ['a failover priority lists a label twice', { localityFailover: { failoverPriority: ['zone', 'zone'] } },
      'localityFailover.failoverPriority lists a label twice; list each once'],
    ['a distribution comes with failover', { localityFailover: { failover: [{ from: 'a', to: 'b' }], distribute: [{ from: 'a', to: { a: 100 } }] } },
      'localityFailover sets distribute beside failover or failoverPriority, which cannot be combined; keep one'],
    ['a distribution does not sum to 100', { localityFailover: { distribute: [{ from: 'a/*', to: { 'a/*': 70, 'b/*': 20 } }] } },
      'localityFailover.distribute[0].to weights sum to 90; make them sum to 100'],
    ['a distribution weight is a fraction', { localityFailover: { distribute: [{ from: 'a', to: { a: 99.5, b: 0.5 } }] } },
      "localityFailover.distribute[0].to['a'] must be a whole percentage 1-100, got 99.5"],
    ['a distribution locality has a wildcard before its end', { localityFailover: { distribute: [{ from: '*/zone', to: { a: 100 } }] } },
      "localityFailover.distribute[0].from must be 'region', 'region/zone' or 'region/zone/subzone', with '*' only as the last part, got \"*/zone\""],
    ['a distribution names its from twice', { localityFailover: { distribute: [{ from: 'a', to: { a: 100 } }, { from: 'a', to: { b: 100 } }] } },
      "localityFailover.distribute names locality 'a' as from twice; merge them"],
  ])('fails when %s', (_, props, message) => {
    const error = validationErrorOf(() => routesWith(props));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.path).toBe('test/routes');
    expect(error.message).toContain(message);
  });

  test.each<[string, unknown, string]>([
    ['an algorithm is not one of the three', { algorithm: 'ewma' }, "loadBalancing.algorithm must be one of 'round-robin', 'least-request', 'random', got 'ewma'"],
    ['an affinity key is misspelt', { sessionAffinity: { cookies: { name: 'sid' } } }, "loadBalancing.sessionAffinity.cookies is not a known prop, so it would be ignored; did you mean 'cookie'?"],
    ['a slow start is a number', { slowStart: 30 }, 'loadBalancing.slowStart must be a Duration such as Duration.seconds(30), got 30 (a number); pass Duration.seconds(30) if seconds are meant'],
  ])('fails when %s (the shape check)', (_, loadBalancing, message) => {
    const error = validationErrorOf(() => routesWith({ loadBalancing: loadBalancing as never }));
    expect(error.message).toContain(message);
  });
});
