// Messages between a Run dashboard panel and the extension. The host formats text (sizes, times, states); the
// webview draws charts from raw numbers and lays things out.
import type { ReadyMessage } from './channel';

export type DashboardTab = 'metrics' | 'checkpoints' | 'samples' | 'quality';
export type MetricName = 'loss' | 'lr' | 'rate';

export interface HeaderFact {
  readonly label: string;
  readonly value: string;
  /** Shown on hover: the exact figure or where it comes from. */
  readonly title?: string;
}

export interface DashboardHeader {
  readonly title: string;
  /** 'run': a run of the registry (state, log, charts); 'folder': an output folder opened by itself. */
  readonly kind: 'run' | 'folder';
  readonly state?: string;
  /** A codicon name for the state. */
  readonly stateIcon: string;
  readonly facts: readonly HeaderFact[];
  /** Step and total, for a progress bar. */
  readonly progress?: { readonly step: number; readonly total: number };
  readonly configSummary: readonly HeaderFact[];
  readonly canOpenSnapshot: boolean;
  /** A dropped connection being retried, or a failure with its next step. */
  readonly notice?: { readonly level: 'info' | 'warning' | 'error'; readonly text: string };
}

/** Drop the points from `start` on, then append these. */
export interface SeriesMessage {
  readonly type: 'series';
  /** undefined: this dashboard's run; otherwise a compared run's key. */
  readonly run?: string;
  readonly metric: MetricName;
  readonly start: number;
  readonly steps: number[];
  readonly values: number[];
}

export interface CompareRun {
  readonly key: string;
  readonly label: string;
}

export interface GpuRow {
  readonly index: number;
  readonly name: string;
  readonly utilization?: number;
  readonly memoryUsedMiB: number;
  readonly memoryTotalMiB: number;
  /** One of the run's GPUs (others of the host are shown dimmed). */
  readonly inRun: boolean;
}

export interface CheckpointRow {
  readonly step: number;
  readonly name: string;
  readonly sizeText: string;
  readonly timeText: string;
  /** Why it is not finished ("writing: growing"), or undefined when it may be downloaded and resumed from. */
  readonly writing?: string;
  /** A download of it under way: 0..1. */
  readonly downloading?: number;
}

export interface DiskRow {
  readonly level: 'ok' | 'warning' | 'critical';
  readonly text: string;
}

export interface SampleTile {
  /** The sample's path on the host: its key in messages. */
  readonly key: string;
  readonly index: number;
  readonly name: string;
  readonly sizeText: string;
  readonly writing: boolean;
  /** A webview URI once it is in the local cache. */
  readonly src?: string;
}

export interface SampleGroupRow {
  readonly step: number;
  readonly samples: readonly SampleTile[];
}

/** PSNR in dB and SSIM; null where there is no finite value (every tile equal to its truth has an infinite PSNR). */
export interface QualityScore {
  readonly psnr: number | null;
  readonly ssim: number | null;
}

/** The predicted tile with the lowest SSIM: its video, frame and place in the grid (bottom row, `column`). */
export interface WorstTile {
  /** The video's sample key (its path on the host). */
  readonly key: string;
  readonly frame: number;
  /** Frames in the video, so the webview can seek to `frame` whatever its frame rate. */
  readonly frames: number;
  readonly column: number;
  readonly columns: number;
  readonly text: string;
}

export interface QualityStepRow extends QualityScore {
  readonly step: number;
  readonly videos: number;
  /** Views 0, 1, 2. */
  readonly perView: readonly QualityScore[];
  /** Predicted frame 1, 2, …: the prediction horizon. */
  readonly perHorizon: readonly QualityScore[];
  readonly worst: WorstTile;
}

export interface CheckpointQualityRow {
  readonly step: number;
  readonly psnrText: string;
  readonly ssimText: string;
  /** Where the figures come from ("validation at step 25,000"). */
  readonly source: string;
  readonly best: boolean;
}

