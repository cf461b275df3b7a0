import { test } from 'node:test';
import assert from 'node:assert/strict';
import { machineRunId, multiNodeAccelerate } from '../../src/core/training/multiNode';
import { sameCheckoutCheck } from '../../src/core/training/multiNodePreflight';

const SPEC = { gpus: [0, 1], mainProcessPort: 29500, pythonPath: '/r/python', runId: 'r', runDir: '/r', workdir: '/w' };

test("each machine's plan: accelerate's multi-machine flags, all machines' processes, this host's GPUs", () => {
  const options = { machines: 2, mainAddress: '10.0.0.5', gpusPerMachine: 2 };
  const plan = multiNodeAccelerate(options, 1).plan(SPEC);
  assert.deepEqual(plan.argv.slice(0, 14), [
    'accelerate',
    'launch',
    '--num_machines',
    '2',
    '--machine_rank',
    '1',
    '--main_process_ip',
    '10.0.0.5',
    '--main_process_port',
    '29500',
    '--num_processes',
    '4',
    '--mixed_precision',
    'no',
  ]);
  assert.ok(plan.argv.includes('--multi_gpu'));
  assert.deepEqual(plan.env, { CUDA_VISIBLE_DEVICES: '0,1', PYTHONPATH: '/r/python' });
  assert.throws(() => multiNodeAccelerate(options, 1).plan({ ...SPEC, gpus: [0] }), /1 GPU\(s\), not 2/);
  assert.throws(() => multiNodeAccelerate(options, 2), /machine rank 2/);
  assert.throws(() => multiNodeAccelerate({ ...options, mainAddress: 'a b' }, 0), /main address/);
  assert.deepEqual(
    [0, 1, 2].map((rank) => machineRunId('r1', rank)),
    ['r1', 'r1-m1', 'r1-m2'],
  );
});

test('hosts at another commit, with another config or without git fail the same-checkout check', () => {
  const at = (commit: string, configText = 'c', dirty = false) => ({ git: { commit, dirty }, configText });
  const hosts = ['a', 'b'];
  assert.ok(sameCheckoutCheck([at('1234567890ab'), at('1234567890ab')], hosts).ok);
  assert.match(sameCheckoutCheck([at('1234567890ab'), at('fedcba098765')], hosts).message, /^b is at fedcba0987/);
  assert.match(sameCheckoutCheck([at('1'), at('1', 'other')], hosts).message, /config on b differs/);
  assert.equal(sameCheckoutCheck([at('1'), { git: null, configText: 'c' }], hosts).ok, false);
  assert.equal(sameCheckoutCheck([at('1'), undefined], hosts).ok, false);
  assert.equal(sameCheckoutCheck([at('1'), at('1', 'c', true)], hosts).warning, true);
});
