import { spawnSync } from 'child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Chart } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { ConfigRolloutChart } from '../../examples/config-rollout';
import { ConsulMeshChart } from '../../examples/consul-mesh';
import { EdgePoliciesChart } from '../../examples/edge-policies';
import { FunctionGatewayChart } from '../../examples/function-behind-gateway';
import { FunctionSplitChart } from '../../examples/function-traffic-split';
import { GatewayCanaryChart } from '../../examples/gateway-canary';
import { GatewayRoutingChart, InventoryChart } from '../../examples/gateway-routing';
import { shopBehindGateway } from '../../examples/gateway-shop';
import { GatewayTcpChart } from '../../examples/gateway-tcp';
import { HelloServiceChart } from '../../examples/hello-service';
import { IngressEdgeChart } from '../../examples/ingress-edge';
import { MeshGatewayApiChart } from '../../examples/mesh-gateway-api';
import { MESH_SCENARIOS, MeshScenario, MeshTrafficChart } from '../../examples/mesh-traffic';
import { NightlyCronChart } from '../../examples/nightly-cron';
import { observedShop } from '../../examples/observed-shop';
import { QueueWorkerChart } from '../../examples/queue-worker';
import { ThumbnailEventsChart } from '../../examples/thumbnail-events';
import { TrafficPolicyChart } from '../../examples/traffic-policy';
import { TwoRevisionsChart } from '../../examples/two-revisions';
import { GatewayRendering, Manifest, MeshProvider } from '../../lib';
import { synthYaml } from '../../lib/testing';
import { ShopChart } from '../../stacks/shop/shop-chart';
import { engines, REPO_ROOT } from './engines';

/*
 * The security audit (issue #7): kube-score, built from the Go module proxy by
 * scripts/engines/build.sh, scores every stack and example as `cdk8s synth`
 * writes it. No CRITICAL finding may stand, except a false positive of
 * kube-score for this library's model, which proves its condition on the
 * scored objects; every WARNING must be one the library leaves deliberately,
 * listed with its reason below and in test/README.md ("Security audit").
 * kube-linter is not part of it: its module host is not served by the module
 * proxy (see scripts/engines/versions.env).
 */

const KUBE_SCORE = join(engines().bin, 'kube-score');

/** The Kubernetes minor of the pinned kube-apiserver, e.g. `v1.36`: kube-score's deprecated-API checks follow it. */
const KUBERNETES_VERSION = (() => {
  const pinned = /^K8S_VERSION=(v\d+\.\d+)\.\d+$/m.exec(readFileSync(join(REPO_ROOT, 'scripts/engines/versions.env'), 'utf8'));
  if (pinned === null) {
    throw new Error('scripts/engines/versions.env pins no K8S_VERSION=vX.Y.Z');
  }
  return pinned[1];
})();

/** kube-score's optional checks the audit turns on. */
const OPTIONAL_CHECKS = ['container-seccomp-profile', 'container-ports-check'];

/**
 * The kinds kube-score reads (its parser); it skips every other kind without a
 * word: ServiceAccount, ConfigMap, Secret, Namespace and every CRD (Istio,
 * Linkerd, Gateway API, cert-manager, Knative, KEDA).
 */
const SCORED_KINDS = new Set([
  'v1/Pod',
  'v1/Service',
  'apps/v1/Deployment',
  'apps/v1/StatefulSet',
  'apps/v1/DaemonSet',
  'batch/v1/Job',
  'batch/v1/CronJob',
  'networking.k8s.io/v1/NetworkPolicy',
  'networking.k8s.io/v1/Ingress',
  'policy/v1/PodDisruptionBudget',
  'autoscaling/v2/HorizontalPodAutoscaler',
]);

/** kube-score's grades (scorecard.Grade): below WARNING is CRITICAL; ALMOST_OK is reported as OK. */
const GRADE = { CRITICAL: 1, WARNING: 5, ALMOST_OK: 7 } as const;

/** One finding of kube-score: a check below OK on one object (and one container, where it says). */
interface Finding {
  readonly severity: 'CRITICAL' | 'WARNING';
  readonly check: string;
  readonly object: Manifest;
  /** `Kind namespace/name`. */
  readonly objectName: string;
  /** The container or field it is about, if kube-score says. */
  readonly path: string;
  readonly summary: string;
  readonly description: string;
}

