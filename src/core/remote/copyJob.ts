// One resumable copy of a host's file into a local .part file, as the two ways of copying (rsync, ssh stream) see it.

export interface CopyJob {
  readonly remotePath: string;
  /** The local file that grows; it already holds `offset` bytes of the source. */
  readonly part: string;
  readonly offset: number;
  /** KiB/s; 0 or undefined: no limit. */
  readonly bandwidthLimitKiBps?: number;
  readonly signal?: AbortSignal;
  /** Told the bytes in `part` as the copy goes. */
  readonly onBytes: (bytes: number) => void;
}

export const PROGRESS_EVERY_MS = 250;
