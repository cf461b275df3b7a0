// Turns the bytes the host sent for one camera into something paintable: an ImageBitmap, or a visible reason why not.
import type { FrameImage, PreviewCamera } from '../../src/protocol/episodePreview';
import type { Closable } from './frameStore';

export interface DecodedImage extends Closable {
  readonly bitmap?: ImageBitmap;
  /** Shown over the camera instead of a picture: the frame is missing or undecodable. */
  readonly problem?: string;
}

/** Decodes every camera's image of one frame index; a set is complete only when all of them are done. */
export function decodeFrameSet(index: number, images: readonly FrameImage[], cameras: readonly PreviewCamera[]): Promise<DecodedImage[]> {
  return Promise.all(cameras.map((camera, i) => decodeImage(index, images[i] ?? { kind: 'missing', message: 'no image was sent' }, camera)));
}

async function decodeImage(index: number, image: FrameImage, camera: PreviewCamera): Promise<DecodedImage> {
  if (image.kind === 'missing') return placeholder(image.message);
  try {
    const bytes = asBytes(image.bytes);
    const bitmap = image.kind === 'jpeg'
      ? await createImageBitmap(new Blob([bytes], { type: 'image/jpeg' }))
      : await createImageBitmap(rgbToImageData(bytes, image.width, image.height));
    return { bitmap, close: () => bitmap.close() };
  } catch {
    return placeholder(`Frame ${index} of ${camera.name} could not be decoded (${image.kind === 'jpeg' ? 'corrupt JPEG bytes' : 'wrong raw size'}).`);
  }
}

function placeholder(problem: string): DecodedImage {
  return { problem, close: () => undefined };
}

/** VS Code delivers typed arrays as typed arrays, but a plain ArrayBuffer is accepted too. */
function asBytes(value: Uint8Array | ArrayBuffer): Uint8Array<ArrayBuffer> {
  return (value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer as ArrayBuffer, value.byteOffset, value.byteLength));
}

/** Raw frames are RGB rows; ImageData wants RGBA. */
function rgbToImageData(rgb: Uint8Array, width: number, height: number): ImageData {
  const pixels = width * height;
  if (rgb.length < pixels * 3) throw new Error('short raw frame');
  const rgba = new Uint8ClampedArray(pixels * 4);
  for (let p = 0, s = 0, d = 0; p < pixels; p++, s += 3, d += 4) {
    rgba[d] = rgb[s]!;
    rgba[d + 1] = rgb[s + 1]!;
    rgba[d + 2] = rgb[s + 2]!;
    rgba[d + 3] = 255;
  }
  return new ImageData(rgba, width, height);
}
