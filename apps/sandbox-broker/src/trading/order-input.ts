import { type ApiError, apiError } from '../api-error';
import { parseDecimal } from './decimal';

/** A validated `POST /orders` body. */
export interface OrderInput {
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly type: 'market' | 'limit';
  /** Fixed-point (see decimal.ts), > 0. */
  readonly quantity: bigint;
  readonly limitPrice: bigint | null;
  readonly clientOrderId: string | undefined;
}

const FIELDS = new Set(['symbol', 'side', 'type', 'quantity', 'limitPrice', 'clientOrderId']);
const CLIENT_ORDER_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Checks a parsed `POST /orders` body field by field; the first problem is the answer. */
export function validateOrderInput(
  body: unknown,
): { ok: true; input: OrderInput } | { ok: false; error: ApiError } {
  const bad = (code: string, message: string) => ({
    ok: false as const,
    error: apiError(400, code, message),
  });
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return bad(
      'INVALID_REQUEST',
      'The body must be a JSON object: { symbol, side, type, quantity, limitPrice?, clientOrderId? }',
    );
  }
  const record = body as Record<string, unknown>;
  for (const field of Object.keys(record)) {
    if (!FIELDS.has(field))
      return bad('INVALID_REQUEST', `Unknown field "${field.slice(0, 64)}" in the order`);
  }
  const { symbol, side, type, quantity, limitPrice, clientOrderId } = record;
  if (typeof symbol !== 'string' || symbol.length === 0)
    return bad('INVALID_REQUEST', 'symbol is required (a string such as "AAPL")');
  if (side !== 'buy' && side !== 'sell') return bad('INVALID_REQUEST', 'side must be "buy" or "sell"');
  if (type !== 'market' && type !== 'limit')
    return bad('INVALID_REQUEST', 'type must be "market" or "limit"');
  const qty = typeof quantity === 'string' ? parseDecimal(quantity) : undefined;
  if (qty === undefined || qty <= 0n) {
    return bad(
      'INVALID_QUANTITY',
      'quantity must be a positive decimal string with at most 8 decimals, e.g. "10" or "0.5"',
    );
  }
  let price: bigint | null = null;
  if (type === 'limit') {
    price = typeof limitPrice === 'string' ? (parseDecimal(limitPrice) ?? null) : null;
    if (price === null || price <= 0n) {
      return bad(
        'INVALID_PRICE',
        'A limit order needs limitPrice, a positive decimal string such as "190.00"',
      );
    }
  } else if (limitPrice !== undefined && limitPrice !== null) {
    return bad('INVALID_PRICE', 'A market order takes no limitPrice (leave it out or send null)');
  }
  if (
    clientOrderId !== undefined &&
    (typeof clientOrderId !== 'string' || !CLIENT_ORDER_ID.test(clientOrderId))
  ) {
    return bad('INVALID_REQUEST', 'clientOrderId must be 1-64 characters of A-Z, a-z, 0-9, "_" or "-"');
  }
  return {
    ok: true,
    input: {
      symbol,
      side,
      type,
      quantity: qty,
      limitPrice: price,
      clientOrderId: clientOrderId as string | undefined,
    },
  };
}
