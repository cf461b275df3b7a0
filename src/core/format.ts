// Numbers as people read them in views, notifications and the CLI: sizes, durations and times.

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** 8.0 GiB, 512 MiB, 17 B: three significant figures at most. */
export function formatBytes(bytes: number): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

/** 38 h 12 min, 4 min 05 s, 12 s. */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const rest = total % 60;
  // A 40-hour run reads better in hours than as "1 d 16 h".
  if (hours >= 100) return `${Math.floor(hours / 24)} d ${hours % 24} h`;
  if (hours > 0) return `${hours} h ${String(minutes).padStart(2, '0')} min`;
  if (minutes > 0) return `${minutes} min ${String(rest).padStart(2, '0')} s`;
  return `${rest} s`;
}

/** tqdm's clock ("38:12:05", "12:05", "1 day, 2:03:04") in seconds; undefined when it is not one. */
export function parseClock(text: string | undefined): number | undefined {
  const match = /^(?:(\d+) days?, )?(\d+):(\d{2})(?::(\d{2}))?$/.exec(text?.trim() ?? '');
  if (!match) return undefined;
  const [, days, a, b, c] = match;
  const [hours, minutes, seconds] = c === undefined ? [0, Number(a), Number(b)] : [Number(a), Number(b), Number(c)];
  return Number(days ?? 0) * 86400 + hours * 3600 + minutes * 60 + seconds;
}

/** A local date and time without seconds: 2026-11-28 14:05. */
export function formatTime(ms: number): string {
  const date = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** tqdm's way: it/s at one step per second or more, s/it below. */
export function formatRate(rate: number | undefined): string | undefined {
  if (rate === undefined) return undefined;
  return rate >= 1 ? `${rate.toFixed(2)} it/s` : `${(1 / rate).toFixed(2)} s/it`;
}

/**
 * `text` with control characters written as escapes (`\n`, `\t`, `\x1b`), for one-line-per-item terminal output:
 * a file named "a\nerror …" must not print as two lines, nor an escape sequence recolour the terminal.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\\]/g, (char) => {
    const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\\': '\\\\' };
    const code = char.charCodeAt(0);
    return (
      named[char] ??
      (code > 0xff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\x${code.toString(16).padStart(2, '0')}`)
    );
  });
}
