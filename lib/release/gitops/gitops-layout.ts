import { GitopsStep } from './gitops-steps';

/** A file of the output: its path under the output folder, and its text. */
export interface GitopsFile {
  readonly path: string;
  readonly content: string;
}

/** What each engine's writer gets: the options resolved, the steps, the folder in the repository. */
export interface GitopsLayout {
  readonly name: string;
  readonly repoUrl: string;
  readonly branch: string;
  /** The output folder in the repository, normalized, without `./` (empty for the root). */
  readonly path: string;
  /** How long each step may take to turn healthy (Flux), in seconds. */
  readonly timeoutSeconds: number;
  readonly steps: readonly GitopsStep[];
}

/** First line of every file written. */
export const GENERATED_HEADER = '# Written by immutable-infra gitops from a synthesis; regenerate it, do not edit it.\n';

/** `<path>/<folder>`: a folder of the output as the repository names it. */
export function repoFolder(layout: GitopsLayout, folder: string): string {
  return layout.path === '' ? folder : `${layout.path}/${folder}`;
}
