// The account's order events, gap-free and duplicate-free across disconnects. Events are numbered
// per account (seq from 1, no gaps), so the rule is simple: deliver seq = last + 1, drop seq <= last,
// and whenever we cannot be sure nothing was missed (the first connect, every reconnect, a gap on
// the socket) catch up through `GET /order-events?after=<last>` before delivering anything live.
// Delivery follows the consumer's pace: the socket is paused (`block`) rather than events dropped.
import { isKitError, KitError } from '@kit/errors';
import { createBackoff, sleep } from '@kit/retry';
import type { WsClient } from '@kit/ws-client';
import type { AdapterContext } from './adapter-context';
import { endpoints, OrderEventMessageSchema } from './endpoints';
import { mapStreamError } from './error-map';
import { streamLifetime } from './stream-lifetime';
import type { OrderEvent, OrderUpdatesOptions } from './types';
import { validateInteger } from './validate-arguments';

/** Events asked per catch-up page (the API's largest). */
const CATCH_UP_PAGE_SIZE = 1000;
/** Events the socket may hold for a slow consumer before it is paused. */
const ORDER_EVENT_BUFFER = 1024;

/**
 * The account's newest event seq (0 when it has none). Asked with an `after` beyond any event: the
 * page is then empty and `lastSeq` is the account's position (API.md, `GET /order-events`).
 */
async function latestSeq(ctx: AdapterContext, signal: AbortSignal): Promise<number> {
  const { data } = await ctx.rest.call(
    endpoints.getOrderEvents,
    { query: { after: Number.MAX_SAFE_INTEGER, limit: 1 } },
    { signal },
  );
  return data.lastSeq;
}

/** `streamOrderUpdates()`. @internal */
export function streamOrderUpdates(
  ctx: AdapterContext,
  options: OrderUpdatesOptions = {},
): AsyncIterable<OrderEvent> {
  const startAfter =
    options?.afterSeq === undefined
      ? undefined
      : validateInteger(options.afterSeq, 0, {
          min: 0,
          max: Number.MAX_SAFE_INTEGER,
          where: 'streamOrderUpdates',
          field: 'afterSeq',
        });
  let started = false;
  return {
    [Symbol.asyncIterator]() {
      if (started) throw new TypeError('This stream can be iterated only once');
      started = true;
      return run(ctx, startAfter, options?.signal);
    },
  };
}

async function* run(
  ctx: AdapterContext,
  startAfter: number | undefined,
  callerSignal: AbortSignal | undefined,
): AsyncGenerator<OrderEvent, void, undefined> {
  const ws: WsClient = ctx.openStream('orders', { authenticated: true });
  // Wakes the loop below when something other than a message needs attention.
  let wake: (() => void) | undefined;
  const poke = (): void => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  const lifetime = streamLifetime(ctx, callerSignal, () => {
    poke();
    void ws.close();
  });
  let needCatchUp = true;
  let failure: KitError | undefined;
  const offState = ws.on('state', (change) => {
    if (change.to === 'live' || change.from === 'live') {
      // Left live, or (re)connected: events may have been published while we were away, so
      // nothing live is delivered until a catch-up over REST has run on the new connection.
      needCatchUp = true;
      poke();
    } else if (change.to === 'failed') {
      failure = change.error ?? new KitError('protocol.ws_closed', { message: 'The order stream failed' });
      poke();
    }
  });
  const messages = ws
    .subscribe('orders', {
      schema: OrderEventMessageSchema,
      buffer: { size: ORDER_EVENT_BUFFER, policy: 'block' },
      signal: lifetime.signal,
    })
    [Symbol.asyncIterator]();
  ws.connect();

  let last = startAfter;
  let pending: Promise<IteratorResult<{ data: OrderEvent }>> | undefined;
  const delays = createBackoff({ ...ctx.loopBackoff, random: ctx.random });
  try {
    while (!lifetime.signal.aborted) {
      if (failure !== undefined) throw mapStreamError(failure);
      if (needCatchUp && ws.state === 'live') {
        needCatchUp = false;
        const from = last;
        let delivered = 0;
        try {
          let after = last ?? (await latestSeq(ctx, lifetime.signal));
          last = after;
          for (;;) {
            const { data: page } = await ctx.rest.call(
              endpoints.getOrderEvents,
              { query: { after, limit: CATCH_UP_PAGE_SIZE } },
              { signal: lifetime.signal },
            );
            for (const event of page.data) {
              if (event.seq <= after) continue;
              if (event.seq !== after + 1) {
                // The history itself skipped a number: not ours to paper over.
                throw new KitError('protocol.sequence_gap', {
                  message: `GET /order-events returned seq ${event.seq} after ${after}`,
                  details: { expected: after + 1, received: event.seq },
                });
              }
              after = event.seq;
              last = after;
              delivered++;
              yield event;
            }
            if (!page.hasMore || page.data.length === 0) break;
          }
          ctx.events.emit('catch_up', { afterSeq: from ?? after, delivered, lastSeq: after });
        } catch (error) {
          if (lifetime.signal.aborted) return;
          const kit = isKitError(error) ? error : new KitError('internal.unexpected', { cause: error });
          ctx.events.emit('error', kit);
          if (kit.category === 'auth' || kit.category === 'permission') throw kit;
          needCatchUp = true;
          await sleep(delays.next(), lifetime.signal).catch(() => undefined);
        }
        continue;
      }
      pending ??= messages.next();
      const woken = new Promise<'wake'>((resolve) => {
        wake = () => resolve('wake');
      });
      // A quiet stream may be quiet because its last message was lost: check now and then.
      const idle =
        ctx.catchUpIntervalMs > 0
          ? setTimeout(() => {
              needCatchUp = true;
              poke();
            }, ctx.catchUpIntervalMs)
          : undefined;
      let result: IteratorResult<{ data: OrderEvent }> | 'wake';
      try {
        result = await Promise.race([pending, woken]);
      } catch (error) {
        // The subscription was rejected or the client failed: the stream ends with that error.
        throw isKitError(error) ? mapStreamError(error) : error;
      } finally {
        clearTimeout(idle);
      }
      wake = undefined;
      if (result === 'wake') continue;
      pending = undefined;
      if (result.done) return;
      const event = result.value.data;
      if (needCatchUp || last === undefined) {
        // Arrived before the catch-up that must come first; the catch-up fetches it again.
        continue;
      }
      if (event.seq <= last) continue; // a duplicate
      if (event.seq !== last + 1) {
        ctx.stats.gaps++;
        ctx.events.emit('gap', { stream: 'orders', expected: last + 1, received: event.seq });
        needCatchUp = true;
        continue;
      }
      last = event.seq;
      yield event;
    }
  } finally {
    offState();
    lifetime.end();
  }
}
