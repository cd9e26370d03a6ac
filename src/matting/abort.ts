/**
 * Cooperative cancellation for long solves. Takes anything shaped like an AbortSignal so that pure code
 * needs no platform type; throws the signal's own reason when it has one (what fetch and Node do), else
 * an Error named 'AbortError'.
 */

export interface AbortLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
}

export function throwIfAborted(signal: AbortLike | undefined): void {
  if (!signal?.aborted) return;
  if (signal.reason !== undefined) throw signal.reason;
  const error = new Error('the operation was aborted');
  error.name = 'AbortError';
  throw error;
}
