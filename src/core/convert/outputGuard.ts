// Before a conversion writes anything: the output must not lie in the input, and must be empty or our own
// earlier conversion of the same episodes, unless the user chose to replace it.
import { readdir, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { UserFacingError } from '../errors';
import { isInsideOrSame } from '../insideRoot';
import { ANNOTATION_FOLDER, LATENT_FOLDER, MANIFEST_FILE, sampleFile, SPLITS, STAT_FILE } from './layout';
import { emptyManifest, readManifest, type Manifest } from './manifest';

/** The output holds files this product did not write, or wrote from another folder of episodes. */
export class OutputNotOursError extends UserFacingError {
  constructor(
    readonly folder: string,
    reason: string,
  ) {
    super(
      `${folder} ${reason}; converting would overwrite it.`,
      'Choose another name or output folder, or replace it (CLI: --replace).',
      'output-not-ours',
    );
  }
}

export interface OutputPlan {
  readonly input: string;
  readonly dataset: string;
  readonly metaDir: string;
  /** The user agreed to replace what is there: our files in both folders are removed first. */
  readonly replace?: boolean;
}

/** Checks the output and returns the manifest to continue from (a fresh one after a replace). */
export async function prepareOutput(plan: OutputPlan): Promise<Manifest> {
  const { input, dataset, metaDir } = plan;
  for (const folder of [dataset, metaDir]) {
    // Episodes would be scanned as input next time and the output could overwrite them.
    if (isInsideOrSame(input, folder)) {
      throw new UserFacingError(
        `The output ${folder} lies inside the episodes folder ${input}.`,
        'Choose an output folder outside the episodes folder.',
        'output-inside-input',
      );
    }
  }
  if (plan.replace) {
    await clearOurLayout(dataset, metaDir);
    return emptyManifest();
  }
  const manifest = await readManifest(dataset);
  if (manifest.input === undefined) {
    // No record of ours: anything already there belongs to someone else.
    if (await hasEntries(dataset))
      throw new OutputNotOursError(dataset, 'already holds files that no conversion of this extension wrote');
    if (await hasEntries(metaDir))
      throw new OutputNotOursError(metaDir, 'already holds files that no conversion of this extension wrote');
  } else if (path.resolve(manifest.input) !== input) {
    throw new OutputNotOursError(dataset, `was converted from other episodes (${manifest.input})`);
  }
  return manifest;
}

/** Only the layout's own names go: a README or anything else the user keeps there stays. */
async function clearOurLayout(dataset: string, metaDir: string): Promise<void> {
  for (const name of [ANNOTATION_FOLDER, LATENT_FOLDER, 'videos', MANIFEST_FILE]) {
    await rm(path.join(dataset, name), { recursive: true, force: true });
  }
  for (const name of [STAT_FILE, ...SPLITS.map(sampleFile)]) await rm(path.join(metaDir, name), { force: true });
}

async function hasEntries(folder: string): Promise<boolean> {
  try {
    return (await readdir(folder)).length > 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
