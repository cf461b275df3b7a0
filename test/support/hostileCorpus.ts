// A corpus of hostile inputs, generated at test time (h5py episodes, records, configs, a FIFO): each case builds
// its files in a fresh folder and gives the CLI arguments to run on them and what must come out.
import { chmod, link, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { convertDataset, DEFAULT_CONVERT_OPTIONS } from '../../src/core/convert';
import { readConfigFixture } from './configFixtures';
import { runProcess, writeEpisodes, writeHostileEpisode, type EpisodeSpec } from './fixtures';

export interface HostileCase {
  readonly name: string;
  /** Writes the inputs under `dir` and returns the CLI's arguments. */
  readonly build: (dir: string) => Promise<string[]>;
  readonly exitCode: number;
  readonly output: RegExp;
  /** Checks after the run (nothing outside touched, the link kept…). */
  readonly after?: (dir: string) => Promise<void>;
}

// Flexiv episodes carry the TCP pose and gripper width that conversion turns into upstream's states.
const SMALL = {
  frames: 70,
  height: 16,
  width: 24,
  arrays: ['qpos', 'tcp_pose', 'gripper_width'] as EpisodeSpec['arrays'],
};
const flexiv = readConfigFixture('config_flexiv.py');
const withField = (field: string, text: string) =>
  flexiv.replace(new RegExp(`^( *)${field}\\s*=.*$`, 'm'), `$1${text}`);
const options = { ...DEFAULT_CONVERT_OPTIONS, name: 'flexiv', split: { kind: 'ratio' as const, ratio: 0, seed: 0 } };

async function expectFile(file: string, text: string): Promise<void> {
  if ((await readFile(file, 'utf8')) !== text) throw new Error(`${file} was changed`);
}

/** Converts one episode, lets `damage` spoil what conversion wrote, and gives check-converted's arguments. */
async function damagedConversion(
  dir: string,
  damage: (converted: { datasetDir: string; metaDir: string }) => Promise<void>,
): Promise<string[]> {
  await writeEpisodes(path.join(dir, 'in'), [{ path: 'ep_0.hdf5', ...SMALL }]);
  const summary = await convertDataset({ input: path.join(dir, 'in'), outRoot: path.join(dir, 'out'), options });
  await damage(summary);
  const metaRoot = summary.metaDir.replace(/\/flexiv$/, '');
  return ['check-converted', path.join(dir, 'out'), '--name', 'flexiv', '--meta', metaRoot];
}

export const HOSTILE_CASES: readonly HostileCase[] = [
  {
    name: 'record names ../../victim',
    build: async (dir) => {
      await writeEpisodes(path.join(dir, 'in'), [{ path: 'ep_0.hdf5', ...SMALL }]);
      const summary = await convertDataset({ input: path.join(dir, 'in'), outRoot: path.join(dir, 'out'), options });
      await mkdir(path.join(dir, 'victim'));
      await writeFile(path.join(dir, 'victim', 'precious.txt'), 'keep');
      const record = path.join(summary.datasetDir, '.ctrlworld-convert.json');
      const manifest = JSON.parse(await readFile(record, 'utf8'));
      manifest.episodes['gone.hdf5'] = {
        sizeBytes: 1,
        mtimeMs: 1,
        options: 'x',
        annotation: '../../victim/precious.txt',
      };
      await writeFile(record, JSON.stringify(manifest));
      return [
        'convert',
        path.join(dir, 'in'),
        '--out',
        path.join(dir, 'out'),
        '--name',
        'flexiv',
        '--val-ratio',
        '0',
        '--meta-only',
      ];
    },
    exitCode: 1,
    output: /is not inside .*nothing was changed/,
    after: (dir) => expectFile(path.join(dir, 'victim', 'precious.txt'), 'keep'),
  },
  {
    name: 'annotation latent path /etc/passwd',
    build: (dir) =>
      damagedConversion(dir, async ({ datasetDir }) => {
        const file = path.join(datasetDir, 'annotation', 'train', '0.json');
        const annotation = JSON.parse(await readFile(file, 'utf8'));
        annotation.latent_videos[0].latent_video_path = '/etc/passwd';
        await writeFile(file, JSON.stringify(annotation));
      }),
    exitCode: 1,
    output: /path-outside-root/,
  },
  {
    name: 'foreign non-empty output',
    build: async (dir) => {
      await writeEpisodes(path.join(dir, 'in'), [{ path: 'ep_0.hdf5', ...SMALL }]);
      await mkdir(path.join(dir, 'out', 'flexiv'), { recursive: true });
      await writeFile(path.join(dir, 'out', 'flexiv', 'mine.txt'), 'keep');
      return ['convert', path.join(dir, 'in'), '--out', path.join(dir, 'out'), '--name', 'flexiv', '--meta-only'];
    },
    exitCode: 1,
    output: /no conversion of this extension wrote.*--replace/,
  },
  {
    name: 'output inside the input',
    build: async (dir) => {
      await writeEpisodes(path.join(dir, 'in'), [{ path: 'ep_0.hdf5', ...SMALL }]);
      return ['convert', path.join(dir, 'in'), '--out', path.join(dir, 'in', 'out'), '--name', 'flexiv', '--meta-only'];
    },
    exitCode: 1,
    output: /lies inside the episodes folder/,
  },
  {
    name: 'config: symlink to a 600 file',
    build: async (dir) => {
      await writeFile(path.join(dir, 'real.py'), flexiv);
      await chmod(path.join(dir, 'real.py'), 0o600);
      await symlink(path.join(dir, 'real.py'), path.join(dir, 'config.py'));
      return ['config', 'set', path.join(dir, 'config.py'), 'train_batch_size=2'];
    },
    exitCode: 0,
    output: /train_batch_size = 2/,
  },
  {
    name: 'config: hard link',
    build: async (dir) => {
      await writeFile(path.join(dir, 'a.py'), flexiv);
      await link(path.join(dir, 'a.py'), path.join(dir, 'b.py'));
      return ['config', 'set', path.join(dir, 'a.py'), 'train_batch_size=2'];
    },
    exitCode: 0,
    output: /train_batch_size = 2/,
  },
  {
    name: 'config: field in if/else',
    build: async (dir) => {
      await writeFile(
        path.join(dir, 'c.py'),
        withField('video_num', 'if True:\n        video_num = 3\n    else:\n        video_num = 1'),
      );
      return ['config', 'set', path.join(dir, 'c.py'), 'video_num=2'];
    },
    exitCode: 1,
    output: /set conditionally/,
  },
  {
    name: 'config: Python cannot parse',
    build: async (dir) => {
      await writeFile(path.join(dir, 'c.py'), withField('video_num', 'video_num = (3'));
      return ['config', 'set', path.join(dir, 'c.py'), 'train_batch_size=2'];
    },
    exitCode: 1,
    output: /cannot be edited: .*never closed/,
  },
  {
    name: 'config: 20,000 nested parentheses',
    build: async (dir) => {
      await writeFile(
        path.join(dir, 'c.py'),
        withField('video_num', `video_num = ${'('.repeat(20_000)}3${')'.repeat(20_000)}`),
      );
      return ['config', 'set', path.join(dir, 'c.py'), 'train_batch_size=2'];
    },
    exitCode: 1,
    output: /more than 200 nested brackets/,
  },
  {
    name: "config: max_train_steps = float('nan')",
    build: async (dir) => {
      await writeFile(path.join(dir, 'c.py'), withField('max_train_steps', "max_train_steps = float('nan')"));
      return ['config', 'check', path.join(dir, 'c.py')];
    },
    exitCode: 1,
    output: /max_train_steps is float\('nan'\), which is not a finite number/,
  },
  {
    name: 'frame on a FIFO named .hdf5',
    build: async (dir) => {
      await runProcess('/usr/bin/mkfifo', [path.join(dir, 'pipe.hdf5')]);
      return ['frame', path.join(dir, 'pipe.hdf5'), 'cam_high', '0', '--out', path.join(dir, 'f.jpg')];
    },
    exitCode: 1,
    output: /pipe\.hdf5 is a named pipe \(FIFO\), not an HDF5 file/,
  },
  {
    name: 'validate: newline in a file name',
    build: async (dir) => {
      await writeEpisodes(path.join(dir, 'in'), [{ path: 'bad\nerror   forged.hdf5', ...SMALL, not_hdf5: true }]);
      return ['validate', path.join(dir, 'in')];
    },
    exitCode: 1,
    output: /^error +not-hdf5 +in\/bad\\nerror {3}forged\.hdf5 is not/m,
  },
  {
    name: 'validate: fps=1e-300',
    build: async (dir) => {
      await writeEpisodes(path.join(dir, 'in'), [{ path: 'slow.hdf5', ...SMALL, fps_attr: 1e-300 }]);
      return ['validate', path.join(dir, 'in')];
    },
    exitCode: 0,
    output: /warning implausible-fps .*1e-300 Hz/,
  },
  {
    name: 'frame --out under a file (unwritable)',
    build: async (dir) => {
      await writeEpisodes(path.join(dir, 'in'), [{ path: 'ep.hdf5', ...SMALL }]);
      await writeFile(path.join(dir, 'blocker'), '');
      return ['frame', path.join(dir, 'in', 'ep.hdf5'), 'cam_high', '0', '--out', path.join(dir, 'blocker', 'f.jpg')];
    },
    exitCode: 1,
    output: /Cannot write to .*blocker\/f\.jpg/,
  },
  {
    name: 'validate: 10^12 unwritten rows in a 4 KB file',
    build: async (dir) => {
      await writeHostileEpisode(path.join(dir, 'in', 'ep.hdf5'), 'unwritten');
      return ['validate', path.join(dir, 'in')];
    },
    exitCode: 1,
    output: /warning unwritten-rows .*declares 1000000000000 rows/,
  },
  {
    name: 'validate: gzip chunks of 224 MiB (a 1.8 MB file)',
    build: async (dir) => {
      await writeHostileEpisode(path.join(dir, 'in', 'ep.hdf5'), 'chunk-bomb');
      return ['validate', path.join(dir, 'in')];
    },
    exitCode: 1,
    output: /error +chunk-too-large .*\/action .*\(4194304, 7\)/,
  },
  {
    name: 'validate: 1.1 GB of gzip rows over the check budget',
    build: async (dir) => {
      await writeHostileEpisode(path.join(dir, 'in', 'ep.hdf5'), 'slow-gzip');
      return ['validate', path.join(dir, 'in'), '--check-seconds', '1'];
    },
    exitCode: 1,
    output: /warning check-timeout .*checks stopped after 1 s at (action|qpos) row/,
  },
  {
    name: 'frame: 10^12 unwritten frames, the last one',
    build: async (dir) => {
      await writeHostileEpisode(path.join(dir, 'ep.hdf5'), 'unwritten');
      return ['frame', path.join(dir, 'ep.hdf5'), 'cam_high', '999999999999', '--out', path.join(dir, 'f.jpg')];
    },
    exitCode: 1,
    output: /not a valid JPEG/,
  },
  {
    name: 'validate: truncated to half',
    build: async (dir) => {
      await writeEpisodes(path.join(dir, 'in'), [{ path: 'ep.hdf5', ...SMALL, truncate_to_bytes: 20_000 }]);
      return ['validate', path.join(dir, 'in')];
    },
    exitCode: 1,
    output: /error +truncated +in\/ep\.hdf5/,
  },
  {
    name: 'validate: not HDF5 at all',
    build: async (dir) => {
      await writeEpisodes(path.join(dir, 'in'), [{ path: 'ep.hdf5', ...SMALL, not_hdf5: true }]);
      return ['validate', path.join(dir, 'in')];
    },
    exitCode: 1,
    output: /error +not-hdf5 +in\/ep\.hdf5 is not an HDF5 file/,
  },
  {
    name: 'validate: an empty file',
    build: async (dir) => {
      await mkdir(path.join(dir, 'in'));
      await writeFile(path.join(dir, 'in', 'ep.hdf5'), '');
      return ['validate', path.join(dir, 'in')];
    },
    exitCode: 1,
    output: /in\/ep\.hdf5 .*empty/i,
  },
  {
    name: 'validate: a filter no plugin decodes',
    build: async (dir) => {
      await writeEpisodes(path.join(dir, 'in'), [{ path: 'ep.hdf5', ...SMALL, unknown_filter: true }]);
      return ['validate', path.join(dir, 'in')];
    },
    exitCode: 1,
    output: /error +unknown-filter .*no installed plugin decodes/,
  },
  {
    name: 'validate: NaN and Inf in the actions',
    build: async (dir) => {
      await writeEpisodes(path.join(dir, 'in'), [
        { path: 'ep.hdf5', ...SMALL, nan_in: { action: [3, 4] }, inf_in: { action: [9] } },
      ]);
      return ['validate', path.join(dir, 'in')];
    },
    exitCode: 1,
    output: /error +non-finite .*action has NaN or Inf values in 3 of 70 frames \(first at frame 3\)/,
  },
  {
    name: 'frame: a JPEG overwritten with garbage',
    build: async (dir) => {
      await writeEpisodes(dir, [{ path: 'ep.hdf5', ...SMALL, corrupt_jpeg_frames: [5] }]);
      return ['frame', path.join(dir, 'ep.hdf5'), 'cam_high', '5', '--out', path.join(dir, 'f.jpg')];
    },
    exitCode: 1,
    output: /frame 5 of camera cam_high/,
  },
  {
    name: 'frame: index 10^15',
    build: async (dir) => {
      await writeEpisodes(dir, [{ path: 'ep.hdf5', ...SMALL }]);
      return ['frame', path.join(dir, 'ep.hdf5'), 'cam_high', '1000000000000000', '--out', path.join(dir, 'f.jpg')];
    },
    exitCode: 1,
    output: /camera cam_high has 70 frames \(0–69\); frame 1000000000000000 does not exist/,
  },
  {
    name: 'frame: /dev/zero behind a .hdf5 link',
    build: async (dir) => {
      await symlink('/dev/zero', path.join(dir, 'zero.hdf5'));
      return ['frame', path.join(dir, 'zero.hdf5'), 'cam_high', '0', '--out', path.join(dir, 'f.jpg')];
    },
    exitCode: 1,
    output: /zero\.hdf5 is a (character )?device/,
  },
  {
    name: 'scan: a folder named ep.hdf5 and a link loop',
    build: async (dir) => {
      await mkdir(path.join(dir, 'in', 'ep.hdf5'), { recursive: true });
      await symlink('..', path.join(dir, 'in', 'loop'));
      await writeEpisodes(path.join(dir, 'in'), [{ path: 'good.hdf5', ...SMALL }]);
      return ['scan', path.join(dir, 'in')];
    },
    exitCode: 0,
    output: /^1 episodes, 70 frames, 0 errors/m,
  },
  {
    name: 'validate: escape sequences in a file name',
    build: async (dir) => {
      await writeEpisodes(path.join(dir, 'in'), [{ path: 'a\u001b[2Jb.hdf5', ...SMALL, not_hdf5: true }]);
      return ['validate', path.join(dir, 'in')];
    },
    exitCode: 1,
    output: /in\/a\\x1b\[2Jb\.hdf5 is not/,
  },
  {
    name: 'convert: the input is a file',
    build: async (dir) => {
      await writeEpisodes(dir, [{ path: 'ep.hdf5', ...SMALL }]);
      return ['convert', path.join(dir, 'ep.hdf5'), '--out', path.join(dir, 'out'), '--name', 'flexiv', '--meta-only'];
    },
    exitCode: 1,
    output: /No HDF5 episodes .* were found in .*ep\.hdf5\. Choose the folder/,
  },
  {
    name: 'check-converted: stat.json cut short',
    build: (dir) =>
      damagedConversion(dir, async ({ metaDir }) => {
        const stat = path.join(metaDir, 'stat.json');
        await writeFile(stat, (await readFile(stat, 'utf8')).slice(0, 20));
      }),
    exitCode: 1,
    output: /stat\.json .*(JSON|cannot be read)/,
  },
  {
    name: 'check-converted: annotation nested 100,000 deep',
    build: (dir) =>
      damagedConversion(dir, ({ datasetDir }) =>
        writeFile(path.join(datasetDir, 'annotation', 'train', '0.json'), '['.repeat(100_000) + ']'.repeat(100_000)),
      ),
    exitCode: 1,
    output: /0\.json/,
  },
];
