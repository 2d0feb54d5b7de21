// Assembles the adapter: credentials -> auth strategy, one REST client (endpoint table, error map,
// retries, limiter), a stream-connection factory, the order placer and the streams. Everything the
// adapter does is one of the small modules imported here; this file only wires them.
import { setMaxListeners } from 'node:events';
import { classifyError, isKitError, KitError } from '@kit/errors';
import { noopLogger } from '@kit/logger';
import { createRestClient } from '@kit/rest-client';
import { createUndiciAdapter } from '@kit/rest-client/undici';
import { combineSignals, type RateLimiter } from '@kit/retry';
import type { WsClient } from '@kit/ws-client';
import { type AdapterContext, createStats } from './adapter-context';
import { AdapterEvents } from './adapter-events';
import { createAuth } from './auth-strategy';
import { checkedConfig } from './config';
import { endpoints } from './endpoints';
import { createSampleBrokerErrorMapper } from './error-map';
import { type IntentJournal, openIntentJournal } from './intent-journal';
import { DEFAULT_SNAPSHOT_DEPTH, SNAPSHOT_DEPTH, streamOrderBook } from './order-book';
import { streamOrderUpdates } from './order-updates';
import { createOrderPlacer, findOrderByClientId } from './place-order';
import { streamQuotes } from './quotes';
import { listAllOrders, reconcileIntents } from './reconcile';
import { createStreamFactory } from './stream-connection';
import type {
  AdapterStats,
  CallSignalOptions,
  OrderUpdatesOptions,
  SampleBroker,
  SampleBrokerConfig,
  SampleBrokerOptions,
} from './types';
import { validateInteger, validateSymbol } from './validate-arguments';

/** The caller's shared limiter, checked: something without `acquire`/`observe` is a clear error, not a crash mid-call. */
function checkedRateLimiter(limiter: SampleBrokerOptions['rateLimiter']): RateLimiter | undefined {
  if (limiter === undefined) return undefined;
  const shape = limiter as Partial<RateLimiter> | null;
  if (typeof shape?.acquire !== 'function' || typeof shape.observe !== 'function') {
    throw new KitError('client.invalid_argument', {
      message: 'createSampleBroker(): rateLimiter must be a @kit/retry rate limiter',
      hint: 'Pass createRateLimiter({ limits: [...] }) from @kit/retry (with a shared store to share it across processes), or leave rateLimiter out.',
      details: { field: 'rateLimiter' },
    });
  }
  return limiter;
}

/** Default page size of `listOrders`. */
export const DEFAULT_LIST_PAGE_SIZE = 100;

/**
 * Creates the sample broker adapter. Nothing connects until a method is called; `close()` ends every
 * stream and timer.
 *
 * @example
 * ```ts
 * const broker = createSampleBroker(sampleBrokerConfig.load(), { journalPath: './intents.jsonl' });
 * await broker.reconcile(); // settle what a previous run left open
 * const { order } = await broker.placeOrder({ symbol: 'AAPL', side: 'buy', type: 'market', quantity: '1' });
 * await broker.close();
 * ```
 */
