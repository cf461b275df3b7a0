// The Samples tab: validation videos grouped by step, newest first, fetched on demand into the local cache with
// progress; two steps side by side, played in sync, to see what training changed; and a step opened from the
// Quality tab, its worst predicted tile outlined at its frame.
import type { SampleGroupRow, SampleTile, WorstTile } from '../../src/protocol/runDashboard';
import { button, element, icon } from './dom';
import { syncVideos } from './syncedVideos';

interface TileState {
  src?: string;
  fraction?: number;
  error?: string;
}

export class SamplesTab {
  readonly element = element('section', 'samples-tab');
  private readonly compare = element('div', 'side-by-side');
  private readonly list = element('div', 'sample-groups');
  private readonly states = new Map<string, TileState>();
  private groups: readonly SampleGroupRow[] = [];
  private signature = '';
  private pair: { left?: number; right?: number; index: number } = { index: 0 };
  private compareSignature = '';
  /** The step opened from the Quality tab and its worst tile; `reveal` until its video has been scrolled to. */
  private focused: { step: number; worst: WorstTile; reveal: boolean } | undefined;

  constructor(private readonly actions: { fetch: (key: string) => void; failed: (key: string) => void }) {
    this.element.append(this.compare, this.list);
  }

  update(groups: readonly SampleGroupRow[]): void {
    this.groups = groups;
    for (const tile of groups.flatMap((g) => g.samples))
      if (tile.src) this.states.set(tile.key, { ...this.states.get(tile.key), src: tile.src });
    const signature = JSON.stringify(groups.map((g) => [g.step, g.samples.map((s) => [s.key, s.writing])]));
    if (signature === this.signature) return;
    this.signature = signature;
    if (this.pair.left === undefined || !groups.some((g) => g.step === this.pair.left))
      this.pair.left = groups[1]?.step ?? groups[0]?.step;
    if (this.pair.right === undefined || !groups.some((g) => g.step === this.pair.right))
      this.pair.right = groups[0]?.step;
    this.render();
  }

  /** Shows one step's videos (fetched if needed), the worst tile outlined and its video paused at that frame. */
  focus(step: number, worst: WorstTile): void {
    this.focused = { step, worst, reveal: true };
    const group = this.groups.find((candidate) => candidate.step === step);
    for (const tile of group?.samples ?? []) this.want(tile);
    this.render();
    const section = this.list.querySelector<HTMLElement>(`.sample-group[data-step="${step}"]`);
    section?.focus({ preventScroll: true });
    // The tab is being switched to: it has a layout to scroll in only from the next frames on.
    requestAnimationFrame(() => requestAnimationFrame(() => section?.scrollIntoView({ block: 'start' })));
  }

  /** Called when the tab is shown: the newest validation's videos are fetched without a click. */
  fetchNewest(): void {
    for (const tile of this.groups[0]?.samples ?? []) this.want(tile);
  }

  progress(key: string, fraction: number): void {
    this.states.set(key, { ...this.states.get(key), fraction, error: undefined });
    this.refreshTile(key);
  }

  ready(key: string, src: string): void {
    this.states.set(key, { src });
    this.refreshTile(key);
  }

  failed(key: string, message: string): void {
    this.states.set(key, { error: message });
    this.refreshTile(key);
  }

  /** Redraws one video's tiles only, so the others keep playing. */
  private refreshTile(key: string): void {
    const tile = this.groups.flatMap((g) => g.samples).find((s) => s.key === key);
    if (!tile) return;
    if (this.compare.querySelector(`figure[data-key="${CSS.escape(key)}"]`)) this.renderCompare();
    for (const node of this.list.querySelectorAll<HTMLElement>(`figure[data-key="${CSS.escape(key)}"]`))
      node.replaceWith(this.tile(tile, true));
    const group = this.groups.find((g) => g.samples.includes(tile));
    if (group)
      this.list.querySelector(`.sample-group[data-step="${group.step}"] > h2`)?.replaceWith(this.heading(group));
  }

  private want(tile: SampleTile | undefined): void {
    if (!tile || tile.writing) return;
    const state = this.states.get(tile.key);
    if (state?.src || state?.fraction !== undefined) return;
    this.states.set(tile.key, { fraction: 0 });
    this.actions.fetch(tile.key);
  }

  private render(): void {
    this.renderCompare();
    if (this.groups.length === 0) {
      this.list.replaceChildren(
        element(
          'p',
          'muted',
          'No validation video yet. Ctrl-World writes samples/train_steps_<step>_<i>.mp4 at each validation step.',
        ),
      );
      return;
    }
    this.list.replaceChildren(
      ...this.groups.map((group) => {
        const section = element('section', 'sample-group');
        section.dataset.step = String(group.step);
        if (this.focused?.step === group.step) {
          section.classList.add('focused');
          section.tabIndex = -1;
          section.setAttribute('aria-label', this.focused.worst.text);
        }
        const tiles = element('div', 'sample-tiles');
        tiles.append(...group.samples.map((tile) => this.tile(tile, true)));
        section.append(this.heading(group), tiles);
        return section;
      }),
    );
  }

  /** The step, and a button for the videos of it not fetched yet. */
  private heading(group: SampleGroupRow): HTMLElement {
    const heading = element('h2', undefined, `Step ${group.step.toLocaleString('en-US')}`);
    const missing = group.samples.filter(
      (s) => !s.writing && !this.states.get(s.key)?.src && this.states.get(s.key)?.fraction === undefined,
    );
    if (missing.length > 0)
      heading.append(
        button(`Load ${missing.length === 1 ? 'video' : `${missing.length} videos`}`, 'cloud-download', () =>
          group.samples.forEach((s) => this.want(s)),
        ),
      );
    return heading;
  }

