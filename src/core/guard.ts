// An error boundary for event handlers: a throw or a rejected promise reaches onFailure instead of being lost.

export function guarded<T>(
  handler: (value: T) => unknown,
  onFailure: (error: unknown, value: T) => void,
): (value: T) => void {
  return (value) => {
    try {
      const result = handler(value);
      if (isThenable(result)) Promise.resolve(result).catch((error: unknown) => onFailure(error, value));
    } catch (error) {
      onFailure(error, value);
    }
  };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}
