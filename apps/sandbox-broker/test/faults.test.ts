import { afterEach, describe, expect, it } from 'vitest';
import { type SandboxBroker, type SandboxHttpFaults, startSandboxBroker } from '../src/index';
import { type Answer, call } from './support';

const ORDER = { symbol: 'AAPL', side: 'buy', type: 'market', quantity: '1' };
const brokers: SandboxBroker[] = [];
afterEach(async () => {
  await Promise.all(brokers.splice(0).map((b) => b.close()));
});

async function start(http: SandboxHttpFaults, seed = 21): Promise<SandboxBroker> {
  const broker = await startSandboxBroker({ seed, rateLimit: false, faults: { http } });
  brokers.push(broker);
  return broker;
}

/** A request that resolves with the answer or the client-side error code (a reset, a cut body). */
async function attempt(
  broker: SandboxBroker,
  path: string,
  body?: unknown,
  clientOrderId?: string,
): Promise<Answer | string> {
  try {
    return await call(broker.url, {
      method: body === undefined ? 'GET' : 'POST',
      path,
      body:
        body === undefined ? undefined : { ...(body as object), ...(clientOrderId ? { clientOrderId } : {}) },
    });
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? String(error);
  }
}

describe('each HTTP fault', () => {
  it('latency delays the answer by a seeded amount in [minMs, maxMs]', async () => {
    const broker = await start({ latency: { probability: 1, minMs: 40, maxMs: 60 } });
    const started = performance.now();
    const res = (await attempt(broker, '/v1/account')) as Answer;
    expect(res.status).toBe(200);
    const fault = broker.ledger().faults[0]!;
    expect(fault).toMatchObject({ kind: 'http.latency', route: 'GET /v1/account' });
    const ms = Number(fault.detail!.split(' ')[0]);
    expect(ms).toBeGreaterThanOrEqual(40);
    expect(ms).toBeLessThanOrEqual(60);
    expect(performance.now() - started).toBeGreaterThanOrEqual(ms - 5);
  });

  it('serverError answers 500 INTERNAL or 503 UNAVAILABLE before the handler (no order)', async () => {
    const broker = await start({ serverError: { probability: 1 } });
    const statuses = new Set<number>();
    for (let i = 0; i < 8; i++) {
      const res = (await attempt(broker, '/v1/orders', ORDER)) as Answer;
      statuses.add(res.status);
      expect(res.json.error.code).toBe(res.status === 500 ? 'INTERNAL' : 'UNAVAILABLE');
    }
    expect([...statuses].sort()).toEqual([500, 503]);
    expect(broker.ledger().counts.ordersCreated).toBe(0);
    expect(broker.ledger().counts.faultsByKind['http.server_error']).toBe(8);
  });

  it('rateLimitBurst answers runs of 429 RATE_LIMITED with the configured Retry-After', async () => {
    const broker = await start({ rateLimitBurst: { probability: 1, length: 3, retryAfterSeconds: 7 } });
    for (let i = 0; i < 3; i++) {
      const res = (await attempt(broker, '/v1/account')) as Answer;
      expect([res.status, res.json.error.code, res.headers['retry-after']]).toEqual([
        429,
        'RATE_LIMITED',
        '7',
      ]);
    }
    expect(broker.ledger().counts.faultsByKind['http.rate_limit_burst']).toBe(3);
    expect(broker.ledger().counts.rateLimited).toBe(0); // the limiter did not say so: a fault did
  });

  it('resetBefore resets the socket before the handler: no order', async () => {
    const broker = await start({ resetBefore: { probability: 1 } });
    expect(await attempt(broker, '/v1/orders', ORDER)).toBe('ECONNRESET');
    expect(broker.ledger().counts.ordersCreated).toBe(0);
  });

  it('resetAfter resets the socket after the handler: the order exists', async () => {
    const broker = await start({ resetAfter: { probability: 1 } });
    expect(await attempt(broker, '/v1/orders', ORDER, 'reset-after-1')).toBe('ECONNRESET');
    expect(broker.ledger().orders.map((o) => o.clientOrderId)).toEqual(['reset-after-1']);
  });

  it('truncated announces the full length and cuts the body', async () => {
    const broker = await start({ truncated: { probability: 1 } });
    const outcome = await attempt(broker, '/v1/quotes/AAPL');
    expect(outcome).toBe('ECONNRESET'); // node:http reports the short body as "aborted"
    expect(broker.ledger().faults.map((f) => f.kind)).toEqual(['http.truncated']);
  });

  it('malformed sends a JSON content type with a body no parser accepts', async () => {
    const broker = await start({ malformed: { probability: 1 } });
    const res = (await attempt(broker, '/v1/quotes/AAPL')) as Answer;
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('application/json');
    expect(res.text).toMatch(/^\{"symbol":"AAPL"/);
    expect(() => JSON.parse(res.text)).toThrow(SyntaxError);
  });

  it('htmlError answers a proxy HTML page with its status', async () => {
    const broker = await start({ htmlError: { probability: 1, status: 504 } });
    const res = (await attempt(broker, '/v1/account')) as Answer;
    expect(res.status).toBe(504);
    expect(res.headers['content-type']).toBe('text/html');
    expect(res.text).toContain('<center>nginx</center>');
  });

  it('drift renames fields and adds new ones', async () => {
    const broker = await start({ drift: { probability: 1 } });
    const quote = (await attempt(broker, '/v1/quotes/AAPL')) as Answer;
    expect(Object.keys(quote.json).sort()).toEqual([
      'apiVersion',
      'askPrice',
      'bidPrice',
      'last',
      'symbol',
      'time',
    ]);
    const orders = (await attempt(broker, '/v1/orders', ORDER)) as Answer;
    expect(orders.json).toHaveProperty('state', 'filled');
    expect(orders.json).not.toHaveProperty('status');
  });

  it('responseLost commits the order, then destroys the socket; the order can be found by clientOrderId', async () => {
    const broker = await start({ responseLost: { probability: 1 } });
    expect(await attempt(broker, '/v1/orders', ORDER, 'lost-1')).toBe('ECONNRESET');
    const [order] = broker.ledger().orders;
    expect(order?.clientOrderId).toBe('lost-1');
    expect(broker.ledger().faults).toEqual([
      expect.objectContaining({
        kind: 'http.response_lost',
        route: 'POST /v1/orders',
        detail: `order=${order!.orderId}`,
      }),
    ]);
    // Only POST /orders loses answers: a read goes through.
    const found = (await attempt(broker, '/v1/orders/by-client-id/lost-1')) as Answer;
    expect(found.json.id).toBe(order!.orderId);
  });

  it('executionUnknown answers 503 EXECUTION_UNKNOWN with the order created or not, per createdProbability', async () => {
    const created = await start({ executionUnknown: { probability: 1, createdProbability: 1 } });
    const yes = (await attempt(created, '/v1/orders', ORDER, 'unknown-yes')) as Answer;
    expect([yes.status, yes.json.error.code]).toEqual([503, 'EXECUTION_UNKNOWN']);
    expect(created.ledger().orders.map((o) => o.clientOrderId)).toEqual(['unknown-yes']);

    const notCreated = await start({ executionUnknown: { probability: 1, createdProbability: 0 } });
    const no = (await attempt(notCreated, '/v1/orders', ORDER, 'unknown-no')) as Answer;
    expect([no.status, no.json.error.code]).toEqual([503, 'EXECUTION_UNKNOWN']);
    expect(notCreated.ledger().orders).toEqual([]);
    expect(notCreated.ledger().faults[0]).toMatchObject({
      kind: 'http.execution_unknown',
      detail: 'created=false',
    });
    expect(created.ledger().faults[0]!.detail).toBe(
      `created=true order=${created.ledger().orders[0]!.orderId}`,
    );
  });

  it('match limits faults to the listed routes', async () => {
    const broker = await start({ serverError: { probability: 1 }, match: ['GET /v1/quotes/:symbol'] });
    expect(((await attempt(broker, '/v1/account')) as Answer).status).toBe(200);
    expect(((await attempt(broker, '/v1/quotes/MSFT')) as Answer).status).toBeGreaterThanOrEqual(500);
  });

  it('switches at run time through admin, including a profile', async () => {
    const broker = await start({});
    expect(((await attempt(broker, '/v1/account')) as Answer).status).toBe(200);
    broker.admin.setFaults({ http: { htmlError: { probability: 1 } } });
    expect(((await attempt(broker, '/v1/account')) as Answer).status).toBe(502);
    broker.admin.setProfile('harsh');
    expect(broker.admin.faults.http?.responseLost?.probability).toBeGreaterThan(0);
    broker.admin.clearFaults();
    expect(broker.admin.faults).toEqual({});
    expect(((await attempt(broker, '/v1/account')) as Answer).status).toBe(200);
  });
});

/** The outcome of each of `count` order requests: status and code, or the client error. */
async function schedule(http: SandboxHttpFaults, seed: number, count: number): Promise<string[]> {
  const broker = await start(http, seed);
  const outcomes: string[] = [];
  for (let i = 0; i < count; i++) {
    const res = await attempt(broker, '/v1/orders', ORDER);
    outcomes.push(
      typeof res === 'string' ? res : `${res.status}${res.json?.error ? ` ${res.json.error.code}` : ''}`,
    );
  }
  const kinds = broker
    .ledger()
    .faults.map((f) => `${f.kind}${f.detail ? `(${f.detail.replace(/ord_\d+/, 'ord')})` : ''}`)
    .join(',');
  return [...outcomes, kinds];
}

describe('seeded schedules', () => {
  const kinds: Array<[string, SandboxHttpFaults]> = [
    ['latency', { latency: { probability: 0.4, minMs: 0, maxMs: 2 } }],
    ['serverError', { serverError: { probability: 0.4 } }],
    ['rateLimitBurst', { rateLimitBurst: { probability: 0.3, length: 2, retryAfterSeconds: 1 } }],
    ['resetBefore', { resetBefore: { probability: 0.4 } }],
    ['resetAfter', { resetAfter: { probability: 0.4 } }],
    ['truncated', { truncated: { probability: 0.4 } }],
    ['malformed', { malformed: { probability: 0.4 } }],
    ['htmlError', { htmlError: { probability: 0.4 } }],
    ['drift', { drift: { probability: 0.4 } }],
    ['responseLost', { responseLost: { probability: 0.4 } }],
    ['executionUnknown', { executionUnknown: { probability: 0.4 } }],
  ];
  it.each(kinds)('%s: the same seed gives the same schedule, another seed another', async (_name, http) => {
    const a = await schedule(http, 42, 16);
    const b = await schedule(http, 42, 16);
    const c = await schedule(http, 43, 16);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    const faulted = a.at(-1)!.split(',').filter(Boolean).length;
    expect(faulted).toBeGreaterThan(0);
    expect(faulted).toBeLessThan(16 * (http.rateLimitBurst ? 2 : 1));
  });

  it('switching one kind on does not shift another kind’s schedule', async () => {
    const alone = await schedule({ htmlError: { probability: 0.3 } }, 8, 20);
    const mixed = await schedule({ htmlError: { probability: 0.3 }, drift: { probability: 0.5 } }, 8, 20);
    const html = (list: string[]) => list.slice(0, -1).map((o) => o.startsWith('502'));
    expect(html(mixed)).toEqual(html(alone));
  });
});
