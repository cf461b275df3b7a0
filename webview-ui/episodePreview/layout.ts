// Adaptive camera layout: the grid (columns x rows) that shows the cameras largest in the space the panel has.
// Pure logic, unit-tested.

export interface Size {
  readonly width: number;
  readonly height: number;
}

export interface Grid {
  readonly columns: number;
  readonly rows: number;
  /** Displayed pixels of one camera image at this grid, for comparing grids. */
  readonly imageArea: number;
}

/**
 * Tries every column count and keeps the one whose cells show the cameras largest (each image is fitted into its
 * cell keeping its aspect ratio). A wide panel puts the cameras in one row, a tall one stacks them.
 */
export function bestGrid(cameras: readonly Size[], space: Size, gap = 6): Grid {
  const count = Math.max(1, cameras.length);
  let best: Grid = { columns: 1, rows: count, imageArea: 0 };
  for (let columns = 1; columns <= count; columns++) {
    const rows = Math.ceil(count / columns);
    const cellWidth = (space.width - gap * (columns - 1)) / columns;
    const cellHeight = (space.height - gap * (rows - 1)) / rows;
    if (cellWidth <= 0 || cellHeight <= 0) continue;
    const imageArea = Math.min(
      ...(cameras.length > 0 ? cameras : [{ width: 4, height: 3 }]).map((camera) => {
        const scale = Math.min(cellWidth / camera.width, cellHeight / camera.height);
        return camera.width * scale * camera.height * scale;
      }),
    );
    if (imageArea > best.imageArea) best = { columns, rows, imageArea };
  }
  return best;
}

/** With one camera enlarged, the others go to a strip beside it (wide panels) or below it (tall panels). */
export function stripSide(space: Size): 'right' | 'bottom' {
  return space.width / Math.max(1, space.height) > 1.6 ? 'right' : 'bottom';
}