export interface QualityView {
  /** Measured validation steps, oldest first. */
  readonly steps: readonly QualityStepRow[];
  readonly checkpoints: readonly CheckpointQualityRow[];
  /**
   * 'measuring' with progress; 'done' when every finished video is measured; 'stopped' with videos left (cancelled,
   * or not asked yet); 'waiting' for the run's config (its tile size).
   */
  readonly status: 'measuring' | 'done' | 'stopped' | 'waiting';
  readonly progress?: { readonly done: number; readonly total: number };
  /** Finished videos not measured yet. */
  readonly left: number;
  /** What is measured and how, with this run's tile size and history. */
  readonly method: string;
  /** Videos that could not be measured, one line each. */
  readonly failures: readonly string[];
}

/** A compared run's quality, overlaid on the Quality tab's step charts: its mean per validation step. */
export interface CompareQualityView {
  readonly steps: readonly (QualityScore & { readonly step: number })[];
  /** How far its measuring is ("6 validation steps, best SSIM 0.8123 at step 1,200"). */
  readonly text: string;
}

export type RunDashboardHostMessage =
  /** First message: what this panel shows, kept in the webview's state so a reload restores the panel. */
  | { readonly type: 'target'; readonly target: DashboardTarget }
  | { readonly type: 'header'; readonly header: DashboardHeader }
  | SeriesMessage
  | { readonly type: 'compare'; readonly runs: readonly CompareRun[] }
  | { readonly type: 'gpus'; readonly rows: readonly GpuRow[]; readonly time: number }
  | { readonly type: 'gpus-error'; readonly message: string }
  | {
      readonly type: 'outputs';
      readonly checkpoints: readonly CheckpointRow[];
      readonly disk?: DiskRow;
      readonly groups: readonly SampleGroupRow[];
      readonly note?: string;
    }
  | { readonly type: 'sample-progress'; readonly key: string; readonly fraction: number }
  | { readonly type: 'sample-ready'; readonly key: string; readonly src: string }
  | { readonly type: 'sample-error'; readonly key: string; readonly message: string }
  | ({ readonly type: 'quality' } & QualityView)
  | ({ readonly type: 'compare-quality'; readonly run: string } & CompareQualityView)
  | { readonly type: 'show-tab'; readonly tab: DashboardTab };

export type RunDashboardViewMessage =
  | ReadyMessage
  | { readonly type: 'open-snapshot' }
  | { readonly type: 'open-log' }
  | { readonly type: 'refresh' }
  | { readonly type: 'download-checkpoint'; readonly step: number }
  | { readonly type: 'continue-from-checkpoint'; readonly step: number }
  | { readonly type: 'fetch-sample'; readonly key: string }
  /** A video element failed to play it: the host converts it and sends it again. */
  | { readonly type: 'sample-failed'; readonly key: string }
  | { readonly type: 'compare-add' }
  | { readonly type: 'compare-remove'; readonly key: string }
  /** Measure the videos not measured yet; `auto` (a tab was shown) is ignored after the user cancelled. */
  | { readonly type: 'quality-measure'; readonly auto: boolean }
  | { readonly type: 'quality-cancel' };

/** What the panel keeps across reloads (webview state) and hands to its serializer. */
export interface RunDashboardState {
  readonly target: DashboardTarget;
  readonly tab?: DashboardTab;
  readonly smoothing?: number;
  readonly logScale?: boolean;
}

/** What a dashboard shows: a run of a host's registry, or an output folder on a host. */
export type DashboardTarget =
  | { readonly kind: 'run'; readonly host: string; readonly runId: string }
  | { readonly kind: 'folder'; readonly host: string; readonly dir: string };

export function targetKey(target: DashboardTarget): string {
  return target.kind === 'run' ? `run:${target.host}:${target.runId}` : `folder:${target.host}:${target.dir}`;
}
