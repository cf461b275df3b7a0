// Decodes camera frames into RGBA pixels on a worker thread, so the page's main thread (which in VS Code in the
// browser is also the editor's) only paints. Falls back to decoding on the main thread where workers are refused.

export type DecodeRequest =
  | { readonly kind: 'jpeg'; readonly bytes: Uint8Array<ArrayBuffer> }
  | { readonly kind: 'raw'; readonly bytes: Uint8Array<ArrayBuffer>; readonly width: number; readonly height: number };

/** A decoded frame: RGBA rows in a buffer of the decoder's pool, or a bitmap where the browser lacks WebCodecs. */
export type DecodedPixels =
  | { readonly kind: 'pixels'; readonly buffer: ArrayBuffer; readonly width: number; readonly height: number }
  | { readonly kind: 'bitmap'; readonly bitmap: ImageBitmap };

interface WorkerRequest {
  readonly id: number;
  readonly kind: 'jpeg' | 'raw';
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly width: number;
  readonly height: number;
  /** A buffer to write the pixels into, when the pool has one; a new one is made when it is missing or too small. */
  readonly target: ArrayBuffer | undefined;
}

type WorkerReply =
  { readonly id: number; readonly decoded: DecodedPixels } | { readonly id: number; readonly error: string };

/**
 * Decodes one frame; self-contained, because the worker runs it from its source text (a blob: URL). JPEG: WebCodecs'
 * ImageDecoder, its frame copied as RGBA into `target`; raw RGB rows are widened to RGBA there. Every frame written
 * into a reused buffer: on this kind of machine a fresh megabyte per image (what createImageBitmap allocates) costs
 * more in page faults than the decoding itself (3x the processor time per frame set, measured). Without WebCodecs,
 * createImageBitmap of a Blob.
 */
async function decodeFrame({ kind, bytes, width, height, target }: WorkerRequest): Promise<DecodedPixels> {
  const pixelsInto = (columns: number, rows: number) => {
    const size = columns * rows * 4;
    return target && target.byteLength >= size ? target : new ArrayBuffer(size);
  };
  if (kind === 'raw') {
    const rgb = bytes;
    const pixels = width * height;
    if (rgb.length < pixels * 3) throw new Error('short raw frame');
    const buffer = pixelsInto(width, height);
    const rgba = new Uint8Array(buffer);
    for (let p = 0, s = 0, d = 0; p < pixels; p++, s += 3, d += 4) {
      rgba[d] = rgb[s]!;
      rgba[d + 1] = rgb[s + 1]!;
      rgba[d + 2] = rgb[s + 2]!;
      rgba[d + 3] = 255;
    }
    return { kind: 'pixels', buffer, width, height };
  }
  if (typeof ImageDecoder === 'undefined')
    return { kind: 'bitmap', bitmap: await createImageBitmap(new Blob([bytes], { type: 'image/jpeg' })) };
  const decoder = new ImageDecoder({ data: bytes, type: 'image/jpeg' });
  try {
    const { image } = await decoder.decode();
    try {
      const columns = image.displayWidth;
      const rows = image.displayHeight;
      const buffer = pixelsInto(columns, rows);
      try {
        await image.copyTo(new Uint8Array(buffer, 0, columns * rows * 4), { format: 'RGBX', colorSpace: 'srgb' });
      } catch {
        // A browser whose copyTo does not convert to RGB (before Chromium 127) still draws the frame itself.
        return { kind: 'bitmap', bitmap: await createImageBitmap(image) };
      }
      return { kind: 'pixels', buffer, width: columns, height: rows };
    } finally {
      image.close();
    }
  } finally {
    decoder.close();
  }
}

