// The first-frame log line: every step after the command on the shared clock, the document's steps only when a new
// document loaded, validation apart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeFirstFrame } from '../../src/core/preview/firstFrameFigure';

test('a new webview: every step after the command, and when the webview was ready', () => {
  const line = describeFirstFrame(
    'episode_0.hdf5',
    { command: 1000, html: 1001, opened: 1020, posted: 1021, framesPosted: 1025, validation: [1700, 1740] },
    { document: 1300, script: 1500, ready: 1510, episode: 1515, frames: 1540, decoded: 1570, painted: 1590 },
  );
  assert.equal(
    line,
    'first frame of episode_0.hdf5 on screen 590 ms after the command (webview ready after 510 ms; html +1, ' +
      'opened +20, posted +21, frames posted +25, document +300, script +500, ready +510, episode +515, frames +540, ' +
      'decoded +570, painted +590 ms, validation on the host +700 to +740)',
  );
});

test('another episode in an open preview: no document steps, no validation yet', () => {
  const line = describeFirstFrame(
    'episode_1.hdf5',
    { command: 0, opened: 8, posted: 9, framesPosted: 12 },
    { episode: 150, frames: 180, decoded: 200, painted: 215 },
  );
  assert.equal(
    line,
    'first frame of episode_1.hdf5 on screen 215 ms after the command (opened +8, posted +9, frames posted +12, ' +
      'episode +150, frames +180, decoded +200, painted +215 ms)',
  );
});
