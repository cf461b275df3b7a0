// Builds a stand-in GPU host tree (fake nvidia-smi and accelerate, a Ctrl-World checkout with the stand-in trainer,
// model folders, converted-data meta files) that the real sshd or "this machine" serves. Each breakage removes
// one thing the preflight must catch. Also run by `npm run demo`: node --import tsx test/support/gpuHost.ts DIR.
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { REPO_ROOT, runProcess } from './fixtures';

const FIXTURE = path.join(REPO_ROOT, 'test', 'fixtures', 'gpu-host');

export type Breakage =
  | 'no-torch'
  | 'no-swanlab'
  | 'validation-at-5'
  | 'scripts-config'
  | 'no-svd-vae'
  | 'no-clip'
  | 'no-ckpt'
  | 'no-dataset'
  | 'no-stat-json'
  | 'frozen-dataset-cfgs'
  | 'busy-gpu';

export interface GpuHostOptions {
  readonly gpus?: number;
  readonly gpuMemoryMiB?: number;
  readonly steps?: number;
  readonly checkpointSteps?: number;
  readonly validationSteps?: number;
  readonly stepSeconds?: number;
  readonly failAt?: number;
  readonly failKind?: 'oom' | 'crash' | 'nccl';
  readonly breakages?: readonly Breakage[];
  /**
   * The config's width and height, which size the tiles of the validation videos (upstream's 320x192 makes
   * 1920x384 videos). Smaller tiles keep tests cheap; the preflight refuses them (upstream trains only 320x192), so
   * only for runs launched without it.
   */
  readonly tile?: { readonly width: number; readonly height: number };
}

export interface GpuHostTree {
  readonly root: string;
  /** Put first on the host's PATH (sshd pathPrefix). */
  readonly bin: string;
  /** The Ctrl-World checkout. */
  readonly checkout: string;
  /** The config file inside the checkout. */
  readonly configFile: string;
  /** The environment setup command (like activating a conda env): makes the training packages visible. */
  readonly envSetup: string;
  /** A separate registry folder, so tests never touch the real ~/.ctrl-world-flexiv. */
  readonly registryRoot: string;
  setTrainer(knobs: TrainerKnobs): Promise<void>;
}

/** fake_trainer.json: how fast the stand-in trains, when it fails, how big and slow its checkpoints are. */
export interface TrainerKnobs {
  readonly stepSeconds?: number;
  readonly failAt?: number;
  readonly failKind?: string;
  readonly checkpointBytes?: number;
  readonly checkpointSeconds?: number;
  /** Steps trained past max_train_steps, as upstream does to the end of its epoch. */
  readonly pastTotal?: number;
  /** accelerate's INFO lines in the log: a checkout that configures logging (upstream does not, so they never show). */
  readonly infoLogging?: boolean;
  /** The step whose validation videos are best: later ones get worse again, as overfitting would (0: never). */
  readonly qualityPeak?: number;
}

