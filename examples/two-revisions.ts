/**
 * A plain-Kubernetes canary: two live revisions of one service behind one
 * Service. Without a mesh the split follows replica counts: 3 stable pods and
 * 1 canary pod take about 75% / 25% of the traffic. The next step is a code
 * change of the replica counts; promotion is making the canary the only
 * revision, which retires the old one.
 * Run: `node -r ts-node/register/transpile-only examples/two-revisions.ts`
 */
import { App, Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { Microservice, Revision, synthApp } from '../lib';

export class TwoRevisionsChart extends Chart {
  /** The canary revision. */
  public readonly canary: Revision;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: 'two-revisions', ...props });
    const search = new Microservice(this, 'search', {
      image: 'ghcr.io/immutable-infra/search@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae',
      ports: [{ port: 80, containerPort: 8080 }],
      replicas: 3,
      configs: [{ name: 'settings', literals: { INDEX: 'products-v7' } }],
    });
    this.canary = search.addRevision('canary', {
      image: 'ghcr.io/immutable-infra/search@sha256:fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9',
      replicas: 1,
    });
  }
}

if (require.main === module) {
  const app = new App();
  new TwoRevisionsChart(app, 'two-revisions');
  synthApp(app);
}
