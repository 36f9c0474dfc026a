/**
 * The public API of immutable-infra: what a stack, or a stack's test, is written with. Constructs, their
 * props, the providers and renderings they take, the errors they throw, the release planner and the CLI's
 * building blocks. Snapshot and assertion helpers are in `immutable-infra/testing`, the Pulumi bridge in
 * `immutable-infra/pulumi`.
 *
 * Emitters, renderers, synth checkers and helpers carry the internal doc tag: they are left out of the
 * published types and re-exported only by `lib/internal.ts` (`immutable-infra/internal`), without a
 * compatibility promise.
 *
 * @packageDocumentation
 * @module immutable-infra
 */

// core: synthesis, errors, the label keys of the output
export { ManifestSchemaError } from './core/checked-objects';
export { AnnotationKeys, LabelKeys, MANAGED_BY } from './core/labels';
export type { Manifest } from './core/manifest-schema';
export type { ObjectRole } from './core/object-role';
export { synthApp } from './core/synth-app';
export { SynthValidationError } from './core/synth-validation-error';
export type { SynthProblem } from './core/synth-validation-error';
export { ValidationError } from './core/validation-error';

// workload: microservices, their revisions, config and secrets
export type { RevisionConfig } from './workload/config-objects';
export type { ConfigSource, ExistingSecretReference } from './workload/config-source';
export { ContainerImage } from './workload/container-image';
export type { ExternalHost, ExternalHostProps, ExternalTlsOrigination } from './workload/external-host';
export { ImmutableConfigMap } from './workload/immutable-config-map';
export type { ImmutableConfigMapProps } from './workload/immutable-config-map';
export { ImmutableSecret } from './workload/immutable-secret';
export type { ImmutableSecretProps } from './workload/immutable-secret';
export { IngressPeer } from './workload/ingress-peer';
export { Microservice } from './workload/microservice';
export type { IMicroservice, MicroserviceProps } from './workload/microservice';
export { Probe } from './workload/probe';
export type { ExecProbeProps, HttpProbeProps, PortReference, ProbePortTarget, ProbeTimingProps, TcpProbeProps } from './workload/probe';
export type { ContainerPortSpec, MountedConfig } from './workload/pod-template';
export type { ResourceProps } from './workload/resources';
export { Revision } from './workload/revision';
export type { RevisionConstructProps } from './workload/revision';
export type { AutoscalingProps, RevisionProps } from './workload/revision-props';
export type { SecurityProps } from './workload/security';
export type { IServiceMesh, MeshPodMetadata } from './workload/service-mesh';
export { ServiceNetworkPolicy } from './workload/service-network-policy';
export type { NetworkPolicyTarget, ServiceNetworkPolicyProps } from './workload/service-network-policy';
export type { ServicePort, ServicePortProps } from './workload/service-port';

// workload/scaling: event-driven scaling (KEDA) of a revision
export { EventScaler, ScaleTrigger, TriggerAuth } from './workload/scaling';
export type {
  CronTriggerProps, EventScalerProps, EventScalingProps, KafkaSaslMode, KafkaTriggerProps, RabbitMqScaleMode, RabbitMqTriggerProps,
  RedisConnectionProps, RedisListTriggerProps, RedisStreamTriggerProps, RenderedTrigger, ResolvedTriggerAuth, RevisionSecret, SecretTargetRef,
  TriggerAuthContext, TriggerContext,
} from './workload/scaling';

// traffic: the backend-neutral routing model
export { HeaderMatch, LoadBalancingAlgorithm, MatchType, MESH_DEFAULT_RETRIES, PathMatch, QueryParamMatch, RetryOn, ServiceRoutes } from './traffic';
export type {
  AbortFault, AffinityCookie, CircuitBreaker, ClaimRequirement, ClaimToHeader, DelayFault, EndUserAuthentication, FaultInjection, HeaderModifier,
  HeaderRewrite, HttpMatch, HttpMethod, IMeshRoutesBinding, IRoutingMesh, JwtHeaderLocation, JwtIssuer, LoadBalancing, LocalityDistribution,
  LocalityFailover, LocalRateLimit, OutlierDetection, RegionFailover, ResolvedEndUserAuthentication, ResolvedFault, ResolvedLoadBalancing,
  ResolvedLocalRateLimit, ResolvedMirror, ResolvedRetries, ResolvedSessionAffinity, ResolvedTokenRequirement, RetryPolicy, RevisionLoadBalancing,
  Route, RouteBackend, RouteProps, RouteRetries, ServiceRoutesProps, SessionAffinity, TcpRoute, TcpRouteProps, TokenRequirement, TrafficMirror,
  Weighted,
} from './traffic';

// mesh: a service mesh and its providers
export type { IstioProviderProps } from './mesh/istio/istio-provider';
export type { ConsulProviderProps } from './mesh/consul/consul-provider';
export type { LinkerdProviderProps } from './mesh/linkerd/linkerd-provider';
export { Mesh } from './mesh/mesh';
export type { MeshProps } from './mesh/mesh';
export { MeshProvider } from './mesh/mesh-provider';
export type { IMeshProvider, IMeshServiceBinding, MeshFunction } from './mesh/mesh-provider';

