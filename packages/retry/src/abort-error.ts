import { isKitError, KitError } from '@kit/errors';

/**
 * The KitError to reject with when `signal` aborted: its reason when that is already a KitError
 * (a deadline or attempt timeout set by kit), else `cancelled.aborted` with the reason as cause.
 *
 * @internal
 */
export function abortError(signal: AbortSignal): KitError {
  const reason: unknown = signal.reason;
  if (isKitError(reason)) return reason;
  return new KitError('cancelled.aborted', { cause: reason, outcome: 'not_sent' });
}
