// JPEG structure checks and padding trimming on hand-made byte strings; PNG encoding checked by re-reading it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import { inspectJpeg, jpegFromPaddedRow, JpegStructureError } from '../../src/core/image/jpeg';
import { encodePng } from '../../src/core/image/png';

/** A structurally complete JPEG: SOI, APP0, SOF0 (height x width), SOS, two bytes of scan data, EOI. */
function jpeg(height: number, width: number, sof = 0xc0): Uint8Array {
  return new Uint8Array([
    0xff,
    0xd8,
    0xff,
    0xe0,
    0x00,
    0x04,
    0x4a,
    0x46,
    0xff,
    sof,
    0x00,
    0x0b,
    0x08,
    height >> 8,
    height & 0xff,
    width >> 8,
    width & 0xff,
    0x01,
    0x01,
    0x11,
    0x00,
    0xff,
    0xda,
    0x00,
    0x08,
    0x01,
    0x01,
    0x00,
    0x00,
    0x3f,
    0x00,
    0x12,
    0x34,
    0xff,
    0xd9,
  ]);
}

test('inspectJpeg reads the size from the frame header', () => {
  assert.deepEqual(inspectJpeg(jpeg(480, 640)), { width: 640, height: 480, components: 1, progressive: false });
  assert.equal(inspectJpeg(jpeg(2, 3, 0xc2)).progressive, true);
});

test('inspectJpeg says what is wrong with a damaged stream', () => {
  const reasons: Array<[Uint8Array, RegExp]> = [
    [jpeg(4, 4).subarray(2), /start-of-image/],
    [jpeg(4, 4).subarray(0, -2), /end-of-image/],
    [new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x00, 0x00, 0x00, 0xff, 0xd9]), /impossible length 0/],
    [jpeg(0, 640), /0 components|says 640x0/],
    [new Uint8Array([0xff, 0xd8, 0xff, 0xda, 0x00, 0x02, 0x00, 0xff, 0xd9]), /no SOF/],
  ];
  for (const [bytes, reason] of reasons)
    assert.throws(
      () => inspectJpeg(bytes),
      (error: Error) => error instanceof JpegStructureError && reason.test(error.message),
    );
});

test('jpegFromPaddedRow uses a stored length only where the JPEG ends, else trims the zero padding', () => {
  const image = jpeg(4, 4);
  const row = new Uint8Array(image.length + 10);
  row.set(image);
  assert.deepEqual(jpegFromPaddedRow(row, image.length), image);
  assert.deepEqual(jpegFromPaddedRow(row), image);
  assert.deepEqual(jpegFromPaddedRow(row, image.length - 3), image, "a length from another camera's row is ignored");
  assert.deepEqual(jpegFromPaddedRow(row, row.length + 5), image);
  assert.equal(jpegFromPaddedRow(new Uint8Array(8)).length, 0);
});

test('encodePng writes RGB rows that inflate back to the pixels', () => {
  const pixels = Uint8Array.from({ length: 2 * 3 * 3 }, (_, i) => i * 13);
  const png = encodePng(pixels, 3, 2);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(png.readUInt32BE(16), 3);
  assert.equal(png.readUInt32BE(20), 2);
  const idatLength = png.readUInt32BE(33);
  assert.equal(png.toString('ascii', 37, 41), 'IDAT');
  const rows = inflateSync(png.subarray(41, 41 + idatLength));
  assert.deepEqual([...rows], [0, ...pixels.subarray(0, 9), 0, ...pixels.subarray(9)]);
  assert.throws(() => encodePng(pixels, 4, 2), RangeError);
});
