// The Checkpoints tab: checkpoint-N.pt with step, size and time; one still being written is marked and offers
// nothing; the disk forecast says how many more fit.
import type { CheckpointRow, DiskRow } from '../../src/protocol/runDashboard';
import { button, element, icon } from './dom';

export class CheckpointsTab {
  readonly element = element('section', 'checkpoints-tab');
  private readonly disk = element('div', 'disk');
  private readonly table = element('table', 'checkpoints');

  constructor(private readonly actions: { download: (step: number) => void; resume: (step: number) => void }) {
    const head = element('thead');
    const row = element('tr');
    for (const title of ['Step', 'File', 'Size', 'Written', 'State', '']) row.append(element('th', undefined, title));
    head.append(row);
    this.table.append(head, element('tbody'));
    this.element.append(this.disk, this.table);
  }

  update(rows: readonly CheckpointRow[], disk: DiskRow | undefined): void {
    this.disk.className = `disk ${disk?.level === 'critical' ? 'error-banner' : disk?.level === 'warning' ? 'warning-banner' : 'muted'}`;
    this.disk.textContent = disk?.text ?? '';
    const body = this.table.tBodies[0];
    if (rows.length === 0) {
      const empty = element('tr');
      const cell = element('td', 'muted', 'No checkpoint yet.');
      cell.colSpan = 6;
      empty.append(cell);
      body.replaceChildren(empty);
      return;
    }
    body.replaceChildren(...[...rows].reverse().map((row) => this.row(row)));
  }

  private row(checkpoint: CheckpointRow): HTMLTableRowElement {
    const row = element('tr');
    row.dataset.step = String(checkpoint.step);
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
      state,
      actions,
    );
    return row;
  }
}
