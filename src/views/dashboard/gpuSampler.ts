// Samples a host's GPUs with nvidia-smi at the configured interval while a dashboard is visible, and stops when it
// is hidden: nothing polls a host for a view nobody looks at.
import { describeError } from '../../core/errors';
import { queryGpus, type GpuInfo } from '../../core/remote/gpus';
import type { RemoteHost } from '../../core/remote/remoteHost';

export class GpuSampler {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private controller: AbortController | undefined;
  latest: GpuInfo[] | undefined;

  constructor(
    private readonly host: () => Promise<RemoteHost>,
    private readonly intervalMs: () => number,
    private readonly onSample: (gpus: GpuInfo[]) => void,
    private readonly onError: (message: string) => void,
  ) {}

  get running(): boolean {
    return this.controller !== undefined;
  }

  start(): void {
    if (this.controller) return;
    const controller = new AbortController();
    this.controller = controller;
    const tick = async () => {
      try {
        this.latest = await queryGpus(await this.host(), controller.signal);
        if (!controller.signal.aborted) this.onSample(this.latest);
      } catch (error) {
        if (!controller.signal.aborted) this.onError(describeError(error));
      }
      if (!controller.signal.aborted) this.timer = setTimeout(() => void tick(), this.intervalMs());
    };
    void tick();
  }

  stop(): void {
    this.controller?.abort();
    this.controller = undefined;
    clearTimeout(this.timer);
  }
}
