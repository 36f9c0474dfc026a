/**
 * The fields the library sets on cdk8s-plus-28's typed `k8s` structs, each
 * with how the generated converters (`toJson_<Type>`) make it JSON. They let
 * the library convert its own objects in one pass (the revision id's pod
 * template, {@link renderTypedApiObject}) where the converters copy each
 * struct once per field. Every field listed has the same name in TypeScript
 * and in JSON (the converters rename a few others, such as `hostIpc` to
 * `hostIPC`, which are not listed), and each struct lists its fields in the
 * converter's order: `metadata` first in an object's props, then by name.
 * test/unit/core/typed-fields.test.ts checks both against the converters.
 */

/**
 * How one field becomes JSON: `'value'` as it is, `'strings'` a list of values
 * (`obj.f?.map(y => y)`), `'map'` a map of values, `'quantities'` a map of
 * quantities (each `?.value`), `'quantity'` one quantity or int-or-string
 * (`obj.f?.value`), a {@link Struct} through its converter, `[Struct]` a list
 * of them.
 */
export type Field = 'value' | 'strings' | 'map' | 'quantities' | 'quantity' | Struct | readonly [Struct];

/** The fields of a struct, in its converter's order, each with how it converts. */
export interface Struct {
  readonly [field: string]: Field;
}

/** The fields of `ObjectMeta` cdk8s renders for the library's objects. */
export const OBJECT_META: Struct = { annotations: 'map', finalizers: 'strings', labels: 'map', name: 'value', namespace: 'value' };

const labelSelector: Struct = { matchLabels: 'map' };
const seccompProfile: Struct = { localhostProfile: 'value', type: 'value' };
const probe: Struct = {
  exec: { command: 'strings' },
  failureThreshold: 'value',
  httpGet: { host: 'value', path: 'value', port: 'quantity', scheme: 'value' },
  initialDelaySeconds: 'value',
  periodSeconds: 'value',
  successThreshold: 'value',
  tcpSocket: { host: 'value', port: 'quantity' },
  terminationGracePeriodSeconds: 'value',
  timeoutSeconds: 'value',
};
const keySelector: Struct = { key: 'value', name: 'value', optional: 'value' };
const envSource: Struct = { name: 'value', optional: 'value' };
const keyToPath: Struct = { key: 'value', mode: 'value', path: 'value' };

/** The fields of a pod template the library sets (pod-template.ts and the functions it calls). */
export const POD_TEMPLATE_SPEC: Struct = {
  metadata: OBJECT_META,
  spec: {
    affinity: {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [{
          podAffinityTerm: { labelSelector, topologyKey: 'value' },
          weight: 'value',
        }],
      },
    },
    automountServiceAccountToken: 'value',
    containers: [{
      args: 'strings',
      command: 'strings',
      env: [{ name: 'value', value: 'value', valueFrom: { configMapKeyRef: keySelector, secretKeyRef: keySelector } }],
      envFrom: [{ configMapRef: envSource, prefix: 'value', secretRef: envSource }],
      image: 'value',
      imagePullPolicy: 'value',
      livenessProbe: probe,
      name: 'value',
      ports: [{ containerPort: 'value', name: 'value', protocol: 'value' }],
      readinessProbe: probe,
      resources: { limits: 'quantities', requests: 'quantities' },
      securityContext: {
        allowPrivilegeEscalation: 'value',
        capabilities: { add: 'strings', drop: 'strings' },
        privileged: 'value',
        readOnlyRootFilesystem: 'value',
        runAsGroup: 'value',
        runAsNonRoot: 'value',
        runAsUser: 'value',
        seccompProfile,
      },
      startupProbe: probe,
      volumeMounts: [{ mountPath: 'value', name: 'value', readOnly: 'value', subPath: 'value' }],
      workingDir: 'value',
    }],
    enableServiceLinks: 'value',
    securityContext: { fsGroup: 'value', runAsGroup: 'value', runAsNonRoot: 'value', runAsUser: 'value', seccompProfile },
    serviceAccountName: 'value',
    volumes: [{
      configMap: { defaultMode: 'value', items: [keyToPath], name: 'value', optional: 'value' },
      emptyDir: { medium: 'value', sizeLimit: 'quantity' },
      name: 'value',
      secret: { defaultMode: 'value', items: [keyToPath], optional: 'value', secretName: 'value' },
    }],
  },
};

/** The props of each typed L1 class the library renders in one pass, by the class's `kind`. */
export const TYPED_PROPS = {
  ConfigMap: { metadata: OBJECT_META, data: 'map', immutable: 'value' },
  Deployment: {
    metadata: OBJECT_META,
    spec: { replicas: 'value', selector: labelSelector, template: POD_TEMPLATE_SPEC },
  },
  HorizontalPodAutoscaler: {
    metadata: OBJECT_META,
    spec: {
      maxReplicas: 'value',
      metrics: [{
        resource: { name: 'value', target: { averageUtilization: 'value', averageValue: 'quantity', type: 'value', value: 'quantity' } },
        type: 'value',
      }],
      minReplicas: 'value',
      scaleTargetRef: { apiVersion: 'value', kind: 'value', name: 'value' },
    },
  },
  Namespace: { metadata: OBJECT_META },
  NetworkPolicy: {
    metadata: OBJECT_META,
    spec: {
      ingress: [{
        from: [{ namespaceSelector: labelSelector, podSelector: labelSelector }],
        ports: [{ port: 'quantity', protocol: 'value' }],
      }],
      podSelector: labelSelector,
      policyTypes: 'strings',
    },
  },
  PodDisruptionBudget: { metadata: OBJECT_META, spec: { maxUnavailable: 'quantity', minAvailable: 'quantity', selector: labelSelector } },
  Secret: { metadata: OBJECT_META, data: 'map', immutable: 'value', stringData: 'map', type: 'value' },
  Service: {
    metadata: OBJECT_META,
    spec: {
      ports: [{ name: 'value', port: 'value', protocol: 'value', targetPort: 'quantity' }],
      selector: 'map',
      type: 'value',
    },
  },
  ServiceAccount: { metadata: OBJECT_META, automountServiceAccountToken: 'value' },
} satisfies Record<string, Struct>;
