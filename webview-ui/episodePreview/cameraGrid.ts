// The cameras side by side, one canvas each; the grid adapts to the panel, a click enlarges one.
import type { PreviewCamera } from '../../src/protocol/episodePreview';
import type { DecodedImage } from './decode';
import { bestGrid, stripSide } from './layout';

interface Tile {
  readonly camera: PreviewCamera;
  /** The grid cell; `frame` inside it has the camera's aspect ratio, so the caption sits on the picture. */
  readonly root: HTMLElement;
  readonly frame: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  readonly context: CanvasRenderingContext2D;
  readonly note: HTMLElement;
  /** The frame index this canvas shows: the sync check reads it. */
  painted: number;
}

export class CameraGrid {
  readonly element = document.createElement('div');
  private readonly tiles: Tile[];
  private enlarged: string | null = null;

  constructor(
    cameras: readonly PreviewCamera[],
    private readonly onToggleEnlarge: (camera: string) => void,
  ) {
    this.element.className = 'camera-grid';
    this.tiles = cameras.map((camera) => this.createTile(camera));
    this.element.append(...this.tiles.map((tile) => tile.root));
    new ResizeObserver(() => this.layout()).observe(this.element);
  }

  setEnlarged(camera: string | null): void {
    this.enlarged = this.tiles.some((tile) => tile.camera.name === camera) ? camera : null;
    for (const tile of this.tiles) {
      const isEnlarged = tile.camera.name === this.enlarged;
      tile.root.classList.toggle('enlarged', isEnlarged);
      tile.root.setAttribute('aria-pressed', String(isEnlarged));
      tile.root.title = isEnlarged
        ? `${tile.camera.name}: click to show every camera`
        : `${tile.camera.name}: click to enlarge`;
    }
    this.layout();
  }

  /** Paints one frame set: every canvas gets the image of the same index in the same call. */
  paint(index: number, images: readonly DecodedImage[]): void {
    this.tiles.forEach((tile, i) => {
      drawTile(tile, images[i]);
      tile.painted = index;
      tile.canvas.dataset.frame = String(index);
    });
  }

  get paintedIndices(): number[] {
    return this.tiles.map((tile) => tile.painted);
  }

  /** The picture "Save frame as PNG" writes: the enlarged camera, or every camera side by side, at full resolution. */
  snapshot(): HTMLCanvasElement {
    const shown = this.enlarged ? this.tiles.filter((tile) => tile.camera.name === this.enlarged) : this.tiles;
    const height = Math.max(...shown.map((tile) => tile.camera.height));
    const widths = shown.map((tile) => Math.round((tile.camera.width * height) / tile.camera.height));
    const out = document.createElement('canvas');
    out.width = widths.reduce((sum, width) => sum + width, 0);
    out.height = height;
    const context = out.getContext('2d')!;
    let x = 0;
    shown.forEach((tile, i) => {
      context.drawImage(tile.canvas, x, 0, widths[i]!, height);
      x += widths[i]!;
    });
    return out;
  }

  private createTile(camera: PreviewCamera): Tile {
    const root = document.createElement('figure');
    root.className = 'camera';
    root.tabIndex = 0;
    root.setAttribute('role', 'button');
    root.dataset.camera = camera.name;
    const frame = document.createElement('div');
    frame.className = 'camera-frame';
    const canvas = document.createElement('canvas');
    canvas.width = camera.width;
    canvas.height = camera.height;
    canvas.setAttribute('aria-label', `${camera.name} camera`);
    const label = document.createElement('figcaption');
    const order = camera.colorOrder ? ` ${camera.colorOrder.toUpperCase()}` : '';
    label.textContent = `${camera.name} · ${camera.width}x${camera.height} · ${camera.encoding}${order}`;
    const note = document.createElement('div');
    note.className = 'camera-note';
    note.hidden = true;
    frame.append(canvas, label, note);
    root.append(frame);
    const toggle = () => this.onToggleEnlarge(camera.name);
    root.addEventListener('click', toggle);
    root.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        event.stopPropagation();
        toggle();
      }
    });
    const tile: Tile = {
      camera,
      root,
      frame,
      canvas,
      context: canvas.getContext('2d', { alpha: false })!,
      note,
      painted: -1,
    };
    new ResizeObserver(() => this.fit(tile)).observe(root);
    return tile;
  }

  private layout(): void {
    this.layoutGrid();
    for (const tile of this.tiles) this.fit(tile);
  }

  private layoutGrid(): void {
    const space = { width: this.element.clientWidth, height: this.element.clientHeight };
    const style = this.element.style;
    this.element.classList.remove('strip-right', 'strip-bottom');
    for (const tile of this.tiles) tile.root.style.gridArea = '';
    if (this.enlarged && this.tiles.length > 1) {
      const others = this.tiles.length - 1;
      const side = stripSide(space);
      this.element.classList.add(`strip-${side}`);
      style.gridTemplateColumns =
        side === 'right' ? 'minmax(0, 4fr) minmax(0, 1fr)' : `repeat(${others}, minmax(0, 1fr))`;
      style.gridTemplateRows = side === 'right' ? `repeat(${others}, minmax(0, 1fr))` : 'minmax(0, 4fr) minmax(0, 1fr)';
      let slot = 1;
      for (const tile of this.tiles) {
        if (tile.camera.name === this.enlarged) {
          tile.root.style.gridArea = side === 'right' ? `1 / 1 / ${others + 1} / 2` : `1 / 1 / 2 / ${others + 1}`;
        } else {
          tile.root.style.gridArea =
            side === 'right' ? `${slot} / 2 / ${slot + 1} / 3` : `2 / ${slot} / 3 / ${slot + 1}`;
          slot++;
        }
      }
      return;
    }
    const grid = bestGrid(
      this.tiles.map((tile) => tile.camera),
      space,
    );
    style.gridTemplateColumns = `repeat(${grid.columns}, minmax(0, 1fr))`;
    style.gridTemplateRows = `repeat(${grid.rows}, minmax(0, 1fr))`;
  }

  /**
   * The largest box of the camera's aspect ratio that fits its cell. The canvas keeps the camera's own pixels and
   * the page scales it: the pixels are copied in as decoded, with no scaling pass per frame, and a resize repaints
   * nothing.
   */
  private fit(tile: Tile): void {
    const { camera, root, frame } = tile;
    const scale = Math.min(root.clientWidth / camera.width, root.clientHeight / camera.height);
    if (!Number.isFinite(scale) || scale <= 0) return;
    frame.style.width = `${Math.floor(camera.width * scale)}px`;
    frame.style.height = `${Math.floor(camera.height * scale)}px`;
  }
}

/** Copies the image's pixels into the tile's canvas (sized to them), or says why there is none. */
function drawTile(tile: Tile, image: DecodedImage | undefined): void {
  const { canvas, context } = tile;
  const size = image?.pixels ?? image?.bitmap;
  if (size && (canvas.width !== size.width || canvas.height !== size.height)) {
    canvas.width = size.width;
    canvas.height = size.height;
  }
  if (image?.pixels) context.putImageData(image.pixels, 0, 0);
  else if (image?.bitmap) context.drawImage(image.bitmap, 0, 0);
  else context.clearRect(0, 0, canvas.width, canvas.height);
  tile.note.hidden = size !== undefined;
  if (!size) tile.note.textContent = image?.problem ?? 'No image.';
}