/** A CRITICAL finding that is a false positive of kube-score for this library's model. */
interface FalsePositive {
  readonly check: string;
  readonly kind: string;
  /** Why it is not a problem here (the table in test/README.md says the same). */
  readonly reason: string;
  /** Whether the finding is the false positive: proved on the scored objects. */
  readonly holds: (finding: Finding, objects: readonly Manifest[]) => boolean;
}

/** A WARNING the library deliberately leaves. */
interface LeftWarning {
  readonly check: string;
  readonly kind: string;
  /** The one comment of the check that is left (kube-score's summary). */
  readonly summary: RegExp;
  /** Why it is left (the table in test/README.md says the same). */
  readonly reason: string;
}

const DIGEST = /@sha256:[0-9a-f]{64}$/;
const KNATIVE_SERVICE_LABEL = 'serving.knative.dev/service';

/** kube-score CRITICALs that are false positives for this library's model. */
const FALSE_POSITIVES: readonly FalsePositive[] = [
  {
    check: 'container-image-pull-policy',
    kind: 'Deployment',
    reason:
      'kube-score wants imagePullPolicy Always "to always get the image you want" and "so that imagePullSecrets are always correct". ' +
      'The image is pinned by digest, so a cached image is the wanted one; and Always on our own pods does not keep another ' +
      "namespace's pods from running a private image that a node has cached (they choose their own pull policy): that is the " +
      "cluster's control, done by the kubelet since Kubernetes 1.35 (KubeletEnsureSecretPulledImages, on by default, re-checks " +
      'credentials for an image another pod pulled) or by the AlwaysPullImages admission plugin before. IfNotPresent lets a pod ' +
      'restart while the registry is down. A mutable-tag opt-out is pulled Always, so it never appears here.',
    holds: (finding) => {
      const containers: any[] = (finding.object.spec as any)?.template?.spec?.containers ?? [];
      const container = containers.find((c) => c.name === finding.path);
      return container !== undefined && DIGEST.test(container.image) && container.imagePullPolicy === 'IfNotPresent';
    },
  },
  {
    check: 'networkpolicy-targets-pod',
    kind: 'NetworkPolicy',
    reason:
      "A ServerlessFunction's NetworkPolicy selects the pods Knative Serving makes from the function's Knative Service " +
      `(labelled ${KNATIVE_SERVICE_LABEL}); kube-score does not read Knative Services, so it sees no pod for the policy.`,
    holds: (finding, objects) => {
      const selector = (finding.object.spec as any)?.podSelector;
      const labels = Object.keys(selector?.matchLabels ?? {});
      const functionName = selector?.matchLabels?.[KNATIVE_SERVICE_LABEL];
      return labels.length === 1 && selector.matchExpressions === undefined && functionName !== undefined && objects.some((o) =>
        o.apiVersion === 'serving.knative.dev/v1' && o.kind === 'Service' &&
        o.metadata.name === functionName && o.metadata.namespace === finding.object.metadata.namespace);
    },
  },
];

/** kube-score WARNINGs the library deliberately leaves. */
const LEFT_WARNINGS: readonly LeftWarning[] = [
  {
    check: 'pod-networkpolicy',
    kind: 'Deployment',
    summary: /^The pod does not have a matching egress NetworkPolicy$/,
    reason:
      "Every pod gets a deny-by-default ingress NetworkPolicy derived from the service graph; egress is left open. A NetworkPolicy " +
      'allows egress by address only, so the external hosts a service declares by name could be allowed only by opening ' +
      "0.0.0.0/0, and every pod also needs DNS and its mesh's control plane at cluster-specific addresses. In Istio the " +
      "Sidecar limits each proxy's egress to the declared dependencies and external hosts.",
  },
  {
    check: 'deployment-replicas',
    kind: 'Deployment',
    summary: /^Deployment few replicas$/,
    reason:
      "The replica count is the stack's choice: the examples and the dev shop run one pod to stay small, and a replica-weighted " +
      'canary runs its canary as one pod by design (3 + 1 pods ≈ 75/25). The prod shop runs every service on two or more, and a ' +
      'revision that can run more than one pod gets a PodDisruptionBudget.',
  },
];

