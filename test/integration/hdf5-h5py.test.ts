// h5wasm reads what h5py wrote: JPEG rows with their lengths, raw frames through the LZF plugin.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { loadH5Wasm } from '../../src/core/hdf5/runtime';
import { tempDir, writeEpisodes } from '../support/fixtures';

test('an h5py-written episode opens and its last frame reads by slice', async () => {
  const { dir, cleanup } = await tempDir();
  after(cleanup);
  await writeEpisodes(dir, [
    { path: 'jpeg.hdf5', frames: 12, height: 48, width: 64 },
    { path: 'raw-lzf.hdf5', frames: 6, height: 24, width: 32, encoding: 'raw', compression: 'lzf' },
  ]);
  const h5wasm = await loadH5Wasm();

  const jpeg = new h5wasm.File(path.join(dir, 'jpeg.hdf5'), 'r');
  const camera = jpeg.get('/observations/images/cam_high') as import('h5wasm/node', {
    with: { 'resolution-mode': 'import' },
  }).Dataset;
  assert.equal(camera.shape![0], 12);
  const lengths = (jpeg.get('/compress_len') as typeof camera).value as Int32Array;
  const lastRow = camera.slice([[11, 12]]) as Uint8Array;
  const jpegBytes = lastRow.subarray(0, lengths[11]);
  assert.deepEqual([...jpegBytes.subarray(0, 2)], [0xff, 0xd8], 'a JPEG starts with SOI');
  assert.deepEqual([...jpegBytes.subarray(-2)], [0xff, 0xd9], 'and ends with EOI');
  jpeg.close();

  const raw = new h5wasm.File(path.join(dir, 'raw-lzf.hdf5'), 'r');
  const rawCamera = raw.get('/observations/images/cam_left_wrist') as typeof camera;
  assert.equal(rawCamera.filters[0]?.name, 'lzf');
  const frame = rawCamera.slice([[5, 6]]) as Uint8Array;
  assert.equal(frame.length, 24 * 32 * 3);
  assert.ok(
    frame.some((value) => value > 0),
    'the decoded frame is not blank',
  );
  raw.close();
});
