import type { LedgerRecorder } from './ledger-types';
import type { LedgerFault, LedgerOrder, SandboxLedger } from './sandbox-ledger';

/** The ledger's write side for REST, on top of what the stream records. */
export interface Ledger extends LedgerRecorder {
  countRequest(): void;
  countResponse(status: number): void;
  recordOrder(order: LedgerOrder): void;
  countIdempotentReplay(): void;
  countRateLimited(): void;
  countBanned(): void;
  /** A copy of everything so far. */
  snapshot(tokensIssued: number): SandboxLedger;
}

/** Creates the ledger; `now` stamps faults with the server clock. */
export function createLedger(now: () => number): Ledger {
  const orders: LedgerOrder[] = [];
  const byClientId = new Map<string, string[]>();
  const faults: LedgerFault[] = [];
  const faultsByKind: Record<string, number> = {};
  // Indexed by status code: cheaper than string keys on every response.
  const statusCounts: number[] = [];
  const counts = {
    requests: 0,
    ordersCreated: 0,
    idempotentReplays: 0,
    rateLimited: 0,
    banned: 0,
    wsConnections: 0,
    wsMessagesSent: 0,
  };

  return {
    recordFault(kind, detail, route) {
      const fault: { time: number; kind: string; route?: string; detail?: string } = { time: now(), kind };
      if (route !== undefined) fault.route = route;
      if (detail !== undefined) fault.detail = detail;
      faults.push(fault);
      faultsByKind[kind] = (faultsByKind[kind] ?? 0) + 1;
    },
    countWsConnection() {
      counts.wsConnections++;
    },
    countWsMessage(count = 1) {
      counts.wsMessagesSent += count;
    },
    countRequest() {
      counts.requests++;
    },
    countResponse(status) {
      statusCounts[status] = (statusCounts[status] ?? 0) + 1;
    },
    recordOrder(order) {
      orders.push(order);
      counts.ordersCreated++;
      const key = `${order.accountId}\u0000${order.clientOrderId}`;
      const ids = byClientId.get(key);
      if (ids) ids.push(order.orderId);
      else byClientId.set(key, [order.orderId]);
    },
    countIdempotentReplay() {
      counts.idempotentReplays++;
    },
    countRateLimited() {
      counts.rateLimited++;
    },
    countBanned() {
      counts.banned++;
    },
    snapshot(tokensIssued) {
      const responsesByStatus: Record<string, number> = {};
      statusCounts.forEach((count, status) => {
        if (count > 0) responsesByStatus[String(status)] = count;
      });
      const duplicates = [...byClientId]
        .filter(([, ids]) => ids.length > 1)
        .map(([key, ids]) => ({ clientOrderId: key.slice(key.indexOf('\u0000') + 1), orderIds: [...ids] }));
      return {
        orders: orders.map((order) => ({ ...order })),
        duplicates,
        faults: faults.map((fault) => ({ ...fault })),
        counts: { ...counts, responsesByStatus, faultsByKind: { ...faultsByKind }, tokensIssued },
      };
    },
  };
}
