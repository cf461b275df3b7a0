import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quoteArg, shellCommand } from '../../src/core/remote/quote';

test('safe words stay as they are', () => {
  assert.equal(quoteArg('scripts/train_wm.py'), 'scripts/train_wm.py');
  assert.equal(quoteArg('--main_process_port'), '--main_process_port');
});

test('everything else is single-quoted, with embedded quotes closed and reopened', () => {
  assert.equal(quoteArg(''), "''");
  assert.equal(quoteArg('a b'), "'a b'");
  assert.equal(quoteArg("it's"), "'it'\\''s'");
  assert.equal(quoteArg('$(rm -rf /)'), "'$(rm -rf /)'");
  assert.equal(quoteArg('A=1'), "'A=1'");
});

test('shellCommand joins quoted arguments and refuses an empty command', () => {
  assert.equal(shellCommand(['echo', 'a b', 'c']), "echo 'a b' c");
  assert.throws(() => shellCommand([]));
});
