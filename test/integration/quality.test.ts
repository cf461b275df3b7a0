// Validation-video quality against an independent implementation (scikit-image) and on synthetic videos in
// upstream's layout written by ffmpeg, whose predictions improve with the step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { sampleQuality, type Score } from '../../src/core/quality/sampleQuality';
import { REPO_ROOT, runProcess, SYSTEM_PYTHON, tempDir } from '../support/fixtures';

const TOOLS = { ffmpeg: 'ffmpeg' };
const REAL_SAMPLE = path.join(
  REPO_ROOT,
  'test',
  'fixtures',
  'gpu-host',
  'reference',
  'upstream-4c713d1-train_steps_5_0.mp4',
);
const REFERENCE = path.join(REPO_ROOT, 'test', 'fixtures', 'quality_reference.py');

async function reference(
  video: string,
  height: number,
  width: number,
  history: number,
): Promise<Score & { perView: Score[]; perHorizon: Score[] }> {
  return JSON.parse(
    await runProcess(SYSTEM_PYTHON, [REFERENCE, video, String(height), String(width), String(history)]),
  );
}

function close(actual: Score, expected: Score, what: string): void {
  assert.ok(Math.abs(actual.psnr - expected.psnr) < 1e-6, `${what} PSNR ${actual.psnr} vs ${expected.psnr}`);
  assert.ok(Math.abs(actual.ssim - expected.ssim) < 1e-6, `${what} SSIM ${actual.ssim} vs ${expected.ssim}`);
}

test("upstream's real validation video: the same PSNR and SSIM as scikit-image, overall, per view and per horizon", async () => {
  const ours = await sampleQuality(REAL_SAMPLE, { height: 192, width: 320, history: 6 }, TOOLS);
  const theirs = await reference(REAL_SAMPLE, 192, 320, 6);
  close(ours, theirs, 'overall');
  ours.perView.forEach((score, view) => close(score, theirs.perView[view]!, `view ${view}`));
  ours.perHorizon.forEach((score, horizon) => close(score, theirs.perHorizon[horizon]!, `horizon ${horizon + 1}`));
  assert.deepEqual([ours.step, ours.id, ours.perSample.length, ours.perHorizon.length], [5, 0, 2, 5]);
});

/** A video in upstream's layout: 2 samples x 3 views of 64x48 tiles, 4 history frames then 3 predicted ones. */
function syntheticVideo(file: string, noise: number): Promise<void> {
  const tileW = 64,
    tileH = 48,
    columns = 6,
    frames = 7,
    history = 4;
  const width = tileW * columns,
    height = 2 * tileH;
  const ffmpeg = spawn(
    'ffmpeg',
    [
      '-v',
      'error',
      '-y',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'gray',
      '-s',
      `${width}x${height}`,
      '-r',
      '2',
      '-i',
      '-',
      '-c:v',
      'libx264',
      '-qp',
      '0',
      '-pix_fmt',
      'yuv444p',
      file,
    ],
    { stdio: ['pipe', 'ignore', 'inherit'] },
  );
  for (let f = 0; f < frames; f++) {
    const frame = Buffer.alloc(width * height);
    for (let y = 0; y < tileH; y++) {
      for (let x = 0; x < width; x++) {
        const truth = 128 + 60 * Math.sin((x + 3 * f) / 4) * Math.cos(y / 6);
        // The prediction drifts further from the truth with the horizon and with the noise level.
        const error = f < history ? 0 : noise * (1 + f - history) * Math.sin(x * 1.7 + y * 2.3 + f);
        frame[y * width + x] = Math.round(truth);
        frame[(y + tileH) * width + x] = Math.max(0, Math.min(255, Math.round(truth + error)));
      }
    }
    ffmpeg.stdin.write(frame);
  }
  ffmpeg.stdin.end();
  return new Promise((resolve, reject) =>
    ffmpeg.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exit ${code}`)))),
  );
}

test('synthetic runs whose predictions improve with the step: quality rises with the step and falls with the horizon; the CLI agrees', async () => {
  const { dir, cleanup } = await tempDir('cwf-quality-');
  try {
    const samples = path.join(dir, 'samples');
    await mkdir(samples);
    for (const [step, noise] of [
      [100, 24],
      [200, 10],
      [300, 3],
    ] as const)
      await syntheticVideo(path.join(samples, `train_steps_${step}_0.mp4`), noise);
    const layout = { height: 48, width: 64, history: 4 };
    const scores = await Promise.all(
      [100, 200, 300].map((step) => sampleQuality(path.join(samples, `train_steps_${step}_0.mp4`), layout, TOOLS)),
    );
    assert.ok(
      scores[0]!.ssim < scores[1]!.ssim && scores[1]!.ssim < scores[2]!.ssim,
      scores.map((s) => s.ssim).join(' '),
    );
    assert.ok(scores[0]!.psnr < scores[1]!.psnr && scores[1]!.psnr < scores[2]!.psnr);
    for (const score of scores)
      assert.ok(score.perHorizon[0]!.ssim > score.perHorizon[2]!.ssim, 'quality falls with the horizon');
    close(scores[1]!, await reference(path.join(samples, 'train_steps_200_0.mp4'), 48, 64, 4), 'synthetic');

    const cli = JSON.parse(
      await runProcess(process.execPath, [
        '--import',
        'tsx',
        path.join(REPO_ROOT, 'src', 'cli.ts'),
        'quality',
        samples,
        '--height',
        '48',
        '--width',
        '64',
        '--history',
        '4',
        '--json',
      ]),
    ) as { samples: Array<{ step: number; ssim: number; perView: unknown[]; perHorizon: unknown[] }> };
    assert.deepEqual(
      cli.samples.map((sample) => sample.step),
      [100, 200, 300],
    );
    const best = cli.samples.reduce((a, b) => (b.ssim > a.ssim ? b : a));
    assert.equal(best.step, 300);
    assert.equal(cli.samples[0]!.perView.length, 3);
    assert.equal(cli.samples[0]!.perHorizon.length, 3);
  } finally {
    await cleanup();
  }
});

test("a video whose size does not fit the config's tiles is said plainly", async () => {
  await assert.rejects(
    sampleQuality(REAL_SAMPLE, { height: 100, width: 320, history: 6 }, TOOLS),
    /is 1920x384: with tiles of 320x100 .* 200 tall/,
  );
});