/** The examples whose Linkerd rendering is refused at synth (see test/snapshot/mesh-traffic.test.ts). */
const LINKERD_REFUSES: readonly MeshScenario[] = ['faults', 'circuit-breaker', 'mirror-v3', 'jwt-rate-limit'];
const RENDERINGS = [GatewayRendering.gatewayApi(), GatewayRendering.istio()];

/** One audited synthesis: the source file it comes from, and its charts (applied together). */
type AuditCase = [name: string, source: string, charts: () => Chart[]];

/** Every stack and example, as the charts a user would synthesize. */
const CASES: AuditCase[] = [
  ['stack shop dev', 'stacks/shop/shop-chart.ts', () => [new ShopChart(new App(), 'shop-dev', { environment: 'dev' })]],
  ['stack shop prod', 'stacks/shop/shop-chart.ts', () => [new ShopChart(new App(), 'shop-prod', { environment: 'prod' })]],
  ['stack shop prod in Linkerd', 'stacks/shop/shop-chart.ts', () => [new ShopChart(new App(), 'shop-linkerd', { environment: 'prod', meshProvider: MeshProvider.linkerd() })]],
  ['stack shop prod in Consul', 'stacks/shop/shop-chart.ts', () => [new ShopChart(new App(), 'shop-consul', { environment: 'prod', meshProvider: MeshProvider.consul() })]],
  ['example consul-mesh', 'examples/consul-mesh.ts', () => [new ConsulMeshChart(new App(), 'consul-mesh')]],
  ['example hello-service', 'examples/hello-service.ts', () => [new HelloServiceChart(new App(), 'hello-service')]],
  ['example config-rollout v1', 'examples/config-rollout.ts', () => [new ConfigRolloutChart(new App(), 'config-rollout', { release: 'v1' })]],
  ['example config-rollout v2', 'examples/config-rollout.ts', () => [new ConfigRolloutChart(new App(), 'config-rollout', { release: 'v2' })]],
  ['example two-revisions', 'examples/two-revisions.ts', () => [new TwoRevisionsChart(new App(), 'two-revisions')]],
  ...MESH_SCENARIOS.map((scenario): AuditCase =>
    [`example mesh-traffic in Istio: ${scenario}`, 'examples/mesh-traffic.ts', () => [new MeshTrafficChart(new App(), 'bookinfo', { mesh: 'istio', scenario })]]),
  ...MESH_SCENARIOS.filter((s) => !LINKERD_REFUSES.includes(s)).map((scenario): AuditCase =>
    [`example mesh-traffic in Linkerd: ${scenario}`, 'examples/mesh-traffic.ts', () => [new MeshTrafficChart(new App(), 'bookinfo', { mesh: 'linkerd', scenario })]]),
  ...RENDERINGS.flatMap((rendering): AuditCase[] => [
    [`example gateway-shop (${rendering})`, 'examples/gateway-shop.ts', () => shopBehindGateway(new App(), rendering)],
    [`example gateway-canary (${rendering})`, 'examples/gateway-canary.ts', () => [new GatewayCanaryChart(new App(), 'gateway-canary', { rendering })]],
    [`example gateway-routing (${rendering})`, 'examples/gateway-routing.ts', () => {
      const app = new App();
      const inventory = new InventoryChart(app, 'inventory');
      return [inventory, new GatewayRoutingChart(app, 'gateway-routing', { inventory: inventory.inventory, rendering })];
    }],
    [`example function-behind-gateway (${rendering})`, 'examples/function-behind-gateway.ts', () => [new FunctionGatewayChart(new App(), 'function-behind-gateway', { rendering })]],
    [`example gateway-tcp (${rendering})`, 'examples/gateway-tcp.ts', () => [new GatewayTcpChart(new App(), 'gateway-tcp', { rendering })]],
  ]),
  ['example ingress-edge', 'examples/ingress-edge.ts', () => [new IngressEdgeChart(new App(), 'ingress-edge')]],
  ['example edge-policies', 'examples/edge-policies.ts', () => [new EdgePoliciesChart(new App(), 'edge-policies')]],
  ['example mesh-gateway-api', 'examples/mesh-gateway-api.ts', () => [new MeshGatewayApiChart(new App(), 'mesh-gateway-api')]],
  ['example traffic-policy', 'examples/traffic-policy.ts', () => [new TrafficPolicyChart(new App(), 'traffic-policy')]],
  ['example function-traffic-split', 'examples/function-traffic-split.ts', () => [new FunctionSplitChart(new App(), 'function-traffic-split')]],
  ['example thumbnail-events', 'examples/thumbnail-events.ts', () => [new ThumbnailEventsChart(new App(), 'thumbnail-events')]],
  ['example nightly-cron', 'examples/nightly-cron.ts', () => [new NightlyCronChart(new App(), 'nightly-cron')]],
  ['example queue-worker', 'examples/queue-worker.ts', () => [new QueueWorkerChart(new App(), 'queue-worker')]],
  ['example observed-shop', 'examples/observed-shop.ts', () => [...observedShop(new App()).charts]],
];

