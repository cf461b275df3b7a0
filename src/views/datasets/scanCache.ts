// Keeps the scanner's summaries between sessions, so that a reload re-reads only the episodes changed since.
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../../core/atomicWrite';
import type { ScanSnapshot } from '../../core/dataset';

interface SavedScan {
  /** The extension version that wrote it: summaries of another version may lack or mean other things. */
  readonly version: string;
  readonly snapshot: ScanSnapshot;
}

export async function loadScanCache(file: string, version: string): Promise<ScanSnapshot | undefined> {
  try {
    const saved = JSON.parse(await readFile(file, 'utf8')) as SavedScan;
    return saved.version === version ? saved.snapshot : undefined;
  } catch {
    return undefined; // None yet, or unreadable: the scan reads every file, as on a first start.
  }
}

export function saveScanCache(file: string, version: string, snapshot: ScanSnapshot): Promise<void> {
  return writeFileAtomic(file, JSON.stringify({ version, snapshot } satisfies SavedScan));
}
