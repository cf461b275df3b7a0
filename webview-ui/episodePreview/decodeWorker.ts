// Decodes camera frames into ImageBitmaps on a worker thread, so the page's main thread (which in VS Code in the
// browser is also the editor's) only paints. Falls back to decoding on the main thread where workers are refused.

export type DecodeRequest =
  | { readonly kind: 'jpeg'; readonly bytes: Uint8Array }
  | { readonly kind: 'raw'; readonly bytes: Uint8Array; readonly width: number; readonly height: number };

interface WorkerRequest {
  readonly id: number;
  readonly kind: 'jpeg' | 'raw';
  readonly bytes: ArrayBuffer;
  readonly width: number;
  readonly height: number;
}

type WorkerReply =
  { readonly id: number; readonly bitmap: ImageBitmap } | { readonly id: number; readonly error: string };

/**
 * Decodes one frame; self-contained, because the worker runs it from its source text (a blob: URL). JPEG: WebCodecs'
 * ImageDecoder where present (no Blob to register with the browser process), else createImageBitmap of a Blob.
 * Raw RGB rows become RGBA ImageData.
 */
async function decodeFrame({ kind, bytes, width, height }: WorkerRequest): Promise<ImageBitmap> {
  if (kind === 'raw') {
    const rgb = new Uint8Array(bytes);
    const pixels = width * height;
    if (rgb.length < pixels * 3) throw new Error('short raw frame');
    const rgba = new Uint8ClampedArray(pixels * 4);
    for (let p = 0, s = 0, d = 0; p < pixels; p++, s += 3, d += 4) {
      rgba[d] = rgb[s]!;
      rgba[d + 1] = rgb[s + 1]!;
      rgba[d + 2] = rgb[s + 2]!;
      rgba[d + 3] = 255;
    }
    return createImageBitmap(new ImageData(rgba, width, height));
  }
  if (typeof ImageDecoder === 'undefined') return createImageBitmap(new Blob([bytes], { type: 'image/jpeg' }));
  const decoder = new ImageDecoder({ data: bytes, type: 'image/jpeg' });
  try {
    const { image } = await decoder.decode();
    try {
      return await createImageBitmap(image);
    } finally {
      image.close();
    }
  } finally {
    decoder.close();
  }
}

/** The worker's loop: each request answered with its bitmap (transferred) or the reason it failed. */
function workerLoop(
  scope: {
    onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
    postMessage(message: WorkerReply, transfer: Transferable[]): void;
  },
  decode: typeof decodeFrame,
): void {
  scope.onmessage = (event) => {
    decode(event.data).then(
      (bitmap) => scope.postMessage({ id: event.data.id, bitmap }, [bitmap]),
      (error: unknown) => scope.postMessage({ id: event.data.id, error: String(error) }, []),
    );
  };
}

/** One worker per camera, as far as the processor has cores: the three images of a frame decode side by side. */
const POOL_SIZE = Math.max(1, Math.min(3, navigator.hardwareConcurrency || 2));

export class FrameDecoder {
  private workers: Worker[] = [];
  /** Requests no worker has answered, kept so that they can be decoded here if the workers fail. */
  private readonly pending = new Map<
    number,
    { request: WorkerRequest; resolve: (bitmap: ImageBitmap) => void; reject: (error: Error) => void }
  >();
  private nextId = 0;

  private started = false;

  /**
   * The workers start with the first frame that is not urgent: starting them earlier would take processor time from
   * the first frame, which is decoded here.
   */
  private start(): void {
    this.started = true;
    for (let i = 0; i < POOL_SIZE; i++) {
      const worker = startWorker();
      if (!worker) break;
      worker.addEventListener('message', (event: MessageEvent<WorkerReply>) => this.answered(event.data));
      // A policy that refuses workers shows up here, after they were created: decode here from then on.
      worker.addEventListener('error', () => this.fallBack());
      this.workers.push(worker);
    }
  }

  /**
   * `urgent` (the frame a paused user waits for: the first one, a seek) decodes here at once instead of queueing
   * behind the workers' prefetch or waiting for them to start; the browser decodes it off this thread anyway.
   */
  decode(request: DecodeRequest, urgent = false): Promise<ImageBitmap> {
    // A copy of just these bytes (the message's buffer may hold the other cameras' too), cloned to the worker.
    const message: WorkerRequest = {
      id: this.nextId++,
      kind: request.kind,
      bytes: request.bytes.slice().buffer,
      width: request.kind === 'raw' ? request.width : 0,
      height: request.kind === 'raw' ? request.height : 0,
    };
    if (!urgent && !this.started) this.start();
    if (urgent || this.workers.length === 0) return decodeFrame(message);
    return new Promise((resolve, reject) => {
      this.pending.set(message.id, { request: message, resolve, reject });
      this.workers[message.id % this.workers.length]!.postMessage(message);
    });
  }

  private answered(reply: WorkerReply): void {
    const waiting = this.pending.get(reply.id);
    this.pending.delete(reply.id);
    if ('bitmap' in reply) waiting?.resolve(reply.bitmap);
    else waiting?.reject(new Error(reply.error));
  }

  private fallBack(): void {
    for (const worker of this.workers) worker.terminate();
    this.workers = [];
    for (const { request, resolve, reject } of this.pending.values()) decodeFrame(request).then(resolve, reject);
    this.pending.clear();
  }
}

function startWorker(): Worker | undefined {
  try {
    const source = `(${workerLoop.toString()})(self, ${decodeFrame.toString()});`;
    return new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
  } catch {
    return undefined;
  }
}
