// Order updates across 100 forced disconnects: orders are placed and cancelled while the stream is
// up and while it is down (plus skipped and duplicated messages on the socket); every event must be
// delivered exactly once, in order, and catch-ups over REST must fill what the socket missed.
import type { SandboxBroker } from '@kit/sandbox-broker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderEvent, SampleBroker } from '../src/index';
import { adapterFor, sandbox } from './support';

const DISCONNECTS = 100;

let broker: SandboxBroker;
let adapter: SampleBroker;

beforeAll(async () => {
  broker = await sandbox({
    seed: 100,
    rateLimit: false,
    faults: { ws: { skipSeq: { probability: 0.05 }, duplicateSeq: { probability: 0.05 } } },
  });
  adapter = adapterFor(broker);
});
afterAll(async () => {
  await adapter?.close();
  await broker?.close();
});

/** Resolves on the next occurrence of an adapter event. */
function next(event: 'catch_up' | 'reconnect'): Promise<void> {
  return new Promise((resolve) => {
    const off = adapter.on(event, () => {
      off();
      resolve();
    });
  });
}

describe('order updates', () => {
  it('delivers every event once, in order, across 100 forced disconnects', async () => {
    const stop = new AbortController();
    const delivered: OrderEvent[] = [];
    let reachedTarget: (() => void) | undefined;
    let target = Number.POSITIVE_INFINITY;
    let catchUps = 0;
    let caughtUpEvents = 0;
    adapter.on('catch_up', (event) => {
      catchUps++;
      caughtUpEvents += event.delivered;
    });

    const firstCatchUp = next('catch_up');
    const consuming = (async () => {
      for await (const event of adapter.streamOrderUpdates({ afterSeq: 0, signal: stop.signal })) {
        delivered.push(event);
        if (delivered.length >= target) reachedTarget?.();
      }
    })();
    await firstCatchUp;

    const place = async () => {
      const { order } = await adapter.placeOrder({
        symbol: 'AAPL',
        side: 'buy',
        type: 'limit',
        quantity: '1',
        limitPrice: '1.00',
      });
      return order;
    };

    let orders = 0;
    for (let i = 0; i < DISCONNECTS; i++) {
      // One order while the stream is up...
      await adapter.cancelOrder((await place()).id);
      orders++;
      // ...then drop every connection and place another while the stream is down.
      // A gap on the socket also triggers a catch-up, so wait for the reconnect's own one.
      const caughtUp = next('reconnect').then(() => next('catch_up'));
      broker.admin.dropConnections();
      const order = await place();
      await adapter.cancelOrder(order.id);
      orders++;
      await caughtUp;
    }

    // Each order made two events (accepted, cancelled); wait until all of them have arrived.
    const expected = orders * 2;
    target = expected;
    if (delivered.length < expected) await new Promise<void>((resolve) => (reachedTarget = resolve));
    stop.abort();
    await consuming;

    const seqs = delivered.map((event) => event.seq);
    expect(seqs).toEqual(Array.from({ length: expected }, (_, i) => i + 1));
    expect(new Set(delivered.map((e) => `${e.orderId}:${e.type}`)).size).toBe(expected);
    const stats = adapter.stats();
    const figures = {
      disconnects: DISCONNECTS,
      events: delivered.length,
      reconnects: stats.reconnects,
      catchUps,
      deliveredByCatchUp: caughtUpEvents,
      deliveredLive: delivered.length - caughtUpEvents,
      gapsOnSocket: stats.gaps,
      injected: broker.ledger().counts.faultsByKind,
    };
    console.log(`order-updates figures: ${JSON.stringify(figures)}`);
    expect(stats.reconnects).toBeGreaterThanOrEqual(DISCONNECTS);
    expect(catchUps).toBeGreaterThanOrEqual(DISCONNECTS + 1);
    // Both paths carried events: the socket while up, the catch-up for what happened while down.
    expect(caughtUpEvents).toBeGreaterThan(0);
    expect(delivered.length - caughtUpEvents).toBeGreaterThan(0);
  }, 80_000);
});
