import { subscribe } from 'node:diagnostics_channel';

/** Something that wants to learn whether its request went out on a socket that had carried one before. */
export interface SocketReuseTarget {
  reusedSocket: boolean;
}

const seenSockets = new WeakSet<object>();
let pending: SocketReuseTarget | undefined;
let subscribed = false;

function onSendHeaders(message: unknown): void {
  const socket = (message as { socket?: object } | null)?.socket;
  if (!socket) return;
  if (pending) {
    pending.reusedSocket = seenSockets.has(socket);
    pending = undefined;
  }
  seenSockets.add(socket);
}

/**
 * Marks `target` as the request about to be written. undici calls the handler's `onRequestStart`
 * and then, synchronously in the same call, publishes `undici:client:sendHeaders` with the socket
 * it writes to; a socket seen before means a reused keep-alive socket. That is what Node's
 * `ClientRequest.reusedSocket` reports, and what retry rules need: a reset on a reused socket is
 * the classic "server closed the idle connection" race, safe to retry.
 */
export function expectSocketFor(target: SocketReuseTarget): void {
  if (!subscribed) {
    subscribed = true;
    subscribe('undici:client:sendHeaders', onSendHeaders);
  }
  pending = target;
}
