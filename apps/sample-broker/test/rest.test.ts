import { isKitError } from '@kit/errors';
import type { SandboxBroker } from '@kit/sandbox-broker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SampleBroker } from '../src/index';
import { adapterFor, sandbox } from './support';

let broker: SandboxBroker;
let adapter: SampleBroker;

beforeAll(async () => {
  broker = await sandbox();
  adapter = adapterFor(broker);
});
afterAll(async () => {
  await adapter?.close();
  await broker?.close();
});

describe('REST calls against the sandbox', () => {
  it('reads the account, positions, a quote and the server time', async () => {
    const account = await adapter.getAccount();
    expect(account).toMatchObject({ id: 'acc_demo', currency: 'USD' });
    expect(Array.isArray(await adapter.getPositions())).toBe(true);
    const quote = await adapter.getQuote('AAPL');
    expect(quote.symbol).toBe('AAPL');
    expect(Number(quote.bid)).toBeLessThan(Number(quote.ask));
    const time = await adapter.getServerTime();
    expect(Math.abs(time.skewMs)).toBeLessThan(1000);
    expect(time.roundTripMs).toBeGreaterThanOrEqual(0);
  });

  it('places an order once, finds it by client order id and cancels it (twice is a success that says so)', async () => {
    const { order, reconciled } = await adapter.placeOrder({
      symbol: 'AAPL',
      side: 'buy',
      type: 'limit',
      quantity: '1',
      limitPrice: '1.00',
      clientOrderId: 'rest-test-1',
    });
    expect(reconciled).toBe(false);
    expect(order).toMatchObject({ clientOrderId: 'rest-test-1', status: 'new', limitPrice: '1.00' });
    expect(await adapter.getOrderByClientId('rest-test-1')).toMatchObject({ id: order.id });
    expect(await adapter.getOrderByClientId('no-such-order')).toBeUndefined();
    expect(await adapter.getOrder(order.id)).toMatchObject({ id: order.id });

    const first = await adapter.cancelOrder(order.id);
    expect(first).toMatchObject({ alreadyCancelled: false, order: { status: 'cancelled' } });
    const second = await adapter.cancelOrder(order.id);
    expect(second).toMatchObject({ alreadyCancelled: true, order: { status: 'cancelled' } });
  });

  it('refuses to cancel a filled order with its own code', async () => {
    const { order } = await adapter.placeOrder({
      symbol: 'AAPL',
      side: 'buy',
      type: 'market',
      quantity: '1',
    });
    const filled = await adapter.getOrder(order.id);
    expect(filled.status).toBe('filled');
    const error = await adapter.cancelOrder(order.id).catch((e: unknown) => e);
    expect(isKitError(error) && error.code).toBe('client.order_already_filled');
  });

  it('lists orders across pages, newest first', async () => {
    for (let i = 0; i < 5; i++) {
      await adapter.placeOrder({
        symbol: 'MSFT',
        side: 'buy',
        type: 'limit',
        quantity: '1',
        limitPrice: '1.00',
      });
    }
    const seen: string[] = [];
    for await (const order of adapter.listOrders({ pageSize: 2 })) seen.push(order.id);
    expect(seen.length).toBeGreaterThanOrEqual(7);
    expect(new Set(seen).size).toBe(seen.length);
    const open: string[] = [];
    for await (const order of adapter.listOrders({ status: 'open', pageSize: 3 })) open.push(order.status);
    expect(open.every((status) => status === 'new' || status === 'partially_filled')).toBe(true);
  });
});
