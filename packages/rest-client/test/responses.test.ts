import { createVendorErrorMapper } from '@kit/errors';
import { createFaultServer, type FaultServer } from '@kit/testing';
import * as v from 'valibot';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRestClient, type RestClientOptions } from '../src/index';
import { createLogCapture, FAST_RETRY, failure } from './support';

const capture = createLogCapture();
let server: FaultServer;

const Quote = v.object({ symbol: v.string(), bid: v.number(), ask: v.number() });

beforeEach(async () => {
  server = await createFaultServer({
    routes: [
      {
        method: 'GET',
        path: '/v1/quotes/:symbol',
        handler: (r) => ({ json: { symbol: r.params.symbol, bid: 1.5, ask: 1.6 } }),
      },
      { method: 'POST', path: '/v1/orders', sideEffect: true, handler: { status: 201, json: { id: 'o1' } } },
      {
        method: 'GET',
        path: '/v1/book',
        handler: {
          json: { bids: Array.from({ length: 50 }, (_, i) => [100 - i, 1]), asks: [] },
          headers: { 'x-request-id': 'req-book-1' },
        },
      },
      {
        method: 'GET',
        path: '/v1/kraken',
        handler: { json: { error: ['EOrder:Insufficient funds'], result: {} } },
      },
      { method: 'DELETE', path: '/v1/orders/:id', handler: { status: 204 } },
    ],
  });
});
afterEach(() => server.close());
afterAll(() => expect(capture.leaks()).toEqual([]));

function client(extra: Partial<RestClientOptions> = {}) {
  return createRestClient({
    baseUrl: `${server.url}/v1`,
    logger: capture.logger,
    retry: FAST_RETRY,
    ...extra,
  });
}

describe('response bodies', () => {
  it('fails malformed JSON with schema.invalid_json and does not retry it', async () => {
    server.setFaults([{ fault: { type: 'malformed_json' } }]);
    const error = await failure(client().get('/quotes/AAPL'));
    expect([error.code, error.status, error.attempts]).toEqual(['schema.invalid_json', 200, 1]);
    expect(server.requests).toHaveLength(1);
  });

  it('classifies a proxy HTML 502 page by its status, notes the HTML body, and retries it', async () => {
    server.setFaults([{ firstN: 1, fault: { type: 'html_error' } }]);
    const response = await client().get('/quotes/AAPL', { schema: Quote });
    expect(response.data.bid).toBe(1.5);
    server.setFaults([{ fault: { type: 'html_error', status: 502 } }]);
    const error = await failure(client().get('/quotes/AAPL'));
    expect([error.code, error.status, error.retryable, error.attempts]).toEqual([
      'server.bad_gateway',
      502,
      true,
      3,
    ]);
    expect(error.details).toMatchObject({ bodyKind: 'html' });
    expect(error.message).not.toContain('<html');
    expect(JSON.stringify(error)).not.toContain('<html');
  });

  it('fails an HTML page served with 200 (a captive portal or wrong base URL) with schema.html_error_page', async () => {
    server.setFaults([{ fault: { type: 'html_error', status: 200 } }]);
    const error = await failure(client().get('/quotes/AAPL'));
    expect([error.code, error.status]).toEqual(['schema.html_error_page', 200]);
    expect(error.message).not.toContain('<html');
  });

  it('fails an empty body where the schema expects data with schema.empty_body', async () => {
    server.setFaults([{ fault: { type: 'empty_body' } }]);
    const error = await failure(client().get('/quotes/AAPL', { schema: Quote }));
    expect([error.code, error.status, error.attempts]).toEqual(['schema.empty_body', 200, 1]);
  });

  it('returns undefined data for a 204 or an empty body without a schema', async () => {
    const response = await client().delete('/orders/{id}', { params: { id: 'o1' } });
    expect([response.status, response.data]).toEqual([204, undefined]);
  });

  it('detects a truncated body and retries the GET', async () => {
    server.setFaults([{ firstN: 1, fault: { type: 'truncated' } }]);
    const response = await client().get('/book');
    expect((response.data as { bids: unknown[] }).bids).toHaveLength(50);
    expect(response.attempts).toBe(2);
    server.setFaults([{ fault: { type: 'truncated' } }]);
    const error = await failure(client().get('/book'));
    expect([error.code, error.attempts]).toEqual(['schema.truncated_body', 3]);
  });

  it('does not retry a truncated keyless POST (the order may exist)', async () => {
    server.setFaults([{ fault: { type: 'truncated' } }]);
    const error = await failure(client({ idempotency: false }).post('/orders', {}));
    expect([error.code, error.outcome, error.attempts]).toEqual(['schema.truncated_body', 'unknown', 1]);
    expect(server.sideEffectCount()).toBe(1);
  });

  it('reads a slow body sent in small chunks', async () => {
    server.setFaults([{ fault: { type: 'slow_body', chunkBytes: 64, delayMs: 1 } }]);
    const response = await client().get('/book');
    expect((response.data as { bids: unknown[] }).bids).toHaveLength(50);
    expect(response.requestId).toBe('req-book-1');
  });

  it('maps venue errors in 200 bodies with the error mapper', async () => {
    const errorMapper = createVendorErrorMapper({
      exact: { 'EOrder:Insufficient funds': 'client.bad_request' },
    });
    const error = await failure(client({ errorMapper }).get('/kraken'));
    expect(error.code).toBe('client.bad_request');
    expect(error.vendorCode).toBe('EOrder:Insufficient funds');
    expect(error.attempts).toBe(1);
  });
});

