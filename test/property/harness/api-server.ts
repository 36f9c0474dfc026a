import { Manifest } from '../../../lib';
import { crdSchemaProblems } from '../../crd-schema';

const DNS_1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
/** Kinds whose names the API server requires to be DNS-1035 labels. */
const DNS_1035_KINDS = new Set(['Service']);
/**
 * Kinds the library names after a host or a pair (a VirtualService per
 * gateway host, an HTTPRoute `<gateway>-<route>`): DNS subdomains of up to
 * 253 characters, as the API server takes them.
 */
const SUBDOMAIN_KINDS = new Set(['VirtualService', 'HTTPRoute', 'GRPCRoute', 'Certificate']);

/**
 * The object's name and namespace as the library promises them: DNS labels
 * of at most 63 characters (DNS-1035 labels where the API server wants
 * them), or for {@link SUBDOMAIN_KINDS} DNS subdomains.
 */
function nameProblems(object: Manifest): string[] {
  const { name, namespace } = object.metadata;
  const problems: string[] = [];
  if (typeof name !== 'string') {
    problems.push(`the ${object.kind} has no name`);
  } else if (SUBDOMAIN_KINDS.has(object.kind)) {
    if (!DNS_1123_SUBDOMAIN.test(name) || name.length > 253) {
      problems.push(`name '${name}' of a ${object.kind} is not a DNS subdomain`);
    }
  } else {
    const [form, pattern] = DNS_1035_KINDS.has(object.kind) ? ['DNS-1035 label', DNS_1035_LABEL] : ['DNS label', DNS_1123_LABEL];
    if (!pattern.test(name) || name.length > 63) {
      problems.push(`name '${name}' of a ${object.kind} is not a ${form} of ≤ 63 characters`);
    }
  }
  if (namespace !== undefined && !DNS_1123_LABEL.test(namespace)) {
    problems.push(`namespace '${namespace}' is not a DNS label`);
  }
  return problems;
}

function qualifiedNameProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const [prefix, name] = slash < 0 ? [undefined, key] : [key.slice(0, slash), key.slice(slash + 1)];
  if (prefix !== undefined && (!DNS_1123_SUBDOMAIN.test(prefix) || prefix.length > 253)) {
    return `key prefix '${prefix}' is not a DNS subdomain`;
  }
  return QUALIFIED_NAME.test(name) && name.length <= 63 ? undefined : `key '${key}' is not a qualified name`;
}

/** Label maps anywhere in an object (metadata, pod templates, selectors, subsets), by path. */
function labelMaps(value: unknown, path: string, out: Array<[string, Record<string, unknown>]>): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => labelMaps(item, `${path}[${i}]`, out));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      if ((key === 'labels' || key === 'matchLabels') && typeof child === 'object' && child !== null && !Array.isArray(child)) {
        out.push([`${path}.${key}`, child as Record<string, unknown>]);
      } else {
        labelMaps(child, `${path}.${key}`, out);
      }
    }
  }
}

/** Pod specs anywhere in an object (a Deployment's template, a Knative Service's). */
function podSpecs(value: unknown, out: Record<string, unknown>[]): void {
  if (Array.isArray(value)) {
    value.forEach((item) => podSpecs(item, out));
  } else if (typeof value === 'object' && value !== null) {
    if (Array.isArray((value as Record<string, unknown>).containers)) {
      out.push(value as Record<string, unknown>);
    }
    Object.values(value).forEach((child) => podSpecs(child, out));
  }
}

const duplicates = (values: readonly unknown[]) => values.filter((v, i) => values.indexOf(v) !== i);

/** What the API server checks of a pod spec across its lists: unique names, mounts of declared volumes. */
function podSpecProblems(pod: Record<string, any>): string[] {
  const problems: string[] = [];
  const volumes = ((pod.volumes ?? []) as Array<{ name: string }>).map((v) => v.name);
  for (const name of duplicates(volumes)) {
    problems.push(`volume name '${name}' is used twice`);
  }
  for (const container of pod.containers as Array<Record<string, any>>) {
    const mounts = (container.volumeMounts ?? []) as Array<{ name: string; mountPath: string }>;
    for (const mount of mounts.filter((m) => !volumes.includes(m.name))) {
      problems.push(`container '${container.name}' mounts volume '${mount.name}', which the pod does not have`);
    }
    for (const path of duplicates(mounts.map((m) => m.mountPath))) {
      problems.push(`container '${container.name}' mounts two volumes at '${path}'`);
    }
    const ports = (container.ports ?? []) as Array<{ name?: string; containerPort: number; protocol?: string }>;
    for (const name of duplicates(ports.map((p) => p.name).filter((n) => n !== undefined))) {
      problems.push(`container '${container.name}' has two ports named '${name}'`);
    }
    for (const port of duplicates(ports.map((p) => `${p.containerPort}/${p.protocol ?? 'TCP'}`))) {
      problems.push(`container '${container.name}' declares port ${port} twice`);
    }
  }
  return problems;
}

