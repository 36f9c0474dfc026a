/**
 * The library's internals: the emitters, renderers, synth checkers and helpers the constructs are built
 * from, for the library's own tests and for advanced users who extend it. Each carries the internal doc
 * tag: none is part of the public API (`lib/index.ts`), none carries a compatibility promise, and their
 * declarations are left out of the published types (`stripInternal`), so the package's
 * `immutable-infra/internal` is untyped JavaScript.
 *
 * @packageDocumentation
 */

// core
export { isSchemaChecked, L1 } from './core/checked-objects';
export { canonicalJson, contentHash, HASH_LENGTH } from './core/content-hash';
export { emitObject } from './core/emit-object';
export type { EmittedObjectProps } from './core/emit-object';
export { isLabelValue, labelProblem, serviceLabels } from './core/labels';
export { isBuiltInApiVersion, schemaErrors } from './core/manifest-schema';
export {
  assertDnsLabel, assertObjectName, assertServiceName, contentAddressedName, contentAddressedPrefix, DNS_LABEL_MAX_LENGTH, isDnsLabel, isDnsSubdomain,
  REVISION_NAME_MAX_LENGTH, revisionObjectName, SERVICE_NAME_MAX_LENGTH,
} from './core/names';
export { objectIdentity } from './core/object-identity';
export type { IdentifiedObject } from './core/object-identity';
export { objectRole } from './core/object-role';
export { revisionId } from './core/revision-id';
export type { RevisionContent } from './core/revision-id';
export { appCharts, chartManifests, chartYaml, renderChart, validateApp } from './core/synth-app';
export { claimObjectName, validateManifestsAtSynth } from './core/synth-validation';
export { toYaml } from './core/yaml';
export { readWrittenYaml } from './core/yaml-read';

// workload
export { readConfigSource } from './workload/config-source';
export { toContainerImage } from './workload/container-image';
export { resolveExternalHosts } from './workload/external-host';
export { parseQuantity, renderResources } from './workload/resources';
export { revisionService } from './workload/revision-service';
export { renderSecurityContext } from './workload/security';
export { resolvePorts } from './workload/service-port';

// traffic
export { HEADER_NAME, HTTP_METHODS, isCatchAll, validateMatch, withoutHeaderValues } from './traffic/http-match';
export { resolveHeaderRewrite } from './traffic/header-rewrite';
export { resolveRoute } from './traffic/route';
export { assertRevisionOf, resolveRevisionBackends } from './traffic/route-backend';
export { resolveRetries } from './traffic/route-retries';
export { resolveTcpRoute } from './traffic/tcp-route';

// mesh
export { IstioNamespaceSecurity } from './mesh/istio/istio-namespace-security';
export type { IstioNamespaceSecurityProps } from './mesh/istio/istio-namespace-security';
export { IstioProvider } from './mesh/istio/istio-provider';
export { IstioServiceRoutes } from './mesh/istio/istio-service-routes';
export { IstioServiceSecurity } from './mesh/istio/istio-service-security';
export type { IstioServiceSecurityProps } from './mesh/istio/istio-service-security';
export { ConsulAnnotations, ConsulApi, consulProtocol, REVISION_META_KEY, revisionFilter } from './mesh/consul/consul-api';
export { ConsulProvider } from './mesh/consul/consul-provider';
export { consulJwtProviderName } from './mesh/consul/consul-jwt-provider';
export { DEFAULT_MAX_PENALTY_MILLIS, HttpRouteLimits, LinkerdAnnotations, LinkerdApi, proxiedPorts } from './mesh/linkerd/linkerd-api';
export { LinkerdIdentityAuthorization } from './mesh/linkerd/linkerd-identity-authorization';
export type { LinkerdIdentityAuthorizationProps, LinkerdIdentityRef } from './mesh/linkerd/linkerd-identity-authorization';
export { LinkerdNetworkAuthorization } from './mesh/linkerd/linkerd-network-authorization';
export type { LinkerdNetworkAuthorizationProps } from './mesh/linkerd/linkerd-network-authorization';
export { LinkerdProvider } from './mesh/linkerd/linkerd-provider';
export { LinkerdServiceRoutes } from './mesh/linkerd/linkerd-service-routes';
export { LinkerdServiceSecurity } from './mesh/linkerd/linkerd-service-security';
export type { LinkerdServiceSecurityProps } from './mesh/linkerd/linkerd-service-security';

// gateway
export { resolveGrpcRoute, resolveHttpRoute } from './gateway/gateway-route';
export { listenerHosts, resolveListener, sectionNames } from './gateway/listener';
export { microserviceTarget } from './gateway/service-backend';

// serverless
export { BROKER_CLASS_ANNOTATION } from './serverless/eventing/broker';
export { renderDelivery } from './serverless/eventing/event-delivery';
export { KNATIVE_EVENTING_NAMESPACE } from './serverless/eventing/microservice-sink';
export { BROKER_LABEL } from './serverless/eventing/trigger';
export { renderScaling, wholeSeconds } from './serverless/function/function-scaling';
export { resolveTraffic } from './serverless/function/function-traffic';
export { KnativeServingApi, QueueProxyPorts } from './serverless/function/knative-serving-api';

// observability
export { appDashboard, workloadDashboard } from './observability/dashboard-model';
export { GoldenSignal, goldenSignalExpressions, goldenSignalRules, LATENCY_QUANTILES, SIGNAL_WINDOW } from './observability/golden-signal-rules';
export type { GoldenSignalExpressions, Level, PrometheusRuleEntry } from './observability/golden-signal-rules';
export { istioTelemetrySpec } from './observability/istio-telemetry';
export { observableWorkload } from './observability/observable-workload';
export { MESH_PROXY_ENDPOINTS, podMonitorSpec } from './observability/pod-monitor';
export type { ScrapeEndpoint } from './observability/pod-monitor';
export { bucketMatcher, rawSelector, ratio, selector, SERIES_LABELS, sumRate } from './observability/promql';
export { decimal, resolveObjectives } from './observability/service-level-objective';
export { revisionSignalQueries } from './observability/revision-signals';
export type { RevisionSignalQueries } from './observability/revision-signals';
export { signalSource } from './observability/signal-source';
export { burnAlertName, burnRateAlerts, sliErrorRatio, sliRules } from './observability/slo-rules';
