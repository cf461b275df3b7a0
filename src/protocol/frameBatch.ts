// Frame sets over HTTP: the body the host's frame server answers with and the webview reads. One request carries a
// few frame sets: a little-endian u32 with the length of a JSON header that describes every image, then the images'
// bytes one after another in the header's order. Shared by both sides, so it uses only what node and browsers share.
import type { FrameImage, FrameSet } from './episodePreview';

type ImageHeader =
  | { readonly kind: 'jpeg'; readonly length: number }
  | { readonly kind: 'raw'; readonly length: number; readonly width: number; readonly height: number }
  | { readonly kind: 'missing'; readonly message: string };

interface BatchHeader {
  readonly sets: ReadonlyArray<{ readonly index: number; readonly images: readonly ImageHeader[] }>;
}

/** The body's parts in order: written one after another, they make the batch (no copy of the images' bytes). */
export function encodeFrameBatch(sets: readonly FrameSet[]): Uint8Array[] {
  const header: BatchHeader = {
    sets: sets.map(({ index, images }) => ({
      index,
      images: images.map((image): ImageHeader => {
        if (image.kind === 'missing') return image;
        const length = image.bytes.byteLength;
        return image.kind === 'raw'
          ? { kind: 'raw', length, width: image.width, height: image.height }
          : { kind: 'jpeg', length };
      }),
    })),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const prefix = new Uint8Array(4);
  new DataView(prefix.buffer).setUint32(0, json.byteLength, true);
  const images = sets.flatMap(({ images }) => images.flatMap((image) => ('bytes' in image ? [image.bytes] : [])));
  return [prefix, json, ...images];
}

export class FrameBatchError extends Error {}

/** Reads a batch; every image's bytes are a view into `body`. Throws FrameBatchError when the body is malformed. */
export function decodeFrameBatch(body: ArrayBuffer): FrameSet[] {
  if (body.byteLength < 4) throw new FrameBatchError(`a frame batch of ${body.byteLength} bytes has no header`);
  const headerLength = new DataView(body).getUint32(0, true);
  if (4 + headerLength > body.byteLength) throw new FrameBatchError('the frame batch header runs past the body');
  let header: BatchHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(new Uint8Array(body, 4, headerLength))) as BatchHeader;
  } catch {
    throw new FrameBatchError('the frame batch header is not JSON');
  }
  let offset = 4 + headerLength;
  const bytes = (length: number) => {
    if (!Number.isInteger(length) || length < 0 || offset + length > body.byteLength)
      throw new FrameBatchError('an image runs past the frame batch body');
    const view = new Uint8Array(body, offset, length);
    offset += length;
    return view;
  };
  const sets = header.sets.map(({ index, images }) => ({
    index,
    images: images.map((image): FrameImage => {
      if (image.kind === 'missing') return image;
      return image.kind === 'raw'
        ? { kind: 'raw', bytes: bytes(image.length), width: image.width, height: image.height }
        : { kind: 'jpeg', bytes: bytes(image.length) };
    }),
  }));
  if (offset !== body.byteLength) throw new FrameBatchError('the frame batch body has bytes past its last image');
  return sets;
}
