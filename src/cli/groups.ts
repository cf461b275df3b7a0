// The CLI's commands in groups, each group its own bundle (dist/cli-<group>.js): a command loads the code of its group
// alone, so that `scan` never parses the training or conversion code, nor the Node modules only they use.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { requireWithCodeCache, saveCodeCache } from '../core/codeCache';
import type { CliCommand } from './framework';
import type { runCommands } from './dispatch';

/** What one group's module holds: its commands, and the dispatcher bundled with them (see dispatch.ts). */
export interface CommandGroup {
  readonly commands: readonly CliCommand[];
  readonly runCommands: typeof runCommands;
}

/** The first word of each group's commands; `--help` lists the groups in this order. */
export const GROUP_WORDS = {
  dataset: ['scan', 'validate', 'frame'],
  convert: ['convert', 'check-converted'],
  config: ['config'],
  training: ['preflight', 'train', 'runs'],
  quality: ['quality'],
} as const satisfies Record<string, readonly string[]>;

export type GroupName = keyof typeof GROUP_WORDS;

export const GROUP_NAMES = Object.keys(GROUP_WORDS) as GroupName[];

/** The group whose commands start with `word`; undefined for options (`--help`) and unknown words. */
export function groupOf(word: string | undefined): GroupName | undefined {
  return GROUP_NAMES.find((group) => (GROUP_WORDS[group] as readonly string[]).includes(word ?? ''));
}

/** Each group's module from sources; the bundle loads dist/cli-<group>.js instead (see loadGroup). */
const LOADERS: Record<GroupName, () => Promise<CommandGroup>> = {
  dataset: () => import('./groups/dataset.js'),
  convert: () => import('./groups/convert.js'),
  config: () => import('./groups/config.js'),
  training: () => import('./groups/training.js'),
  quality: () => import('./groups/quality.js'),
};

export async function loadGroup(group: GroupName): Promise<CommandGroup> {
  const bundled = path.join(__dirname, `cli-${group}.js`);
  if (!fs.existsSync(bundled)) return LOADERS[group]();
  // Through V8's code cache: parsing and compiling the group's code is a good part of a short command's time.
  const loaded = requireWithCodeCache(bundled) as CommandGroup;
  process.once('exit', () => saveCodeCache(bundled));
  return loaded;
}