  private tile(tile: SampleTile, controls: boolean): HTMLElement {
    const box = element('figure', 'sample-tile');
    box.dataset.key = tile.key;
    const state = this.states.get(tile.key);
    const worst = controls && this.focused?.worst.key === tile.key ? this.focused.worst : undefined;
    if (state?.src && worst) {
      box.classList.add('worst');
      box.append(this.worstVideo(tile.key, state.src, worst));
    } else if (state?.src) {
      const video = this.video(tile.key, state.src);
      video.controls = controls;
      box.append(video);
    } else {
      const placeholder = element('div', 'video-placeholder');
      if (tile.writing) placeholder.append(icon('loading', true), element('span', undefined, ' being written'));
      else if (state?.error) placeholder.append(element('span', 'error-text', state.error));
      else if (state?.fraction !== undefined)
        placeholder.append(
          icon('loading', true),
          element('span', undefined, ` fetching ${Math.round(state.fraction * 100)}%`),
        );
      else placeholder.append(button('Load', 'play', () => this.want(tile), `Fetch ${tile.name}`));
      box.append(placeholder);
    }
    box.append(element('figcaption', undefined, `#${tile.index} · ${tile.sizeText}`));
    if (worst) box.append(element('figcaption', 'worst-text', worst.text));
    return box;
  }

  /** The video paused at the worst tile's frame, the tile outlined (bottom row, its column of the grid). */
  private worstVideo(key: string, src: string, worst: WorstTile): HTMLElement {
    const frame = element('div', 'video-frame');
    const video = this.video(key, src);
    video.controls = true;
    video.autoplay = false;
    video.addEventListener(
      'loadedmetadata',
      () => {
        video.currentTime = ((worst.frame + 0.5) / worst.frames) * video.duration;
        // Videos loaded above it moved it: brought into view once, after which the user scrolls freely.
        if (this.focused?.reveal) {
          this.focused.reveal = false;
          frame.scrollIntoView({ block: 'center' });
        }
      },
      { once: true },
    );
    const outline = element('div', 'worst-tile');
    outline.style.left = `${(100 * worst.column) / worst.columns}%`;
    outline.style.width = `${100 / worst.columns}%`;
    outline.title = worst.text;
    // The outline marks one frame: it fades while the video plays on and returns when it is back at that frame.
    const near = () =>
      Math.abs(video.currentTime / video.duration - (worst.frame + 0.5) / worst.frames) < 0.5 / worst.frames;
    video.addEventListener('timeupdate', () => outline.classList.toggle('elsewhere', !near()));
    frame.append(video, outline);
    return frame;
  }

  private video(key: string, src: string): HTMLVideoElement {
    const video = document.createElement('video');
    video.src = src;
    video.muted = true;
    video.loop = true;
    video.playsInline = true;
    video.preload = 'metadata';
    video.addEventListener('error', () => this.actions.failed(key), { once: true });
    return video;
  }

  private renderCompare(): void {
    if (this.groups.length < 2) {
      this.compare.replaceChildren();
      this.compareSignature = '';
      return;
    }
    const steps = this.groups.map((g) => g.step);
    const select = (value: number | undefined, onChange: (step: number) => void, label: string) => {
      const node = document.createElement('select');
      node.setAttribute('aria-label', label);
      for (const step of steps)
        node.append(new Option(`step ${step.toLocaleString('en-US')}`, String(step), false, step === value));
      node.addEventListener('change', () => {
        onChange(Number(node.value));
        this.renderCompare();
      });
      return node;
    };
    const indices = [...new Set(this.groups.flatMap((g) => g.samples.map((s) => s.index)))].sort((a, b) => a - b);
    const indexSelect = document.createElement('select');
    indexSelect.setAttribute('aria-label', 'Video number');
    for (const index of indices)
      indexSelect.append(new Option(`video #${index}`, String(index), false, index === this.pair.index));
    indexSelect.addEventListener('change', () => {
      this.pair.index = Number(indexSelect.value);
      this.renderCompare();
    });
    const tileAt = (step: number | undefined) =>
      this.groups.find((g) => g.step === step)?.samples.find((s) => s.index === this.pair.index);
    const [left, right] = [tileAt(this.pair.left), tileAt(this.pair.right)];
    this.want(left);
    this.want(right);
    // Redrawn only when what it shows changed, so the pair keeps playing while other videos arrive.
    const signature = JSON.stringify([
      steps,
      indices,
      this.pair,
      [left, right].map((tile) => tile && [tile.key, this.states.get(tile.key)]),
    ]);
    if (signature === this.compareSignature) return;
    this.compareSignature = signature;
    const controls = element('div', 'toolbar');
    controls.append(
      element('span', undefined, 'Side by side:'),
      select(
        this.pair.left,
        (s) => {
          this.pair.left = s;
        },
        'Left step',
      ),
      select(
        this.pair.right,
        (s) => {
          this.pair.right = s;
        },
        'Right step',
      ),
      indexSelect,
    );
    const pair = element('div', 'pair');
    const leftTile = left ? this.tile(left, true) : element('div', 'video-placeholder', 'no such video');
    const rightTile = right ? this.tile(right, false) : element('div', 'video-placeholder', 'no such video');
    pair.append(leftTile, rightTile);
    const [a, b] = [leftTile.querySelector('video'), rightTile.querySelector('video')];
    if (a && b) {
      syncVideos(a, b);
      a.autoplay = true;
    }
    this.compare.replaceChildren(element('h2', undefined, 'Compare two steps'), controls, pair);
  }
}
