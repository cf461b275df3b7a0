// Prepares what remote-kit/tests/test_upstream_training_gpu.py needs on a GPU machine, made here by the product's own
// code: Flexiv episodes (h5py), their conversion (the CLI's convert), each run's config (the config editor's edits),
// and the exact stdin that the extension sends to trainer_probe.py (preflight) and runs.py launch for each checkout.
// Usage: node --import tsx test/support/gpuTrainingBundle.ts OUT_DIR UPSTREAM_GIT_DIR FORK_GIT_DIR
// (the git directories of Robert-gyj/Ctrl-World at 4c713d1 and yijie252/Ctrl-World at 1ab23f4; their files are
// copied into OUT_DIR, which must stay out of version control).
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { setConfigValues } from '../../src/core/config';
import { launchInput, runModuleText, type LaunchRequest } from '../../src/core/training/launch';
import { trainerArguments } from '../../src/core/training/targets';
import { trainerProbeRequest } from '../../src/core/training/trainerChecks';
import { REPO_ROOT, runProcess, writeEpisodes } from './fixtures';

/** Where the GPU test lays everything out on the device: the requests name these absolute paths. */
export const DEVICE_BASE = '/tmp/cwf-real';
const CHECKOUTS = [
  { name: 'upstream', commit: '4c713d1' },
  { name: 'fork', commit: '1ab23f4' },
] as const;
const DATASET = 'flexiv_1113';
const STEPS = 20;
const EVERY = 10;

/** The seed's config_flexiv.py, shrunk to a test run: 20 steps, a checkpoint and a validation every 10. */
export async function testConfig(): Promise<string> {
  const seed = await readFile(path.join(REPO_ROOT, 'test', 'fixtures', 'configs', 'config_flexiv.py'), 'utf8');
  return setConfigValues(seed, {
    svd_model_path: `${DEVICE_BASE}/models/stable-video-diffusion-img2vid`,
    clip_model_path: `${DEVICE_BASE}/models/clip-vit-base-patch32`,
    ckpt_path: null,
    dataset_root_path: `${DEVICE_BASE}/data`,
    dataset_meta_info_path: `${DEVICE_BASE}/meta`,
    max_train_steps: STEPS,
    checkpointing_steps: EVERY,
    validation_steps: EVERY,
    video_num: 1,
    train_batch_size: 1,
    num_workers: 2,
    num_inference_steps: 2,
    mixed_precision: 'bf16',
  });
}

function request(checkout: string, configText: string, ckptPath?: string): LaunchRequest {
  return {
    workdir: `${DEVICE_BASE}/${checkout}`,
    configSource: `${DEVICE_BASE}/${checkout}/config_flexiv_test.py`,
    configText,
    outputDir: `${DEVICE_BASE}/out/${checkout}`,
    gpus: [0],
    mainProcessPort: 29531,
    mixedPrecision: 'bf16',
    totalSteps: STEPS,
    ckptPath,
    continuedFrom: ckptPath ? { runId: 'upstream', checkpoint: ckptPath, step: STEPS } : undefined,
    wandb: { mode: 'offline' },
    detach: 'setsid',
    // The test's stand-ins for packages the device lacks, and diffusers' source, as a user's conda activation would.
    envSetup: `export PYTHONPATH=${DEVICE_BASE}/env:${DEVICE_BASE}/vendor\${PYTHONPATH:+:$PYTHONPATH}`,
    git: null,
  };
}

async function main(): Promise<void> {
  const [out, upstreamGit, forkGit] = process.argv.slice(2).map((arg) => path.resolve(arg));
  if (!out || !upstreamGit || !forkGit)
    throw new Error('usage: gpuTrainingBundle.ts OUT_DIR UPSTREAM_GIT_DIR FORK_GIT_DIR');
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  for (const [{ name, commit }, git] of [
    [CHECKOUTS[0], upstreamGit],
    [CHECKOUTS[1], forkGit],
  ] as const) {
    await mkdir(path.join(out, name));
    // The fork's dataset_example holds blobs its snapshot lacks; the trainer reads our converted data instead.
    const archive = execFileSync('git', ['--git-dir', git, 'archive', commit, '--', '.', ':!dataset_example'], {
      maxBuffer: 1 << 30,
    });
    execFileSync('tar', ['-x', '-C', path.join(out, name)], { input: archive });
  }
  const episodes = path.join(out, 'episodes', DATASET);
  await writeEpisodes(
    episodes,
    Array.from({ length: 6 }, (_, i) => ({
      path: `episode_${i}.hdf5`,
      frames: 90,
      height: 120,
      width: 160,
      seed: i,
      task: 'pick up the red block',
      arrays: ['qpos', 'qvel', 'effort', 'tcp_pose', 'gripper_width'],
    })),
  );
  await runProcess(process.execPath, [
    path.join(REPO_ROOT, 'dist', 'cli.js'),
    'convert',
    episodes,
    '--out',
    path.join(out, 'data'),
    '--name',
    DATASET,
    '--meta',
    path.join(out, 'meta'),
    '--val-every',
    '3',
    '--meta-only',
  ]);

  const config = await testConfig();
  const upstreamCheckpoint = `${DEVICE_BASE}/out/upstream/checkpoint-${STEPS}.pt`;
  const runs = [
    { name: 'upstream', launch: request('upstream', config) },
    // The fork continues from upstream's last checkpoint: Continue from Checkpoint's --ckpt_path on the other checkout.
    { name: 'fork', launch: request('fork', config, upstreamCheckpoint) },
  ];
  for (const { name, launch } of runs) {
    const place = { root: `${DEVICE_BASE}/registry`, runId: `gpu_${name}`, hostLabel: 'device' };
    await writeFile(path.join(out, `launch-${name}.json`), JSON.stringify(launchInput(launch, place), null, 1));
    const runModule = runModuleText(launch.configText, launch.outputDir);
    await writeFile(
      path.join(out, `probe-${name}.json`),
      JSON.stringify(trainerProbeRequest(launch.workdir, runModule, trainerArguments(launch.ckptPath))),
    );
  }
  // How launches used to be made (the run's config under another module name, passed with --config): on upstream
  // argparse refuses it, on the fork the checkout's config.py wins. The preflight must say so from these answers.
  const oldModule = 'ctrl_world_flexiv_run_old';
  for (const name of ['upstream', 'fork']) {
    const old = {
      ...trainerProbeRequest(`${DEVICE_BASE}/${name}`, runModuleText(config, `${DEVICE_BASE}/out/${name}`), [
        '--config',
        oldModule,
      ]),
      module: oldModule,
    };
    await writeFile(path.join(out, `probe-${name}-config-flag.json`), JSON.stringify(old));
  }
  process.stdout.write(`GPU training bundle written to ${out}\n`);
}

if (require.main === module)
  void main().catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  });
