import { isKitError } from '@kit/errors';
import { createFaultServer, type FaultServer } from '@kit/testing';
import * as v from 'valibot';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRestClient, defineEndpoint, type RestResponse } from '../src/index';
import { createLogCapture, FAST_RETRY } from './support';

const capture = createLogCapture();
const ORDERS = Array.from({ length: 7 }, (_, i) => ({ id: `o${i + 1}` }));
let server: FaultServer;

beforeEach(async () => {
  server = await createFaultServer({
    routes: [
      {
        method: 'GET',
        path: '/v1/orders',
        handler: (r) => {
          const start = Number(r.query.cursor ?? 0);
          const limit = Number(r.query.limit ?? 3);
          const items = ORDERS.slice(start, start + limit);
          const next = start + limit < ORDERS.length ? String(start + limit) : null;
          return { json: { items, next } };
        },
      },
      {
        method: 'GET',
        path: '/v1/fills',
        handler: (r) => {
          const page = Number(r.query.page ?? 1);
          const headers: Record<string, string> =
            page < 3 ? { link: `<${server.url}/v1/fills?page=${page + 1}>; rel="next"` } : {};
          return { json: { page }, headers };
        },
      },
      {
        method: 'GET',
        path: '/v1/elsewhere',
        handler: { json: {}, headers: { link: '<https://evil.example.com/v1/x>; rel="next"' } },
      },
    ],
  });
});
afterEach(() => server.close());
afterAll(() => expect(capture.leaks()).toEqual([]));

const client = () =>
  createRestClient({ baseUrl: `${server.url}/v1`, logger: capture.logger, retry: FAST_RETRY });
const Page = v.object({ items: v.array(v.object({ id: v.string() })), next: v.nullable(v.string()) });
const listOrders = defineEndpoint({
  method: 'GET',
  path: '/orders',
  query: v.object({ limit: v.optional(v.number()) }),
  response: Page,
});

async function collect<T>(pages: AsyncIterable<RestResponse<T>>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(page.data);
  return out;
}

describe('pagination', () => {
  it('follows a cursor through every page of an endpoint, keeping the other query params', async () => {
    const pages = await collect(
      client().paginate(listOrders, {
        input: { query: { limit: 3 } },
        cursor: { param: 'cursor', next: (p) => p.data.next },
      }),
    );
    expect(pages.flatMap((p) => p.items.map((o) => o.id))).toEqual(ORDERS.map((o) => o.id));
    expect(server.requests.map((r) => r.rawQuery)).toEqual([
      'limit=3',
      'limit=3&cursor=3',
      'limit=3&cursor=6',
    ]);
  });

  it('follows rel="next" links and stops at maxPages', async () => {
    const all = await collect(client().paginate({ method: 'GET', path: '/fills' }, { link: true }));
    expect(all).toEqual([{ page: 1 }, { page: 2 }, { page: 3 }]);
    server.reset();
    const bounded = await collect(
      client().paginate({ method: 'GET', path: '/fills' }, { link: true, maxPages: 2 }),
    );
    expect(bounded).toHaveLength(2);
    expect(server.requests).toHaveLength(2);
  });

  it('refuses to follow a link to another origin', async () => {
    const iterator = client()
      .paginate({ method: 'GET', path: '/elsewhere' }, { link: true })
      [Symbol.asyncIterator]();
    await iterator.next();
    await expect(iterator.next()).rejects.toSatisfy((e) => isKitError(e, 'client.invalid_argument'));
  });

  it('stops when the caller aborts between pages', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    let caught: unknown;
    try {
      for await (const page of client().paginate(listOrders, {
        input: { query: { limit: 1 } },
        cursor: { param: 'cursor', next: (p) => p.data.next },
        signal: controller.signal,
      })) {
        seen.push(page.data.items.length);
        if (seen.length === 2) controller.abort();
      }
    } catch (error) {
      caught = error;
    }
    expect(isKitError(caught, 'cancelled.aborted')).toBe(true);
    expect(server.requests).toHaveLength(2);
  });
});
