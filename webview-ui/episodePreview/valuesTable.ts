// The values at the playhead as a table, one row per series and a column per dimension: what the charts show, in a
// form a screen reader (and anyone wanting exact numbers) can read. Closed by default; updated at most four times a
// second while playing, so reading it is not drowned in updates.
import type { PreviewSeries } from '../../src/protocol/episodePreview';

const UPDATE_INTERVAL_MS = 250;

export class ValuesTable {
  readonly element = document.createElement('details');
  private readonly caption = document.createElement('caption');
  private readonly cells: HTMLTableCellElement[][];
  private shownIndex = -1;
  private pendingIndex = -1;
  private lastUpdate = 0;
  private timer = 0;

  constructor(private readonly series: readonly PreviewSeries[]) {
    this.element.className = 'values-table';
    const summary = document.createElement('summary');
    summary.textContent = 'Values at the playhead';
    const table = document.createElement('table');
    const widest = Math.max(0, ...series.map((s) => s.dimensions));
    const head = table.createTHead().insertRow();
    head.append(headerCell('Array', 'col'));
    for (let d = 0; d < widest; d++) head.append(headerCell(`[${d}]`, 'col'));
    const body = table.createTBody();
    this.cells = series.map((s) => {
      const row = body.insertRow();
      row.append(headerCell(s.name, 'row'));
      return Array.from({ length: widest }, () => row.insertCell());
    });
    table.prepend(this.caption);
    this.element.append(summary, table);
    // Opened: show the values of now at once, not at the next frame.
    this.element.addEventListener('toggle', () => this.element.open && this.render(this.pendingIndex));
  }

  /** The playhead moved; the table follows when it is open. */
  setFrame(index: number): void {
    this.pendingIndex = index;
    if (!this.element.open || index === this.shownIndex || this.timer) return;
    const wait = this.lastUpdate + UPDATE_INTERVAL_MS - performance.now();
    if (wait <= 0) this.render(index);
    else
      this.timer = window.setTimeout(() => {
        this.timer = 0;
        this.render(this.pendingIndex);
      }, wait);
  }

  dispose(): void {
    clearTimeout(this.timer);
  }

  private render(index: number): void {
    if (index < 0) return;
    this.lastUpdate = performance.now();
    this.shownIndex = index;
    this.caption.textContent = `Frame ${index}`;
    this.series.forEach((s, i) => {
      const row = valueRow(s, index);
      for (let d = 0; d < s.dimensions; d++) this.cells[i]![d]!.textContent = formatValue(row?.[d]);
    });
  }
}

/** The series' values at a frame: the plotted row at or before it (long episodes plot every frameStep-th frame). */
export function valueRow(series: PreviewSeries, frame: number): number[] | undefined {
  const rows = Math.floor(series.values.length / Math.max(1, series.dimensions));
  const row = Math.min(rows - 1, Math.floor(frame / Math.max(1, series.frameStep)));
  if (row < 0) return undefined;
  return Array.from(series.values.subarray(row * series.dimensions, (row + 1) * series.dimensions));
}

function formatValue(value: number | undefined): string {
  if (value === undefined) return '';
  if (Number.isNaN(value)) return 'NaN';
  return Number.isFinite(value) ? value.toFixed(4) : String(value);
}

function headerCell(text: string, scope: 'col' | 'row'): HTMLTableCellElement {
  const cell = document.createElement('th');
  cell.scope = scope;
  cell.textContent = text;
  return cell;
}