export async function makeGpuHostTree(root: string, options: GpuHostOptions = {}): Promise<GpuHostTree> {
  const broken = new Set(options.breakages ?? []);
  const bin = path.join(root, 'bin');
  const site = path.join(root, 'site');
  const models = path.join(root, 'models');
  const checkout = path.join(root, 'Ctrl-World');
  await cp(path.join(FIXTURE, 'bin'), bin, { recursive: true });
  await writeFile(
    path.join(bin, 'fake-gpus.json'),
    JSON.stringify({
      count: options.gpus ?? 8,
      name: 'NVIDIA A100-SXM4-80GB',
      memoryMiB: options.gpuMemoryMiB ?? 81920,
      busy: broken.has('busy-gpu')
        ? [{ index: 1, pid: 4242, name: '/opt/other-team/.venv/bin/python', usedMiB: 52000 }]
        : [],
    }),
  );
  const packages = [
    ['torch', '2.7.1'],
    ['diffusers', '0.34.0'],
    ['accelerate', '1.10.0'],
    ['transformers', '4.48.1'],
  ].filter(([name]) => !(name === 'torch' && broken.has('no-torch')));
  for (const [name, version] of packages) {
    const info = path.join(site, `${name}-${version}.dist-info`);
    await mkdir(info, { recursive: true });
    await writeFile(path.join(info, 'METADATA'), `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n`);
  }
  if (!broken.has('no-torch')) {
    // Just enough of torch for a config's `dtype = torch.bfloat16`; the stand-in trainer needs nothing else.
    await mkdir(path.join(site, 'torch'), { recursive: true });
    await writeFile(
      path.join(site, 'torch', '__init__.py'),
      '# Stand-in torch for the test GPU host: dtype names only.\nbfloat16 = "torch.bfloat16"\nfloat16 = "torch.float16"\nfloat32 = "torch.float32"\n',
    );
  }
  // The other modules upstream's train_wm.py imports at its top, as empty stand-ins: the preflight looks them up.
  for (const name of ['wandb', 'swanlab', 'mediapy', 'decord']) {
    if (name === 'swanlab' && broken.has('no-swanlab')) continue;
    await mkdir(path.join(site, name), { recursive: true });
    const body = name === 'decord' ? 'VideoReader = None\ncpu = None\n' : '';
    await writeFile(path.join(site, name, '__init__.py'), `# Stand-in ${name} for the test GPU host.\n${body}`);
  }
  const svd = path.join(models, 'stable-video-diffusion-img2vid');
  for (const part of ['unet', 'vae', 'image_encoder']) {
    if (part === 'vae' && broken.has('no-svd-vae')) continue;
    await mkdir(path.join(svd, part), { recursive: true });
    await writeFile(path.join(svd, part, 'config.json'), '{}');
  }
  if (!broken.has('no-clip')) {
    await mkdir(path.join(models, 'clip-vit-base-patch32'), { recursive: true });
    await writeFile(path.join(models, 'clip-vit-base-patch32', 'config.json'), '{}');
  }
  if (!broken.has('no-ckpt'))
    await writeFile(path.join(models, 'checkpoint-10000.pt'), 'stand-in pretrained checkpoint\n');

  await cp(path.join(FIXTURE, 'ctrl-world'), checkout, { recursive: true });
  const template = path.join(checkout, 'config_flexiv.py.template');
  let config = (await readFile(template, 'utf8'))
    .replaceAll('@MODELS@', models)
    .replace('@STEPS@', String(options.steps ?? 300))
    .replace('@CHECKPOINT_STEPS@', String(options.checkpointSteps ?? 100))
    .replace('@VALIDATION_STEPS@', String(options.validationSteps ?? 150));
  if (options.tile)
    config = config
      .replace(/^ {4}width = 320$/m, `    width = ${options.tile.width}`)
      .replace(/^ {4}height = 192$/m, `    height = ${options.tile.height}`);
  if (broken.has('frozen-dataset-cfgs'))
    config = config.replace(
      '    dataset_cfgs = dataset_names\n',
      "    dataset_cfgs = dataset_names\n    dataset_names = 'flexiv_1120'\n",
    );
  await rm(template);
  await writeFile(path.join(checkout, 'config_flexiv.py'), config);
  await edit(
    path.join(checkout, 'scripts', 'train_wm.py'),
    broken.has('validation-at-5'),
    'global_step % args.validation_steps == 0 and global_step > 0',
    'global_step % args.validation_steps == 5',
  );
  // A config module beside the script comes first on sys.path: the trainer would train with it, not the run's.
  if (broken.has('scripts-config'))
    await writeFile(
      path.join(checkout, 'scripts', 'config.py'),
      config.replace('model_ckpt/{tag}', 'model_ckpt/elsewhere'),
    );

  const data = path.join(checkout, 'dataset_example', 'flexiv_data');
  if (!broken.has('no-dataset')) {
    await mkdir(path.join(data, 'flexiv_1113', 'annotation', 'train'), { recursive: true });
    await writeFile(
      path.join(data, 'flexiv_1113', 'annotation', 'train', '0.json'),
      '{"texts": ["pick up the cube"], "episode_id": 0}',
    );
    await mkdir(path.join(data, 'flexiv_1113', 'annotation', 'val'), { recursive: true });
    await writeFile(
      path.join(data, 'flexiv_1113', 'annotation', 'val', '40.json'),
      '{"texts": ["pick up the cube"], "episode_id": 40}',
    );
  }
  const meta = path.join(checkout, 'dataset_example', 'flexiv_data_meta_info', 'flexiv_1113');
  await mkdir(meta, { recursive: true });
  if (!broken.has('no-stat-json'))
    await writeFile(
      path.join(meta, 'stat.json'),
      JSON.stringify({ state_01: Array(7).fill(-1), state_99: Array(7).fill(1) }),
    );
  await writeFile(
    path.join(meta, 'train_sample.json'),
    JSON.stringify(Array.from({ length: 40 }, (_, i) => ({ episode_id: i, frame_ids: [0, 3, 6] }))),
  );
  await writeFile(
    path.join(meta, 'val_sample.json'),
    JSON.stringify(Array.from({ length: 6 }, (_, i) => ({ episode_id: 40, frame_ids: [i] }))),
  );
  await writeFile(path.join(checkout, '.gitignore'), 'fake_trainer.json\nmodel_ckpt/\ndataset_example/\n');
  await runProcess('git', ['-C', checkout, 'init', '-q']);
  await runProcess('git', ['-C', checkout, 'add', '-A']);
  await runProcess('git', [
    '-C',
    checkout,
    '-c',
    'user.name=Stand-in',
    '-c',
    'user.email=stand-in@example.invalid',
    'commit',
    '-q',
    '-m',
    'Ctrl-World stand-in with the Flexiv fixes',
  ]);

  const tree: GpuHostTree = {
    root,
    bin,
    checkout,
    configFile: path.join(checkout, 'config_flexiv.py'),
    envSetup: `export PYTHONPATH=${site}`,
    registryRoot: path.join(root, 'registry'),
    setTrainer: (knobs) =>
      writeFile(
        path.join(checkout, 'fake_trainer.json'),
        JSON.stringify({
          step_seconds: knobs.stepSeconds ?? 0.05,
          fail_at: knobs.failAt ?? 0,
          fail_kind: knobs.failKind ?? 'crash',
          checkpoint_bytes: knobs.checkpointBytes ?? 0,
          checkpoint_seconds: knobs.checkpointSeconds ?? 0,
          past_total: knobs.pastTotal ?? 0,
          info_logging: knobs.infoLogging ?? false,
          quality_peak: knobs.qualityPeak ?? 0,
        }),
      ),
  };
  await tree.setTrainer({ stepSeconds: options.stepSeconds, failAt: options.failAt, failKind: options.failKind });
  return tree;
}

async function edit(file: string, when: boolean, from: string | RegExp, to: string): Promise<void> {
  if (!when) return;
  const text = await readFile(file, 'utf8');
  const changed = text.replace(from, to);
  if (changed === text) throw new Error(`breakage did not apply to ${file}`);
  await writeFile(file, changed);
}

if (require.main === module) {
  const target = process.argv[2];
  if (!target) throw new Error('usage: gpuHost.ts DIR');
  void makeGpuHostTree(path.resolve(target), {
    gpus: 2,
    steps: 3000,
    checkpointSteps: 500,
    validationSteps: 1000,
    stepSeconds: 0.2,
  }).then((tree) => process.stdout.write(JSON.stringify(tree) + '\n'));
}
