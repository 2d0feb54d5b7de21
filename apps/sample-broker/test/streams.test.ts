// Stream behaviour a consumer relies on: conflated quotes, order events that arrive even when the
// socket loses every message, a book stream for an unknown symbol failing with its code, and
// close() ending every stream.
import { isKitError } from '@kit/errors';
import type { SandboxBroker } from '@kit/sandbox-broker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderEvent, Quote, SampleBroker } from '../src/index';
import { adapterFor, sandbox } from './support';

let broker: SandboxBroker;
let adapter: SampleBroker;

beforeAll(async () => {
  broker = await sandbox({ quoteIntervalMs: 10, rateLimit: false });
  adapter = adapterFor(broker);
});
afterAll(async () => {
  await adapter?.close();
  await broker?.close();
});

describe('streams', () => {
  it('conflates quotes: a consumer that pauses reads the newest quote, not a backlog', async () => {
    const stop = new AbortController();
    const iterator = adapter.streamQuotes(['AAPL'], { signal: stop.signal })[Symbol.asyncIterator]();
    const first = (await iterator.next()).value as Quote;
    // Simulate a slow consumer: do not read for a while (about 30 quotes' worth).
    await new Promise((resolve) => setTimeout(resolve, 300));
    const afterPause = (await iterator.next()).value as Quote;
    const following = (await iterator.next()).value as Quote;
    stop.abort();
    expect((await iterator.next()).done).toBe(true);
    // The quote read after the pause is one of the newest, not the one after `first` (a backlog would
    // give first + one 10 ms tick). Not "first + 300 ms": on a loaded machine the broker's quote
    // timer itself runs late, so the newest quote can be younger than the pause (239 ms seen).
    expect(afterPause.time - first.time).toBeGreaterThanOrEqual(100);
    expect(following.time).toBeGreaterThanOrEqual(afterPause.time);
  });

  it('delivers order events even when the socket loses every one of them', async () => {
    broker.admin.setFaults({ ws: { skipSeq: { probability: 1 } } });
    const stop = new AbortController();
    const events: OrderEvent[] = [];
    let start = 0;
    const caughtUp = new Promise<void>((resolve) => {
      const off = adapter.on('catch_up', (event) => {
        start = event.lastSeq;
        off();
        resolve();
      });
    });
    const done = (async () => {
      for await (const event of adapter.streamOrderUpdates({ signal: stop.signal })) {
        events.push(event);
        if (events.length === 2) stop.abort();
      }
    })();
    await caughtUp;
    const { order } = await adapter.placeOrder({
      symbol: 'MSFT',
      side: 'buy',
      type: 'limit',
      quantity: '1',
      limitPrice: '1.00',
    });
    await adapter.cancelOrder(order.id);
    await done;
    broker.admin.clearFaults();
    expect(events.map((e) => [e.seq, e.type, e.orderId])).toEqual([
      [start + 1, 'accepted', order.id],
      [start + 2, 'cancelled', order.id],
    ]);
  });

  it('a book for a symbol the broker does not list fails with client.not_found', async () => {
    const error = await (async () => {
      for await (const _ of adapter.streamOrderBook('NOPE')) {
        // no views expected
      }
    })().catch((e: unknown) => e);
    expect(isKitError(error) && error.code).toBe('client.not_found');
    expect(isKitError(error) && error.hint).toContain('symbol');
  });

  it('close() ends every stream', async () => {
    const other = adapterFor(broker);
    const ended: string[] = [];
    const run = async (name: string, iterable: AsyncIterable<unknown>, onFirst?: () => void) => {
      for await (const _ of iterable) onFirst?.();
      ended.push(name);
    };
    let firstQuote: () => void = () => undefined;
    const gotQuote = new Promise<void>((resolve) => (firstQuote = resolve));
    const streams = [
      run('quotes', other.streamQuotes(['AAPL']), () => firstQuote()),
      run('book', other.streamOrderBook('AAPL')),
      run('orders', other.streamOrderUpdates()),
    ];
    await gotQuote;
    await other.close();
    await Promise.all(streams);
    expect(ended.sort()).toEqual(['book', 'orders', 'quotes']);
    await expect(other.getAccount()).rejects.toMatchObject({ code: 'cancelled.aborted' });
  });
});
