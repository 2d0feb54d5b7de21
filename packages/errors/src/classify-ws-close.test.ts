import { describe, expect, it } from 'vitest';
import type { ErrorCode } from './catalogue';
import { classifyWsClose, WS_CLOSE_CODE_DEFAULTS } from './classify-ws-close';

describe('classifyWsClose', () => {
  it.each<[number, string, ErrorCode, boolean]>([
    [1000, '', 'protocol.ws_normal_close', true],
    [1001, '', 'protocol.ws_going_away', true],
    [1002, '', 'protocol.ws_protocol_error', false],
    [1003, '', 'protocol.ws_unsupported_data', false],
    [1005, '', 'protocol.ws_normal_close', true],
    [1006, '', 'protocol.ws_abnormal_close', true],
    [1007, '', 'protocol.ws_invalid_payload', false],
    [1008, '', 'protocol.ws_policy_violation', false],
    [1009, '', 'protocol.ws_message_too_big', false],
    [1011, '', 'protocol.ws_internal_error', true],
    [1012, '', 'protocol.ws_server_restart', true],
    [1013, '', 'protocol.ws_try_again_later', true],
    [1015, '', 'protocol.ws_tls_failure', false],
    [4001, '', 'protocol.ws_auth_rejected', false],
    [4003, '', 'protocol.ws_auth_rejected', false],
    [4010, 'Unauthorized', 'protocol.ws_auth_rejected', false],
    [4099, 'invalid key', 'protocol.ws_auth_rejected', false],
    [1000, 'authentication failed', 'protocol.ws_auth_rejected', false],
    [4010, 'rebalancing', 'protocol.ws_closed', true],
    [4500, '', 'protocol.ws_closed', false],
    [4999, 'auth', 'protocol.ws_closed', false],
    [1010, '', 'protocol.ws_closed', false],
    [2000, '', 'protocol.ws_closed', false],
  ])('%i %j -> %s (retryable: %s)', (code, reason, errorCode, retryable) => {
    const error = classifyWsClose(code, reason);
    expect(error.code).toBe(errorCode);
    expect(error.retryable).toBe(retryable);
    expect(error.closeCode).toBe(code);
  });

  it('keeps the reason, truncated to 123 UTF-8 bytes on a character boundary', () => {
    const error = classifyWsClose(1011, 'é'.repeat(100));
    expect(new TextEncoder().encode(error.closeReason).length).toBeLessThanOrEqual(123);
    expect(error.closeReason).toMatch(/^é+…?$/);
    expect(error.message).toContain('1011');
  });

  it('masks credentials a server echoes in the reason', () => {
    const error = classifyWsClose(4001, 'bad token=abcdef123456');
    expect(error.closeReason).toBe('bad token=[REDACTED]');
    expect(error.message).not.toContain('abcdef123456');
  });

  it('handles a missing or non-integer code', () => {
    expect(classifyWsClose(Number.NaN).code).toBe('protocol.ws_closed');
    expect(classifyWsClose(Number.NaN).closeCode).toBeUndefined();
  });

  it('exports a table whose rows are consistent with the catalogue codes it names', () => {
    for (const rule of WS_CLOSE_CODE_DEFAULTS) {
      expect(rule.from).toBeLessThanOrEqual(rule.to);
      expect(classifyWsClose(rule.from).code).toBe(rule.code);
    }
  });
});
