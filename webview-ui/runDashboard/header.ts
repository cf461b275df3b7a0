// The dashboard's header: state, host, GPUs, step/total, it/s, ETA and elapsed, the config summary with a link to
// the run's snapshot, and a notice when the connection dropped or the run failed.
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import type { DashboardHeader, HeaderFact } from '../../src/protocol/runDashboard';
import { button, element, icon } from './dom';

export function renderHeader(
  target: HTMLElement,
  header: DashboardHeader,
  actions: { openSnapshot: () => void; openLog: () => void; refresh: () => void },
): void {
  const title = element('h1', 'run-title');
  title.append(icon(header.stateIcon, header.stateIcon === 'sync'), element('span', undefined, header.title));
  if (header.state) title.append(element('span', `state-badge state-${header.state}`, header.state));
  const facts = element('dl', 'facts');
  for (const fact of header.facts) facts.append(...factNodes(fact));
  const children: HTMLElement[] = [title, facts];
  if (header.progress && header.progress.total > 0) {
    const bar = document.createElement('vscode-progress-bar') as HTMLElement & { value: number; max: number };
    bar.className = 'run-progress';
    bar.value = header.progress.step;
    bar.max = header.progress.total;
    bar.setAttribute('aria-label', `step ${header.progress.step} of ${header.progress.total}`);
    children.push(bar);
  }
  if (header.configSummary.length > 0 || header.canOpenSnapshot) {
    const config = element('div', 'config-summary');
    const list = element('dl', 'facts compact');
    for (const fact of header.configSummary) list.append(...factNodes(fact));
    config.append(list);
    if (header.canOpenSnapshot)
      config.append(
        button('Config snapshot', 'file-code', actions.openSnapshot, 'Open the config this run was started with'),
      );
    children.push(config);
  }
  const tools = element('div', 'header-actions');
  if (header.kind === 'run') tools.append(button('', 'output', actions.openLog, 'Open the training log'));
  tools.append(button('', 'refresh', actions.refresh, 'Refresh now'));
  children.push(tools);
  if (header.notice)
    children.push(
      element(
        'div',
        header.notice.level === 'error'
          ? 'error-banner'
          : header.notice.level === 'warning'
            ? 'warning-banner'
            : 'info-banner',
        header.notice.text,
      ),
    );
  target.replaceChildren(...children);
}

function factNodes(fact: HeaderFact): HTMLElement[] {
  const term = element('dt', undefined, fact.label);
  const value = element('dd', undefined, fact.value);
  if (fact.title) value.title = fact.title;
  return [term, value];
}
