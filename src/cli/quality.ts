// `quality`: PSNR and SSIM of a run's validation videos (predicted tiles against the ground truth above them).
import { readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { sampleQuality, type SampleQuality } from '../core/quality/sampleQuality';
import { numberOption, printJson, requirePositional, stringOption, whole, type CliCommand } from './framework';

const SAMPLE = /^train_steps_(\d+)_(\d+)\.mp4$/;

/** A video, or every validation video of a samples folder, oldest step first. */
async function videosOf(target: string): Promise<string[]> {
  if (!(await stat(target)).isDirectory()) return [target];
  const names = (await readdir(target)).filter((name) => SAMPLE.test(name));
  const key = (name: string) => SAMPLE.exec(name)!.slice(1).map(Number);
  names.sort((a, b) => key(a)[0]! - key(b)[0]! || key(a)[1]! - key(b)[1]!);
  return names.map((name) => path.join(target, name));
}

const rounded = (value: number, digits: number) => (Number.isFinite(value) ? Number(value.toFixed(digits)) : null);

function forJson(result: SampleQuality) {
  const score = ({ psnr, ssim }: { psnr: number; ssim: number }) => ({
    psnr: rounded(psnr, 3),
    ssim: rounded(ssim, 5),
  });
  return {
    file: result.file,
    step: result.step ?? null,
    id: result.id ?? null,
    ...score(result),
    perView: result.perView.map(score),
    perSample: result.perSample.map(score),
    perHorizon: result.perHorizon.map(score),
    worst: { ...result.worst, ssim: rounded(result.worst.ssim, 5) },
  };
}

export const qualityCommand: CliCommand = {
  name: 'quality',
  summary:
    'PSNR and SSIM of validation videos: each predicted tile against the ground truth above it (ffmpeg decodes).',
  usage: 'quality <video|samples-dir> [--height 192] [--width 320] [--history 6] [--ffmpeg ffmpeg] [--json]',
  options: {
    height: { type: 'string' },
    width: { type: 'string' },
    history: { type: 'string' },
    ffmpeg: { type: 'string' },
  },
  async run(args, io) {
    const target = path.resolve(requirePositional(args, 0, 'a validation video or a samples folder'));
    const layout = {
      height: numberOption(args, 'height', 192, whole(16), 'a whole number from 16'),
      width: numberOption(args, 'width', 320, whole(16), 'a whole number from 16'),
      history: numberOption(args, 'history', 6, whole(0), 'a whole number from 0'),
    };
    const tools = { ffmpeg: stringOption(args, 'ffmpeg') ?? 'ffmpeg' };
    const samples: SampleQuality[] = [];
    for (const video of await videosOf(target)) samples.push(await sampleQuality(video, layout, tools));
    if (args.values.json) printJson(io, { samples: samples.map(forJson) });
    else {
      for (const sample of samples) {
        const where = sample.step === undefined ? path.basename(sample.file) : `step ${sample.step} #${sample.id}`;
        const horizon = sample.perHorizon.map((score) => score.ssim.toFixed(3)).join(' ');
        io.out(
          `${where}: PSNR ${sample.psnr.toFixed(2)} dB, SSIM ${sample.ssim.toFixed(4)} (SSIM by horizon ${horizon})`,
        );
      }
      if (samples.length === 0) io.out(`No validation videos (train_steps_<step>_<id>.mp4) in ${target}.`);
    }
    return 0;
  },
};
