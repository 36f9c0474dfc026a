import { readFileSync } from 'fs';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';
import type { Manifest } from '../../../lib';
import { CRD_ROOT, crdProblems } from '../../crd-schema';

type Schema = Parameters<typeof crdProblems>[0];
let schemas: Map<string, Schema> | undefined;

/**
 * The problems of an Istio object against the schema of its kind and version
 * in the reference Istio CRDs (`../shared/crds/istio`); the objects' models
 * (`@kubernetes-models/istio`) do not know every field of the Istio release
 * the integration suite runs (e.g. `loadBalancer.warmup`).
 */
export function istioCrdProblems(object: Manifest): string[] {
  if (schemas === undefined) {
    schemas = new Map();
    for (const doc of parseAllDocuments(readFileSync(join(CRD_ROOT, 'istio', 'istio-crds.yaml'), 'utf8'))) {
      const crd = doc.toJS();
      for (const version of crd?.kind === 'CustomResourceDefinition' ? crd.spec.versions : []) {
        schemas.set(`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`, version.schema.openAPIV3Schema);
      }
    }
  }
  const schema = schemas.get(`${object.apiVersion}/${object.kind}`);
  return schema === undefined ? [`no Istio CRD schema for ${object.apiVersion}/${object.kind}`] : crdProblems(schema, object);
}
