// Which arrays become upstream's action condition: detection by name, explicit choices, joint angles, and the
// quaternion → extrinsic x-y-z Euler conversion the pose goes through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseGripperChoice,
  parsePoseChoice,
  quaternionToEuler,
  resolveStateChoice,
  StateChoiceError,
} from '../../src/core/convert';
import type { ArrayInfo as Hdf5ArrayInfo } from '../../src/core/hdf5';

const array = (name: string, ...shape: number[]): Hdf5ArrayInfo => ({
  name,
  dataset: name === 'action' ? '/action' : `/observations/${name}`,
  shape,
  dtype: 'float64',
  filter: null,
});
const ALOHA = [array('qpos', 90, 7), array('qvel', 90, 7), array('action', 90, 7)];
const FLEXIV = [...ALOHA, array('tcp_pose', 90, 7), array('gripper_width', 90)];

test("auto finds Flexiv's tcp_pose (x, y, z + quaternion, scalar first) and gripper_width", () => {
  assert.deepEqual(resolveStateChoice(FLEXIV, 'auto', 'auto', 7), {
    pose: { array: 'tcp_pose', format: 'quat-wxyz' },
    gripper: { array: 'gripper_width' },
  });
  assert.deepEqual(resolveStateChoice([array('ee_pose', 90, 6), array('gripper', 90, 1)], 'auto', 'auto', 7), {
    pose: { array: 'ee_pose', format: 'euler' },
    gripper: { array: 'gripper' },
  });
});

test("auto never takes joint angles: ALOHA's qpos alone is an error that says how to choose", () => {
  assert.throws(
    () => resolveStateChoice(ALOHA, 'auto', 'auto', 7),
    (error: unknown) =>
      error instanceof StateChoiceError &&
      /No end-effector pose array was found .*\/observations\/qpos \(90, 7\)/.test(error.message) &&
      /"joints"/.test(error.hint),
  );
});

test("joint angles chosen explicitly take their last column as the gripper (ALOHA's layout)", () => {
  assert.deepEqual(resolveStateChoice(ALOHA, { array: 'qpos', format: 'joints' }, 'auto', 7), {
    pose: { array: 'qpos', format: 'joints' },
    gripper: { array: 'qpos', column: -1 },
  });
});

test("a pose array wider than its format gives the gripper from the next column (the fork's /action)", () => {
  assert.deepEqual(resolveStateChoice(ALOHA, { array: 'action', format: 'euler' }, 'auto', 7), {
    pose: { array: 'action', format: 'euler' },
    gripper: { array: 'action', column: 6 },
  });
});

test('a missing array, an unreadable width or an action_dim other than 7 is refused by name', () => {
  assert.throws(() => resolveStateChoice(FLEXIV, { array: 'ee', format: 'auto' }, 'auto', 7), /no array "ee"/);
  assert.throws(
    () => resolveStateChoice([array('tcp_pose', 90, 12)], { array: 'tcp_pose', format: 'auto' }, 'auto', 7),
    /\/observations\/tcp_pose \(90, 12\) is not a pose/,
  );
  assert.throws(() => resolveStateChoice(FLEXIV, 'auto', 'auto', 8), /7 numbers, but action_dim is 8/);
  assert.throws(() => resolveStateChoice([array('tcp_pose', 90, 7)], 'auto', 'auto', 7), /No gripper array was found/);
});

test('settings and flags: NAME, NAME[COLUMN], /observations/ prefixes, and a format without an array', () => {
  assert.equal(parsePoseChoice(''), 'auto');
  assert.deepEqual(parsePoseChoice('/observations/tcp_pose', 'quat-xyzw'), { array: 'tcp_pose', format: 'quat-xyzw' });
  assert.throws(() => parsePoseChoice('', 'joints'), StateChoiceError);
  assert.equal(parseGripperChoice(' auto '), 'auto');
  assert.deepEqual(parseGripperChoice('action[6]'), { array: 'action', column: 6 });
  assert.deepEqual(parseGripperChoice('qpos[-1]'), { array: 'qpos', column: -1 });
  assert.deepEqual(parseGripperChoice('gripper_width'), { array: 'gripper_width' });
  assert.throws(
    () => parseGripperChoice('action[x]'),
    (error: unknown) => error instanceof StateChoiceError && /NAME\[COLUMN\]/.test(error.hint),
  );
});

test('quaternions become extrinsic x-y-z angles (scipy\'s as_euler("xyz"), DROID\'s convention)', () => {
  const close = (actual: number[], expected: number[]) =>
    actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 1e-12, `${actual} vs ${expected}`));
  close(quaternionToEuler(1, 0, 0, 0), [0, 0, 0]);
  close(quaternionToEuler(Math.SQRT1_2, Math.SQRT1_2, 0, 0), [Math.PI / 2, 0, 0]);
  close(quaternionToEuler(Math.SQRT1_2, 0, 0, Math.SQRT1_2), [0, 0, Math.PI / 2]);
  // scipy: R.from_euler("xyz", [0.3, -0.2, 2.5]).as_quat() → x, y, z, w; and back
  const [r, p, y] = [0.3, -0.2, 2.5];
  const [cr, sr, cp, sp, cy, sy] = [
    Math.cos(r / 2),
    Math.sin(r / 2),
    Math.cos(p / 2),
    Math.sin(p / 2),
    Math.cos(y / 2),
    Math.sin(y / 2),
  ];
  const q = [
    cr * cp * cy + sr * sp * sy,
    sr * cp * cy - cr * sp * sy,
    cr * sp * cy + sr * cp * sy,
    cr * cp * sy - sr * sp * cy,
  ] as const;
  close(quaternionToEuler(2 * q[0], 2 * q[1], 2 * q[2], 2 * q[3]), [r, p, y]);
});
