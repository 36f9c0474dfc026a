import { Box, layoutTopology, renderSvg, Topology, TopologyLayout } from '../../../lib';
import { NETWORK_SIMPLEX_MAX_NODES } from '../../../lib/release/graph/graph-layout';
import { TopologyBuilder } from '../../../lib/release/graph/topology-builder';

/**
 * A platform of `count` services behind one gateway, as the benchmark's app
 * draws: a gateway and its HTTPRoutes in `edge`, each route to its service,
 * each service to its live revision (100%), the services spread over two
 * team namespaces, and every tenth service depending on the next one.
 */
function platform(count: number): Topology {
  const builder = new TopologyBuilder();
  const gateway = builder.node({ kind: 'gateway', namespace: 'edge', name: 'edge', type: 'Gateway', details: ['HTTP :80 *.example.com'] });
  const services: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `svc-${String(i).padStart(4, '0')}`;
    const namespace = i % 2 === 0 ? 'team-a' : 'team-b';
    const route = builder.node({ kind: 'route', namespace: 'edge', name: `edge-${name}`, type: 'HTTPRoute' });
    const service = builder.node({ kind: 'service', namespace, name, type: 'Service' });
    const revision = builder.node({ kind: 'revision', namespace, name: `${name}-0123456789`, type: 'Deployment', details: ['2–10 replicas (HPA)'] });
    builder.edge({ from: gateway, to: route, kind: 'route', label: 'http' });
    builder.edge({ from: route, to: service, kind: 'route', label: `/${name}` });
    builder.edge({ from: service, to: revision, kind: 'traffic', label: '100%', percent: 100 });
    services.push(service);
  }
  services.forEach((service, i) => {
    if (i % 10 === 0 && i + 1 < services.length) {
      builder.edge({ from: service, to: services[i + 1], kind: 'dependency' });
    }
  });
  return builder.build();
}

/** The pairs of boxes that overlap, by their index (a sweep along x, so that thousands of boxes stay cheap). */
function overlappingPairs(boxes: readonly Box[]): Array<[number, number]> {
  const order = boxes.map((_, i) => i).sort((a, b) => boxes[a].x - boxes[b].x);
  const pairs: Array<[number, number]> = [];
  order.forEach((a, k) => {
    for (let j = k + 1; j < order.length && boxes[order[j]].x < boxes[a].x + boxes[a].width; j++) {
      const b = order[j];
      if (boxes[a].y < boxes[b].y + boxes[b].height && boxes[b].y < boxes[a].y + boxes[a].height) {
        pairs.push([Math.min(a, b), Math.max(a, b)]);
      }
    }
  });
  return pairs;
}

function within(inner: Box, outer: Box): boolean {
  return inner.x >= outer.x && inner.y >= outer.y
    && inner.x + inner.width <= outer.x + outer.width && inner.y + inner.height <= outer.y + outer.height;
}

describe('layoutTopology of a large platform (200 services, ranked by the tight-tree ranker)', () => {
  const topology = platform(200);
  let layout: TopologyLayout;

  beforeAll(() => {
    layout = layoutTopology(topology);
  });

  test('is above the size network simplex ranks', () => {
    expect(topology.nodes.length).toBe(601);
    expect(topology.nodes.length).toBeGreaterThan(NETWORK_SIMPLEX_MAX_NODES);
  });

  test('draws the same bytes every time', () => {
    const again = renderSvg(layoutTopology(platform(200)));
    expect(renderSvg(layout)).toBe(again);
  });

  test('no node box overlaps another, nor an edge label', () => {
    const labels = layout.edges.flatMap((e) => (e.label === undefined ? [] : [e.label]));
    expect(layout.nodes).toHaveLength(601);
    expect(labels).toHaveLength(600);
    expect(overlappingPairs(layout.nodes)).toEqual([]);
    expect(overlappingPairs([...layout.nodes, ...labels])).toEqual([]);
  });

  test('every box inside the picture, every node inside its namespace frame, frames apart', () => {
    const picture = { x: 0, y: 0, width: layout.width, height: layout.height };
    expect(layout.nodes.filter((n) => !within(n, picture)).map((n) => n.node.id)).toEqual([]);
    expect(layout.clusters.map((c) => c.namespace)).toEqual(['edge', 'team-a', 'team-b']);
    for (const cluster of layout.clusters) {
      const outside = layout.nodes.filter((n) => n.node.namespace === cluster.namespace && !within(n, cluster));
      expect(outside.map((n) => n.node.id)).toEqual([]);
    }
    expect(overlappingPairs(layout.clusters)).toEqual([]);
  });

  test('flows left to right: each route, traffic and dependency edge from a node to one further right', () => {
    const x = new Map(layout.nodes.map((n) => [n.node.id, n.x]));
    const backwards = layout.edges.filter((e) => x.get(e.edge.from)! >= x.get(e.edge.to)!);
    expect(backwards.map((e) => `${e.edge.from} → ${e.edge.to}`)).toEqual([]);
  });
});
