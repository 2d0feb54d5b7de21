// Startup (and on-demand) reconciliation, after nautilus_trader's model: every intent this adapter
// could not confirm (journalled before a crash, or left `unknown` by placeOrder) is settled against
// the broker by client order id, and the report says what was found.
import { isKitError, KitError } from '@kit/errors';
import type { AdapterContext } from './adapter-context';
import { endpoints } from './endpoints';
import type { IntentJournal, OrderIntent } from './intent-journal';
import { findOrderByClientId, matchesIntent, type OrderPlacer } from './place-order';
import type { Order, ReconciledIntent, ReconcileReport } from './types';

/** Lookups run at once during a reconciliation (each is one weighted request). */
const RECONCILE_CONCURRENCY = 4;

/** Reads every order with `status` through the paginated list. @internal */
export async function* listAllOrders(
  ctx: Pick<AdapterContext, 'rest'>,
  status: 'open' | 'closed' | 'all',
  pageSize: number,
  signal?: AbortSignal,
): AsyncGenerator<Order, void, undefined> {
  const pages = ctx.rest.paginate(endpoints.listOrders, {
    input: { query: { status, limit: pageSize } },
    cursor: { param: 'cursor', next: (page) => page.data.nextCursor },
    maxPages: 10_000,
    signal,
  });
  for await (const page of pages) for (const order of page.data.data) yield order;
}

/** Settles open intents against the broker. @internal */
export async function reconcileIntents(
  ctx: AdapterContext,
  placer: OrderPlacer,
  journal: IntentJournal | undefined,
  signal?: AbortSignal,
): Promise<ReconcileReport> {
  const intents = new Map<string, OrderIntent>();
  for (const intent of (await journal?.unsettled()) ?? []) intents.set(intent.clientOrderId, intent);
  for (const intent of placer.unknown.values()) intents.set(intent.clientOrderId, intent);

  const openOrders: Order[] = [];
  for await (const order of listAllOrders(ctx, 'open', 500, signal)) openOrders.push(order);
  const openByClientId = new Map<string, Order>();
  for (const order of openOrders)
    if (!openByClientId.has(order.clientOrderId)) openByClientId.set(order.clientOrderId, order);

  const queue = [...intents.values()];
  const results = new Map<string, ReconciledIntent>();
  const settleOne = async (intent: OrderIntent): Promise<ReconciledIntent> => {
    const { clientOrderId } = intent;
    let order: Order | undefined;
    try {
      order = openByClientId.get(clientOrderId) ?? (await findOrderByClientId(ctx, clientOrderId, signal));
    } catch (error) {
      const kit = isKitError(error) ? error : new KitError('internal.unexpected', { cause: error });
      return { clientOrderId, outcome: 'unresolved', error: kit };
    }
    if (order === undefined) {
      await placer.settle(intent, 'not_found', { reconciled: true });
      return { clientOrderId, outcome: 'not_found' };
    }
    if (!matchesIntent(order, intent.order)) {
      return {
        clientOrderId,
        outcome: 'unresolved',
        order,
        error: new KitError('client.duplicate_client_order_id', {
          message: `The broker's order ${order.id} with client order id ${clientOrderId} does not match the journalled intent`,
          outcome: 'unknown',
          details: { clientOrderId, orderId: order.id },
        }),
      };
    }
    await placer.settle(intent, 'created', { order, reconciled: true });
    return { clientOrderId, outcome: 'found', order };
  };
  const worker = async () => {
    for (let intent = queue.shift(); intent !== undefined; intent = queue.shift()) {
      results.set(intent.clientOrderId, await settleOne(intent));
    }
  };
  await Promise.all(Array.from({ length: Math.min(RECONCILE_CONCURRENCY, queue.length) }, worker));

  const ordered = [...intents.keys()].map((id) => results.get(id) as ReconciledIntent);
  const count = (outcome: ReconciledIntent['outcome']) => ordered.filter((r) => r.outcome === outcome).length;
  const report: ReconcileReport = {
    intents: ordered,
    found: count('found'),
    notFound: count('not_found'),
    unresolved: count('unresolved'),
    openOrders,
  };
  ctx.logger.info('sample-broker: reconciled', {
    intents: ordered.length,
    found: report.found,
    notFound: report.notFound,
    unresolved: report.unresolved,
    openOrders: openOrders.length,
  });
  return report;
}
