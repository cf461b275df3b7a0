// The episode flags sidecar: written atomically, concurrent updates kept, bad files reported, never overwritten.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import {
  FlagsFileError,
  clearFlag,
  flagOf,
  flaggedEpisodes,
  flagsFileFor,
  setFlag,
} from '../../src/core/dataset/flags';
import { tempDir } from '../support/fixtures';

test('a flag is stored next to the episode and read back; unflagging removes it', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.after(cleanup);
  const episode = path.join(dir, 'episode_3.hdf5');
  assert.equal(await flagOf(episode), undefined, 'no sidecar: no flag');
  const flag = await setFlag(episode, '  wrist camera blocked  ', new Date('2026-01-02T03:04:05Z'));
  assert.deepEqual(flag, { reason: 'wrist camera blocked', flaggedAt: '2026-01-02T03:04:05.000Z' });
  assert.equal(flagsFileFor(episode), path.join(dir, '.ctrlworld', 'flags.json'));
  const onDisk = JSON.parse(await readFile(flagsFileFor(episode), 'utf8'));
  assert.deepEqual(onDisk, { version: 1, episodes: { 'episode_3.hdf5': flag } });
  assert.deepEqual(await flagOf(episode), flag);
  assert.equal(await clearFlag(episode), true);
  assert.equal(await clearFlag(episode), false, 'a second unflag finds nothing');
  assert.equal(await flagOf(episode), undefined);
  assert.deepEqual(await readdir(path.join(dir, '.ctrlworld')), ['flags.json'], 'no temporary file is left behind');
});

test('quick successive flags of one folder are all kept', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.after(cleanup);
  const episodes = Array.from({ length: 12 }, (_, i) => path.join(dir, `episode_${i}.hdf5`));
  await Promise.all(episodes.map((episode, i) => setFlag(episode, `reason ${i}`)));
  const flagged = await flaggedEpisodes([...episodes, path.join(dir, 'other.hdf5')]);
  assert.equal(flagged.size, 12);
  assert.equal(flagged.get(episodes[7]!)?.reason, 'reason 7');
  const names = Object.keys(JSON.parse(await readFile(flagsFileFor(episodes[0]!), 'utf8')).episodes);
  assert.deepEqual(names.slice(0, 3), ['episode_0.hdf5', 'episode_1.hdf5', 'episode_2.hdf5'], 'sorted naturally');
  assert.equal(names[11], 'episode_11.hdf5');
});

test('episodes in different folders have their own sidecars', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.after(cleanup);
  const a = path.join(dir, 'day1', 'episode_0.hdf5');
  const b = path.join(dir, 'day2', 'episode_0.hdf5');
  await setFlag(b, 'gripper stuck');
  const flagged = await flaggedEpisodes([a, b]);
  assert.deepEqual([...flagged.keys()], [b]);
});

test('a malformed flags file is reported with its path and left untouched', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.after(cleanup);
  const episode = path.join(dir, 'episode_0.hdf5');
  await mkdir(path.join(dir, '.ctrlworld'));
  await writeFile(flagsFileFor(episode), '{ "episodes": ');
  await assert.rejects(
    flagOf(episode),
    (error: unknown) =>
      error instanceof FlagsFileError &&
      error.message.includes(flagsFileFor(episode)) &&
      /not valid JSON/.test(error.message),
  );
  await assert.rejects(setFlag(episode, 'x'), FlagsFileError);
  assert.equal(await readFile(flagsFileFor(episode), 'utf8'), '{ "episodes": ', 'the user file is not overwritten');
  await writeFile(flagsFileFor(episode), '{"version":1,"episodes":{"episode_0.hdf5":{"flaggedAt":"x"}}}');
  await assert.rejects(flagOf(episode), /has no reason for "episode_0.hdf5"/);
});

test('a flag needs a reason', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.after(cleanup);
  await assert.rejects(setFlag(path.join(dir, 'e.hdf5'), '   '), /needs a reason/);
});
