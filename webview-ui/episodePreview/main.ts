// Episode Preview panel: cameras in sync, transport controls, charts that follow the frame, flag and save actions.
import { markReady, takeDocumentSteps } from './pageSteps';
import './episodePreview.css';
import {
  defaultViewState,
  type EpisodePreviewHostMessage,
  type EpisodePreviewViewMessage,
  type PreviewEpisode,
  type PreviewViewState,
} from '../../src/protocol/episodePreview';
import { linkCodicons } from '../shared/codicons';
import { HostChannel } from '../shared/host';
import { renderEmptyState } from '../shared/emptyState';
import { CameraGrid } from './cameraGrid';
import { SeriesCharts } from './charts';
import { Controls } from './controls';
import { bindShortcuts, type PlayerAction } from './keyboard';
import { Player } from './player';
import { FrameDecoder } from './decodeWorker';
import { ValuesTable } from './valuesTable';
import { FrameFetcher } from './frameFetcher';

const app = document.getElementById('app')!;
document.body.classList.add('panel', 'episode-preview');
const decoder = new FrameDecoder();

let preview: EpisodePreview | undefined;

const channel = new HostChannel<EpisodePreviewHostMessage, EpisodePreviewViewMessage, PreviewViewState>((message) => {
  // Before the first icon, and no earlier: VS Code hands over what the host posted early at the document's load event,
  // which a stylesheet linked while the document loads would hold up.
  linkCodicons();
  switch (message.type) {
    case 'episode': {
      const received = Date.now();
      // The panel may be given another episode: the previous one lets go of its frames, timers and observers.
      preview?.dispose();
      document.title = message.episode.name;
      preview = new EpisodePreview(
        message.episode,
        restoredState(message.episode.file, message.initial),
        message.frameCacheMB * 2 ** 20,
        message.servedFrame,
        received,
        message.frameUrl,
      );
      break;
    }
    case 'frames':
      if (!preview) break;
      preview.framesArrived();
      channel.post({ type: 'received', file: preview.file, count: message.sets.length });
      for (const set of message.sets) preview.player.receive(set);
      break;
    case 'frameUrl':
      if (preview?.file === message.file) preview.fetchFrom(message.url);
      break;
    case 'navigate':
      preview?.navigate(message.frame, message.enlarged);
      break;
    case 'flag':
      preview?.controls.setFlag(message.flag);
      break;
    case 'kept':
      preview?.keep(message.kept);
      break;
    case 'problems':
      preview?.controls.setProblems(message.problems);
      break;
    case 'failed':
      preview?.dispose();
      preview = undefined;
      showFailure(message.message);
      break;
  }
});

bindShortcuts((action) => preview?.run(action));

/** The webview's remembered state wins for the same file (a reload); otherwise what the opener asked for. */
function restoredState(file: string, initial: Partial<PreviewViewState>): PreviewViewState {
  const remembered = channel.state;
  if (remembered && remembered.file === file) return { ...defaultViewState(file), ...remembered };
  const given = Object.fromEntries(Object.entries(initial).filter(([, value]) => value !== undefined));
  return { ...defaultViewState(file), ...given, file };
}

class EpisodePreview {
  readonly player: Player;
  readonly controls: Controls;
  private readonly grid: CameraGrid;
  private charts: SeriesCharts | undefined;
  private readonly chartHost = document.createElement('section');
  private readonly values: ValuesTable;
  /** Fetches frame sets from the host's frame server, when it has one; otherwise they are asked for by message. */
  private fetcher: FrameFetcher | undefined;
  private saveTimer = 0;
  private firstPaintSent = false;
  /** When the first frame sets arrived, for the first-frame figure. */
  private framesAt: number | undefined;
  private disposed = false;
  readonly file: string;

  constructor(
    private readonly episode: PreviewEpisode,
    private state: PreviewViewState,
    cacheBytes: number,
    servedFrame: number,
    private readonly receivedAt: number,
    frameUrl: string | undefined,
  ) {
    this.file = episode.file;
    if (frameUrl !== undefined) this.fetchFrom(frameUrl);
    app.replaceChildren();
    app.className = 'preview';
    this.controls = new Controls(episode, state, {
      run: (action) => this.run(action),
      seek: (index) => this.player.seek(index),
      setSpeed: (speed) => {
        this.player.setSpeed(speed);
        this.remember({ speed });
      },
      setLoop: (loop) => {
        this.player.setLoop(loop);
        this.remember({ loop });
      },
      setChartWindow: (frames) => {
        this.charts?.setWindow(frames);
        this.remember({ chartWindow: frames });
      },
      toggleCharts: () => this.showCharts(!this.state.chartsVisible),
      savePng: () => void this.saveFrame(),
      copyIndex: () => channel.post({ type: 'copyFrameIndex', index: this.player.frame }),
      flag: () => channel.post({ type: 'flagEpisode' }),
      unflag: () => channel.post({ type: 'unflagEpisode' }),
    });
    this.controls.setFlag(episode.flag);
    this.grid = new CameraGrid(episode.cameras, (camera) => {
      const enlarged = this.state.enlarged === camera ? null : camera;
      this.grid.setEnlarged(enlarged);
      this.remember({ enlarged });
    });
    this.grid.setEnlarged(state.enlarged);
    this.chartHost.className = 'chart-host';
    this.values = new ValuesTable(episode.series.filter((series) => series.values.length > 0));
    app.append(
      this.controls.header,
      this.grid.element,
      this.controls.scrubber,
      this.controls.toolbar,
      this.chartHost,
      this.values.element,
    );
    this.player = new Player(
      episode,
      { ...state, servedFrame },
      cacheBytes,
      app,
      {
        paint: (index, images) => this.painted(index, images),
        playingChanged: (playing) => {
          this.controls.setPlaying(playing);
          if (!playing) this.remember({ frame: this.player.frame });
        },
      },
      (indices, replace) => (this.fetcher ? this.fetcher.want(indices, replace) : this.askByMessage(indices, replace)),
      decoder,
    );
    this.controls.setFrame(this.player.frame);
    this.remember({});
  }

