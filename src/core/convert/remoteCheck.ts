// A converted dataset on the GPU host, read for the converted-dataset check in one round trip: the remote kit's
// converted_snapshot.py sends the folders, the JSON files and the latents' zip directories, gzip-compressed.
import { gunzipSync } from 'node:zlib';
import type { RemoteHost } from '../remote/remoteHost';
import { kitJson, runKit } from '../training/kit';
import { snapshotFiles, type ConvertedFiles, type ConvertedSnapshot } from './check/files';

export interface RemoteDatasetPaths {
  /** Absolute paths on the host. */
  readonly root: string;
  readonly name: string;
  readonly metaRoot: string;
  readonly cfg?: string;
}

const GZIP_MAGIC = 0x1f8b;

export async function convertedFilesOnHost(
  host: RemoteHost,
  registryRoot: string,
  paths: RemoteDatasetPaths,
  signal?: AbortSignal,
): Promise<ConvertedFiles> {
  const args = [paths.root, paths.name, paths.metaRoot, ...(paths.cfg ? [paths.cfg] : [])];
  const result = await runKit(host, registryRoot, 'converted_snapshot.py', args, { signal, timeoutMs: 300_000 });
  const bytes = result.stdoutBytes;
  // Anything but the gzip stream (a traceback, a refusal) is read as the kit's text, which says what went wrong.
  const stdout =
    bytes.length >= 2 && bytes.readUInt16BE(0) === GZIP_MAGIC ? gunzipSync(bytes).toString('utf8') : result.stdout;
  return snapshotFiles(kitJson<ConvertedSnapshot>({ ...result, stdout }, `Reading ${paths.root}/${paths.name}`, host));
}
