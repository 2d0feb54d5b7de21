// Placing an order exactly once, or saying honestly that we do not know. Every call carries a
// client order id and an idempotency key fixed for the call (the REST client resends only with that
// key, so the broker replays instead of creating twice). When the outcome is unknown (a lost
// response, a timeout after sending, a 5xx, EXECUTION_UNKNOWN) we ask the broker by client order id,
// with backoff, within a budget; we never send the order again under a new id.
import { randomUUID } from 'node:crypto';
import { isKitError, KitError } from '@kit/errors';
import { combineSignals, createBackoff, sleep } from '@kit/retry';
import type { AdapterContext, LoopBackoff } from './adapter-context';
import { endpoints } from './endpoints';
import type { IntentJournal, IntentOutcome, OrderIntent } from './intent-journal';
import type { Order, PlaceOrderRequest, PlaceOrderResult } from './types';
import { validateSymbol } from './validate-arguments';

const CLIENT_ORDER_ID = /^[A-Za-z0-9_-]{1,64}$/;
const POSITIVE_DECIMAL = /^(?=.*[1-9])\d+(\.\d+)?$/;

/** A new client order id: `sb_` and 32 hex digits. */
function generateClientOrderId(): string {
  return `sb_${randomUUID().replaceAll('-', '')}`;
}

/**
 * The idempotency key of an order: derived from its client order id, so a caller who retries
 * `placeOrder` with the same id (after an `unknown`, or after a restart) gets the broker's replay of
 * the first answer rather than a second order.
 */
function idempotencyKeyFor(clientOrderId: string): string {
  return `sb-order-${clientOrderId}`;
}

function invalid(message: string, hint: string, field: string): KitError {
  return new KitError('client.invalid_argument', { message, hint, outcome: 'not_sent', details: { field } });
}

/** Checks a request before anything is journalled or sent. */
function validateOrderRequest(request: PlaceOrderRequest): OrderIntent['order'] {
  if (typeof request !== 'object' || request === null)
    throw invalid('placeOrder() needs a request object', 'Pass { symbol, side, type, quantity }.', 'request');
  const { symbol, side, type, quantity, limitPrice } = request;
  validateSymbol(symbol, 'placeOrder');
  if (side !== 'buy' && side !== 'sell')
    throw invalid(`placeOrder(): side must be "buy" or "sell"`, 'Pass side: "buy" or side: "sell".', 'side');
  if (type !== 'market' && type !== 'limit')
    throw invalid(
      `placeOrder(): type must be "market" or "limit"`,
      'Pass type: "market" or type: "limit".',
      'type',
    );
  if (typeof quantity !== 'string' || !POSITIVE_DECIMAL.test(quantity))
    throw invalid(
      'placeOrder(): quantity must be a positive decimal string',
      'Pass the quantity as a string such as "10" or "0.5" (strings keep decimals exact).',
      'quantity',
    );
  if (type === 'limit' && (typeof limitPrice !== 'string' || !POSITIVE_DECIMAL.test(limitPrice)))
    throw invalid(
      'placeOrder(): a limit order needs limitPrice as a positive decimal string',
      'Pass limitPrice as a string such as "190.00".',
      'limitPrice',
    );
  if (type === 'market' && limitPrice !== undefined)
    throw invalid(
      'placeOrder(): a market order takes no limitPrice',
      'Leave limitPrice out, or use type: "limit".',
      'limitPrice',
    );
  const clientOrderId = request.clientOrderId;
  if (
    clientOrderId !== undefined &&
    (typeof clientOrderId !== 'string' || !CLIENT_ORDER_ID.test(clientOrderId))
  )
    throw invalid(
      'placeOrder(): clientOrderId must be 1-64 characters of A-Z, a-z, 0-9, "_" or "-"',
      'Pass a short id such as "rebalance-2024-06-01-1", or leave it out to have one generated.',
      'clientOrderId',
    );
  return type === 'limit'
    ? { symbol, side, type, quantity, limitPrice: limitPrice as string }
    : { symbol, side, type, quantity };
}

/** Looks an order up by client order id: the order, or `undefined` on the broker's 404. */
export async function findOrderByClientId(
  ctx: Pick<AdapterContext, 'rest'>,
  clientOrderId: string,
  signal?: AbortSignal,
): Promise<Order | undefined> {
  try {
    const { data } = await ctx.rest.call(
      endpoints.getOrderByClientId,
      { params: { clientOrderId } },
      { signal },
    );
    return data;
  } catch (error) {
    if (isKitError(error) && error.code === 'client.not_found' && error.status === 404) return undefined;
    throw error;
  }
}

/** Whether an order the broker returned is the one this intent describes. */
export function matchesIntent(order: Order, intent: OrderIntent['order']): boolean {
  return (
    order.symbol === intent.symbol &&
    order.side === intent.side &&
    order.type === intent.type &&
    Number(order.quantity) === Number(intent.quantity)
  );
}

