// The trading half of the sandbox: accounts, positions, orders, fills and numbered order events.
// Implemented in `trading/` (owner: the REST half); the WebSocket stream reads order events from it.

/** An order as the API returns it (see API.md). */
export interface Order {
  readonly id: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly type: 'market' | 'limit';
  readonly quantity: string;
  readonly limitPrice: string | null;
  readonly status: 'new' | 'partially_filled' | 'filled' | 'cancelled' | 'rejected';
  readonly filledQuantity: string;
  readonly avgFillPrice: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** One numbered order event of an account (seq from 1, no gaps). */
export interface OrderEvent {
  readonly seq: number;
  readonly type: 'accepted' | 'partially_filled' | 'filled' | 'cancelled' | 'rejected';
  readonly orderId: string;
  readonly clientOrderId: string;
  readonly order: Order;
  readonly time: number;
}

/** What the stream needs from trading. */
export interface OrderEventSource {
  /** Events of `accountId` with `seq > afterSeq`, oldest first, at most `limit`. */
  eventsAfter(accountId: string, afterSeq: number, limit: number): OrderEvent[];
  /** Called for every new event of any account, in seq order per account. Returns an unsubscribe function. */
  onOrderEvent(listener: (accountId: string, event: OrderEvent) => void): () => void;
}
