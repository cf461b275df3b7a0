// Turns the bytes the host sent for one frame index into something paintable per camera: RGBA pixels (or a bitmap),
// or a visible reason why not.
import type { FrameImage, PreviewCamera } from '../../src/protocol/episodePreview';
import type { Closable } from './frameStore';
import type { FrameDecoder } from './decodeWorker';

export interface DecodedImage extends Closable {
  /** The camera's pixels at their own size, in a buffer the decoder takes back when the image is closed. */
  readonly pixels?: ImageData;
  /** Where the browser cannot give pixels (no WebCodecs): a bitmap to draw. */
  readonly bitmap?: ImageBitmap;
  /** Shown over the camera instead of a picture: the frame is missing or undecodable. */
  readonly problem?: string;
}

/**
 * Decodes every camera's image of one frame index; a set is complete only when all of them are done. `urgent`: see
 * FrameDecoder.decode.
 */
export function decodeFrameSet(
  decoder: FrameDecoder,
  index: number,
  images: readonly FrameImage[],
  cameras: readonly PreviewCamera[],
  urgent: boolean,
): Promise<DecodedImage[]> {
  return Promise.all(
    cameras.map((camera, i) =>
      decodeImage(decoder, index, images[i] ?? { kind: 'missing', message: 'no image was sent' }, camera, urgent),
    ),
  );
}

async function decodeImage(
  decoder: FrameDecoder,
  index: number,
  image: FrameImage,
  camera: PreviewCamera,
  urgent: boolean,
): Promise<DecodedImage> {
  if (image.kind === 'missing') return placeholder(image.message);
  try {
    const bytes = asBytes(image.bytes);
    const decoded = await decoder.decode(
      image.kind === 'jpeg'
        ? { kind: 'jpeg', bytes }
        : { kind: 'raw', bytes, width: image.width, height: image.height },
      urgent,
    );
    if (decoded.kind === 'bitmap') return { bitmap: decoded.bitmap, close: () => decoded.bitmap.close() };
    const { buffer, width, height } = decoded;
    const pixels = new ImageData(new Uint8ClampedArray(buffer, 0, width * height * 4), width, height);
    let closed = false;
    return {
      pixels,
      // Once only: a buffer handed back twice would take two frames at once.
      close: () => {
        if (!closed) decoder.recycle(buffer);
        closed = true;
      },
    };
  } catch {
    return placeholder(
      `Frame ${index} of ${camera.name} could not be decoded (${image.kind === 'jpeg' ? 'corrupt JPEG bytes' : 'wrong raw size'}).`,
    );
  }
}

function placeholder(problem: string): DecodedImage {
  return { problem, close: () => undefined };
}

/** VS Code delivers typed arrays as typed arrays, but a plain ArrayBuffer is accepted too. */
function asBytes(value: Uint8Array | ArrayBuffer): Uint8Array<ArrayBuffer> {
  return value instanceof ArrayBuffer
    ? new Uint8Array(value)
    : new Uint8Array(value.buffer as ArrayBuffer, value.byteOffset, value.byteLength);
}
