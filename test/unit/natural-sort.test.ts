import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareNatural } from '../../src/core/dataset';

// The order compareNatural must keep: ICU's, through Intl.Collator, with code units breaking its ties.
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });
const reference = (a: string, b: string) => collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);

function assertSameOrder(names: readonly string[]): void {
  for (const a of names)
    for (const b of names)
      assert.equal(
        Math.sign(compareNatural(a, b)),
        Math.sign(reference(a, b)),
        `${JSON.stringify(a)} vs ${JSON.stringify(b)}`,
      );
}

test('every printable ASCII character sorts as the collator sorts it', () => {
  assertSameOrder(Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)));
});

test('all short names over letters, digits and separators sort as the collator sorts them', () => {
  const alphabet = [' ', '_', '-', '.', 'a', 'B', 'z', '0', '1', '9'];
  const names = [''];
  for (let length = 1, last = ['']; length <= 3; length++) {
    last = last.flatMap((prefix) => alphabet.map((letter) => prefix + letter));
    names.push(...last);
  }
  assertSameOrder(names);
});

test('episode names with numbers, leading zeros and case sort as the collator sorts them', () => {
  let seed = 7;
  const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  const parts = ['episode', 'Episode', '_', '-', '.', 'hdf5', 'run', '/', '0', '00', '007', '1', '10', '2', '19', '99'];
  const names = Array.from({ length: 400 }, () =>
    Array.from({ length: 1 + random(6) }, () => parts[random(parts.length)]).join(''),
  );
  names.push('9'.repeat(300), '9'.repeat(299) + '8', `a${'1'.repeat(260)}`, `a${'0'.repeat(255)}1`);
  assertSameOrder(names);
});

test('names beyond printable ASCII are left to the collator', () => {
  assertSameOrder(['épisode_1', 'episode_2', 'Épisode_10', 'ep\tisode', 'эпизод_1', 'episode_1', '日本_2', '']);
});
