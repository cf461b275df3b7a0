// What a converted-dataset check reports: the episodes it found with their latents, the meta files, the problems.
import type { ConvertedFiles } from './files';
import type { AnnotationSource, StatJson } from '../layout';
import type { Split } from '../types';

export interface ConvertedProblem {
  readonly severity: 'error' | 'warning';
  /** Stable: `no-latents`, `latent-shape`, `cfg-mismatch`, … (README, Troubleshooting). */
  readonly code: string;
  readonly message: string;
  /** The file or folder the problem is about, for the Problems panel. */
  readonly file?: string;
}

export type ProblemSink = (
  severity: ConvertedProblem['severity'],
  code: string,
  message: string,
  file?: string,
) => void;

export interface LatentState {
  readonly view: number;
  readonly file: string;
  readonly state: 'ok' | 'missing' | 'bad';
  readonly shape?: number[];
  readonly dtype?: string;
}

export interface ConvertedEpisode {
  /** The annotation's file stem (upstream) or the episode folder (per-episode tree): what sample lists name. */
  readonly id: string;
  /** `any` in the per-episode tree, which has no split folders. */
  readonly split: Split | 'any';
  readonly annotationFile: string;
  readonly videoLength: number;
  readonly latents: readonly LatentState[];
  readonly task: string;
  readonly source?: AnnotationSource;
}

export interface ConvertedReport {
  readonly layout: 'upstream' | 'per-episode' | 'missing';
  readonly datasetDir: string;
  readonly metaDir: string;
  readonly episodes: readonly ConvertedEpisode[];
  readonly stat?: StatJson;
  readonly samples: { readonly train: number; readonly val: number };
  readonly problems: readonly ConvertedProblem[];
}

export async function readJson<T>(
  files: ConvertedFiles,
  file: string,
): Promise<{ value?: T; error?: string; missing?: boolean }> {
  const read = await files.readText(file);
  if (!('text' in read)) return { error: read.error, missing: read.missing };
  try {
    return { value: JSON.parse(read.text) as T };
  } catch (error) {
    return { error: `it is not valid JSON (${(error as Error).message})` };
  }
}
