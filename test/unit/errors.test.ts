import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CancelledError, UserFacingError, describeError, throwIfAborted } from '../../src/core/errors';
import { classifySshFailure } from '../../src/core/remote/runner';

test('a user-facing error carries its next step', () => {
  const error = new UserFacingError('The file x.hdf5 is truncated.', 'Copy it again from the robot.', 'truncated');
  assert.equal(describeError(error), 'The file x.hdf5 is truncated. Copy it again from the robot.');
  assert.equal(error.code, 'truncated');
});

test('an aborted signal becomes a CancelledError', () => {
  const controller = new AbortController();
  throwIfAborted(controller.signal);
  controller.abort();
  assert.throws(() => throwIfAborted(controller.signal), CancelledError);
});

test('ssh failures are named with the host and the fix', () => {
  const hostKey = classifySshFailure('gpu1', 'Host key verification failed.\r\n');
  assert.equal(hostKey.code, 'host-key');
  assert.match(hostKey.fullMessage, /ssh gpu1/);
  assert.equal(
    classifySshFailure('gpu1', 'ssh: Could not resolve hostname gpu1: Name or service not known').code,
    'unresolved',
  );
  assert.equal(classifySshFailure('gpu1', 'root@gpu1: Permission denied (publickey).').code, 'auth');
  assert.equal(classifySshFailure('gpu1', 'something odd').code, 'ssh-failed');
});