  dispose(): void {
    this.disposed = true;
    this.fetcher?.dispose();
    this.player.dispose();
    this.charts?.dispose();
    this.values.dispose();
    clearTimeout(this.saveTimer);
  }

  /** Later frames come from the host's frame server; what was already asked for by message still comes. */
  fetchFrom(url: string): void {
    this.fetcher?.dispose();
    this.fetcher = new FrameFetcher(
      url,
      (set) => {
        this.framesArrived();
        // For tests and the benchmark: frames that came over HTTP, not as messages.
        app.dataset.fetchedSets = String(Number(app.dataset.fetchedSets ?? 0) + 1);
        this.player.receive(set);
      },
      (indices, replace, reason) => {
        if (reason) channel.post({ type: 'frameFetchFailed', reason });
        this.askByMessage(indices, replace);
      },
    );
  }

  private askByMessage(indices: number[], replace: boolean): void {
    channel.post({ type: 'want', file: this.file, indices, replace });
  }

  framesArrived(): void {
    this.framesAt ??= Date.now();
  }

  keep(kept: boolean): void {
    this.remember({ kept });
  }

  /** Opened again from elsewhere: go where the opener points. */
  navigate(frame: number | undefined, enlarged: string | null | undefined): void {
    if (frame !== undefined) this.player.seek(frame);
    if (enlarged !== undefined) {
      this.grid.setEnlarged(enlarged);
      this.remember({ enlarged });
    }
  }

  private painted(index: number, images: Parameters<CameraGrid['paint']>[1]): void {
    this.grid.paint(index, images);
    app.dataset.cameraFrames = this.grid.paintedIndices.join(',');
    this.controls.setFrame(index);
    this.charts?.setCursor(index);
    this.values.setFrame(index);
    if (!this.firstPaintSent) {
      this.firstPaintSent = true;
      const painted = Date.now();
      channel.post({
        type: 'firstPaint',
        index,
        steps: {
          ...takeDocumentSteps(),
          episode: this.receivedAt,
          frames: this.framesAt ?? painted,
          decoded: this.player.firstDecodedAt ?? painted,
          painted,
        },
      });
      // Charts are built once the first picture is on screen (after the next rendering), so it shows as early as
      // possible and the message saying so is not held up behind them.
      requestAnimationFrame(() => setTimeout(() => this.disposed || this.showCharts(this.state.chartsVisible), 0));
    }
    this.rememberSoon();
  }

  run(action: PlayerAction): void {
    const last = this.episode.frameCount - 1;
    switch (action) {
      case 'togglePlay':
        return this.player.toggle();
      case 'back1':
        return this.player.step(-1);
      case 'forward1':
        return this.player.step(1);
      case 'back10':
        return this.player.step(-10);
      case 'forward10':
        return this.player.step(10);
      case 'first':
        return this.player.step(-last);
      case 'last':
        return this.player.step(last);
    }
  }

  private showCharts(visible: boolean): void {
    this.chartHost.hidden = !visible;
    app.classList.toggle('charts-hidden', !visible);
    if (visible && !this.charts) {
      this.charts = new SeriesCharts(this.episode.series, this.episode.frameCount, new Set(this.state.hiddenSeries), {
        seek: (index) => this.player.seek(index),
        hiddenChanged: (hiddenSeries) => this.remember({ hiddenSeries }),
      });
      this.chartHost.append(this.charts.element);
      this.charts.setWindow(this.state.chartWindow);
      this.charts.setCursor(this.player.frame);
    }
    if (visible !== this.state.chartsVisible) this.remember({ chartsVisible: visible });
  }

  private async saveFrame(): Promise<void> {
    const index = this.player.frame;
    const blob = await new Promise<Blob | null>((resolve) => this.grid.snapshot().toBlob(resolve, 'image/png'));
    if (!blob) return;
    const png = await blob.arrayBuffer();
    channel.post({ type: 'saveFramePng', index, png, label: this.state.enlarged ?? 'all cameras' }, [png]);
  }

  private remember(change: Partial<PreviewViewState>): void {
    this.state = { ...this.state, ...change, frame: this.player?.frame ?? this.state.frame };
    channel.state = this.state;
  }

  /** While playing, the position is saved twice a second rather than on every frame. */
  private rememberSoon(): void {
    if (this.saveTimer) return;
    this.saveTimer = window.setTimeout(() => {
      this.saveTimer = 0;
      this.remember({});
    }, 500);
  }
}

function showFailure(message: string): void {
  app.className = '';
  renderEmptyState(app, {
    icon: 'warning',
    message,
    action: { label: 'Show Output', run: () => channel.post({ type: 'showOutput' }) },
  });
}

markReady();
channel.ready();
