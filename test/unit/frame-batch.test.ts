// The frame batch body the frame server writes and the webview reads: round trip of every image kind, and a clear
// error for a body cut short or padded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFrameBatch, encodeFrameBatch, FrameBatchError } from '../../src/protocol/frameBatch';
import type { FrameSet } from '../../src/protocol/episodePreview';

const sets: FrameSet[] = [
  {
    index: 12,
    images: [
      { kind: 'jpeg', bytes: new Uint8Array([0xff, 0xd8, 1, 2, 3]) },
      { kind: 'raw', bytes: new Uint8Array(2 * 3 * 3).fill(7), width: 3, height: 2 },
      { kind: 'missing', message: 'no frame 12 in cam_right_wrist' },
    ],
  },
  { index: 4, images: [{ kind: 'jpeg', bytes: new Uint8Array(0) }] },
];

function body(parts: Uint8Array[]): ArrayBuffer {
  const joined = Buffer.concat(parts);
  return joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.byteLength) as ArrayBuffer;
}

test('a batch reads back as the frame sets written, in their order', () => {
  const decoded = decodeFrameBatch(body(encodeFrameBatch(sets)));
  assert.deepEqual(
    decoded.map((set) => ({
      index: set.index,
      images: set.images.map((image) => ('bytes' in image ? { ...image, bytes: [...image.bytes] } : image)),
    })),
    sets.map((set) => ({
      index: set.index,
      images: set.images.map((image) => ('bytes' in image ? { ...image, bytes: [...image.bytes] } : image)),
    })),
  );
});

test('a body cut short, padded or without a header is a FrameBatchError', () => {
  const whole = Buffer.concat(encodeFrameBatch(sets));
  for (const broken of [
    whole.subarray(0, whole.length - 1),
    Buffer.concat([whole, Buffer.from([0])]),
    whole.subarray(0, 3),
    Buffer.concat([Buffer.from([2, 0, 0, 0]), Buffer.from('{x')]),
  ])
    assert.throws(() => decodeFrameBatch(body([broken])), FrameBatchError);
});
