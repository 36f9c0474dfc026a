import { App } from 'cdk8s';
import { NightlyCronChart } from '../../../examples/nightly-cron';
import { ThumbnailEventsChart } from '../../../examples/thumbnail-events';
import { Box, drawTopology, layoutTopology, readTopology, renderMermaid, renderSvg, Topology } from '../../../lib';
import { synthObjects } from '../../../lib/testing';
import { ShopChart } from '../../../stacks/shop/shop-chart';
import { meshCanary } from './graph-fixtures';

/**
 * Checks that text is well-formed XML as far as an SVG needs: one root
 * element, every tag closed in order, attributes quoted, no bare `<` or `&`
 * in text. Returns the problem, or undefined.
 */
function xmlProblem(xml: string): string | undefined {
  const open: string[] = [];
  let roots = 0;
  const token = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/gy;
  let match: RegExpExecArray | null;
  while ((match = token.exec(xml)) !== null) {
    const [, closing, name, , selfClosing, text, stray] = match;
    if (stray !== undefined) {
      return `a '<' that starts no tag at ${match.index}: ${xml.slice(match.index, match.index + 40)}`;
    }
    if (text !== undefined) {
      if (/&(?!(amp|lt|gt|quot|apos|#\d+);)/.test(text)) {
        return `a bare '&' in ${JSON.stringify(text)}`;
      }
      if (open.length === 0 && text.trim() !== '') {
        return `text outside the root: ${JSON.stringify(text)}`;
      }
      continue;
    }
    if (closing === '/') {
      if (open.pop() !== name) {
        return `</${name}> at ${match.index} closes nothing open`;
      }
    } else if (selfClosing !== '/') {
      roots += open.length === 0 ? 1 : 0;
      open.push(name);
    } else {
      roots += open.length === 0 ? 1 : 0;
    }
    if (token.lastIndex === xml.length) {
      break;
    }
  }
  if (token.lastIndex !== 0 && token.lastIndex < xml.length) {
    return `unreadable at ${token.lastIndex}: ${xml.slice(token.lastIndex, token.lastIndex + 40)}`;
  }
  return open.length > 0 ? `unclosed <${open.join('>, <')}>` : roots !== 1 ? `${roots} root elements` : undefined;
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

const shopObjects = () => synthObjects(new ShopChart(new App(), 'shop-prod', { environment: 'prod' }));

describe('renderSvg', () => {
  const topology = readTopology(meshCanary());
  const svg = renderSvg(layoutTopology(topology), { title: 'Topology of namespace shop' });

  test('is well-formed XML with one svg root, a title and a size', () => {
    expect(xmlProblem(svg)).toBeUndefined();
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="\d+" height="\d+" viewBox="0 0 \d+ \d+" /);
    expect(svg).toContain('<title>Topology of namespace shop</title>');
    expect(svg.endsWith('</svg>\n')).toBe(true);
  });

  test('the checker finds what is not well-formed', () => {
    expect(xmlProblem('<svg><g></svg>')).toBe('</svg> at 8 closes nothing open');
    expect(xmlProblem('<svg><text>a & b</text></svg>')).toBe('a bare \'&\' in "a & b"');
    expect(xmlProblem('<svg><rect x=1/></svg>')).toMatch(/^a '<' that starts no tag/);
    expect(xmlProblem('<svg/><svg/>')).toBe('2 root elements');
  });

  test('shows every node (name, type, details) and every edge label', () => {
    for (const node of topology.nodes) {
      for (const text of [node.name, node.type, ...node.details]) {
        expect(svg).toContain(`>${escapeXml(text)}</text>`);
      }
    }
    for (const edge of topology.edges.filter((e) => e.label !== undefined)) {
      expect(svg).toContain(`>${escapeXml(edge.label!)}</text>`);
    }
    expect(svg.match(/<g class="node /g)).toHaveLength(topology.nodes.length);
    expect(svg.match(/<path class="edge /g)).toHaveLength(topology.edges.length);
  });

  test('dependencies are dashed; a larger share is a wider line', () => {
    expect(svg).toMatch(/<path class="edge dependency" [^>]*stroke-dasharray="6 4"/);
    const width = (label: string) => {
      const index = topology.edges.findIndex((e) => e.label === label && e.kind === 'traffic');
      return Number(/stroke-width="([\d.]+)"/.exec(svg.split('\n').filter((l) => l.startsWith('<path class="edge '))[index])![1]);
    };
    expect(width('90%')).toBeGreaterThan(width('10%'));
  });

  test('is byte-identical on every run', () => {
    expect(renderSvg(layoutTopology(readTopology(meshCanary())), { title: 'Topology of namespace shop' })).toBe(svg);
    expect(drawTopology(shopObjects())).toBe(drawTopology(shopObjects()));
  });

  test('escapes text', () => {
    const odd: Topology = {
      nodes: [
        { id: 'service:a', kind: 'service', name: 'a<b>&"c\'', namespace: 'x', type: 'Service', details: ['d & e'] },
        { id: 'external:h', kind: 'external', name: 'h', type: 'external host', details: [] },
      ],
      edges: [{ from: 'service:a', to: 'external:h', kind: 'dependency', label: '<&>' }],
    };
    const text = renderSvg(layoutTopology(odd), { title: 'a & b' });
    expect(xmlProblem(text)).toBeUndefined();
    expect(text).toContain('>a&lt;b&gt;&amp;&quot;c\'</text>');
    expect(text).toContain('>&lt;&amp;&gt;</text>');
    expect(text).toContain('<title>a &amp; b</title>');
  });

  test('an empty topology is a picture that says so', () => {
    const text = renderSvg(layoutTopology({ nodes: [], edges: [] }));
    expect(xmlProblem(text)).toBeUndefined();
    expect(text).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="\d+" height="\d+" /);
    expect(text).toContain('>Nothing to draw: no gateway, service, function or event flow</text>');
  });
});

describe('layoutTopology', () => {
  test.each([
    ['the shop', () => readTopology(shopObjects())],
    ['a gateway canary in a mesh', () => readTopology(meshCanary())],
    ['two namespaces', () => readTopology([...synthObjects(new NightlyCronChart(new App(), 'cron')), ...synthObjects(new ThumbnailEventsChart(new App(), 'thumbs'))])],
  ])('%s: left to right, no box on another, each namespace framed around its nodes', (_, topology) => {
    const layout = layoutTopology(topology());
    const boxes = [...layout.nodes, ...layout.edges.flatMap((e) => (e.label === undefined ? [] : [e.label]))];
    boxes.forEach((a, i) => boxes.slice(i + 1).forEach((b) => expect(overlaps(a, b)).toBe(false)));
    for (const box of boxes) {
      expect(box.x + box.width).toBeLessThanOrEqual(layout.width);
      expect(box.y + box.height).toBeLessThanOrEqual(layout.height);
    }
    for (const placed of layout.edges.filter((e) => e.edge.kind === 'traffic')) {
      const [from, to] = [placed.edge.from, placed.edge.to].map((id) => layout.nodes.find((n) => n.node.id === id)!);
      expect(from.x).toBeLessThan(to.x);
    }
    for (const cluster of layout.clusters) {
      for (const placed of layout.nodes.filter((n) => n.node.namespace === cluster.namespace)) {
        expect(placed.x).toBeGreaterThan(cluster.x);
        expect(placed.y).toBeGreaterThanOrEqual(cluster.y + 20);
        expect(placed.x + placed.width).toBeLessThan(cluster.x + cluster.width);
        expect(placed.y + placed.height).toBeLessThan(cluster.y + cluster.height);
      }
      layout.clusters.filter((other) => other !== cluster).forEach((other) => expect(overlaps(cluster, other)).toBe(false));
    }
  });
});

describe('renderMermaid', () => {
  test('a flowchart, left to right: a subgraph per namespace, shapes and colours by kind, labelled edges', () => {
    expect(renderMermaid(readTopology(synthObjects(new NightlyCronChart(new App(), 'nightly-cron'))))).toBe([
      'flowchart LR',
      '  subgraph ns0["namespace reports"]',
      '    function_reports_nightly_report[["<b>nightly-report</b><br/>Knative Service"]]',
      '    revision_reports_nightly_report_f0d3e74c2c(["<b>nightly-report-f0d3e74c2c</b><br/>Knative revision"])',
      '    source_reports_every_night>"<b>every-night</b><br/>PingSource<br/>30 2 * * * (Europe/Berlin)"]',
      '  end',
      '  function_reports_nightly_report-->|"100%"|revision_reports_nightly_report_f0d3e74c2c',
      '  source_reports_every_night==>function_reports_nightly_report',
      '  classDef functionNode fill:#fff3e0,stroke:#ef6c00',
      '  class function_reports_nightly_report functionNode',
      '  classDef revisionNode fill:#e8f5e9,stroke:#2e7d32',
      '  class revision_reports_nightly_report_f0d3e74c2c revisionNode',
      '  classDef sourceNode fill:#fffde7,stroke:#f9a825',
      '  class source_reports_every_night sourceNode',
      '  linkStyle 0 stroke:#2e7d32',
      '  linkStyle 1 stroke:#c2185b',
      '',
    ].join('\n'));
  });

  test('dependencies dotted, shares on the edges, idle revisions grey', () => {
    const topology = readTopology(meshCanary());
    const text = renderMermaid(topology);
    expect(text).toContain('  service_shop_checkout-.->service_shop_payments\n');
    expect(text).toMatch(/ {2}service_shop_checkout-->\|"90%"\|revision_shop_checkout_[0-9a-f]{10}\n/);
    const idle: Topology = {
      nodes: [{ id: 'service:s', kind: 'service', name: 's', type: 'Service', details: [] }, { id: 'revision:r', kind: 'revision', name: 'r', type: 'Deployment', details: [] }],
      edges: [{ from: 'service:s', to: 'revision:r', kind: 'traffic', label: '0%', percent: 0 }],
    };
    expect(renderMermaid(idle)).toContain('  linkStyle 0 stroke:#9e9e9e,stroke-dasharray:3 3\n');
  });

  test('ids are letters, digits and _, unique; text is escaped with entity codes', () => {
    const odd: Topology = {
      nodes: [
        { id: 'external:a.b', kind: 'external', name: 'a.b', type: 'external host', details: [] },
        { id: 'external:a-b', kind: 'external', name: 'a-b', type: 'external host', details: ['say "hi" <b> #1 & more'] },
      ],
      edges: [{ from: 'external:a.b', to: 'external:a-b', kind: 'dependency', label: '"x"' }],
    };
    expect(renderMermaid(odd)).toBe([
      'flowchart LR',
      '  external_a_b("<b>a.b</b><br/>external host")',
      '  external_a_b_2("<b>a-b</b><br/>external host<br/>say #34;hi#34; #60;b#62; #35;1 #38; more")',
      '  external_a_b-.->|"#34;x#34;"|external_a_b_2',
      '  classDef externalNode fill:#f5f5f5,stroke:#616161,stroke-dasharray:4 3',
      '  class external_a_b,external_a_b_2 externalNode',
      '  linkStyle 0 stroke:#546e7a',
      '',
    ].join('\n'));
  });

  test('is byte-identical on every run', () => {
    expect(drawTopology(shopObjects(), { format: 'mermaid' })).toBe(drawTopology(shopObjects(), { format: 'mermaid' }));
  });
});
