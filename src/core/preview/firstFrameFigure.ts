// The log line saying how long an Episode Preview took from the command to its first frame, and where the time went.
import type { FirstPaintSteps } from '../../protocol/episodePreview';

/**
 * Where the host was on the way (Date.now()): the command, the HTML set when a new document was needed, the episode
 * open, and the episode and its first frame set posted.
 */
export interface HostSteps {
  readonly command: number;
  readonly html?: number;
  readonly opened?: number;
  readonly posted?: number;
  readonly framesPosted?: number;
  /** Validation's start and end: it holds the extension host's thread. */
  readonly validation?: readonly [number, number];
}

/**
 * E.g. "first frame of a.hdf5 on screen 900 ms after the command (webview ready after 700 ms; html +1, opened +20,
 * posted +21, frames posted +30, document +400, script +650, ready +700, episode +720, frames +760, decoded +850,
 * painted +900 ms)". Host and page share the
 * machine's clock, so the figure ends when the page drew the frame, not when its message about it came back.
 */
export function describeFirstFrame(name: string, host: HostSteps, page: FirstPaintSteps): string {
  const after = (time: number) => Math.round(time - host.command);
  const steps: [string, number | undefined][] = [
    ['html', host.html],
    ['opened', host.opened],
    ['posted', host.posted],
    ['frames posted', host.framesPosted],
    ['document', page.document],
    ['script', page.script],
    ['ready', page.ready],
    ['episode', page.episode],
    ['frames', page.frames],
    ['decoded', page.decoded],
    ['painted', page.painted],
  ];
  const listed = steps
    .filter((step): step is [string, number] => step[1] !== undefined)
    .map(([label, time]) => `${label} +${after(time)}`)
    .join(', ');
  const validation = host.validation
    ? `, validation on the host +${after(host.validation[0])} to +${after(host.validation[1])}`
    : '';
  const ready = page.ready === undefined ? '' : `webview ready after ${after(page.ready)} ms; `;
  return `first frame of ${name} on screen ${after(page.painted)} ms after the command (${ready}${listed} ms${validation})`;
}
