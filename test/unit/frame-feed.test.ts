// The host's frame feed: serves in the order asked, in batches, a few in flight; a seek replaces the queue; the cache
// stays within its bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteBoundedCache, DEFAULT_FEED_LIMITS, FrameFeed } from '../../src/core/preview/frameFeed';

/** A feed whose webview acknowledges each message on the next turn, unless `acknowledge` is false. */
function feed(cacheBytes = 1000, readDelayMs = 0, acknowledge = true) {
  const reads: number[] = [];
  const sent: number[] = [];
  const batches: number[] = [];
  const failures: number[] = [];
  const instance: FrameFeed<Uint8Array> = new FrameFeed<Uint8Array>(
    {
      read(index) {
        if (index < 0) throw new Error('bad index');
        reads.push(index);
        const until = performance.now() + readDelayMs;
        while (performance.now() < until) {
          /* a slow disk */
        }
        return new Uint8Array(100).fill(index % 256);
      },
      send: (batch) => {
        sent.push(...batch.map((set) => set.index));
        batches.push(batch.length);
        if (acknowledge) setImmediate(() => instance.acknowledge(batch.length));
      },
      sizeOf: (frames) => frames.byteLength,
      failed: (index) => failures.push(index),
    },
    cacheBytes,
  );
  return { instance, reads, sent, batches, failures };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

/** Lets the feed work until its queue is empty (or it waits for acknowledgements), whatever the machine's load. */
async function settle(instance: FrameFeed<Uint8Array>): Promise<void> {
  for (let i = 0; i < 10_000 && instance.queueLength > 0; i++) await turn();
  for (let i = 0; i < 5; i++) await turn();
}

test('frames are sent in the order asked, each once, several per message; failures reported and skipped', async () => {
  const { instance, sent, batches, failures } = feed();
  instance.want([3, 1, 2, 1], false);
  instance.want([2, -1, 7, 8, 9, 10], false);
  await settle(instance);
  assert.deepEqual(sent, [3, 1, 2, 7, 8, 9, 10]);
  assert.ok(
    batches.length < sent.length && batches.every((size) => size <= 4),
    `batches of at most four (${batches.join(', ')})`,
  );
  assert.deepEqual(failures, [-1]);
  assert.equal(instance.queueLength, 0);
});

test('a replace drops what was still queued and serves the new position first', async () => {
  const { instance, sent } = feed(1000, 3);
  instance.want(
    Array.from({ length: 40 }, (_, i) => i),
    false,
  );
  await new Promise((resolve) => setImmediate(resolve));
  instance.want([500, 501], true);
  await settle(instance);
  assert.ok(sent.length < 20, `most of the old queue was dropped (${sent.length} sent)`);
  assert.deepEqual(sent.slice(-2), [500, 501]);
});

test('the cache answers repeated asks without reading again and stays within its budget', async () => {
  const { instance, reads, sent } = feed(350);
  instance.want([1, 2, 3], false);
  await settle(instance);
  instance.want([3, 2, 1], false);
  await settle(instance);
  assert.deepEqual(reads, [1, 2, 3], 'frames in cache are not read again');
  assert.deepEqual(sent, [1, 2, 3, 3, 2, 1]);
  instance.want([4, 5], false);
  await settle(instance);
  assert.deepEqual(reads, [1, 2, 3, 4, 5]);
  instance.want([3], false);
  await settle(instance);
  assert.deepEqual(reads.slice(-1), [3], 'the least recently used frames left the cache');
  instance.dispose();
  instance.want([9], false);
  await settle(instance);
  assert.equal(sent.includes(9), false, 'a disposed feed serves nothing');
});

test('only a few frame sets are on their way at once, so a seek is not stuck behind old ones', async () => {
  const { instance, sent } = feed(1000, 0, false);
  const limit = DEFAULT_FEED_LIMITS.inFlight;
  instance.want(
    Array.from({ length: 30 }, (_, i) => i),
    false,
  );
  await settle(instance);
  assert.deepEqual(
    sent,
    Array.from({ length: limit }, (_, i) => i),
    `${limit} unacknowledged frame sets, then the feed waits`,
  );
  instance.want([900, 901], true);
  assert.deepEqual(sent.slice(limit), [900], "a seek's position goes at once, past the in-flight limit");
  await settle(instance);
  assert.deepEqual(sent.slice(limit), [900], 'the rest waits for acknowledgements');
  instance.acknowledge(2);
  await settle(instance);
  assert.deepEqual(sent.slice(limit), [900, 901], 'then, as acknowledgements come (it counted too), the rest');
  instance.reset();
  instance.want([7], false);
  await settle(instance);
  assert.deepEqual(sent.slice(limit + 2), [7], 'a reloaded webview owes nothing: sending resumes');
});

test('the byte-bounded cache evicts least recently used entries first', () => {
  const cache = new ByteBoundedCache<string>(10, (value) => value.length);
  cache.set(1, 'aaaa');
  cache.set(2, 'bbbb');
  cache.get(1);
  cache.set(3, 'cccc');
  assert.equal(cache.get(2), undefined);
  assert.equal(cache.get(1), 'aaaa');
  assert.equal(cache.bytes, 8);
  cache.set(4, 'x'.repeat(11));
  assert.equal(cache.get(4), undefined, 'an entry larger than the budget is not kept');
  assert.equal(cache.size, 2);
});
