// The text fixtures of training configs: Flexiv's config_flexiv.py and one shaped like upstream's config.py.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './fixtures';

export const CONFIG_FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'configs');

export function readConfigFixture(name: 'config_flexiv.py' | 'config_upstream.py'): string {
  return readFileSync(path.join(CONFIG_FIXTURES, name), 'utf8');
}

/** The class-attribute block of a config, for small inline test configs. */
export function configSource(
  body: string,
  header = 'import torch\nfrom dataclasses import dataclass\n\n\n@dataclass\nclass wm_args:\n',
): string {
  return (
    header +
    body
      .split('\n')
      .map((line) => (line ? `    ${line}` : line))
      .join('\n') +
    '\n'
  );
}
