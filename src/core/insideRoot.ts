// The one check that a path taken from a record, an annotation or a host stays inside the folder it belongs to.
import * as path from 'node:path';
import { UserFacingError } from './errors';

/** A path from data (not from the user) that would leave its folder: nothing was read, written or deleted. */
export class PathOutsideRootError extends UserFacingError {
  constructor(
    readonly value: string,
    readonly root: string,
    /** Where the path came from, e.g. `the conversion record /data/flexiv/.ctrlworld-convert.json`. */
    readonly source: string,
  ) {
    super(
      `${source} names the path ${JSON.stringify(value)}, which is not inside ${root}; nothing was changed.`,
      'Delete or repair that file (a damaged or hostile copy), then try again.',
      'path-outside-root',
    );
  }
}

/**
 * `root` joined with `relative`, when that stays strictly inside `root`; otherwise a PathOutsideRootError.
 * Refused: absolute paths, `..` that climbs out, empty names, NUL bytes and backslashes (a Windows-made
 * separator that POSIX would keep inside one name and another platform would not). The check is lexical:
 * a symbolic link inside the root is the user's own choice, while the danger here is names written by others.
 * `api` is `path.posix` for paths on a GPU host.
 */
export function resolveInside(root: string, relative: unknown, source: string, api: path.PlatformPath = path): string {
  const text = typeof relative === 'string' ? relative : String(relative);
  const bad =
    typeof relative !== 'string' || text === '' || text.includes('\0') || text.includes('\\') || api.isAbsolute(text);
  const full = api.resolve(root, text);
  const inside = api.relative(api.resolve(root), full);
  if (bad || inside === '' || inside === '..' || inside.startsWith(`..${api.sep}`) || api.isAbsolute(inside)) {
    throw new PathOutsideRootError(text, root, source);
  }
  return full;
}

/** One path segment from a host (a checkpoint or folder name): no separator, not `.` or `..`, printable. */
export function isSafeName(name: string): boolean {
  // eslint-disable-next-line no-control-regex
  return name !== '' && name !== '.' && name !== '..' && !/[/\\\u0000-\u001f\u007f]/.test(name) && name.length <= 255;
}

/** Whether `candidate` is `folder` or lies under it (lexically, both resolved). */
export function isInsideOrSame(folder: string, candidate: string): boolean {
  const relative = path.relative(path.resolve(folder), path.resolve(candidate));
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}
