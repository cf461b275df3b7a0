// Builds problem entries whose message starts with "<dataset>/<file>" and ends with what to do.
import * as path from 'node:path';
import { describeError } from '../errors';
import { Hdf5Error } from '../hdf5';
import type { Problem, Severity } from './types';

/** `flexiv_1113/episode_6.hdf5`: the dataset folder's name and the file's, as messages name an episode. */
export function episodeLabel(file: string): string {
  return `${path.basename(path.dirname(file))}/${path.basename(file)}`;
}

export function problem(severity: Severity, code: string, file: string, text: string, todo: string): Problem {
  return { severity, code, message: `${episodeLabel(file)}: ${text} ${todo}` };
}

/** A reader error as a problem: its message already starts with the file name, which gains the dataset's. */
export function problemFromError(file: string, error: unknown, severity: Severity = 'error'): Problem {
  const message = describeError(error);
  const name = path.basename(file);
  const code = error instanceof Hdf5Error ? error.code : 'unreadable';
  return {
    severity,
    code,
    message: message.startsWith(name)
      ? `${episodeLabel(file)}${message.slice(name.length)}`
      : `${episodeLabel(file)}: ${message}`,
  };
}

export function countProblems(problems: readonly Problem[]): { errors: number; warnings: number } {
  let errors = 0;
  for (const entry of problems) if (entry.severity === 'error') errors++;
  return { errors, warnings: problems.length - errors };
}
