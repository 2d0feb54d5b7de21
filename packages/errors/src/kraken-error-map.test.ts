import { describe, expect, it } from 'vitest';
import type { ErrorCode } from './catalogue';
import { KRAKEN_ERROR_MAP } from './kraken-error-map';
import { createVendorErrorMapper } from './vendor-error-mapper';

const mapKraken = createVendorErrorMapper(KRAKEN_ERROR_MAP);

describe('KRAKEN_ERROR_MAP', () => {
  // Bodies as Kraken sends them: HTTP 200, the error strings from its published lists.
  it.each<[string, ErrorCode]>([
    ['EAPI:Invalid key', 'auth.invalid_credentials'],
    ['EAPI:Invalid signature', 'auth.invalid_signature'],
    ['EAPI:Invalid nonce', 'auth.clock_skew'],
    ['EGeneral:Permission denied', 'auth.insufficient_permissions'],
    ['EGeneral:Temporary lockout', 'rate_limit.ip_banned'],
    ['EAPI:Rate limit exceeded', 'rate_limit.exceeded'],
    ['EOrder:Rate limit exceeded', 'rate_limit.exceeded'],
    ['EService:Unavailable', 'server.unavailable'],
    ['EService:Deadline elapsed', 'server.unavailable'],
    ['EService:Market in cancel_only mode', 'server.unavailable'],
    ['EService:Market in post_only mode', 'client.bad_request'],
    ['EGeneral:Invalid arguments', 'client.bad_request'],
    ['EGeneral:Invalid arguments:Index unavailable', 'client.bad_request'],
    ['EQuery:Unknown asset pair', 'client.bad_request'],
    ['EOrder:Insufficient funds', 'client.insufficient_funds'],
    ['EOrder:Margin level too low', 'client.insufficient_funds'],
    ['EOrder:Order minimum not met', 'client.bad_request'],
    ['EOrder:Cost minimum not met', 'client.bad_request'],
    ['EOrder:Tick size check failed', 'client.bad_request'],
    ['EOrder:Orders limit exceeded', 'client.bad_request'],
    ['EOrder:Cannot open position', 'auth.insufficient_permissions'],
    ['EOrder:Unknown order', 'client.not_found'],
  ])('%s -> %s', (kraken, expected) => {
    const error = mapKraken({ error: [kraken], result: {} }, { status: 200 });
    expect(error?.code).toBe(expected);
    expect(error?.vendorCode).toBe(kraken);
  });

  it('matches the families whose strings carry extra info, with an unknown outcome for internal errors', () => {
    const internal = mapKraken(
      { error: ['EGeneral:Internal error:12345'] },
      { status: 200, method: 'POST', path: '/0/private/AddOrder' },
    );
    expect(internal?.code).toBe('server.internal');
    expect(internal?.outcome).toBe('unknown');
    expect(internal?.message).toContain('POST /0/private/AddOrder');
    expect(mapKraken({ error: ['EGeneral:Invalid arguments:volume'] }, { status: 200 })?.code).toBe(
      'client.bad_request',
    );
    expect(mapKraken({ error: ['EService:Throttled: 1764620000'] }, { status: 200 })?.code).toBe(
      'rate_limit.exceeded',
    );
  });

  it('gives venue-specific hints where the catalogue hint would mislead', () => {
    expect(mapKraken({ error: ['EAPI:Invalid nonce'] }, { status: 200 })?.hint).toContain('nonce');
    expect(mapKraken({ error: ['EGeneral:Temporary lockout'] }, { status: 200 })?.hint).toContain(
      '15 minutes',
    );
    const deadline = mapKraken({ error: ['EService:Deadline elapsed'] }, { status: 200 });
    expect(deadline?.outcome).toBe('rejected');
  });

  it('reports no error for a successful body', () => {
    expect(mapKraken({ error: [], result: { txid: ['OABC-123'] } }, { status: 200 })).toBeUndefined();
  });
});
