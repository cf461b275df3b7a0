// Quality of one validation video as upstream writes it (1920x384, 11 frames, 2 samples x 3 views of 320x192, 6 of
// them history): ffmpeg's decode to luma and PSNR + SSIM of the 30 predicted tiles, process warm. Target: < 1 s.
import * as path from 'node:path';
import { sampleQuality } from '../src/core/quality/sampleQuality';

const video = path.join(
  __dirname,
  '..',
  'test',
  'fixtures',
  'gpu-host',
  'reference',
  'upstream-4c713d1-train_steps_5_0.mp4',
);

async function main(): Promise<void> {
  const times: number[] = [];
  for (let i = 0; i < 6; i++) {
    const start = performance.now();
    await sampleQuality(video, { height: 192, width: 320, history: 6 }, { ffmpeg: 'ffmpeg' });
    times.push(performance.now() - start);
  }
  const [first, ...rest] = times;
  rest.sort((a, b) => a - b);
  console.log(
    `quality of one 1920x384, 11-frame validation video: first ${first!.toFixed(0)} ms, then median ${rest[Math.floor(rest.length / 2)]!.toFixed(0)} ms (min ${rest[0]!.toFixed(0)}, max ${rest[rest.length - 1]!.toFixed(0)}); target < 1000 ms`,
  );
}

void main();
