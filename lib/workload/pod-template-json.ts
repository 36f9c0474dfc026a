import { k8s } from 'cdk8s-plus-28';

/**
 * How one field of a typed k8s struct becomes JSON in cdk8s-plus-28's
 * generated converters (`toJson_<Type>`): `'value'` as it is, `'strings'` a
 * list of values (`obj.f?.map(y => y)`), `'map'` a map of values,
 * `'quantities'` a map of quantities (each `?.value`), `'quantity'` one
 * quantity or int-or-string (`obj.f?.value`), a {@link Struct} through its
 * converter, `[Struct]` a list of them.
 */
type Field = 'value' | 'strings' | 'map' | 'quantities' | 'quantity' | Struct | readonly [Struct];

/** The fields of a struct whose JSON name is their TypeScript name, each with how it converts. */
interface Struct {
  readonly [field: string]: Field;
}

/** Marks a value {@link converted} leaves to the generated converter. */
const NOT_CONVERTED = Symbol('not converted');

const seccompProfile: Struct = { type: 'value', localhostProfile: 'value' };
const probe: Struct = {
  initialDelaySeconds: 'value',
  periodSeconds: 'value',
  timeoutSeconds: 'value',
  failureThreshold: 'value',
  successThreshold: 'value',
  terminationGracePeriodSeconds: 'value',
  httpGet: { path: 'value', scheme: 'value', host: 'value', port: 'quantity' },
  tcpSocket: { host: 'value', port: 'quantity' },
  exec: { command: 'strings' },
};
const keySelector: Struct = { name: 'value', key: 'value', optional: 'value' };
const envSource: Struct = { name: 'value', optional: 'value' };
const keyToPath: Struct = { key: 'value', path: 'value', mode: 'value' };

/**
 * The fields of a pod template the library sets (pod-template.ts and the
 * functions it calls), from cdk8s-plus-28's `k8s` types; every one has the
 * same name in JSON (the generated converters rename a few others, such as
 * `hostIpc` to `hostIPC`, which are not listed).
 */
const POD_TEMPLATE_SPEC: Struct = {
  metadata: { name: 'value', namespace: 'value', labels: 'map', annotations: 'map' },
  spec: {
    serviceAccountName: 'value',
    automountServiceAccountToken: 'value',
    enableServiceLinks: 'value',
    securityContext: { runAsNonRoot: 'value', runAsUser: 'value', runAsGroup: 'value', fsGroup: 'value', seccompProfile },
    affinity: {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [{
          weight: 'value',
          podAffinityTerm: { labelSelector: { matchLabels: 'map' }, topologyKey: 'value' },
        }],
      },
    },
    containers: [{
      name: 'value',
      image: 'value',
      imagePullPolicy: 'value',
      workingDir: 'value',
      command: 'strings',
      args: 'strings',
      env: [{ name: 'value', value: 'value', valueFrom: { secretKeyRef: keySelector, configMapKeyRef: keySelector } }],
      envFrom: [{ prefix: 'value', configMapRef: envSource, secretRef: envSource }],
      ports: [{ name: 'value', containerPort: 'value', protocol: 'value' }],
      resources: { limits: 'quantities', requests: 'quantities' },
      securityContext: {
        allowPrivilegeEscalation: 'value',
        privileged: 'value',
        readOnlyRootFilesystem: 'value',
        runAsNonRoot: 'value',
        runAsUser: 'value',
        runAsGroup: 'value',
        capabilities: { add: 'strings', drop: 'strings' },
        seccompProfile,
      },
      readinessProbe: probe,
      livenessProbe: probe,
      startupProbe: probe,
      volumeMounts: [{ name: 'value', mountPath: 'value', readOnly: 'value', subPath: 'value' }],
    }],
    volumes: [{
      name: 'value',
      emptyDir: { medium: 'value', sizeLimit: 'quantity' },
      configMap: { name: 'value', defaultMode: 'value', optional: 'value', items: [keyToPath] },
      secret: { secretName: 'value', defaultMode: 'value', optional: 'value', items: [keyToPath] },
    }],
  },
};

/**
 * What `k8s.toJson_PodTemplateSpec(template)` returns, as its canonical JSON
 * sees it (the same members, in another key order; maps and lists of values
 * shared with the template, not copied): the content of a revision id.
 * Converted here for the fields the library sets, in one pass; a template
 * with any other field, or with a value the converter would treat another
 * way (null, a class instance where a struct goes), goes through the
 * generated converter, whose per-field object spreads cost more than the
 * whole conversion here.
 *
 * @internal
 */
export function podTemplateJson(template: k8s.PodTemplateSpec): unknown {
  const json = converted(template, POD_TEMPLATE_SPEC);
  return json === NOT_CONVERTED ? k8s.toJson_PodTemplateSpec(template) : json;
}

/** A value converted as `field` says, or `NOT_CONVERTED`. */
function converted(value: unknown, field: Field): unknown {
  if (value === undefined) {
    return undefined;
  }
  switch (field) {
    case 'value':
      return value;
    case 'quantity':
      return (value as { value?: unknown } | null)?.value;
    case 'strings':
      // the converter's `?.map(y => y)` copies a list (holes kept) and drops null
      return Array.isArray(value) ? value : value === null ? undefined : NOT_CONVERTED;
    case 'map':
      return isPlainObject(value) ? value : NOT_CONVERTED;
    case 'quantities':
      return isPlainObject(value) ? quantities(value) : NOT_CONVERTED;
  }
  if (Array.isArray(field)) {
    return value === null ? undefined : convertedList(value, field[0]);
  }
  return isPlainObject(value) ? convertedStruct(value, field as Struct) : NOT_CONVERTED;
}

function convertedStruct(value: Record<string, unknown>, struct: Struct): unknown {
  const json: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (!Object.hasOwn(struct, key)) {
      return NOT_CONVERTED;
    }
    const member = converted(value[key], struct[key]);
    if (member === NOT_CONVERTED) {
      return NOT_CONVERTED;
    }
    json[key] = member;
  }
  return json;
}

function convertedList(value: unknown, struct: Struct): unknown {
  if (!Array.isArray(value)) {
    return NOT_CONVERTED;
  }
  const json = new Array<unknown>(value.length);
  for (let i = 0; i < value.length; i++) {
    const item = i in value ? converted(value[i], struct) : NOT_CONVERTED;
    if (item === NOT_CONVERTED) {
      return NOT_CONVERTED;
    }
    json[i] = item;
  }
  return json;
}

/** A map of quantities as the converter writes it (each defined value's `value`), or `NOT_CONVERTED`. */
function quantities(map: Record<string, unknown>): unknown {
  const json: Record<string, unknown> = {};
  for (const key of Object.keys(map)) {
    if (key === '__proto__') {
      // the converter's spread makes it an own member; an assignment here would set the prototype
      return NOT_CONVERTED;
    }
    if (map[key] !== undefined) {
      json[key] = (map[key] as { value?: unknown } | null)?.value;
    }
  }
  return json;
}

/** An object made by a literal (or with no prototype): what the converters read, its own enumerable keys are what canonical JSON reads. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') {
    return false;
  }
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