/** Copies a KitError, adding the client order id (and optionally a new outcome) to it. */
function withOrderContext(
  error: KitError,
  clientOrderId: string,
  override: { outcome?: KitError['outcome']; hint?: string; message?: string; details?: object } = {},
): KitError {
  const details =
    typeof error.details === 'object' && error.details !== null ? (error.details as object) : {};
  return new KitError(error.code, {
    message: override.message ?? error.message,
    cause: error,
    retryable: override.outcome === 'unknown' ? false : error.retryable,
    status: error.status,
    requestId: error.requestId,
    retryAfterMs: error.retryAfterMs,
    attempts: error.attempts,
    totalDelayMs: error.totalDelayMs,
    method: error.method,
    path: error.path,
    outcome: override.outcome ?? error.outcome,
    vendorCode: error.vendorCode,
    hint: override.hint ?? error.hint,
    details: { ...details, ...override.details, clientOrderId },
  });
}

/** Options of {@link createOrderPlacer}. @internal */
export interface OrderPlacerOptions {
  /** The journal, when configured. */
  readonly journal: IntentJournal | undefined;
  /** How long an unknown outcome may be reconciled, milliseconds. */
  readonly budgetMs: number;
  /** Backoff between lookups. */
  readonly backoff: LoopBackoff;
}

/** Places orders; remembers the ones left unknown for `reconcile()`. @internal */
export interface OrderPlacer {
  place(request: PlaceOrderRequest): Promise<PlaceOrderResult>;
  /** Intents whose outcome is still unknown in this process. */
  readonly unknown: Map<string, OrderIntent>;
  /** Records an outcome learnt later (by `reconcile()`). */
  settle(
    intent: OrderIntent,
    outcome: IntentOutcome,
    options?: { order?: Order; code?: string; reconciled?: boolean },
  ): Promise<void>;
}

