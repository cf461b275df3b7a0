// The webview's frame cache: bounded memory, prefetch order, no double requests, refusal of stale arrivals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FrameStore,
  prefetchOrder,
  strideFor,
  windowForBudget,
  type WindowShape,
} from '../../webview-ui/episodePreview/frameStore';

class FakeImage {
  closed = false;
  constructor(readonly index: number) {}
  close(): void {
    assert.equal(this.closed, false, `frame ${this.index} closed twice`);
    this.closed = true;
  }
}

const shape = (over: Partial<WindowShape> = {}): WindowShape => ({
  frameCount: 2000,
  ahead: 5,
  behind: 2,
  stride: 1,
  loop: false,
  ...over,
});

function storeWithLog() {
  const requests: Array<{ indices: number[]; replace: boolean }> = [];
  const store = new FrameStore<FakeImage>((indices, replace) => requests.push({ indices, replace }));
  return { store, requests };
}

function deliver(store: FrameStore<FakeImage>, indices: number[]): FakeImage[][] {
  return indices.map((index) => {
    const images = [new FakeImage(index), new FakeImage(index), new FakeImage(index)];
    store.store(index, images);
    return images;
  });
}

test('the playhead comes first, then frames ahead in order, then frames behind', () => {
  assert.deepEqual(prefetchOrder(10, shape()), [10, 11, 12, 13, 14, 9, 8]);
  assert.deepEqual(prefetchOrder(0, shape()), [0, 1, 2, 3, 4]);
  assert.deepEqual(prefetchOrder(1998, shape()), [1998, 1999, 1997, 1996], 'without loop the window stops at the end');
  assert.deepEqual(prefetchOrder(1998, shape({ loop: true })), [1998, 1999, 0, 1, 2, 1997, 1996], 'with loop it wraps');
  assert.deepEqual(
    prefetchOrder(10, shape({ stride: 2 })),
    [10, 12, 14, 16, 18, 9, 8],
    'fast playback prefetches every other frame',
  );
  assert.deepEqual(
    prefetchOrder(1, shape({ frameCount: 3, ahead: 10, behind: 10, loop: true })),
    [1, 2, 0],
    'a short episode is listed once',
  );
});

test('only missing frames are requested, and each only once', () => {
  const { store, requests } = storeWithLog();
  store.plan(0, shape());
  assert.deepEqual(requests, [{ indices: [0, 1, 2, 3, 4], replace: false }]);
  deliver(store, [0, 1]);
  store.plan(1, shape());
  assert.deepEqual(requests[1], { indices: [5], replace: false }, 'frames 2-4 are still pending: not asked twice');
  store.plan(1, shape());
  assert.equal(requests.length, 2, 'nothing new to ask');
});

test('memory stays bounded: frames leaving the window are closed, late arrivals outside it are refused', () => {
  const { store } = storeWithLog();
  const frames = 2000;
  const all: FakeImage[][] = [];
  for (let playhead = 0; playhead < frames; playhead++) {
    store.plan(playhead, shape({ frameCount: frames }));
    if (!store.has(playhead)) all.push(...deliver(store, [playhead]));
    assert.ok(store.readyCount <= 7, `at most ahead + behind frame sets are held (held ${store.readyCount})`);
  }
  const open = all.filter((images) => !images[0]!.closed).map((images) => images[0]!.index);
  assert.deepEqual(open, [1997, 1998, 1999]);
  const late = [new FakeImage(5)];
  assert.equal(store.store(5, late), false);
  assert.equal(late[0]!.closed, true, 'a refused frame set is released at once');
});

test('a seek replaces the host queue and asks again for what it still wants', () => {
  const { store, requests } = storeWithLog();
  store.plan(0, shape());
  store.plan(1000, shape(), true);
  assert.deepEqual(requests[1], { indices: [1000, 1001, 1002, 1003, 1004, 999, 998], replace: true });
  assert.equal(store.wants(2), false, 'frames of the old position are no longer wanted');
  store.plan(0, shape(), true);
  assert.deepEqual(
    requests[2]!.indices,
    [0, 1, 2, 3, 4],
    'after seeking back, frames the host dropped are requested again',
  );
});

test('a duplicate arrival is released and the first copy kept', () => {
  const { store } = storeWithLog();
  store.plan(0, shape());
  const [first] = deliver(store, [0]);
  const duplicate = [new FakeImage(0)];
  assert.equal(store.store(0, duplicate), false);
  assert.equal(duplicate[0]!.closed, true);
  assert.equal(store.get(0), first);
  store.clear();
  assert.ok(first!.every((image) => image.closed));
});

test('the window follows the memory budget and playback speed', () => {
  const perSet = 3 * 640 * 480 * 4;
  const { ahead, behind } = windowForBudget(256 * 2 ** 20, perSet);
  assert.equal(ahead + behind, Math.floor((256 * 2 ** 20) / perSet));
  assert.ok(ahead > behind);
  assert.deepEqual(windowForBudget(1, perSet), { ahead: 6, behind: 2 }, 'a tiny budget still keeps a few frames');
  assert.equal(strideFor(30, 1), 1);
  assert.equal(strideFor(30, 4), 2);
  assert.equal(strideFor(15, 0.25), 1);
});

test('urgency orders arrivals by how soon they are needed; abandoned frames can be asked for again', () => {
  const { store, requests } = storeWithLog();
  store.plan(10, shape());
  assert.deepEqual(
    [10, 11, 14, 9, 8, 100].map((index) => store.urgency(index)),
    [0, 1, 4, 5, 6, Infinity],
  );
  deliver(store, [11]);
  assert.equal(store.urgency(11), Infinity, 'a frame set already decoded needs nothing');
  store.plan(500, shape(), true);
  assert.equal(store.urgency(12), Infinity, 'after a seek the old window is not needed');
  store.abandon(12);
  store.plan(10, shape());
  assert.ok(requests.at(-1)!.indices.includes(12), 'the abandoned frame is requested again when the window returns');
});

test('the frame set the host sends unasked is not asked for, and is kept when it comes', () => {
  const { store, requests } = storeWithLog();
  store.expect(10);
  store.plan(10, shape());
  assert.deepEqual(requests, [{ indices: [11, 12, 13, 14, 9, 8], replace: false }]);
  assert.equal(store.wants(10), true);
  deliver(store, [10]);
  assert.equal(store.has(10), true);
});