// gateway: the edge, rendered to the Gateway API or Istio
export {
  CertificateIssuer, ExternalBackend, Gateway, GatewayBackend, GatewayRendering, ListenerProtocol, ListenerTls, MicroserviceBackend, PathRewrite,
  ReferenceGrant,
} from './gateway';
export type {
  BackendTarget, ExternalBackendProps, GatewayApiRenderingProps, GatewayBackendBinding, GatewayGrpcRouteProps, GatewayModel, GatewayProps,
  GatewayRoute, GatewayRouteCommonProps, GatewayRouteProps, GrpcGatewayRoute, GrpcMatch, HttpGatewayRoute, HttpRedirect, IGatewayBackend,
  IGatewayRenderer, IGatewayRendering, IngressRenderingProps, IstioGatewayRenderingProps, Listener, ListenerProps, ResolvedGatewayMirror,
  ResolvedRedirect, RouteKind, ServiceBackendOptions, UrlRewrite,
} from './gateway';
export type { GatewayTcpRouteProps, GatewayTlsRouteProps, StreamGatewayRoute } from './gateway';

// serverless: Knative functions and eventing
export {
  Broker, BrokerIngress, EventSink, FunctionProtocol, FunctionRevision, FunctionVisibility, MicroserviceSink, PingSource, ServerlessFunction, Trigger,
  UriSink,
} from './serverless';
export type {
  BackoffPolicy, BrokerProps, EventDelivery, EventDestination, EventSinkBinding, FunctionRevisionConstructProps, FunctionRevisionProps,
  FunctionScalingProps, FunctionTrafficTarget, IEventSink, KnativePlatformProps, KnativeTrafficEntry, PingSourceProps, RenderedDelivery,
  RenderedScaling, ServerlessFunctionProps, ServiceSinkOptions, TriggerOptions, TriggerProps,
} from './serverless';

// release: strategies, the release planner, deploy and the topology picture
export {
  ApiStatusError, appliedView, BlueGreenRelease, CanaryRelease, ClusterError, DEFAULT_REQUEST_TIMEOUT_SECONDS, deployRelease, DistError, drawTopology,
  GRAPH_FORMATS, KubeApi, KubeconfigError, kubeconfigPath, readKubeconfig,
  layoutTopology, planClusterRelease, plannedObject, planRelease, readDist, readTopology, releaseSteps, renderMermaid, renderSvg, retainedObjects,
  UserRouting,
} from './release';
export type {
  AnalysisReading, ApiRequest, ApiResource, ApiResources, BlueGreenReleaseProps, Box, CanaryAnalysis, CanaryReleaseProps, CanaryStep,
  ClusterAccess, ClusterRelease, DeployEvent,
  DeployOptions, DeployOutcome, DrawTopologyOptions, ExecPlugin, FieldChange, GateFailure, GateProgress, GateTarget, GraphFormat, GuardViolation,
  KubeApiOptions, KubeconfigSelection, ObjectOutcome, ServerTls, UserCredentials,
  ObjectUpdate, PlacedCluster, PlacedEdge, PlacedNode, PlannedObject, PlanOptions, Point, RecordedRelease, ReleaseHistory, ReleasePlan,
  ReleaseStep, RestartReason, RestartReasonKind, SelectorChange, StartedRevision, SvgOptions,
  Topology, TopologyEdge, TopologyEdgeKind, TopologyLayout, TopologyNode, TopologyNodeKind, TopologyOptions, TrafficChange, UserRoutingProps,
  WeightChange, WorkloadRestart,
} from './release';
export { comparePromotion, promoteSynthesis, Promotion, PromotionError, promotionLockJson, readPromotionLock } from './release';
export type {
  EnvironmentSpecificValues, PromotedRevision, PromotedService, PromoteOptions, PromotionDifference, PromotionDifferenceKind, PromotionLock,
  PromotionProps, PromotionReport,
} from './release';
export { FleetError, readFleet, runFleet } from './release';
export type { Fleet, FleetCluster, FleetClusterOutcome, FleetClusterResult, FleetOutcome, FleetWave } from './release';
export { GITOPS_FLAVORS, GitopsError, gitopsFiles, gitopsSteps } from './release';
export type { GitopsFile, GitopsFlavor, GitopsOptions, GitopsStep } from './release';

// observability: monitors, golden signals, SLO alerts, dashboards and tracing derived from the stack
export { BURN_RATE_WINDOWS, GRAFANA_DASHBOARD_LABEL, GrafanaDashboard, Monitoring, ObservedWorkload, SLI_WINDOWS } from './observability';
export type {
  AppMetricsProps, BurnRateWindow, GrafanaDashboardProps, LatencyObjectiveProps, MonitoringProps, ObservableWorkload, ObservedWorkloadProps,
  ObserveProps, QueryTarget, ServiceLevelObjective, ServiceLevelObjectiveProps, SignalSource, TracingProps,
} from './observability';