/** What the API server checks across the fields of a Deployment or a Service. */
function workloadProblems(object: Manifest): string[] {
  const spec = (object.spec ?? {}) as Record<string, any>;
  if (object.kind === 'Deployment') {
    const selector = (spec.selector?.matchLabels ?? {}) as Record<string, string>;
    const labels = (spec.template?.metadata?.labels ?? {}) as Record<string, string>;
    const unmatched = Object.entries(selector).filter(([key, value]) => labels[key] !== value);
    return unmatched.map(([key]) => `the selector's label '${key}' does not match the pod template's labels`);
  }
  if (object.kind === 'Service') {
    const ports = (spec.ports ?? []) as Array<{ name?: string; port: number; protocol?: string }>;
    return [
      ...duplicates(ports.map((p) => p.name)).map((name) => `two Service ports are named '${name}'`),
      ...duplicates(ports.map((p) => `${p.port}/${p.protocol ?? 'TCP'}`)).map((port) => `two Service ports are ${port}`),
      ...(ports.length > 1 && ports.some((p) => p.name === undefined) ? ['a Service with several ports has one without a name'] : []),
    ];
  }
  return [];
}

/**
 * What the API server would refuse in an object beyond its schema: names
 * ({@link nameProblems}), label and annotation
 * syntax and size, ConfigMap and Secret keys and size, the lists of a pod
 * spec, and for CRD groups without a schema package the CRD's structural
 * schema.
 */
export function apiServerProblems(object: Manifest): string[] {
  const problems = nameProblems(object);
  const maps: Array<[string, Record<string, unknown>]> = [];
  labelMaps(object, '', maps);
  for (const [path, labels] of maps) {
    for (const [key, value] of Object.entries(labels)) {
      const keyProblem = qualifiedNameProblem(key);
      if (keyProblem !== undefined) {
        problems.push(`${path}: label ${keyProblem}`);
      }
      if (typeof value !== 'string' || !LABEL_VALUE.test(value) || value.length > 63) {
        problems.push(`${path}: label value ${JSON.stringify(value)} of '${key}' is not a label value`);
      }
    }
  }
  const annotations = (object.metadata.annotations ?? {}) as Record<string, unknown>;
  let annotationBytes = 0;
  for (const [key, value] of Object.entries(annotations)) {
    const keyProblem = qualifiedNameProblem(key);
    if (keyProblem !== undefined) {
      problems.push(`annotation ${keyProblem}`);
    }
    if (typeof value !== 'string') {
      problems.push(`annotation '${key}' is not a string`);
    }
    annotationBytes += Buffer.byteLength(key) + Buffer.byteLength(String(value));
  }
  if (annotationBytes > 256 * 1024) {
    problems.push(`annotations hold ${annotationBytes} bytes, above 256 KiB`);
  }
  if (object.kind === 'ConfigMap' || object.kind === 'Secret') {
    let bytes = 0;
    for (const field of ['data', 'binaryData', 'stringData']) {
      for (const [key, value] of Object.entries((object[field] ?? {}) as Record<string, string>)) {
        if (!CONFIG_KEY.test(key) || key.length > 253) {
          problems.push(`${field} key '${key}' is not a valid ConfigMap or Secret key`);
        }
        bytes += Buffer.byteLength(key) + (object.kind === 'Secret' && field === 'data' ? Buffer.from(value, 'base64').length : Buffer.byteLength(value));
      }
    }
    if (bytes > 1024 * 1024) {
      problems.push(`data holds ${bytes} bytes, above the 1 MiB limit`);
    }
  }
  problems.push(...workloadProblems(object));
  const pods: Record<string, unknown>[] = [];
  podSpecs(object, pods);
  problems.push(...pods.flatMap(podSpecProblems));
  problems.push(...(crdSchemaProblems(object) ?? []));
  return problems;
}
