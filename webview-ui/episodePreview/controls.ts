// The always-visible header (episode, frame, time, flag), the transport toolbar and the scrubber with problem markers.
import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import {
  PREVIEW_SPEEDS,
  type PreviewEpisode,
  type PreviewFlag,
  type PreviewProblem,
  type PreviewViewState,
} from '../../src/protocol/episodePreview';
import { SHORTCUTS, type PlayerAction } from './keyboard';

export interface ControlCallbacks {
  run(action: PlayerAction): void;
  seek(index: number): void;
  setSpeed(speed: number): void;
  setLoop(loop: boolean): void;
  setChartWindow(frames: number): void;
  toggleCharts(): void;
  savePng(): void;
  copyIndex(): void;
  flag(): void;
  unflag(): void;
}

const WINDOW_SECONDS = [0, 2, 5, 10, 30];

export class Controls {
  readonly header = document.createElement('header');
  readonly toolbar = document.createElement('div');
  readonly scrubber = document.createElement('div');
  private readonly frameText = document.createElement('span');
  private readonly timeText = document.createElement('span');
  private readonly flagBadge = document.createElement('span');
  private readonly problemText = document.createElement('span');
  private readonly markers = document.createElement('div');
  private readonly range = document.createElement('input');
  private readonly playButton: HTMLElement;
  private readonly flagButton: HTMLElement;
  private flagged = false;

  constructor(
    private readonly episode: PreviewEpisode,
    state: PreviewViewState,
    private readonly on: ControlCallbacks,
  ) {
    this.buildHeader();
    this.toolbar.className = 'toolbar';
    this.toolbar.setAttribute('role', 'toolbar');
    this.toolbar.setAttribute('aria-label', 'Playback');
    this.toolbar.append(
      this.button('arrow-circle-left', 'First frame (Home)', () => on.run('first')),
      this.button('', '10 frames back (Shift+←)', () => on.run('back10'), '−10'),
      this.button('chevron-left', 'Previous frame (←)', () => on.run('back1')),
    );
    this.playButton = this.button('play', 'Play (Space)', () => on.run('togglePlay'));
    this.playButton.classList.add('play');
    this.toolbar.append(
      this.playButton,
      this.button('chevron-right', 'Next frame (→)', () => on.run('forward1')),
      this.button('', '10 frames forward (Shift+→)', () => on.run('forward10'), '+10'),
      this.button('arrow-circle-right', 'Last frame (End)', () => on.run('last')),
      this.select(
        'Speed',
        PREVIEW_SPEEDS.map((speed) => [String(speed), `${speed}x`]),
        String(state.speed),
        (value) => on.setSpeed(Number(value)),
      ),
      this.checkbox('Loop', state.loop, (checked) => on.setLoop(checked)),
      separator(),
      this.select(
        'Chart window',
        WINDOW_SECONDS.map((seconds) => [
          String(Math.round(seconds * episode.fps)),
          seconds === 0 ? 'Whole episode' : `${seconds} s window`,
        ]),
        String(state.chartWindow),
        (value) => on.setChartWindow(Number(value)),
      ),
      this.button('graph-line', 'Show or hide the charts', () => on.toggleCharts()),
      separator(),
      this.button('file-media', 'Save frame as PNG', () => on.savePng()),
      this.button('copy', 'Copy frame index', () => on.copyIndex()),
    );
    this.flagButton = this.button(
      'flag',
      'Flag episode',
      () => (this.flagged ? on.unflag() : on.flag()),
      'Flag episode',
    );
    this.flagButton.classList.add('flag-button');
    this.toolbar.append(this.flagButton, this.helpButton());
    this.buildScrubber();
  }

  setFrame(index: number): void {
    const last = this.episode.frameCount - 1;
    this.frameText.textContent = `Frame ${index} / ${last}`;
    this.timeText.textContent = `${formatTime(index / this.episode.fps)} / ${formatTime(last / this.episode.fps)}`;
    if (document.activeElement !== this.range || this.range.value !== String(index)) this.range.value = String(index);
    this.range.setAttribute('aria-valuetext', `frame ${index} of ${last}`);
  }

  setPlaying(playing: boolean): void {
    this.playButton.setAttribute('icon', playing ? 'debug-pause' : 'play');
    this.playButton.title = playing ? 'Pause (Space)' : 'Play (Space)';
    this.playButton.setAttribute('label', this.playButton.title);
  }

  setFlag(flag: PreviewFlag | null): void {
    this.flagged = flag !== null;
    this.flagBadge.hidden = !flag;
    this.flagBadge.textContent = flag ? `Flagged: ${flag.reason}` : '';
    this.flagBadge.title = flag
      ? `Flagged${flag.flaggedAt ? ` on ${new Date(flag.flaggedAt).toLocaleString()}` : ''}: ${flag.reason}. Conversion leaves this episode out.`
      : '';
    this.flagButton.textContent = flag ? 'Unflag' : 'Flag episode';
    this.flagButton.title = flag
      ? 'Unflag: include this episode in conversion again'
      : 'Flag episode: leave it out of conversion, with a reason';
    this.flagButton.setAttribute('label', this.flagButton.title);
  }