/** Creates the order placer. @internal */
export function createOrderPlacer(ctx: AdapterContext, options: OrderPlacerOptions): OrderPlacer {
  const { journal, budgetMs, backoff } = options;
  const unknown = new Map<string, OrderIntent>();
  const inFlight = new Set<string>();

  const settle: OrderPlacer['settle'] = async (intent, outcome, settleOptions = {}) => {
    const { order, code, reconciled = false } = settleOptions;
    unknown.delete(intent.clientOrderId);
    if (journal === undefined) return;
    try {
      await journal.settle({
        clientOrderId: intent.clientOrderId,
        outcome,
        ...(order === undefined ? {} : { orderId: order.id }),
        ...(code === undefined ? {} : { code }),
        reconciled,
        settledAt: ctx.now(),
      });
    } catch (error) {
      // The outcome is known and returned; the intent just stays open in the file, and the next
      // reconcile() settles it again. Worth telling, not worth failing the call.
      ctx.logger.error('sample-broker: could not settle an intent in the journal', {
        clientOrderId: intent.clientOrderId,
        code: isKitError(error) ? error.code : undefined,
      });
      if (isKitError(error)) ctx.events.emit('error', error);
    }
  };

  /** Asks the broker by client order id until it answers or the budget runs out. */
  const resolveUnknown = async (
    intent: OrderIntent,
    cause: KitError,
    signal: AbortSignal | undefined,
  ): Promise<PlaceOrderResult> => {
    // combineSignals, not AbortSignal.any: on Node 20 every AbortSignal.any() leaves an entry on the
    // adapter's lifetime signal that is never removed, once per lookup.
    const stop = combineSignals([signal, ctx.lifetime]);
    try {
      return await lookUp(intent, cause, stop.signal);
    } finally {
      stop.dispose();
    }
  };

  const lookUp = async (
    intent: OrderIntent,
    cause: KitError,
    stopSignal: AbortSignal,
  ): Promise<PlaceOrderResult> => {
    const startedAt = ctx.now();
    const deadline = startedAt + budgetMs;
    const delays = createBackoff({ ...backoff, random: ctx.random });
    let lookups = 0;
    let lastLookup: string = 'none';
    while (!stopSignal.aborted) {
      const remaining = deadline - ctx.now();
      if (remaining <= 0) break;
      lookups++;
      const timeout = new AbortController();
      try {
        const timer = setTimeout(
          () => timeout.abort(new DOMException('The lookup ran out of budget', 'TimeoutError')),
          remaining,
        );
        const lookup = combineSignals([stopSignal, timeout.signal]);
        let order: Order | undefined;
        try {
          order = await findOrderByClientId(ctx, intent.clientOrderId, lookup.signal);
        } finally {
          lookup.dispose();
          clearTimeout(timer);
        }
        if (order !== undefined) {
          if (!matchesIntent(order, intent.order)) {
            throw new KitError('client.duplicate_client_order_id', {
              message: `The broker's order ${order.id} with client order id ${intent.clientOrderId} is not this order (${order.side} ${order.quantity} ${order.symbol})`,
              outcome: 'unknown',
              details: { clientOrderId: intent.clientOrderId, orderId: order.id },
            });
          }
          ctx.stats.ordersReconciled++;
          await settle(intent, 'created', { order, reconciled: true });
          ctx.logger.info('sample-broker: unknown order outcome reconciled', {
            clientOrderId: intent.clientOrderId,
            orderId: order.id,
            lookups,
          });
          return { order, reconciled: true };
        }
        lastLookup = 'not_found';
      } catch (error) {
        const kit = isKitError(error) ? error : undefined;
        if (kit?.code === 'client.duplicate_client_order_id') throw kit;
        // A lookup cut short says why the reconciliation stopped, not that it was "cancelled".
        lastLookup = stopSignal.aborted
          ? 'stopped'
          : timeout.signal.aborted
            ? 'budget_exhausted'
            : (kit?.code ?? 'internal.unexpected');
        // Credentials or permissions refused: more lookups cannot decide.
        if (kit !== undefined && (kit.category === 'auth' || kit.category === 'permission')) break;
      }
      const delay = delays.next();
      if (ctx.now() + delay >= deadline) break;
      try {
        await sleep(delay, stopSignal);
      } catch {
        break;
      }
    }
    unknown.set(intent.clientOrderId, intent);
    ctx.stats.ordersUnknown++;
    ctx.logger.warn('sample-broker: order outcome unknown after reconciliation', {
      clientOrderId: intent.clientOrderId,
      code: cause.code,
      lookups,
      lastLookup,
      budgetMs,
    });
    throw withOrderContext(cause, intent.clientOrderId, {
      outcome: 'unknown',
      message: `The outcome of order ${intent.clientOrderId} is unknown (${cause.message}); ${lookups} lookup(s) by client order id within ${budgetMs} ms could not decide`,
      hint: `Do not place it again under a new id: call reconcile() later (or getOrderByClientId("${intent.clientOrderId}")) to learn whether the broker holds it.`,
      details: { idempotencyKey: intent.idempotencyKey, lookups, lastLookup },
    });
  };

  const place = async (request: PlaceOrderRequest): Promise<PlaceOrderResult> => {
    const order = validateOrderRequest(request);
    const clientOrderId = request.clientOrderId ?? generateClientOrderId();
    if (inFlight.has(clientOrderId)) {
      throw invalid(
        `placeOrder(): an order with client order id ${clientOrderId} is already being placed`,
        'Wait for the first call to settle; the same id always means the same order.',
        'clientOrderId',
      );
    }
    const intent: OrderIntent = {
      clientOrderId,
      idempotencyKey: idempotencyKeyFor(clientOrderId),
      order,
      createdAt: ctx.now(),
    };
    inFlight.add(clientOrderId);
    try {
      if (journal !== undefined) {
        try {
          await journal.record(intent);
        } catch (error) {
          throw withOrderContext(
            isKitError(error) ? error : new KitError('internal.unexpected', { cause: error }),
            clientOrderId,
            { outcome: 'not_sent' },
          );
        }
      }
      let placed: Order;
      try {
        ({ data: placed } = await ctx.rest.call(
          endpoints.placeOrder,
          { body: { ...order, clientOrderId }, idempotencyKey: intent.idempotencyKey },
          { signal: request.signal },
        ));
      } catch (error) {
        const kit = isKitError(error) ? error : new KitError('internal.unexpected', { cause: error });
        // The client reports `unknown` when any attempt may have created the order, even if the
        // last one was refused (details.earlierOutcome), so the outcome alone decides.
        const definite =
          kit.outcome === 'not_sent' ||
          (kit.outcome === 'rejected' && kit.code !== 'client.idempotency_key_in_use');
        if (definite) {
          await settle(intent, kit.outcome, { code: kit.code });
          throw withOrderContext(kit, clientOrderId);
        }
        if (kit.code === 'cancelled.aborted' || ctx.lifetime.aborted) {
          // The caller stopped waiting: the request may have left, so the outcome is unknown,
          // and it is the caller's call whether to reconcile now.
          unknown.set(clientOrderId, intent);
          ctx.stats.ordersUnknown++;
          throw withOrderContext(kit, clientOrderId, {
            outcome: 'unknown',
            hint: `The call was aborted after the order may have been sent: call reconcile() (or getOrderByClientId("${clientOrderId}")) to learn whether the broker holds it.`,
          });
        }
        return await resolveUnknown(intent, kit, request.signal);
      }
      ctx.stats.ordersPlaced++;
      await settle(intent, 'created', { order: placed });
      return { order: placed, reconciled: false };
    } finally {
      inFlight.delete(clientOrderId);
    }
  };

  return { place, unknown, settle };
}
