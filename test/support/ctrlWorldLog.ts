// Writes a training log the way Ctrl-World's train_wm.py under accelerate does (see the real bytes in
// test/fixtures/gpu-host/reference/): the start-up lines, then one tqdm carriage-return update per step, the bar
// redrawn at each 100th step first with the old postfix and then with `loss=<sum of the last 100 step losses>`.

export interface SyntheticLog {
  readonly text: string;
  /** The train_loss upstream logs: each window's sum / 100, at the step closing the window. */
  readonly trainLoss: Array<{ step: number; value: number }>;
}

/** The loss of one step: falling from ~0.3 towards 0.05 with a little noise, as a fine-tune does. */
export function stepLoss(step: number): number {
  return 0.05 + 0.25 * Math.exp(-step / 4000) + 0.01 * Math.sin(step * 12.9898);
}

function formatTqdmNumber(value: number): string {
  // tqdm formats postfix floats with {:.3g}.
  const text = value.toPrecision(3);
  return String(Number(text));
}

function clock(seconds: number): string {
  const s = Math.floor(seconds);
  const pad = (n: number) => String(n).padStart(2, '0');
  return s >= 3600
    ? `${Math.floor(s / 3600)}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`
    : `${pad(Math.floor(s / 60))}:${pad(s % 60)}`;
}

export function ctrlWorldLog(
  steps: number,
  options: { secondsPerStep?: number; checkpointEvery?: number; learningRate?: number } = {},
): SyntheticLog {
  const secondsPerStep = options.secondsPerStep ?? 1.44;
  const parts: string[] = [
    'Number of parameters in the unet: 1524.62M\n',
    '11/28/2026 00:38:49 - INFO - __main__ - [RANK 0] ***** Running training *****\n',
    `11/28/2026 00:38:49 - INFO - __main__ - [RANK 0]   Total optimization steps = ${steps}\n`,
    `\rSteps:   0%|          | 0/${steps} [00:00<?, ?it/s]`,
  ];
  const trainLoss: Array<{ step: number; value: number }> = [];
  let windowSum = 0;
  let postfix = '';
  const lr = options.learningRate !== undefined ? `, lr=${formatTqdmNumber(options.learningRate)}` : '';
  for (let step = 1; step <= steps; step++) {
    windowSum += stepLoss(step);
    const elapsed = step * secondsPerStep;
    const rate = secondsPerStep >= 1 ? `${secondsPerStep.toFixed(2)}s/it` : `${(1 / secondsPerStep).toFixed(2)}it/s`;
    const bar = (suffix: string) =>
      `\rSteps: ${String(Math.floor((step / steps) * 100)).padStart(3)}%|█▏        | ${step}/${steps} [${clock(elapsed)}<${clock((steps - step) * secondsPerStep)}, ${rate}${suffix}]`;
    parts.push(bar(postfix));
    if (step % 100 === 0) {
      const shown = Number(formatTqdmNumber(windowSum));
      postfix = `, loss=${formatTqdmNumber(windowSum)}${lr}`;
      trainLoss.push({ step, value: shown / 100 });
      windowSum = 0;
      parts.push(bar(postfix));
    }
    if (options.checkpointEvery && step % options.checkpointEvery === 0) {
      parts.push(
        `\n11/28/2026 00:38:49 - INFO - __main__ - [RANK 0] Saved checkpoint to model_ckpt/flexiv_finetune/checkpoint-${step}.pt\n`,
      );
    }
  }
  parts.push('\n');
  return { text: parts.join(''), trainLoss };
}
