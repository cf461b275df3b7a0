// Turns runs, listings and GPU samples into what the dashboard shows: the header's facts, checkpoint rows, the disk
// forecast and sample tiles. Formatting happens here, once, so the webview only lays things out.
import type { ConfigValue } from '../../core/config';
import { formatBytes, formatDuration, formatRate, formatTime, parseClock } from '../../core/format';
import type { GpuInfo } from '../../core/remote/gpus';
import type { DiskForecast } from '../../core/training/diskForecast';
import type { Progress } from '../../core/training/logParser';
import { TRAIN_LOSS_MEANING, trainLoss } from '../../core/training/metrics';
import { sampleGroups, type CheckpointFile, type OutputListing, type WritingReason } from '../../core/training/outputs';
import { isActive, type RunSummary } from '../../core/training/runRecord';
import type {
  CheckpointRow,
  DashboardHeader,
  DiskRow,
  GpuRow,
  HeaderFact,
  SampleGroupRow,
} from '../../protocol/runDashboard';

const STATE_ICONS: Record<string, string> = {
  starting: 'loading',
  running: 'sync',
  stopping: 'loading',
  finished: 'pass',
  failed: 'error',
  stopped: 'debug-stop',
};

export interface HeaderInput {
  readonly hostLabel: string;
  readonly summary?: RunSummary;
  readonly latest?: Progress;
  readonly config?: Record<string, ConfigValue>;
  /** For an output folder opened by itself. */
  readonly folder?: { readonly dir: string; readonly listing?: OutputListing };
  readonly notice?: DashboardHeader['notice'];
  readonly now?: number;
}

export function headerFor(input: HeaderInput): DashboardHeader {
  const { summary, latest } = input;
  const facts: HeaderFact[] = [{ label: 'Host', value: input.hostLabel }];
  if (!summary) {
    const dir = input.folder?.dir ?? '';
    facts.push({ label: 'Folder', value: dir });
    if (input.folder?.listing?.owner) facts.push({ label: 'Written by run', value: input.folder.listing.owner.runId });
    return {
      title: dir.split('/').filter(Boolean).pop() ?? dir,
      kind: 'folder',
      stateIcon: 'folder-opened',
      facts,
      configSummary: [],
      canOpenSnapshot: false,
      notice: input.notice,
    };
  }
  const { record } = summary;
  const progress = latest ?? summary.progress;
  const total = progress?.total ?? summary.totalSteps;
  facts.push({ label: 'GPUs', value: `${record.gpus.length} (${record.gpus.join(', ')})` });
  facts.push({
    label: 'Step',
    value: total
      ? `${(progress?.step ?? 0).toLocaleString('en-US')} / ${total.toLocaleString('en-US')}`
      : (progress?.step ?? 0).toLocaleString('en-US'),
  });
  const active = isActive(record.state);
  const rate = formatRate(progress?.rate);
  if (rate && active) facts.push({ label: 'Speed', value: rate });
  const remaining = parseClock(progress?.remaining);
  if (active && remaining !== undefined)
    facts.push({ label: 'ETA', value: formatDuration(remaining), title: `tqdm's estimate: ${progress?.remaining}` });
  const ended = record.endedAt ? Date.parse(record.endedAt) : (input.now ?? Date.now());
  facts.push({
    label: 'Elapsed',
    value: formatDuration((ended - Date.parse(record.startedAt)) / 1000),
    title: `started ${new Date(record.startedAt).toLocaleString()}`,
  });
  const loss = trainLoss(progress);
  if (loss !== undefined) facts.push({ label: 'train_loss', value: String(loss), title: TRAIN_LOSS_MEANING });
  if (record.git)
    facts.push({
      label: 'Commit',
      value: `${record.git.commit.slice(0, 10)}${record.git.dirty ? ' (modified)' : ''}`,
      title: record.git.commit,
    });
  facts.push({ label: 'Output', value: record.outputDir });
  facts.push({
    label: 'W&B',
    value: record.wandb,
    title:
      record.wandb === 'online'
        ? 'Logged to W&B as it trains: Open in WandB on the run opens its page.'
        : 'Logged offline (WANDB_MODE=offline): Sync Run to WandB on the run uploads it.',
  });
  if (record.continuedFrom)
    facts.push({
      label: 'Started from',
      value: record.continuedFrom.checkpoint.split('/').pop() ?? '',
      title: `${record.continuedFrom.checkpoint} (weights only)`,
    });
  const failure =
    record.state === 'failed'
      ? summary.lastError
        ? `${summary.lastError.title} ${summary.lastError.nextStep}`
        : (record.failure ?? `It exited with status ${record.exitCode}.`)
      : undefined;
  return {
    title: record.name,
    kind: 'run',
    state: record.state,
    stateIcon: STATE_ICONS[record.state] ?? 'circle-outline',
    facts,
    ...(total ? { progress: { step: progress?.step ?? 0, total } } : {}),
    configSummary: configSummary(input.config, record.gpus.length),
    canOpenSnapshot: true,
    notice: input.notice ?? (failure ? { level: 'error', text: failure } : undefined),
  };
}

