// Writes the multi-node target's two plans (machine rank 0 first, each {argv, env}) for a two-machine run whose main
// is 127.0.0.1, to the JSON file named on the command line: remote-kit/tests/test_multi_machine_accelerate_gpu.py
// runs them with the real accelerate on a GPU machine.
// Usage: node --import tsx test/support/multiNodeDevicePlans.ts PLANS.json
import { writeFileSync } from 'node:fs';
import { multiNodeAccelerate } from '../../src/core/training/multiNode';

const spec = {
  gpus: [0],
  mainProcessPort: 29533,
  mixedPrecision: 'no',
  // The device test writes its own checkout and trainer and imports no config module.
  pythonPath: '',
  runId: 'device',
  runDir: '/tmp/cwf-device-run',
  workdir: '.',
};
const plans = [0, 1].map((rank) => {
  const { argv, env } = multiNodeAccelerate({ machines: 2, mainAddress: '127.0.0.1', gpusPerMachine: 1 }, rank).plan(
    spec,
  );
  return { argv, env };
});
writeFileSync(process.argv[2], JSON.stringify(plans, null, 2));