  private buildHeader(): void {
    const name = document.createElement('span');
    name.className = 'episode-name';
    name.textContent = this.episode.name;
    name.title = this.episode.file;
    this.frameText.className = 'frame-number';
    this.timeText.className = 'frame-time';
    this.flagBadge.className = 'flag-badge';
    this.flagBadge.hidden = true;
    const flagIcon = document.createElement('span');
    flagIcon.className = 'codicon codicon-flag';
    this.header.className = 'preview-header';
    this.header.append(name, this.frameText, this.timeText, this.problemText, this.flagBadge);
  }

  /** The count in the header (its tooltip lists them) and the markers of those with frames on the scrubber. */
  setProblems(problems: readonly PreviewProblem[]): void {
    const count = problems.length;
    this.problemText.className = count ? 'problem-count' : 'problem-count muted';
    this.problemText.textContent = count ? `${count} problem${count > 1 ? 's' : ''}` : 'no problems';
    this.problemText.title = problems.map((p) => `${p.severity}: ${p.message}`).join('\n');
    const slots = Math.max(1, this.episode.frameCount);
    this.markers.replaceChildren(
      ...problems
        .filter((problem) => problem.frames)
        .map((problem) => {
          const { first, last } = problem.frames!;
          const marker = document.createElement('button');
          marker.className = `marker ${problem.severity}`;
          marker.style.left = `${(first / slots) * 100}%`;
          marker.style.width = `${((last - first + 1) / slots) * 100}%`;
          marker.title = `${first === last ? `Frame ${first}` : `Frames ${first}–${last}`}: ${problem.message}`;
          marker.setAttribute('aria-label', marker.title);
          marker.addEventListener('click', () => this.on.seek(first));
          return marker;
        }),
    );
  }

  private buildScrubber(): void {
    this.scrubber.className = 'scrubber';
    const last = Math.max(0, this.episode.frameCount - 1);
    Object.assign(this.range, { type: 'range', min: '0', max: String(last), step: '1', value: '0' });
    this.range.setAttribute('aria-label', 'Frame');
    this.range.addEventListener('input', () => this.on.seek(Number(this.range.value)));
    this.markers.className = 'markers';
    this.setProblems(this.episode.problems);
    this.scrubber.append(this.range, this.markers);
  }

  private button(icon: string, title: string, onClick: () => void, text?: string): HTMLElement {
    const button = document.createElement('vscode-toolbar-button');
    if (icon) button.setAttribute('icon', icon);
    button.setAttribute('label', title);
    button.title = title;
    if (text) button.textContent = text;
    button.addEventListener('click', onClick);
    // A mouse click leaves the focus where it was, so Space keeps playing and pausing afterwards.
    button.addEventListener('mousedown', (event) => event.preventDefault());
    return button;
  }

  private select(
    label: string,
    options: Array<[string, string]>,
    value: string,
    onChange: (value: string) => void,
  ): HTMLElement {
    const select = document.createElement('vscode-single-select');
    select.setAttribute('aria-label', label);
    select.title = label;
    for (const [optionValue, text] of options) {
      const option = document.createElement('vscode-option');
      option.setAttribute('value', optionValue);
      option.textContent = text;
      if (optionValue === value) option.setAttribute('selected', '');
      select.append(option);
    }
    select.addEventListener('change', () => onChange(select.value));
    return select;
  }

  private checkbox(label: string, checked: boolean, onChange: (checked: boolean) => void): HTMLElement {
    const box = document.createElement('vscode-checkbox');
    box.setAttribute('label', label);
    box.checked = checked;
    box.addEventListener('change', () => onChange(box.checked));
    return box;
  }

  /** The shortcuts, from the same table the key handler uses, in a tooltip shown on hover and keyboard focus. */
  private helpButton(): HTMLElement {
    const wrap = document.createElement('span');
    wrap.className = 'help';
    const button = this.button('question', 'Keyboard shortcuts', () => undefined);
    const tip = document.createElement('div');
    tip.className = 'help-tip';
    tip.id = 'shortcut-help';
    tip.setAttribute('role', 'tooltip');
    const list = document.createElement('dl');
    for (const shortcut of SHORTCUTS) {
      const keys = document.createElement('dt');
      keys.textContent = shortcut.keys;
      const what = document.createElement('dd');
      what.textContent = shortcut.description;
      list.append(keys, what);
    }
    const hint = document.createElement('p');
    hint.textContent = 'Click a camera to enlarge it; click a chart to go to that frame.';
    tip.append(list, hint);
    button.setAttribute('aria-describedby', tip.id);
    wrap.append(button, tip);
    return wrap;
  }
}

function separator(): HTMLElement {
  const line = document.createElement('span');
  line.className = 'separator';
  line.setAttribute('role', 'separator');
  return line;
}

/** m:ss.cc, the way video players show time. */
function formatTime(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  const rest = seconds - minutes * 60;
  return `${minutes}:${rest.toFixed(2).padStart(5, '0')}`;
}
