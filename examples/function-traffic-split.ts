/**
 * A traffic split 80/20 between two revisions of a function, each with a tag
 * URL of its own (`stable-pricing.pricing.svc.cluster.local`,
 * `canary-pricing.pricing.svc.cluster.local`) for testing it directly. The
 * revisions are pinned by name: what serves traffic is what the code says.
 * The canary is the Knative Service's template; the stable revision was the
 * template of the previous release. The next step is a code change of the
 * two percents; promotion is giving stable the canary's image and dropping
 * the canary.
 * Run: `node -r ts-node/register/transpile-only examples/function-traffic-split.ts`
 */
import { App, Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { FunctionRevision, ServerlessFunction, synthApp } from '../lib';

/** Image digests of the two revisions. */
export const PRICING_IMAGES = {
  stable: 'ghcr.io/immutable-infra/pricing@sha256:8a1f0c3e5b7d9f1a2c4e6b8d0f2a4c6e8b0d2f4a6c8e0b2d4f6a8c0e2b4d6f8a',
  canary: 'ghcr.io/immutable-infra/pricing@sha256:1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c5e7b9d1f3a5c7e9b1d3f5a7c9e1b3d',
} as const;

/** Props of {@link FunctionSplitChart}. */
export interface FunctionSplitChartProps extends ChartProps {
  /**
   * The canary's share in percent; stable gets the rest.
   * @default 20
   */
  readonly canaryPercent?: number;
}

/** The pricing function in two revisions, split by percent. */
export class FunctionSplitChart extends Chart {
  /** The function. */
  public readonly pricing: ServerlessFunction;
  /** The canary revision. */
  public readonly canary: FunctionRevision;

  constructor(scope: Construct, id: string, props: FunctionSplitChartProps = {}) {
    super(scope, id, { namespace: 'pricing', ...props });
    const canaryPercent = props.canaryPercent ?? 20;
    this.pricing = new ServerlessFunction(this, 'pricing', {
      image: PRICING_IMAGES.stable,
      scaling: { maxScale: 20, containerConcurrency: 50 },
    });
    this.canary = this.pricing.addRevision('canary', { image: PRICING_IMAGES.canary });
    this.pricing.setTraffic([
      { revision: this.pricing.revisions[0], percent: 100 - canaryPercent, tag: 'stable' },
      { revision: this.canary, percent: canaryPercent, tag: 'canary' },
    ]);
  }
}

if (require.main === module) {
  const app = new App();
  new FunctionSplitChart(app, 'function-traffic-split');
  synthApp(app);
}
