import { Manifest } from '../../core/manifest-schema';
import { toYaml } from '../../core/yaml';
import { GitopsFile } from './gitops-layout';
import { GitopsStep } from './gitops-steps';

/**
 * The file of one step's objects, `steps/<folder>/objects.yaml`, each object
 * given the annotations `annotate` returns for it (after its own).
 */
export function stepFile(step: GitopsStep, header: string, annotate: (object: Manifest) => Readonly<Record<string, string>>): GitopsFile {
  const objects = step.objects.map((object) => {
    const added = annotate(object);
    if (Object.keys(added).length === 0) {
      return object;
    }
    const annotations = { ...((object.metadata.annotations ?? {}) as Record<string, string>), ...added };
    return { ...object, metadata: { ...object.metadata, annotations } };
  });
  return { path: `steps/${step.folder}/objects.yaml`, content: header + toYaml(objects) };
}
