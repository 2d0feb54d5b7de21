import { describe, expect, it } from 'vitest';
import { SYSTEM_ERROR_RULES, systemErrorRule } from './system-error-codes';

describe('systemErrorRule', () => {
  it('knows connection failures that never reached the server from ones that may have', () => {
    expect(systemErrorRule('ECONNREFUSED')).toEqual({
      code: 'network.connection_refused',
      outcome: 'not_sent',
    });
    expect(systemErrorRule('ECONNRESET')?.outcome).toBe('unknown');
    expect(systemErrorRule('UND_ERR_CONNECT_TIMEOUT')?.outcome).toBe('not_sent');
    expect(systemErrorRule('UND_ERR_HEADERS_TIMEOUT')?.outcome).toBe('unknown');
  });

  it('maps unlisted TLS and ws codes by prefix', () => {
    expect(systemErrorRule('ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC')?.code).toBe('network.tls_failure');
    expect(systemErrorRule('WS_ERR_INVALID_OPCODE')?.code).toBe('protocol.ws_protocol_error');
  });

  it('uses own keys only', () => {
    for (const key of ['constructor', '__proto__', 'toString', 'hasOwnProperty'])
      expect(systemErrorRule(key)).toBeUndefined();
    expect(Object.keys(SYSTEM_ERROR_RULES).length).toBeGreaterThan(40);
  });
});
