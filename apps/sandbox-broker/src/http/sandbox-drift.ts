import type { SchemaDrift } from '@kit/testing';

/**
 * The drift the `drift` fault applies: the renames a venue's "v2" tends to bring (`status` to
 * `state`, `bid` to `bidPrice`, ...) on the object and on each element of `data`, plus a new field.
 */
export const SANDBOX_DRIFT: SchemaDrift = {
  rename: {
    status: 'state',
    clientOrderId: 'clientOid',
    bid: 'bidPrice',
    ask: 'askPrice',
    buyingPower: 'buying_power',
    'data.status': 'state',
    'data.clientOrderId': 'clientOid',
    'data.quantity': 'qty',
  },
  add: { apiVersion: '2026-01-01' },
};