export function createSampleBroker(
  config: SampleBrokerConfig,
  options: SampleBrokerOptions = {},
): SampleBroker {
  const settings = checkedConfig(config);
  const opts = options ?? {};
  const logger = (opts.logger ?? noopLogger).child({ component: 'sample-broker' });
  const random = opts.random ?? Math.random;
  const stats = createStats();
  const events = new AdapterEvents(logger);
  const life = new AbortController();
  // Every call in flight listens on the lifetime signal (one listener each, removed when the call
  // ends, see combineSignals), so more than 10 concurrent calls is normal, not a leak: without
  // this, Node prints MaxListenersExceededWarning to the user's stderr.
  setMaxListeners(0, life.signal);
  const restBase = `${settings.baseUrl.replace(/\/+$/, '')}/v1`;

  const retry = {
    maxAttempts: settings.maxAttempts,
    initialDelayMs: settings.retryInitialDelayMs,
    maxDelayMs: settings.retryMaxDelayMs,
    random,
  };
  const timeouts = { attemptMs: settings.requestTimeoutMs, deadlineMs: settings.deadlineMs };
  const errorMapper = createSampleBrokerErrorMapper();
  // The time route is public: measuring the clock must not depend on a signature made with it.
  // One transport for both clients, owned by the adapter: axios's default adapter keeps keep-alive
  // sockets in agents nothing can close, so close() would leave connections open.
  const adapter = createUndiciAdapter();
  const publicRest = createRestClient({ baseUrl: restBase, retry, timeouts, errorMapper, logger, adapter });
  const auth = createAuth(settings, { ...opts, logger }, publicRest);
  const rest = createRestClient({
    baseUrl: restBase,
    auth,
    retry,
    timeouts,
    errorMapper,
    logger,
    adapter,
    schemaMode: settings.schemaMode,
    rateLimit:
      checkedRateLimiter(opts.rateLimiter) ??
      (settings.rateLimit > 0
        ? { limits: [{ tokens: settings.rateLimit, intervalMs: settings.rateLimitWindowMs }] }
        : false),
    hooks: {
      onRequest: () => {
        stats.requests++;
      },
      onRetry: () => {
        stats.retries++;
      },
      onRateLimit: (event) => {
        if (event.waitedMs > 0) {
          stats.rateLimitWaits++;
          stats.rateLimitWaitMs += event.waitedMs;
        }
      },
    },
  });

  const sockets = new Set<WsClient>();
  const openStream = createStreamFactory({
    settings,
    options: opts,
    auth,
    logger,
    random,
    events,
    stats,
    sockets,
  });

  const ctx: AdapterContext = {
    rest,
    logger,
    events,
    stats,
    lifetime: life.signal,
    random,
    now: opts.now ?? Date.now,
    catchUpIntervalMs: settings.catchUpIntervalMs,
    loopBackoff: {
      initialDelayMs: settings.reconcileInitialDelayMs,
      maxDelayMs: settings.reconcileMaxDelayMs,
    },
    openStream,
  };
  const journal: IntentJournal | undefined =
    opts.journalPath === undefined
      ? undefined
      : openIntentJournal(opts.journalPath, { logger, sync: opts.journalSync });
  const placer = createOrderPlacer(ctx, {
    journal,
    budgetMs: validateInteger(opts.reconcileBudgetMs, settings.reconcileBudgetMs, {
      min: 0,
      max: 600_000,
      where: 'createSampleBroker',
      field: 'reconcileBudgetMs',
    }),
    backoff: ctx.loopBackoff,
  });

  /** Every public call ends as a KitError (counted by code) or its result; never anything else. */
  const surface = async <T>(work: () => Promise<T>): Promise<T> => {
    if (life.signal.aborted) {
      throw new KitError('cancelled.aborted', {
        message: 'The sample broker adapter is closed',
        hint: 'Create a new adapter with createSampleBroker(); close() ends this one for good.',
        outcome: 'not_sent',
      });
    }
    try {
      return await work();
    } catch (error) {
      const kit = isKitError(error) ? error : classifyError(error);
      stats.errorsByCode[kit.code] = (stats.errorsByCode[kit.code] ?? 0) + 1;
      throw kit;
    }
  };
  const signalOf = (callOptions: CallSignalOptions | undefined) => callOptions?.signal;

  const broker: SampleBroker = {
    getServerTime: (callOptions) =>
      surface(async () => {
        const sentAt = ctx.now();
        const { data } = await publicRest.call(endpoints.getTime, undefined, {
          signal: signalOf(callOptions),
        });
        const receivedAt = ctx.now();
        return {
          serverTime: data.serverTime,
          skewMs: Math.round(data.serverTime - (sentAt + receivedAt) / 2),
          roundTripMs: receivedAt - sentAt,
        };
      }),
    getAccount: (callOptions) =>
      surface(
        async () =>
          (await rest.call(endpoints.getAccount, undefined, { signal: signalOf(callOptions) })).data,
      ),
    getPositions: (callOptions) =>
      surface(
        async () =>
          (await rest.call(endpoints.getPositions, undefined, { signal: signalOf(callOptions) })).data.data,
      ),
    listOrders(params = {}) {
      const status = params?.status ?? 'all';
      if (status !== 'open' && status !== 'closed' && status !== 'all') {
        throw new KitError('client.invalid_argument', {
          message: 'listOrders(): status must be "open", "closed" or "all"',
          hint: 'Pass status: "open", "closed" or "all", or leave it out for all orders.',
          outcome: 'not_sent',
        });
      }
      const pageSize = validateInteger(params?.pageSize, DEFAULT_LIST_PAGE_SIZE, {
        min: 1,
        max: 500,
        where: 'listOrders',
        field: 'pageSize',
      });
      return {
        [Symbol.asyncIterator]: () => {
          // combineSignals, not AbortSignal.any (which, on Node 20, leaves an entry on the lifetime
          // signal for good); disposed when the iteration ends, however it ends.
          const combined = combineSignals([params?.signal, life.signal]);
          const inner = listAllOrders(ctx, status, pageSize, combined.signal)[Symbol.asyncIterator]();
          return {
            next: async () => {
              try {
                const step = await surface(() => inner.next());
                if (step.done === true) combined.dispose();
                return step;
              } catch (error) {
                combined.dispose();
                throw error;
              }
            },
            return: async () => {
              try {
                return await inner.return(undefined);
              } finally {
                combined.dispose();
              }
            },
          };
        },
      };
    },
    getOrder: (id, callOptions) =>
      surface(async () => {
        if (typeof id !== 'string' || id === '') {
          throw new KitError('client.invalid_argument', {
            message: 'getOrder(): id must be a non-empty string',
            hint: 'Pass the broker order id (order.id, "ord_...").',
            outcome: 'not_sent',
          });
        }
        return (await rest.call(endpoints.getOrder, { params: { id } }, { signal: signalOf(callOptions) }))
          .data;
      }),
    getOrderByClientId: (clientOrderId, callOptions) =>
      surface(async () => {
        if (typeof clientOrderId !== 'string' || clientOrderId === '') {
          throw new KitError('client.invalid_argument', {
            message: 'getOrderByClientId(): clientOrderId must be a non-empty string',
            hint: 'Pass the client order id the order was placed with.',
            outcome: 'not_sent',
          });
        }
        return findOrderByClientId(ctx, clientOrderId, signalOf(callOptions));
      }),
    getQuote: (symbol, callOptions) =>
      surface(async () => {
        validateSymbol(symbol, 'getQuote');
        return (
          await rest.call(endpoints.getQuote, { params: { symbol } }, { signal: signalOf(callOptions) })
        ).data;
      }),
    getOrderBook: (symbol, bookOptions) =>
      surface(async () => {
        validateSymbol(symbol, 'getOrderBook');
        const depth = validateInteger(bookOptions?.depth, DEFAULT_SNAPSHOT_DEPTH, {
          min: 1,
          max: SNAPSHOT_DEPTH,
          where: 'getOrderBook',
          field: 'depth',
        });
        return (
          await rest.call(
            endpoints.getBook,
            { params: { symbol }, query: { depth } },
            { signal: bookOptions?.signal },
          )
        ).data;
      }),
    placeOrder: (request) => surface(() => placer.place(request)),
    cancelOrder: (id, callOptions) =>
      surface(async () => {
        if (typeof id !== 'string' || id === '') {
          throw new KitError('client.invalid_argument', {
            message: 'cancelOrder(): id must be a non-empty string',
            hint: 'Pass the broker order id (order.id, "ord_...").',
            outcome: 'not_sent',
          });
        }
        try {
          const { data } = await rest.call(
            endpoints.cancelOrder,
            { params: { id } },
            { signal: signalOf(callOptions) },
          );
          return { order: data, alreadyCancelled: false };
        } catch (error) {
          // Cancelling twice is a success that says so; the order's final state comes from the broker.
          if (isKitError(error) && error.code === 'client.order_already_cancelled') {
            const { data } = await rest.call(
              endpoints.getOrder,
              { params: { id } },
              { signal: signalOf(callOptions) },
            );
            return { order: data, alreadyCancelled: true };
          }
          throw error;
        }
      }),
    reconcile: (callOptions) => surface(() => reconcileIntents(ctx, placer, journal, signalOf(callOptions))),
    streamQuotes: (symbols, callOptions) => streamQuotes(ctx, symbols, signalOf(callOptions)),
    streamOrderBook: (symbol, bookOptions) => streamOrderBook(ctx, symbol, bookOptions),
    streamOrderUpdates: (updateOptions?: OrderUpdatesOptions) => streamOrderUpdates(ctx, updateOptions),
    on: (event, listener) => events.on(event, listener),
    stats: (): AdapterStats => ({ ...stats, errorsByCode: { ...stats.errorsByCode } }),
    async close() {
      if (life.signal.aborted) return;
      life.abort();
      await Promise.allSettled([...sockets].map((ws) => ws.close()));
      sockets.clear();
      await journal?.close();
      await adapter.close().catch(() => undefined);
      events.clear();
    },
  };
  return broker;
}
