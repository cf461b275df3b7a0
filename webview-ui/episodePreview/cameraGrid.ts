// The cameras side by side, one canvas each at its native size; the grid adapts to the panel, a click enlarges one.
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

  constructor(cameras: readonly PreviewCamera[], private readonly onToggleEnlarge: (camera: string) => void) {
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
      tile.root.title = isEnlarged ? `${tile.camera.name}: click to show every camera` : `${tile.camera.name}: click to enlarge`;
    }
    this.layout();
  }

  /** Paints one frame set: every canvas gets the image of the same index in the same call. */
  paint(index: number, images: readonly DecodedImage[]): void {
    this.tiles.forEach((tile, i) => {
      const image = images[i];
      if (image?.bitmap) {
        tile.context.drawImage(image.bitmap, 0, 0, tile.canvas.width, tile.canvas.height);
        tile.note.hidden = true;
      } else {
        tile.context.clearRect(0, 0, tile.canvas.width, tile.canvas.height);
        tile.note.textContent = image?.problem ?? 'No image.';
        tile.note.hidden = false;
      }
      tile.painted = index;
      tile.canvas.dataset.frame = String(index);
    });
  }

  get paintedIndices(): number[] {
    return this.tiles.map((tile) => tile.painted);
  }

  /** The picture "Save frame as PNG" writes: the enlarged camera, or every camera side by side at full size. */
  snapshot(): HTMLCanvasElement {
    const shown = this.enlarged ? this.tiles.filter((tile) => tile.camera.name === this.enlarged) : this.tiles;
    const height = Math.max(...shown.map((tile) => tile.canvas.height));
    const out = document.createElement('canvas');
    out.width = shown.reduce((sum, tile) => sum + Math.round((tile.canvas.width * height) / tile.canvas.height), 0);
    out.height = height;
    const context = out.getContext('2d')!;
    let x = 0;
    for (const tile of shown) {
      const width = Math.round((tile.canvas.width * height) / tile.canvas.height);
      context.drawImage(tile.canvas, x, 0, width, height);
      x += width;
    }
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
    label.textContent = `${camera.name} · ${camera.width}x${camera.height} · ${camera.encoding}`;
    const note = document.createElement('div');
    note.className = 'camera-note';
    note.hidden = true;
    frame.append(canvas, label, note);
    root.append(frame);
    new ResizeObserver(() => fitFrame(root, frame, camera)).observe(root);
    const toggle = () => this.onToggleEnlarge(camera.name);
    root.addEventListener('click', toggle);
    root.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        event.stopPropagation();
        toggle();
      }
    });
    return { camera, root, frame, canvas, context: canvas.getContext('2d', { alpha: false })!, note, painted: -1 };
  }

  private layout(): void {
    this.layoutGrid();
    for (const tile of this.tiles) fitFrame(tile.root, tile.frame, tile.camera);
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
      style.gridTemplateColumns = side === 'right' ? 'minmax(0, 4fr) minmax(0, 1fr)' : `repeat(${others}, minmax(0, 1fr))`;
      style.gridTemplateRows = side === 'right' ? `repeat(${others}, minmax(0, 1fr))` : 'minmax(0, 4fr) minmax(0, 1fr)';
      let slot = 1;
      for (const tile of this.tiles) {
        if (tile.camera.name === this.enlarged) {
          tile.root.style.gridArea = side === 'right' ? `1 / 1 / ${others + 1} / 2` : `1 / 1 / 2 / ${others + 1}`;
        } else {
          tile.root.style.gridArea = side === 'right' ? `${slot} / 2 / ${slot + 1} / 3` : `2 / ${slot} / 3 / ${slot + 1}`;
          slot++;
        }
      }
      return;
    }
    const grid = bestGrid(this.tiles.map((tile) => tile.camera), space);
    style.gridTemplateColumns = `repeat(${grid.columns}, minmax(0, 1fr))`;
    style.gridTemplateRows = `repeat(${grid.rows}, minmax(0, 1fr))`;
  }
}

/** The largest box of the camera's aspect ratio that fits its cell. */
function fitFrame(cell: HTMLElement, frame: HTMLElement, camera: PreviewCamera): void {
  const scale = Math.min(cell.clientWidth / camera.width, cell.clientHeight / camera.height);
  if (!Number.isFinite(scale) || scale <= 0) return;
  frame.style.width = `${Math.floor(camera.width * scale)}px`;
  frame.style.height = `${Math.floor(camera.height * scale)}px`;
}
