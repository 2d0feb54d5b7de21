import { make, type Resolved, title } from './classify-context';
import { isKitError, type KitError } from './kit-error';
import { readProp, readString } from './safe-text';
import { systemErrorRule } from './system-error-codes';

/** Node/undici/OpenSSL/ws error codes, refined by syscall and message. @internal */
export function fromSystemCode(
  code: string,
  error: unknown,
  ctx: Resolved,
  cause: unknown,
): KitError | undefined {
  const rule = systemErrorRule(code);
  if (!rule) return undefined;
  const message = readString(error, 'message') ?? '';
  const syscall = readString(error, 'syscall');
  if (code === 'ECONNRESET' && /socket hang up/i.test(message)) {
    return make('network.socket_hang_up', ctx, cause, {
      message: `${title('network.socket_hang_up')} (${code})`,
      outcome: 'unknown',
    });
  }
  if (code === 'ETIMEDOUT' && syscall !== undefined && syscall !== 'connect') {
    return make('timeout.attempt', ctx, cause, {
      message: `${title('timeout.attempt')} (${code})`,
      outcome: 'unknown',
    });
  }
  if (code === 'EPROTO' && !/ssl|tls/i.test(message)) return undefined;
  if (code === 'EPROTO' && /wrong version number/i.test(message)) {
    return fromSystemCode('ERR_SSL_WRONG_VERSION_NUMBER', error, ctx, cause);
  }
  return make(rule.code, ctx, cause, {
    message: `${title(rule.code)} (${code})`,
    outcome: rule.outcome,
    hint: rule.hint,
  });
}

/** An AbortSignal reason: a KitError as is, TimeoutError -> timeout.attempt, else cancelled.aborted. @internal */
export function fromAbortReason(reason: unknown, ctx: Resolved, cause: unknown): KitError {
  if (isKitError(reason)) return reason;
  // Node's AbortError (timers/promises, events.once) carries the signal's reason as its cause.
  const reasonCause = readProp(reason, 'cause');
  if (isKitError(reasonCause)) return reasonCause;
  if (readProp(reason, 'name') === 'TimeoutError') {
    return make('timeout.attempt', ctx, cause, { message: title('timeout.attempt'), outcome: 'unknown' });
  }
  return make('cancelled.aborted', ctx, cause, { message: title('cancelled.aborted'), outcome: 'unknown' });
}
