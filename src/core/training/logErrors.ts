// Recognises the failures that end training runs (CUDA OOM, NCCL, busy port, missing files, any traceback)
// and says what to do next about each.

export type TrainingErrorKind = 'oom' | 'nccl' | 'port' | 'missing-file' | 'signal' | 'traceback';

export interface TrainingError {
  readonly kind: TrainingErrorKind;
  /** One sentence for a notification. */
  readonly title: string;
  /** The exception line or the log line that shows it. */
  readonly detail: string;
  /** The concrete next step. */
  readonly nextStep: string;
  /** For missing-file: the path that was not found. */
  readonly path?: string;
  /** The traceback or the lines around it, for the log view. */
  readonly lines: readonly string[];
}

const OOM = /CUDA out of memory|OutOfMemoryError|CUBLAS_STATUS_ALLOC_FAILED|CUDA error: out of memory/i;
const NCCL =
  /NCCL error|ncclUnhandledCudaError|ncclSystemError|ncclInternalError|ncclInvalidUsage|DistBackendError|Watchdog caught collective operation timeout/;
const PORT = /address already in use|EADDRINUSE|server socket has failed to (listen|bind)/i;
const MISSING = /(FileNotFoundError|No such file or directory)[^'"]*['"]([^'"]+)['"]/;
/** torch's elastic agent (under `accelerate launch`) turns a signal to the launcher into this exception. */
const SIGNAL = /SignalException: Process \d+ got signal: (\d+)/;
const SIGNAL_NAMES: Readonly<Record<string, string>> = { 1: 'SIGHUP', 2: 'SIGINT', 15: 'SIGTERM' };

/** Exceptions that only report another process's failure: shown only when nothing more specific was seen. */
export const SECONDARY_EXCEPTIONS =
  /^(subprocess\.CalledProcessError|torch\.distributed\.elastic\.multiprocessing\.errors\.ChildFailedError|KeyboardInterrupt)/;

/** Classifies a finished traceback (its lines and the final exception line), or a lone error line. */
export function classifyError(detail: string, lines: readonly string[]): TrainingError {
  const text = [...lines, detail].join('\n');
  if (OOM.test(text)) {
    return {
      kind: 'oom',
      title: 'Training ran out of GPU memory.',
      detail,
      lines,
      nextStep:
        'Lower train_batch_size (4 → 2), raise gradient_accumulation_steps (1 → 2) to keep the global batch, or lower num_frames (5 → 3) in the training config, then start a new run.',
    };
  }
  if (PORT.test(text)) {
    return {
      kind: 'port',
      title: 'The rendezvous port is already in use.',
      detail,
      lines,
      nextStep:
        'Another training run or service holds the main process port: stop it or set ctrlWorld.training.mainProcessPort to a free port.',
    };
  }
  if (NCCL.test(text)) {
    return {
      kind: 'nccl',
      title: 'The GPUs failed to communicate (NCCL).',
      detail,
      lines,
      nextStep:
        'Check that the chosen GPUs are healthy and not used by other jobs (nvidia-smi), then start again; setting NCCL_DEBUG=INFO in the environment setup shows more.',
    };
  }
  const signal = SIGNAL.exec(text);
  if (signal) {
    const name = SIGNAL_NAMES[signal[1]] ?? `signal ${signal[1]}`;
    return {
      kind: 'signal',
      title: `Training was ended by ${name}, sent to accelerate's launcher.`,
      detail,
      lines,
      nextStep:
        'Nobody stopped it from here: look for a job scheduler, a shutdown or another user on the host, then continue from the last checkpoint.',
    };
  }
  const missing = MISSING.exec(text);
  if (missing) {
    return {
      kind: 'missing-file',
      title: `A file the training needs is missing: ${missing[2]}`,
      detail,
      lines,
      path: missing[2],
      nextStep:
        'Fix the path in the training config (model, dataset or meta-info folders) and run the preflight again.',
    };
  }
  return {
    kind: 'traceback',
    title: `Training failed: ${detail}`,
    detail,
    lines,
    nextStep: 'Open the log to read the traceback; the preflight catches most setup problems before a launch.',
  };
}

/** A line that is an error by itself, outside a traceback (NCCL and OOM messages often are). */
export function loneErrorLine(line: string): TrainingError | undefined {
  if (OOM.test(line) || NCCL.test(line) || PORT.test(line)) return classifyError(line.trim(), [line]);
  return undefined;
}
