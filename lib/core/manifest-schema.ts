/**
 * Offline schema validation of synthesized manifests with the
 * `kubernetes-models` and `@kubernetes-models/*` validators.
 */

/** A synthesized Kubernetes object. */
export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name?: string; readonly namespace?: string; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

/** A `kubernetes-models` class; its prototype's `validate` checks `this`. */
interface ModelClass {
  readonly prototype: { validate(): void };
}

/** API groups whose schemas ship in a `@kubernetes-models/*` package. */
const CRD_PACKAGES: Record<string, string> = {
  'networking.istio.io': '@kubernetes-models/istio',
  'security.istio.io': '@kubernetes-models/istio',
  'telemetry.istio.io': '@kubernetes-models/istio',
  'gateway.networking.k8s.io': '@kubernetes-models/gateway-api',
  'serving.knative.dev': '@kubernetes-models/knative',
  'eventing.knative.dev': '@kubernetes-models/knative',
  'sources.knative.dev': '@kubernetes-models/knative',
  'keda.sh': '@kubernetes-models/keda',
  'cert-manager.io': '@kubernetes-models/cert-manager',
  'acme.cert-manager.io': '@kubernetes-models/cert-manager',
};

/**
 * Kinds whose served version has no validator in its package, checked with
 * the schema of an older version of the same kind instead. Gateway API ≥ 1.1
 * serves GRPCRoute only as v1, while @kubernetes-models/gateway-api 0.5.1
 * ships only its v1alpha2 schema, whose fields are those of v1 minus later
 * additions (which it lets through as unknown fields). The same holds for
 * TCPRoute and TLSRoute, v1 in the standard channel of Gateway API 1.6.
 */
const STAND_IN_VERSIONS: Record<string, string> = {
  'gateway.networking.k8s.io/v1/GRPCRoute': 'gateway.networking.k8s.io/v1alpha2',
  'gateway.networking.k8s.io/v1/TCPRoute': 'gateway.networking.k8s.io/v1alpha2',
  'gateway.networking.k8s.io/v1/TLSRoute': 'gateway.networking.k8s.io/v1alpha2',
  // Istio ≥ 1.22 serves Telemetry as v1 with the v1alpha1 schema; @kubernetes-models/istio 2.3.0 ships only v1alpha1.
  'telemetry.istio.io/v1/Telemetry': 'telemetry.istio.io/v1alpha1',
};

const modelCache = new Map<string, ModelClass | undefined>();

/**
 * The package that holds the schema of an API group: `kubernetes-models` for
 * the built-in groups, a `@kubernetes-models/*` package for known CRDs, or
 * `undefined` for a group the library has no schema for.
 */
function schemaPackage(apiVersion: string): string | undefined {
  const group = apiGroup(apiVersion);
  if (group in CRD_PACKAGES) {
    return CRD_PACKAGES[group];
  }
  return isBuiltInApiVersion(apiVersion) ? 'kubernetes-models' : undefined;
}

function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * Whether the API version belongs to Kubernetes itself (core, `apps`, `*.k8s.io`), not to a CRD.
 *
 * @internal
 */
export function isBuiltInApiVersion(apiVersion: string): boolean {
  const group = apiGroup(apiVersion);
  return !(group in CRD_PACKAGES) && (group === '' || !group.includes('.') || group.endsWith('.k8s.io'));
}

function loadModel(apiVersion: string, kind: string): ModelClass | undefined {
  const key = `${apiVersion}/${kind}`;
  if (modelCache.has(key)) {
    return modelCache.get(key);
  }
  const pkg = schemaPackage(apiVersion);
  let model: ModelClass | undefined;
  if (pkg !== undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      model = require(`${pkg}/${apiVersion}/${kind}`)[kind] as ModelClass;
    } catch {
      model = undefined;
    }
  }
  modelCache.set(key, model);
  return model;
}

/** Whether the library knows the schema of this API group. */
function hasKnownSchemaGroup(apiVersion: string): boolean {
  return schemaPackage(apiVersion) !== undefined;
}

/** How manifests of one API version and kind are checked: with this model, as this API version (a stand-in's, or their own). */
interface SchemaCheck {
  readonly model: ModelClass | undefined;
  readonly apiVersion: string;
}

/** The schema check of each API version and kind seen, `undefined` for a group the library has no schema for. */
const schemaChecks = new Map<string, Map<string, SchemaCheck | undefined>>();

function schemaCheck(apiVersion: string, kind: string): SchemaCheck | undefined {
  let byKind = schemaChecks.get(apiVersion);
  if (byKind === undefined) {
    byKind = new Map();
    schemaChecks.set(apiVersion, byKind);
  }
  if (!byKind.has(kind)) {
    byKind.set(kind, hasKnownSchemaGroup(apiVersion) ? findSchemaCheck(apiVersion, kind) : undefined);
  }
  return byKind.get(kind);
}

function findSchemaCheck(apiVersion: string, kind: string): SchemaCheck {
  const model = loadModel(apiVersion, kind);
  const standIn = STAND_IN_VERSIONS[`${apiVersion}/${kind}`];
  if (model === undefined && standIn !== undefined) {
    return { model: loadModel(standIn, kind), apiVersion: standIn };
  }
  return { model, apiVersion };
}

/**
 * Validates one manifest against its schema.
 *
 * @returns the schema errors as one sentence, or `undefined` when the object is
 *   valid or belongs to an API group the library has no schema for.
 * @internal
 */
export function schemaErrors(manifest: Manifest): string | undefined {
  const check = schemaCheck(manifest.apiVersion, manifest.kind);
  if (check === undefined) {
    return undefined;
  }
  if (check.model === undefined) {
    return `no schema for kind ${manifest.kind} in ${manifest.apiVersion}: the API group has no such kind or version`;
  }
  const checked = check.apiVersion === manifest.apiVersion ? manifest : { ...manifest, apiVersion: check.apiVersion };
  try {
    // A shallow model instance: the constructor would deep-copy the manifest first.
    const instance: { validate(): void } = Object.assign(Object.create(check.model.prototype), checked);
    instance.validate();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
