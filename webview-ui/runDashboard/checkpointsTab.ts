// The Checkpoints tab: checkpoint-N.pt with step, size, time and the quality of the nearest validation at or before
// it, the best so far marked; one still being written is marked and offers nothing; the disk forecast says how
// many more fit.
import type { CheckpointQualityRow, CheckpointRow, DiskRow } from '../../src/protocol/runDashboard';
import { button, element, icon } from './dom';

export class CheckpointsTab {
  readonly element = element('section', 'checkpoints-tab');
  private readonly disk = element('div', 'disk');
  private readonly table = element('table', 'checkpoints');
  private rows: readonly CheckpointRow[] = [];
  private quality = new Map<number, CheckpointQualityRow>();

  constructor(private readonly actions: { download: (step: number) => void; resume: (step: number) => void }) {
    const head = element('thead');
    const row = element('tr');
    for (const title of ['Step', 'File', 'Size', 'Written', 'Quality', 'State', ''])
      row.append(element('th', undefined, title));
    head.append(row);
    this.table.append(head, element('tbody'));
    this.element.append(this.disk, this.table);
  }

  update(rows: readonly CheckpointRow[], disk: DiskRow | undefined): void {
    this.disk.className = `disk ${disk?.level === 'critical' ? 'error-banner' : disk?.level === 'warning' ? 'warning-banner' : 'muted'}`;
    this.disk.textContent = disk?.text ?? '';
    this.rows = rows;
    this.render();
  }

  setQuality(rows: readonly CheckpointQualityRow[]): void {
    this.quality = new Map(rows.map((row) => [row.step, row]));
    this.render();
  }

  private render(): void {
    const rows = this.rows;
    const body = this.table.tBodies[0];
    if (rows.length === 0) {
      const empty = element('tr');
      const cell = element('td', 'muted', 'No checkpoint yet.');
      cell.colSpan = 7;
      empty.append(cell);
      body.replaceChildren(empty);
      return;
    }
    body.replaceChildren(...[...rows].reverse().map((row) => this.row(row)));
  }

  private row(checkpoint: CheckpointRow): HTMLTableRowElement {
    const row = element('tr');
    row.dataset.step = String(checkpoint.step);
    if (this.quality.get(checkpoint.step)?.best) row.classList.add('is-best');
    const state = element('td', 'state');
    const actions = element('td', 'actions');
    if (checkpoint.writing) {
      state.append(icon('loading', true), element('span', 'writing', ` ${checkpoint.writing}`));
      row.classList.add('is-writing');
    } else if (checkpoint.downloading !== undefined) {
      state.append(
        icon('cloud-download'),
        element('span', undefined, ` downloading ${Math.round(checkpoint.downloading * 100)}%`),
      );
    } else {
      state.append(icon('check'), element('span', undefined, ' saved'));
      const buttons = element('div', 'action-buttons');
      buttons.append(
        button('', 'cloud-download', () => this.actions.download(checkpoint.step), `Download ${checkpoint.name}`),
        button(
          '',
          'debug-continue',
          () => this.actions.resume(checkpoint.step),
          `Continue training from ${checkpoint.name}`,
        ),
      );
      actions.append(buttons);
    }
    row.append(
      element('td', 'num', checkpoint.step.toLocaleString('en-US')),
      element('td', undefined, checkpoint.name),
      element('td', 'num', checkpoint.sizeText),
      element('td', undefined, checkpoint.timeText),
      this.qualityCell(checkpoint.step),
      state,
      actions,
    );
    return row;
  }

  private qualityCell(step: number): HTMLTableCellElement {
    const cell = element('td', 'quality');
    const quality = this.quality.get(step);
    if (!quality) {
      cell.append(element('span', 'muted', '–'));
      cell.title = 'No validation measured at or before this step (the Quality tab measures them).';
      return cell;
    }
    cell.title = quality.source;
    cell.append(element('span', 'num', `SSIM ${quality.ssimText} · PSNR ${quality.psnrText}`));
    if (quality.best) {
      const badge = element('span', 'best-badge', 'best so far');
      badge.title = 'The highest SSIM of all checkpoints so far: the one to download.';
      cell.append(badge);
    }
    return cell;
  }
}