/** The worker's loop: each request answered with its pixels (transferred) or the reason it failed. */
function workerLoop(
  scope: {
    onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
    postMessage(message: WorkerReply, transfer: Transferable[]): void;
  },
  decode: typeof decodeFrame,
): void {
  scope.onmessage = (event) => {
    decode(event.data).then(
      (decoded) =>
        scope.postMessage({ id: event.data.id, decoded }, [
          decoded.kind === 'pixels' ? decoded.buffer : decoded.bitmap,
        ]),
      (error: unknown) => scope.postMessage({ id: event.data.id, error: String(error) }, []),
    );
  };
}

/** One worker per camera, as far as the processor has cores: the three images of a frame decode side by side. */
const POOL_SIZE = Math.max(1, Math.min(3, navigator.hardwareConcurrency || 2));

/**
 * Pixel buffers kept for reuse once the frames in them are let go: the decoded frames in the playback window are
 * recycled as it moves, so this only needs to cover the ones on their way back to a worker.
 */
const SPARE_BUFFERS = 16;

export class FrameDecoder {
  private workers: Worker[] = [];
  /** Requests no worker has answered, kept so that they can be decoded here if the workers fail. */
  private readonly pending = new Map<
    number,
    { request: DecodeRequest; resolve: (decoded: DecodedPixels) => void; reject: (error: Error) => void }
  >();
  private nextId = 0;
  private started = false;
  /** A worker has answered: the workers run, so bytes may be handed over to them instead of copied. */
  private answering = false;
  private readonly spare: ArrayBuffer[] = [];

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
  decode(request: DecodeRequest, urgent = false): Promise<DecodedPixels> {
    if (!urgent && !this.started) this.start();
    if (urgent || this.workers.length === 0)
      return decodeFrame(workerRequest(this.nextId++, request, this.spare.pop()));
    // Until a worker has answered, it may yet fail and the request be decoded here: it gets a copy of the bytes.
    // Afterwards it takes the message's own buffer (no copy: on this kind of machine each new buffer costs page
    // faults), which the page has no further use for once the frame is decoded.
    const bytes = this.answering && spansBuffer(request.bytes) ? request.bytes : request.bytes.slice();
    const message = workerRequest(this.nextId++, { ...request, bytes }, this.spare.pop());
    return new Promise((resolve, reject) => {
      this.pending.set(message.id, { request, resolve, reject });
      const transfer: Transferable[] = message.target ? [bytes.buffer, message.target] : [bytes.buffer];
      this.workers[message.id % this.workers.length]!.postMessage(message, transfer);
    });
  }

  /** A frame's pixels are no longer shown or held: their buffer takes a later frame. */
  recycle(buffer: ArrayBuffer): void {
    if (this.spare.length < SPARE_BUFFERS && buffer.byteLength > 0) this.spare.push(buffer);
  }

  private answered(reply: WorkerReply): void {
    this.answering = true;
    const waiting = this.pending.get(reply.id);
    this.pending.delete(reply.id);
    if ('decoded' in reply) waiting?.resolve(reply.decoded);
    else waiting?.reject(new Error(reply.error));
  }

  private fallBack(): void {
    for (const worker of this.workers) worker.terminate();
    this.workers = [];
    for (const [id, { request, resolve, reject }] of this.pending)
      decodeFrame(workerRequest(id, request, undefined)).then(resolve, reject);
    this.pending.clear();
  }
}

function workerRequest(id: number, request: DecodeRequest, target: ArrayBuffer | undefined): WorkerRequest {
  return {
    id,
    kind: request.kind,
    bytes: request.bytes,
    width: request.kind === 'raw' ? request.width : 0,
    height: request.kind === 'raw' ? request.height : 0,
    target,
  };
}

/** The bytes are all of their buffer (VS Code gives each array of a message a buffer of its own), no other's. */
function spansBuffer(bytes: Uint8Array): boolean {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
}

function startWorker(): Worker | undefined {
  try {
    const source = `(${workerLoop.toString()})(self, ${decodeFrame.toString()});`;
    return new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
  } catch {
    return undefined;
  }
}
