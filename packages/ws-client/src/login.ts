import type { AuthRequest, AuthStrategy } from '@kit/auth';
import { KitError } from '@kit/errors';
import type { WsSession } from './session';
import type { WsProtocol } from './ws-protocol';

/** How a session logs in. @internal */
export interface LoginSettings {
  auth: AuthStrategy;
  /** The protocol's `login`: the message built from the signed request. */
  build: (signed: AuthRequest) => unknown;
  url: string;
  authTimeoutMs: number;
}

/**
 * Signs a login request with the strategy, sends the protocol's login message on `session` and
 * waits for its ack (`authTimeoutMs`); rejects on a rejection, a timeout or a strategy that throws.
 * Returns early, without sending, when the session ends while the strategy signs. @internal
 */
export async function login(session: WsSession, settings: LoginSettings): Promise<void> {
  const parsed = new URL(settings.url);
  const signed = await settings.auth.authenticate({
    method: 'GET',
    url: `${parsed.protocol}//${parsed.host}${parsed.pathname}`,
    path: parsed.pathname,
    query: [...parsed.searchParams.entries()],
    headers: {},
    signal: session.signal,
  });
  if (!session.active) return;
  session.signed = signed;
  const acknowledged = new Promise<void>((resolve, reject) => {
    session.loginWaiter = { resolve, reject };
  });
  session.timer(settings.authTimeoutMs, () =>
    session.loginWaiter?.reject(
      new KitError('timeout.auth_ack', {
        message: `The login was not acknowledged within ${settings.authTimeoutMs} ms`,
      }),
    ),
  );
  session.outbox.control(settings.build(signed));
  await acknowledged;
}

/** Settles the session's login when `message` acknowledges or rejects it; true when it did. @internal */
export function offerLoginReply(session: WsSession, protocol: WsProtocol, message: unknown): boolean {
  const waiter = session.loginWaiter;
  if (waiter === undefined) return false;
  if (protocol.isLoginAck?.(message)) {
    session.loginWaiter = undefined;
    waiter.resolve();
    return true;
  }
  if (protocol.isLoginRejection?.(message)) {
    session.loginWaiter = undefined;
    waiter.reject(
      new KitError('protocol.ws_auth_rejected', { message: 'The server rejected the login message' }),
    );
    return true;
  }
  return false;
}
