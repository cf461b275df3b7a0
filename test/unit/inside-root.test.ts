// The one path-inside-root check and the host-name check that every record, annotation and host path goes through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { isInsideOrSame, isSafeName, PathOutsideRootError, resolveInside } from '../../src/core/insideRoot';

test('paths inside the root resolve; absolute, climbing, empty, NUL and backslash paths are refused', () => {
  assert.equal(resolveInside('/data/set', 'annotation/train/0.json', 'x'), '/data/set/annotation/train/0.json');
  assert.equal(resolveInside('/data/set', 'a/../b.json', 'x'), '/data/set/b.json');
  for (const bad of [
    '../x',
    '../../victim/precious.txt',
    '/etc/passwd',
    '',
    '.',
    'a/../..',
    'a\0b',
    'a\\..\\..\\x',
    5,
    null,
  ]) {
    assert.throws(
      () => resolveInside('/data/set', bad, 'The record r.json'),
      (error: unknown) =>
        error instanceof PathOutsideRootError &&
        error.code === 'path-outside-root' &&
        error.message.startsWith('The record r.json names'),
      String(bad),
    );
  }
  assert.throws(() => resolveInside('/srv/d', '../e', 'host', path.posix), PathOutsideRootError);
});

test('host-supplied names are single printable path segments', () => {
  for (const good of ['checkpoint-100.pt', 'run 1', 'ö.mp4']) assert.ok(isSafeName(good), good);
  for (const bad of ['', '.', '..', 'a/b', '../x', 'a\\b', 'a\nb', 'a\u001b[31m', 'x'.repeat(256)])
    assert.ok(!isSafeName(bad), JSON.stringify(bad));
});

test('inside-or-same compares resolved folders, not string prefixes', () => {
  assert.ok(isInsideOrSame('/a/b', '/a/b'));
  assert.ok(isInsideOrSame('/a/b', '/a/b/c/../d'));
  assert.ok(!isInsideOrSame('/a/b', '/a/bc'));
  assert.ok(!isInsideOrSame('/a/b', '/a'));
});
