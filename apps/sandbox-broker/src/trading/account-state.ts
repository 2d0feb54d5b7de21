import type { Order, OrderEvent } from './trading-types';

/** An order as trading keeps it: fixed-point amounts beside the wire view. */
export interface OrderState {
  /** Position in the account's order list (the pagination cursor counts these). */
  readonly position: number;
  readonly accountId: string;
  readonly id: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly type: 'market' | 'limit';
  readonly quantity: bigint;
  readonly limitPrice: bigint | null;
  readonly createdAt: number;
  status: Order['status'];
  filled: bigint;
  /** Sum of fill quantity x price, unrounded (for the average fill price). */
  fillValue: bigint;
  /** Cash (buy limit) or quantity (sell limit) still set aside for the rest of the order. */
  reserved: bigint;
  /** The wire view of the current state (a new frozen object after every change). */
  view: Order;
}

/** A held position: quantity and total cost (for the average price). */
export interface PositionState {
  quantity: bigint;
  cost: bigint;
}

/** One account's state. */
export interface AccountState {
  readonly id: string;
  cash: bigint;
  /** Cash set aside for resting buy orders. */
  reservedCash: bigint;
  readonly positions: Map<string, PositionState>;
  /** Quantity set aside for resting sell orders, by symbol. */
  readonly reservedQuantity: Map<string, bigint>;
  /** Every order, in creation order. */
  readonly orders: OrderState[];
  readonly byId: Map<string, OrderState>;
  readonly byClientId: Map<string, OrderState[]>;
  /** Every event; `events[i].seq === i + 1`. */
  readonly events: OrderEvent[];
}

/** A fresh account holding `cash`. */
export function newAccount(id: string, cash: bigint): AccountState {
  return {
    id,
    cash,
    reservedCash: 0n,
    positions: new Map(),
    reservedQuantity: new Map(),
    orders: [],
    byId: new Map(),
    byClientId: new Map(),
    events: [],
  };
}

/** Whether an order can still fill or be cancelled. */
export function isOpen(status: Order['status']): boolean {
  return status === 'new' || status === 'partially_filled';
}