/** The fields that decide what a run does, from its config snapshot. */
export function configSummary(values: Record<string, ConfigValue> | undefined, gpus: number): HeaderFact[] {
  if (!values) return [];
  const number = (name: string) => (typeof values[name] === 'number' ? (values[name] as number) : undefined);
  const facts: HeaderFact[] = [];
  const add = (label: string, value: string | number | undefined, title?: string) => {
    if (value !== undefined)
      facts.push({
        label,
        value: typeof value === 'number' ? value.toLocaleString('en-US') : value,
        ...(title ? { title } : {}),
      });
  };
  add('max_train_steps', number('max_train_steps'));
  const batch = number('train_batch_size');
  const accumulation = number('gradient_accumulation_steps') ?? 1;
  add(
    'batch',
    batch !== undefined ? `${batch} × ${gpus} GPUs × ${accumulation} = ${batch * gpus * accumulation}` : undefined,
    'train_batch_size × GPUs × gradient_accumulation_steps',
  );
  add('learning_rate', number('learning_rate') !== undefined ? String(number('learning_rate')) : undefined);
  add('checkpointing_steps', number('checkpointing_steps'));
  add('validation_steps', number('validation_steps'));
  add('video_num', number('video_num'));
  const frames = number('num_frames');
  if (frames !== undefined)
    add('frames', `${frames} + ${number('num_history') ?? '?'} history`, 'num_frames + num_history');
  if (typeof values.dataset_names === 'string') add('dataset', values.dataset_names);
  return facts;
}

const WRITING_TEXT: Record<WritingReason, string> = {
  partial: 'writing (a partial file is being saved)',
  growing: 'writing (its size is still changing)',
  recent: 'writing (changed seconds ago)',
};

export function checkpointRows(
  checkpoints: readonly CheckpointFile[],
  downloads: ReadonlyMap<number, number>,
): CheckpointRow[] {
  return checkpoints.map((checkpoint) => ({
    step: checkpoint.step,
    name: checkpoint.name,
    sizeText: formatBytes(checkpoint.size),
    timeText: formatTime(checkpoint.mtimeMs),
    ...(checkpoint.writing ? { writing: WRITING_TEXT[checkpoint.writing] } : {}),
    ...(downloads.has(checkpoint.step) ? { downloading: downloads.get(checkpoint.step) } : {}),
  }));
}

export function diskRow(forecast: DiskForecast | undefined): DiskRow | undefined {
  return forecast && { level: forecast.level, text: `Disk: ${forecast.message}` };
}

/** Sample tiles by step, newest first; `src` for those already in the local cache. */
export function sampleRows(listing: OutputListing, cachedSrc: ReadonlyMap<string, string>): SampleGroupRow[] {
  return sampleGroups(listing.samples).map((group) => ({
    step: group.step,
    samples: group.samples.map((sample) => ({
      key: sample.path,
      index: sample.index,
      name: sample.name,
      sizeText: formatBytes(sample.size),
      writing: sample.writing !== undefined || !sample.exists,
      ...(cachedSrc.has(sample.path) ? { src: cachedSrc.get(sample.path) } : {}),
    })),
  }));
}

export function gpuRows(gpus: readonly GpuInfo[], runGpus: readonly number[] | undefined): GpuRow[] {
  return gpus.map((gpu) => ({
    index: gpu.index,
    name: gpu.name,
    ...(gpu.utilizationPercent !== undefined ? { utilization: gpu.utilizationPercent } : {}),
    memoryUsedMiB: gpu.memoryUsedMiB,
    memoryTotalMiB: gpu.memoryTotalMiB,
    inRun: runGpus === undefined || runGpus.includes(gpu.index),
  }));
}
