// Playback timing and frame choice: cameras always show the same index, frames drop consistently, stalls wait.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PlaybackClock, choosePaint } from '../../webview-ui/episodePreview/playback';
import { bestGrid, stripSide } from '../../webview-ui/episodePreview/layout';

test('the clock advances at fps x speed and keeps its position across a speed change', () => {
  const clock = new PlaybackClock(30);
  clock.start(1000, 10);
  assert.equal(clock.position(2000), 40);
  clock.setSpeed(2000, 2);
  assert.equal(clock.position(2000), 40, 'no jump when the speed changes');
  assert.equal(clock.position(2500), 70);
  assert.equal(clock.position(900), 40, 'a timestamp before the start does not run time backwards');
  clock.stop();
  assert.equal(clock.playing, false);
  clock.setSpeed(3000, 0.25);
  clock.start(3000, 5);
  assert.equal(clock.position(4000), 12.5);
});

test('the due frame is painted when ready', () => {
  assert.deepEqual(
    choosePaint(4, 5.2, 100, false, () => true),
    { index: 5, stalled: false, ended: false },
  );
  assert.deepEqual(
    choosePaint(5, 5.9, 100, false, () => true),
    { stalled: false, ended: false },
    'same frame: nothing to paint',
  );
});

test('when the due frame is not ready, the newest ready frame since the one shown is painted, else playback stalls', () => {
  const ready = new Set([6, 7]);
  assert.deepEqual(
    choosePaint(5, 9, 100, false, (i) => ready.has(i)),
    { index: 7, stalled: false, ended: false },
  );
  assert.deepEqual(
    choosePaint(7, 9, 100, false, (i) => ready.has(i)),
    { stalled: true, ended: false },
  );
  assert.deepEqual(
    choosePaint(7, 9, 100, false, (i) => i === 3),
    { stalled: true, ended: false },
    'never goes back to an older frame',
  );
  assert.deepEqual(
    choosePaint(0, -0.4, 100, false, () => true),
    { stalled: false, ended: false },
    'a position before the start paints nothing',
  );
  assert.deepEqual(
    choosePaint(7, 5, 100, false, () => true),
    { stalled: false, ended: false },
    'without loop, nothing wraps to the end',
  );
});

test('the end stops playback without loop and wraps with it', () => {
  assert.deepEqual(
    choosePaint(97, 130, 100, false, () => true),
    { index: 99, stalled: false, ended: true },
  );
  assert.deepEqual(
    choosePaint(99, 131, 100, false, () => true),
    { stalled: false, ended: true },
  );
  assert.deepEqual(
    choosePaint(98, 101.5, 100, true, () => true),
    { index: 1, stalled: false, ended: false },
  );
  assert.deepEqual(
    choosePaint(98, 101.5, 100, true, (i) => i === 99),
    { index: 99, stalled: false, ended: false },
  );
});

test('a simulated playback with one slow camera never paints an index some camera lacks', () => {
  const frameCount = 300;
  const arrived = new Map<number, number>(); // index -> cameras decoded
  const clock = new PlaybackClock(30);
  clock.start(0, 0);
  let shown = 0;
  let painted = 0;
  for (let now = 0; now < 20_000 && shown < frameCount - 1; now += 16) {
    // Cameras 0 and 1 deliver at once; camera 2 delivers each frame 150 ms after it is due, every 10th frame later.
    for (let index = 0; index < frameCount; index++) {
      const due = (index / 30) * 1000;
      const slow = due + (index % 10 === 0 ? 400 : 150);
      arrived.set(index, (now >= due - 500 ? 2 : 0) + (now >= slow - 500 ? 1 : 0));
    }
    const decision = choosePaint(shown, clock.position(now), frameCount, false, (i) => arrived.get(i) === 3);
    if (decision.index !== undefined) {
      assert.equal(arrived.get(decision.index), 3, `frame ${decision.index} painted with a camera missing`);
      assert.ok(decision.index > shown, 'playback only moves forward');
      shown = decision.index;
      painted++;
    } else if (decision.stalled) {
      clock.rebase(now, shown);
    }
  }
  assert.equal(shown, frameCount - 1, 'playback reaches the end');
  assert.ok(painted > frameCount * 0.9, `most frames are shown (${painted})`);
});

test('the camera grid adapts to the panel shape', () => {
  const cameras = [
    { width: 640, height: 480 },
    { width: 640, height: 480 },
    { width: 640, height: 480 },
  ];
  assert.deepEqual(
    [bestGrid(cameras, { width: 1800, height: 450 }).columns, bestGrid(cameras, { width: 1800, height: 450 }).rows],
    [3, 1],
  );
  assert.deepEqual(
    [bestGrid(cameras, { width: 400, height: 1000 }).columns, bestGrid(cameras, { width: 400, height: 1000 }).rows],
    [1, 3],
  );
  assert.equal(bestGrid(cameras, { width: 900, height: 700 }).columns, 2);
  assert.equal(bestGrid([], { width: 100, height: 100 }).columns, 1);
  assert.equal(stripSide({ width: 1600, height: 600 }), 'right');
  assert.equal(stripSide({ width: 800, height: 900 }), 'bottom');
});
