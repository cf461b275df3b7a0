// What the config editor recomputes on each edit: parse, validate, figures and the form's state, for the Flexiv
// config and for a long one (the Flexiv config with 2,000 extra rollout attributes); and one in-place edit.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { setConfigValue } from '../src/core/config';
import { buildEditorState } from '../src/views/config/viewModel';

const flexiv = readFileSync(path.join(__dirname, '..', 'test', 'fixtures', 'configs', 'config_flexiv.py'), 'utf8');
const extra = Array.from({ length: 2000 }, (_, i) => `    rollout_field_${i} = [${i}, ${i + 1}]  # rollout only`).join(
  '\n',
);
const long = flexiv.replace('    # save\n', `${extra}\n    # save\n`);

function median(run: () => void, times: number): number {
  // Warm the JIT as a long editing session does.
  for (let i = 0; i < 30; i++) run();
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    run();
    samples.push(performance.now() - start);
  }
  return samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;
}

for (const [name, source] of [
  ['config_flexiv.py', flexiv],
  ['config_flexiv.py + 2,000 attributes', long],
] as const) {
  const lines = source.split('\n').length;
  const state = median(
    () =>
      buildEditorState({
        source,
        fileName: 'config_flexiv.py',
        environment: { gpus: 8 },
        environmentSource: 'settings',
        profiles: [],
      }),
    50,
  );
  const edit = median(() => setConfigValue(source, 'train_batch_size', 8), 50);
  console.log(
    `${name} (${lines} lines): form state (parse, validate, figures) median ${state.toFixed(2)} ms; in-place edit median ${edit.toFixed(2)} ms`,
  );
}
