// The figures that matter before launch, live, and the FAQ's out-of-memory remedies as one-click fixes.
import type { ConfigEditorState, ConfigEditorViewMessage } from '../../src/protocol/configEditor';
import { el, icon } from './dom';

type Post = (message: ConfigEditorViewMessage) => void;

function value(state: ConfigEditorState, field: string): string {
  return state.fields.find((f) => f.name === field)?.inputText ?? '?';
}

export function renderFigures(container: HTMLElement, state: ConfigEditorState): void {
  const { derived, environment } = state;
  const over = derived.memoryPerGpuGb > environment.gpuMemoryGb;
  const figure = (id: string, label: string, shown: string, detail: string, extra?: HTMLElement) =>
    el(
      'div',
      {
        className: `figure${id === 'memoryPerGpuGb' && over ? ' over' : ''}`,
        'data-figure': id,
        role: 'group',
        'aria-label': label,
      },
      el('div', { className: 'label' }, label),
      el('div', { className: 'value' }, shown),
      el('div', { className: 'detail' }, detail),
      extra,
    );
  const meter = el(
    'div',
    {
      className: 'meter',
      role: 'meter',
      'aria-valuemin': '0',
      'aria-valuemax': String(environment.gpuMemoryGb),
      'aria-valuenow': String(derived.memoryPerGpuGb),
      'aria-label': 'Estimated memory per GPU',
    },
    el('div'),
  );
  (meter.firstChild as HTMLElement).style.setProperty(
    'width',
    `${Math.min(100, (100 * derived.memoryPerGpuGb) / environment.gpuMemoryGb)}%`,
  );
  container.replaceChildren(
    figure(
      'globalBatch',
      'Global batch',
      String(derived.globalBatch),
      `${value(state, 'train_batch_size')} per GPU × ${environment.gpus} GPUs × ${value(state, 'gradient_accumulation_steps')} accumulation`,
    ),
    figure(
      'checkpoints',
      'Checkpoints',
      String(derived.checkpoints),
      `${derived.checkpointDiskGb} GB of disk at ${environment.checkpointSizeGb} GB each`,
    ),
    figure(
      'validations',
      'Validations',
      String(derived.validations),
      derived.validations === 0 ? 'validation is off' : `${derived.videos} videos in all`,
    ),
    figure(
      'estimatedHours',
      'Estimated duration',
      `~${derived.estimatedHours} h`,
      environment.speed === 'measured'
        ? `measured speed on ${environment.source}`
        : 'from the seconds-per-step setting',
    ),
    figure(
      'memoryPerGpuGb',
      'Memory per GPU',
      `~${derived.memoryPerGpuGb} GB`,
      `of ${environment.gpuMemoryGb} GB${over ? ': too much' : ''}`,
      meter,
    ),
  );
}

export function renderEnvironmentNote(container: HTMLElement, state: ConfigEditorState): void {
  const { environment } = state;
  container.replaceChildren(
    environment.source === 'settings'
      ? `Figures for ${environment.gpus} GPUs of ${environment.gpuMemoryGb} GB, from the ctrlWorld.training settings.`
      : `Figures for ${environment.gpus} GPUs of ${environment.gpuMemoryGb} GB on ${environment.source}.`,
  );
}

export function renderRemedies(container: HTMLElement, state: ConfigEditorState, post: Post): void {
  container.hidden = state.remedies.length === 0;
  if (container.hidden) return container.replaceChildren();
  const { derived, environment } = state;
  const fits = state.remedies.some((remedy) => remedy.fits);
  container.replaceChildren(
    el(
      'div',
      { className: 'error-banner', role: 'alert' },
      el(
        'div',
        {},
        icon('error'),
        ` Estimated ~${derived.memoryPerGpuGb} GB per GPU is more than the ${environment.gpuMemoryGb} GB the GPUs have: training would stop with CUDA out of memory. `,
        fits ? "Apply one of the FAQ's remedies:" : "Even the FAQ's remedies do not fit; they are the closest:",
      ),
      el(
        'ul',
        {},
        ...state.remedies.map((remedy) =>
          el(
            'li',
            {},
            el(
              'vscode-button',
              {
                secondary: !remedy.fits,
                icon: remedy.fits ? 'check' : 'warning',
                'data-remedy': remedy.title,
                'aria-label': `Apply: ${remedy.title}`,
                onclick: () => post({ type: 'apply', changes: remedy.changes }),
              },
              'Apply',
            ),
            el('span', {}, `${remedy.title}: ~${remedy.memoryPerGpuGb} GB per GPU, global batch ${remedy.globalBatch}`),
          ),
        ),
      ),
    ),
  );
}
