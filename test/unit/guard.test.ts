import { test } from 'node:test';
import assert from 'node:assert/strict';
import { guarded } from '../../src/core/guard';

test("a handler's throw and its rejected promise (or thenable) both reach the failure handler", async () => {
  const failures: string[] = [];
  const onFailure = (error: unknown, value: string) => failures.push(`${value}: ${(error as Error).message}`);
  guarded((value: string) => {
    throw new Error(`threw on ${value}`);
  }, onFailure)('a');
  guarded(async (value: string) => {
    throw new Error(`rejected on ${value}`);
  }, onFailure)('b');
  const thenable = { then: (_: unknown, reject: (error: Error) => void) => reject(new Error('thenable')) };
  guarded(() => thenable, onFailure)('c');
  guarded(() => 'fine', onFailure)('d');
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.deepEqual(failures.sort(), ['a: threw on a', 'b: rejected on b', 'c: thenable']);
});
