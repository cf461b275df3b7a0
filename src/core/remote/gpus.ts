// The GPUs of a host and what runs on them, from nvidia-smi's CSV output (header-less, unit-less form).
import { UserFacingError } from '../errors';
import type { RemoteHost } from './remoteHost';

export interface GpuProcess {
  readonly pid: number;
  readonly name: string;
  readonly usedMemoryMiB?: number;
}

export interface GpuInfo {
  readonly index: number;
  readonly uuid: string;
  readonly name: string;
  readonly memoryTotalMiB: number;
  readonly memoryUsedMiB: number;
  readonly memoryFreeMiB: number;
  readonly utilizationPercent?: number;
  readonly processes: readonly GpuProcess[];
}

// The same field order as the captured real output, so those bytes parse as they are.
export const GPU_QUERY = '--query-gpu=index,name,uuid,memory.total,memory.used,memory.free,utilization.gpu';
export const COMPUTE_APPS_QUERY = '--query-compute-apps=gpu_uuid,pid,process_name,used_memory';
const CSV = '--format=csv,noheader,nounits';
const SEPARATOR = '--- compute apps ---';

export class GpuQueryError extends UserFacingError {}

/** A number from a CSV cell; "[N/A]", "[Not Supported]" and the like are undefined. A unit suffix is tolerated. */
function numberCell(cell: string | undefined): number | undefined {
  const match = /^\s*(-?\d+(?:\.\d+)?)/.exec(cell ?? '');
  return match ? Number(match[1]) : undefined;
}

function csvRows(text: string): string[][] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => line.split(/\s*,\s*/));
}

export function parseGpuCsv(text: string): Array<Omit<GpuInfo, 'processes'>> {
  return csvRows(text).flatMap((cells) => {
    const index = numberCell(cells[0]);
    if (index === undefined || cells.length < 6) return [];
    return [
      {
        index,
        uuid: cells[2],
        name: cells[1],
        memoryTotalMiB: numberCell(cells[3]) ?? 0,
        memoryUsedMiB: numberCell(cells[4]) ?? 0,
        memoryFreeMiB: numberCell(cells[5]) ?? 0,
        utilizationPercent: numberCell(cells[6]),
      },
    ];
  });
}

/** Rows of `gpu_uuid, pid, process_name, used_memory`; a process name may itself hold commas. */
export function parseComputeAppsCsv(text: string): Array<GpuProcess & { gpuUuid: string }> {
  return csvRows(text).flatMap((cells) => {
    const pid = numberCell(cells[1]);
    if (pid === undefined || cells.length < 4) return [];
    return [
      {
        gpuUuid: cells[0],
        pid,
        name: cells.slice(2, -1).join(', '),
        usedMemoryMiB: numberCell(cells[cells.length - 1]),
      },
    ];
  });
}

/** Joins both queries: each process goes to its GPU through the UUID. */
export function combineGpuQueries(gpuCsv: string, appsCsv: string): GpuInfo[] {
  const apps = parseComputeAppsCsv(appsCsv);
  return parseGpuCsv(gpuCsv).map((gpu) => ({
    ...gpu,
    processes: apps
      .filter((app) => app.gpuUuid === gpu.uuid)
      .map(({ pid, name, usedMemoryMiB }) => ({ pid, name, usedMemoryMiB })),
  }));
}

/** Both queries in one round trip, in the host's training environment: that may be what puts nvidia-smi on the PATH. */
export async function queryGpus(host: RemoteHost, signal?: AbortSignal): Promise<GpuInfo[]> {
  const script = `nvidia-smi ${GPU_QUERY} ${CSV} || exit $?; echo '${SEPARATOR}'; nvidia-smi ${COMPUTE_APPS_QUERY} ${CSV}`;
  const result = await host.execInEnvironment(['sh', '-c', script], { signal, timeoutMs: 30_000 });
  if (result.code === 127) {
    throw new GpuQueryError(
      `nvidia-smi was not found on ${host.label}.`,
      'Check that this is a GPU host with the NVIDIA driver installed, and that nvidia-smi is on the PATH of a ' +
        'non-interactive shell or put there by the ctrlWorld.remote.envSetup setting.',
      'no-nvidia-smi',
    );
  }
  if (result.code !== 0) {
    const detail = (result.stderr || result.stdout).trim().split('\n').pop() ?? '';
    throw new GpuQueryError(
      `nvidia-smi failed on ${host.label}: ${detail}`,
      'Run nvidia-smi on the host to see whether the driver is loaded.',
      'nvidia-smi-failed',
    );
  }
  const [gpuCsv, appsCsv = ''] = result.stdout.split(SEPARATOR);
  return combineGpuQueries(gpuCsv, appsCsv);
}

export function describeGpu(gpu: GpuInfo): string {
  const gib = (mib: number) => (mib / 1024).toFixed(1);
  const processes =
    gpu.processes.length === 0 ? 'free' : `${gpu.processes.length} process${gpu.processes.length > 1 ? 'es' : ''}`;
  return `${gib(gpu.memoryUsedMiB)} / ${gib(gpu.memoryTotalMiB)} GiB used · ${processes}`;
}
