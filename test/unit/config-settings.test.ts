import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_ENVIRONMENT } from '../../src/core/config';
import { REPO_ROOT } from '../support/fixtures';

test("the ctrlWorld.training.* defaults in package.json are the core's defaults", () => {
  const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, { default: unknown }> } };
  };
  const defaults = (key: string) => manifest.contributes.configuration.properties[`ctrlWorld.training.${key}`]!.default;
  assert.deepEqual(
    {
      gpus: defaults('gpus'),
      gpuMemoryGb: defaults('gpuMemoryGb'),
      checkpointSizeGb: defaults('checkpointSizeGb'),
      referenceSecondsPerStep: defaults('secondsPerStep'),
    },
    { ...DEFAULT_ENVIRONMENT },
  );
});
