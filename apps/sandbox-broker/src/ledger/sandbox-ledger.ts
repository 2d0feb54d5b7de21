/** One order the sandbox created, with who created it and how. */
export interface LedgerOrder {
  readonly orderId: string;
  readonly accountId: string;
  /** The API key id, or the OAuth client id behind the bearer token. */
  readonly keyId: string;
  readonly clientOrderId: string;
  readonly idempotencyKey: string | null;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly quantity: string;
  readonly createdAt: number;
}

/** A clientOrderId that more than one order of one account carries. */
export interface LedgerDuplicate {
  readonly clientOrderId: string;
  readonly orderIds: string[];
}

/** One injected fault. */
export interface LedgerFault {
  /** Server time (epoch ms). */
  readonly time: number;
  /** `http.server_error`, `http.response_lost`, `ws.drop`, ... (see README, "Faults"). */
  readonly kind: string;
  /** The route pattern, e.g. `POST /v1/orders`. */
  readonly route?: string;
  readonly detail?: string;
}

/** The figures the ledger counts. */
export interface LedgerCounts {
  /** HTTP requests received (the admin endpoint not included). */
  readonly requests: number;
  /** Responses sent, by status code (`"200"`); a destroyed socket sends none. */
  readonly responsesByStatus: Record<string, number>;
  readonly ordersCreated: number;
  /** `POST /orders` answered from the idempotency store. */
  readonly idempotentReplays: number;
  /** 429 answers of the rate limiter (injected 429 bursts are faults, counted in `faultsByKind`). */
  readonly rateLimited: number;
  /** 418 answers to banned keys. */
  readonly banned: number;
  readonly wsConnections: number;
  readonly wsMessagesSent: number;
  readonly faultsByKind: Record<string, number>;
  readonly tokensIssued: number;
}

/** The ground truth of a run: what the server really did, whatever the clients believe. */
export interface SandboxLedger {
  readonly orders: LedgerOrder[];
  readonly duplicates: LedgerDuplicate[];
  readonly faults: LedgerFault[];
  readonly counts: LedgerCounts;
}
