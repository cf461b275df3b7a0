// Turns the chosen pose rows into upstream's cartesian_position: x, y, z and roll, pitch, yaw in radians.
import type { PoseFormat } from './stateSource';

/**
 * Quaternion → extrinsic x-y-z Euler angles (roll about x first, then pitch about y, then yaw about z), the
 * convention of DROID's `quat_to_euler` (scipy's `as_euler("xyz")`) that upstream's poses were written with.
 * The quaternion is normalised first; pitch is clamped at ±90° where rounding pushes |sin| past 1.
 */
export function quaternionToEuler(w: number, x: number, y: number, z: number): [number, number, number] {
  const norm = Math.hypot(w, x, y, z);
  if (!(norm > 0)) return [Number.NaN, Number.NaN, Number.NaN];
  [w, x, y, z] = [w / norm, x / norm, y / norm, z / norm];
  const roll = Math.atan2(2 * (w * x + y * z), 1 - 2 * (x * x + y * y));
  const pitch = Math.asin(Math.max(-1, Math.min(1, 2 * (w * y - z * x))));
  const yaw = Math.atan2(2 * (w * z + x * y), 1 - 2 * (y * y + z * z));
  return [roll, pitch, yaw];
}

/** One row of the pose array as upstream's 6 numbers (or the first `jointColumns` joint angles). */
export function poseRow(row: readonly number[], format: PoseFormat, jointColumns: number): number[] {
  switch (format) {
    case 'euler':
      return row.slice(0, 6);
    case 'quat-wxyz':
      return [...row.slice(0, 3), ...quaternionToEuler(row[3]!, row[4]!, row[5]!, row[6]!)];
    case 'quat-xyzw':
      return [...row.slice(0, 3), ...quaternionToEuler(row[6]!, row[3]!, row[4]!, row[5]!)];
    case 'joints':
      return row.slice(0, jointColumns);
  }
}
