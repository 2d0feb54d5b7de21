import { hmacAuth, oauth2ClientCredentials } from '@kit/auth';
import type { Logger } from '@kit/logger';
import { createRestClient } from '@kit/rest-client';
import type { OrderEvent } from '@kit/sample-broker';
import { brokerErrorMapper } from '../api/broker-error-map';
import type { ApiTarget } from '../config/api-target';

/** A book snapshot as `GET /v1/book/:symbol` returns it. */
export interface BookSnapshot {
  readonly seq: number;
  readonly bids: ReadonlyArray<readonly [string, string]>;
  readonly asks: ReadonlyArray<readonly [string, string]>;
}

/** What the session checks the adapter against, read straight from the API (not through the adapter). */
export interface GroundTruth {
  /** Every order event of the account with `seq > afterSeq`, oldest first. */
  orderEvents(afterSeq?: number): Promise<OrderEvent[]>;
  /** The account's newest order event seq (0 when it has none). */
  latestSeq(): Promise<number>;
  /** A fresh book snapshot. */
  bookSnapshot(symbol: string, depth: number): Promise<BookSnapshot>;
}

/**
 * A second, independent REST client (its own auth, retries on) used only at the end of the session
 * when faults are off: the adapter's own view is what is being verified, so it cannot be the judge.
 */
export function createGroundTruth(target: ApiTarget, logger: Logger): GroundTruth {
  const credentials = target.credentials;
  const auth =
    credentials.kind === 'hmac'
      ? hmacAuth({ apiKey: credentials.apiKey, apiSecret: credentials.apiSecret })
      : oauth2ClientCredentials({
          tokenUrl: target.tokenUrl,
          clientId: credentials.clientId,
          clientSecret: credentials.clientSecret,
          logger,
        });
  const client = createRestClient({
    baseUrl: target.restUrl,
    auth,
    errorMapper: brokerErrorMapper,
    logger: logger.child({ component: 'ground-truth' }),
    retry: { maxAttempts: 5, initialDelayMs: 100, maxDelayMs: 1_000 },
  });
  return {
    async latestSeq() {
      // An `after` beyond every event gives an empty page whose lastSeq is the account's newest.
      const { data } = await client.get('/order-events', {
        query: { after: Number.MAX_SAFE_INTEGER, limit: 1 },
      });
      return (data as { lastSeq?: number }).lastSeq ?? 0;
    },
    async orderEvents(afterSeq = 0) {
      const events: OrderEvent[] = [];
      let after = afterSeq;
      for (let page = 0; page < 1_000; page++) {
        const { data } = await client.get('/order-events', { query: { after, limit: 1000 } });
        const body = data as { data?: OrderEvent[]; lastSeq?: number; hasMore?: boolean };
        const batch = body.data ?? [];
        events.push(...batch);
        const last = batch.at(-1)?.seq;
        if (!body.hasMore || last === undefined) break;
        after = last;
      }
      return events;
    },
    async bookSnapshot(symbol, depth) {
      const { data } = await client.get('/book/{symbol}', { params: { symbol }, query: { depth } });
      return data as BookSnapshot;
    },
  };
}
