// Names and text from a GPU host: validated before they become local paths, escaped before they become Markdown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { printable } from '../../src/core/format';
import { checkpointDestination, parseListing } from '../../src/core/training/outputs';
import { escapeMarkdown } from '../../src/views/markdownEscape';

const entry = (name: string) => ({
  name,
  path: `/out/${name}`,
  size: 1,
  mtime: 1,
  numbers: [100],
  writing: null,
  exists: true,
});
const listing = (name: string) => ({
  dir: '/out',
  exists: true,
  checkpoints: [entry(name)],
  samples: [],
  disk: { freeBytes: 1, totalBytes: 2 },
  owner: null,
});

test('a listing naming a checkpoint with a separator or ".." is refused before any local path is made', () => {
  assert.equal(parseListing(listing('checkpoint-100.pt')).checkpoints[0]!.name, 'checkpoint-100.pt');
  for (const bad of ['../../.bashrc', 'a/b.pt', '..', 'x\n.pt']) {
    assert.throws(() => parseListing(listing(bad)), { code: 'unsafe-host-name' }, bad);
  }
});

test('a checkpoint downloads to {folder}/{output folder name}/{name}, both names checked', () => {
  assert.equal(
    checkpointDestination('/dl', '/srv/runs/flexiv_1/', 'checkpoint-100.pt'),
    '/dl/flexiv_1/checkpoint-100.pt',
  );
  assert.equal(checkpointDestination('/dl', '/', 'checkpoint-100.pt'), '/dl/checkpoints/checkpoint-100.pt');
  assert.throws(() => checkpointDestination('/dl', '/srv/runs/..', 'checkpoint-100.pt'), { code: 'unsafe-host-name' });
  assert.throws(() => checkpointDestination('/dl', '/srv/run', '../../x.pt'), { code: 'unsafe-host-name' });
});

test('host text in tooltips is escaped: no links, HTML, icons or extra lines', () => {
  const hostile = 'run`](command:workbench.action.terminal.new) <img src=x> $(bug)\n# title';
  const escaped = escapeMarkdown(hostile);
  assert.doesNotMatch(escaped, /(^|[^\\])[`[\]()<>$#]/);
  assert.doesNotMatch(escaped, /\n/);
});

test('terminal output escapes control characters so a file name cannot forge a line', () => {
  assert.equal(printable('a\nerror  fake\t\u001b[31m\\'), 'a\\nerror  fake\\t\\x1b[31m\\\\');
  assert.equal(printable('plain ö'), 'plain ö');
});