const workDir = mkdtempSync(join(tmpdir(), 'immutable-infra-audit-'));

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const nameOf = (o: Manifest) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;
const typeOf = (o: { apiVersion: string; kind: string }) => `${o.apiVersion}/${o.kind}`;

/** Runs kube-score on one YAML file; returns its JSON report (one entry per object it scored). */
function kubeScore(file: string): any[] {
  const args = [
    'score',
    '--output-format', 'json',
    '--kubernetes-version', KUBERNETES_VERSION,
    ...OPTIONAL_CHECKS.flatMap((check) => ['--enable-optional-test', check]),
    // Annotations on the objects may neither silence a check nor turn one on: the audit decides.
    '--disable-ignore-checks-annotations',
    '--disable-optional-checks-annotations',
    file,
  ];
  const run = spawnSync(KUBE_SCORE, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (run.error !== undefined) {
    throw new Error(`kube-score could not run (${KUBE_SCORE}; build it with scripts/engines/build.sh kube-score): ${run.error.message}`);
  }
  // 0: no CRITICAL, 1: some CRITICAL; anything else (or no JSON) is kube-score failing to read the input.
  if (run.status !== 0 && run.status !== 1) {
    throw new Error(`kube-score ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  }
  try {
    return JSON.parse(run.stdout);
  } catch {
    throw new Error(`kube-score printed no JSON report (exit ${run.status}): ${run.stderr}\n${run.stdout.slice(0, 2000)}`);
  }
}

/** Every check below OK in a kube-score report, one finding per comment. */
function findingsOf(report: readonly any[], objects: readonly Manifest[]): Finding[] {
  const findings: Finding[] = [];
  for (const scored of report) {
    const object = objects.find((o) => typeOf(o) === typeOf(scored.type_meta) && o.metadata.name === scored.object_meta.name &&
      (o.metadata.namespace ?? '') === (scored.object_meta.namespace ?? ''));
    if (object === undefined) {
      throw new Error(`kube-score scored ${scored.object_name}, which is not in the synthesized YAML`);
    }
    for (const card of scored.checks as any[]) {
      if (card.skipped || card.grade >= GRADE.ALMOST_OK) {
        continue;
      }
      const severity = card.grade <= GRADE.CRITICAL ? 'CRITICAL' : 'WARNING';
      const comments: any[] = card.comments?.length ? card.comments : [{ path: '', summary: card.check.comment, description: '' }];
      for (const comment of comments) {
        findings.push({
          severity,
          check: card.check.id,
          object,
          objectName: nameOf(object),
          path: comment.path ?? '',
          summary: comment.summary ?? '',
          description: comment.description ?? '',
        });
      }
    }
  }
  return findings;
}

const describeFinding = (f: Finding) =>
  `${f.severity} ${f.check} on ${f.objectName}${f.path ? ` (${f.path})` : ''}: ${f.summary}${f.description ? ` (${f.description})` : ''}`;

/** What kube-score made of one case. */
interface Audit {
  /** kube-score's JSON report: one entry per object it scored. */
  readonly report: readonly any[];
  /** The objects of the YAML it scored. */
  readonly objects: readonly Manifest[];
  /** The findings no allow-list entry explains, described. */
  readonly unexplained: readonly string[];
  /** The entries that explained a finding. */
  readonly explainedBy: ReadonlyArray<FalsePositive | LeftWarning>;
}

const audits = new Map<string, Audit>();

/** Synthesizes one case to the YAML `cdk8s synth` writes, scores it, and sorts its findings (once). */
function audit(name: string): Audit {
  const done = audits.get(name);
  if (done !== undefined) {
    return done;
  }
  const [, , makeCharts] = CASES.find(([n]) => n === name)!;
  const yaml = makeCharts().map((chart) => synthYaml(chart)).join('---\n');
  const objects = parseAllDocuments(yaml).map((doc) => doc.toJSON() as Manifest).filter((o) => o !== null);
  const file = join(workDir, `${name.replace(/[^A-Za-z0-9]+/g, '-')}.yaml`);
  writeFileSync(file, yaml);
  const report = kubeScore(file);
  const unexplained: string[] = [];
  const explainedBy: Array<FalsePositive | LeftWarning> = [];
  for (const finding of findingsOf(report, objects)) {
    const entry = finding.severity === 'CRITICAL'
      ? FALSE_POSITIVES.find((fp) => fp.check === finding.check && fp.kind === finding.object.kind && fp.holds(finding, objects))
      : LEFT_WARNINGS.find((w) => w.check === finding.check && w.kind === finding.object.kind && w.summary.test(finding.summary));
    if (entry === undefined) {
      unexplained.push(describeFinding(finding));
    } else {
      explainedBy.push(entry);
    }
  }
  const result = { report, objects, unexplained, explainedBy };
  audits.set(name, result);
  return result;
}

describe('security audit: kube-score on every stack and example', () => {
  test('the table covers the stack and every file in examples/', () => {
    const examples = readdirSync(join(REPO_ROOT, 'examples')).filter((f) => f.endsWith('.ts')).map((f) => `examples/${f}`);
    expect(examples.length).toBeGreaterThan(0);
    const audited = new Set(CASES.map(([, source]) => source));
    expect([...examples, 'stacks/shop/shop-chart.ts'].filter((source) => !audited.has(source))).toEqual([]);
  });

  test(`kube-score is the pinned build and scores for Kubernetes ${KUBERNETES_VERSION}`, () => {
    const pinned = /^KUBE_SCORE_VERSION=(v[\d.]+)$/m.exec(readFileSync(join(REPO_ROOT, 'scripts/engines/versions.env'), 'utf8'))![1];
    const version = spawnSync(KUBE_SCORE, ['version'], { encoding: 'utf8' });
    expect(version.stdout).toContain(`kube-score version: ${pinned}`);
  });

  test.each(CASES)('%s (%s): no CRITICAL finding, every WARNING deliberately left', (name) => {
    const { report, objects, unexplained } = audit(name);
    // Not vacuous: kube-score read every object of a kind it knows, and ran checks on each,
    // the optional ones included.
    const scorable = objects.filter((o) => SCORED_KINDS.has(typeOf(o))).map(nameOf).sort();
    expect(scorable.length).toBeGreaterThan(0);
    expect(report.map((scored) => `${scored.type_meta.kind} ${scored.object_meta.namespace ?? ''}/${scored.object_meta.name}`).sort()).toEqual(scorable);
    for (const scored of report) {
      const checksRun = scored.checks.some((c: any) => !c.skipped);
      expect({ object: scored.object_name, checksRun }).toEqual({ object: scored.object_name, checksRun: true });
      if (scored.type_meta.kind === 'Deployment') {
        const optional = OPTIONAL_CHECKS.map((id) => [id, scored.checks.find((c: any) => c.check.id === id)?.skipped]);
        expect({ object: scored.object_name, optional }).toEqual({ object: scored.object_name, optional: OPTIONAL_CHECKS.map((id) => [id, false]) });
      }
    }
    // A new finding must be fixed in the library, or (a warning left on purpose, or a proven
    // false positive) listed above and in test/README.md with its reason.
    expect(unexplained).toEqual([]);
  });

  test('every false positive and every left warning is still needed by some stack or example', () => {
    // Audits the cases a filtered run (-t) left out, so the answer is the same either way.
    const used = new Set(CASES.flatMap(([name]) => audit(name).explainedBy));
    const stale = [...FALSE_POSITIVES, ...LEFT_WARNINGS].filter((entry) => !used.has(entry)).map((entry) => `${entry.check} on ${entry.kind}`);
    expect(stale).toEqual([]);
  });
});