describe('schema modes', () => {
  it('strict: fails with schema.response_mismatch listing each path', async () => {
    server.setFaults([{ fault: { type: 'drift', rename: { bid: 'bidPrice' }, retype: { ask: '1.6' } } }]);
    const error = await failure(client().get('/quotes/AAPL', { schema: Quote }));
    expect(error.code).toBe('schema.response_mismatch');
    expect(error.message).toContain('bid missing');
    expect(error.message).toContain('ask retyped');
    const issues = (error.details as { issues: Array<{ path: string; kind: string }> }).issues;
    expect(issues.map((i) => [i.path, i.kind])).toEqual([
      ['bid', 'missing'],
      ['ask', 'retyped'],
    ]);
    expect(error.attempts).toBe(1);
  });

  it('strict: accepts added fields but warns once about them', async () => {
    server.setFaults([{ fault: { type: 'drift', add: { venue: 'XNAS' } } }]);
    const c = client();
    const first = await c.get('/quotes/{symbol}', { params: { symbol: 'AAPL' }, schema: Quote });
    await c.get('/quotes/{symbol}', { params: { symbol: 'MSFT' }, schema: Quote });
    expect(first.data).toEqual({ symbol: 'AAPL', bid: 1.5, ask: 1.6 });
    const warnings = capture.records.filter(
      (r) => r.msg === 'rest: response schema drift' && JSON.stringify(r).includes('"venue"'),
    );
    expect(warnings).toHaveLength(1);
  });

  it('tolerant: returns the data and warns once per endpoint and field', async () => {
    capture.clear();
    server.setFaults([{ fault: { type: 'drift', rename: { bid: 'bidPrice' }, remove: ['ask'] } }]);
    const c = client({ schemaMode: 'tolerant' });
    const response = await c.get('/quotes/{symbol}', { params: { symbol: 'AAPL' }, schema: Quote });
    await c.get('/quotes/{symbol}', { params: { symbol: 'MSFT' }, schema: Quote });
    expect(response.data).toEqual({ symbol: 'AAPL', bidPrice: 1.5 });
    const drift = capture.records
      .filter((r) => r.msg === 'rest: response schema drift')
      .map((r) => {
        const fields = r.fields as { endpoint: string; kind: string; field: string };
        return `${fields.endpoint} ${fields.kind} ${fields.field}`;
      });
    expect(drift.sort()).toEqual([
      'GET /quotes/{symbol} added bidPrice',
      'GET /quotes/{symbol} missing ask',
      'GET /quotes/{symbol} missing bid',
    ]);
  });
});
