// The folders the Datasets view scans: ctrlWorld.datasetFolders and the workspace folders, without overlaps.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Settings } from '../../settings';

export interface DatasetRoot {
  readonly folder: string;
  /** Listed in ctrlWorld.datasetFolders (shown even when empty or missing); else a workspace folder. */
  readonly configured: boolean;
  /** Set when a configured folder cannot be scanned: it does not exist, or is not a folder. */
  readonly missing?: string;
}

function contains(parent: string, child: string): boolean {
  const relative = path.relative(parent, child);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/**
 * Configured folders first, then workspace folders; a folder inside another one is dropped (its episodes are
 * found by scanning the outer one), except that a configured folder keeps being shown as configured.
 */
export async function datasetRoots(settings: Settings): Promise<DatasetRoot[]> {
  const configured = settings.datasetFolders;
  const workspace = (vscode.workspace.workspaceFolders ?? [])
    .filter((folder) => folder.uri.scheme === 'file')
    .map((folder) => folder.uri.fsPath);
  const candidates = [
    ...configured.map((folder) => ({ folder, configured: true })),
    ...workspace.map((folder) => ({ folder, configured: false })),
  ];
  const roots: DatasetRoot[] = [];
  for (const candidate of candidates) {
    if (roots.some((root) => root.folder === candidate.folder)) continue;
    const outer = candidates.find(
      (other) => other.folder !== candidate.folder && contains(other.folder, candidate.folder),
    );
    if (outer) continue;
    roots.push({ ...candidate, missing: candidate.configured ? await whyMissing(candidate.folder) : undefined });
  }
  return roots;
}

async function whyMissing(folder: string): Promise<string | undefined> {
  try {
    return (await fs.stat(folder)).isDirectory() ? undefined : 'is not a folder';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT'
      ? 'does not exist'
      : `cannot be read (${(error as NodeJS.ErrnoException).code})`;
  }
}
