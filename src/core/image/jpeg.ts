// JPEG structure without decoding pixels: image size from the SOF header, and a check that the stream is whole.

export interface JpegInfo {
  readonly width: number;
  readonly height: number;
  /** 1 grey, 3 colour (YCbCr), 4 CMYK. */
  readonly components: number;
  readonly progressive: boolean;
}

/** Why a byte string is not a decodable JPEG, in words a user can act on. */
export class JpegStructureError extends Error {}

const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;

/** Start-of-frame markers C0–CF, except DHT (C4), JPG (C8) and DAC (CC), which share the range. */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/**
 * Walks the marker segments up to the scan and checks the stream's ends: SOI first, one SOF with non-zero
 * dimensions before SOS, entropy-coded data after it, and EOI last. Throws JpegStructureError otherwise.
 * (Bit-level errors inside the entropy-coded data are not found this way; a real decoder would be needed.)
 */
export function inspectJpeg(bytes: Uint8Array): JpegInfo {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== SOI)
    throw new JpegStructureError('it does not start with a JPEG start-of-image marker');
  if (bytes[bytes.length - 2] !== 0xff || bytes[bytes.length - 1] !== EOI)
    throw new JpegStructureError('it does not end with a JPEG end-of-image marker (cut short?)');
  let frame: JpegInfo | undefined;
  let offset = 2;
  while (offset < bytes.length) {
    if (bytes[offset] !== 0xff) throw new JpegStructureError(`a marker was expected at byte ${offset}`);
    let marker = bytes[offset + 1] ?? 0;
    // Fill bytes: any number of 0xFF may precede a marker.
    while (marker === 0xff && offset + 2 < bytes.length) marker = bytes[++offset + 1] ?? 0;
    offset += 2;
    if (marker === EOI) throw new JpegStructureError('it ends before any image data');
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) continue; // markers without a length
    const length = ((bytes[offset] ?? 0) << 8) | (bytes[offset + 1] ?? 0);
    if (length < 2 || offset + length > bytes.length)
      throw new JpegStructureError(
        `segment 0xFF${hex(marker)} at byte ${offset - 2} has an impossible length ${length}`,
      );
    if (isStartOfFrame(marker)) {
      if (length < 8) throw new JpegStructureError('its frame header is too short');
      const height = (bytes[offset + 3]! << 8) | bytes[offset + 4]!;
      const width = (bytes[offset + 5]! << 8) | bytes[offset + 6]!;
      const components = bytes[offset + 7]!;
      if (width === 0 || height === 0 || components === 0)
        throw new JpegStructureError(`its frame header says ${width}x${height} with ${components} components`);
      frame = {
        width,
        height,
        components,
        progressive: marker === 0xc2 || marker === 0xc6 || marker === 0xca || marker === 0xce,
      };
    }
    if (marker === SOS) {
      if (!frame) throw new JpegStructureError('its image data starts before any frame header (no SOF)');
      if (offset + length >= bytes.length - 2)
        throw new JpegStructureError('it has no image data after the scan header');
      return frame;
    }
    offset += length;
  }
  throw new JpegStructureError('it has no image data (no start-of-scan marker)');
}

function hex(value: number): string {
  return value.toString(16).toUpperCase().padStart(2, '0');
}

/**
 * The JPEG bytes of one padded row: the first `storedLength` bytes when that length is plausible (the row
 * then ends in EOI there), else the row without its trailing zero padding. A JPEG's last byte is EOI's
 * 0xD9, never zero, so trimming zeros never cuts into the image.
 */
export function jpegFromPaddedRow(row: Uint8Array, storedLength?: number): Uint8Array {
  if (
    storedLength !== undefined &&
    Number.isInteger(storedLength) &&
    storedLength >= 4 &&
    storedLength <= row.length &&
    row[storedLength - 2] === 0xff &&
    row[storedLength - 1] === EOI
  ) {
    return row.subarray(0, storedLength);
  }
  let end = row.length;
  while (end > 0 && row[end - 1] === 0) end--;
  return row.subarray(0, end);
}
