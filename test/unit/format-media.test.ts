import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatDuration, parseClock } from '../../src/core/format';
import { ffprobeFor, playsInWebview } from '../../src/core/media/playable';

test('sizes, durations and tqdm clocks read as people write them', () => {
  assert.deepEqual(
    [formatBytes(17), formatBytes(8 * 1024 ** 3), formatBytes(1536 * 1024), formatBytes(123.4 * 1024 ** 3)],
    ['17 B', '8.0 GiB', '1.5 MiB', '123 GiB'],
  );
  assert.deepEqual(
    [formatDuration(12), formatDuration(245), formatDuration(38 * 3600 + 12 * 60), formatDuration(122 * 3600)],
    ['12 s', '4 min 05 s', '38 h 12 min', '5 d 2 h'],
  );
  assert.deepEqual(
    [parseClock('12:05'), parseClock('38:12:05'), parseClock('1 day, 2:03:04'), parseClock('?')],
    [725, 137525, 93784, undefined],
  );
});

test('only 8-bit 4:2:0 H.264 without AAC plays in a webview', () => {
  const h264 = { codecType: 'video', codecName: 'h264', pixFmt: 'yuv420p' };
  assert.equal(playsInWebview([h264]), true);
  assert.equal(playsInWebview([{ ...h264, pixFmt: 'yuv444p' }]), false);
  assert.equal(playsInWebview([{ codecType: 'video', codecName: 'vp9', pixFmt: 'yuv420p' }]), false);
  assert.equal(playsInWebview([h264, { codecType: 'audio', codecName: 'aac' }]), false);
  assert.equal(playsInWebview([]), false);
  assert.equal(ffprobeFor({ ffmpeg: 'ffmpeg' }), 'ffprobe');
  assert.equal(ffprobeFor({ ffmpeg: '/opt/ff/bin/ffmpeg' }), '/opt/ff/bin/ffprobe');
});
