import { describe, expect, it } from 'vitest';
import { extractVendorError } from './extract-vendor-error';

describe('extractVendorError', () => {
  it.each<[string, unknown, ReturnType<typeof extractVendorError>]>([
    [
      'Binance',
      { code: -2010, msg: 'Account has insufficient balance' },
      { code: -2010, message: 'Account has insufficient balance' },
    ],
    [
      'OKX',
      { code: '51000', msg: 'Parameter ordType error', data: [] },
      { code: '51000', message: 'Parameter ordType error' },
    ],
    [
      'OKX per item',
      { code: '1', msg: 'All operations failed', data: [{ sCode: '51008', sMsg: 'Insufficient balance' }] },
      { code: '51008', message: 'Insufficient balance' },
    ],
    ['Bybit', { retCode: 10001, retMsg: 'params error' }, { code: 10001, message: 'params error' }],
    [
      'Kraken',
      { error: ['EOrder:Insufficient funds', 'EGeneral:Temporary'], result: {} },
      { code: 'EOrder:Insufficient funds', message: 'EOrder:Insufficient funds; EGeneral:Temporary' },
    ],
    [
      'generic nested',
      { error: { code: 'rate_limited', message: 'Slow down' } },
      { code: 'rate_limited', message: 'Slow down' },
    ],
    [
      'OAuth',
      { error: 'invalid_client', error_description: 'Client authentication failed' },
      { code: 'invalid_client', message: 'Client authentication failed' },
    ],
    [
      'errors array',
      { errors: [{ id: 'not_found', message: 'Order not found' }] },
      { code: 'not_found', message: 'Order not found' },
    ],
    ['success flag', { success: false, message: 'nope' }, { message: 'nope' }],
    [
      'Huobi',
      { status: 'error', 'err-code': 'order-limitorder-amount-min-error', 'err-msg': 'too small' },
      { code: 'order-limitorder-amount-min-error', message: 'too small' },
    ],
    ['JSON text', '{"code":-1121,"msg":"Invalid symbol."}', { code: -1121, message: 'Invalid symbol.' }],
    ['bytes', new TextEncoder().encode('{"code":-1,"msg":"x"}'), { code: -1, message: 'x' }],
  ])('reads %s bodies', (_name, body, expected) => {
    expect(extractVendorError(body, { status: 200 })).toEqual(expected);
  });

  it('treats success codes and empty error lists as no error', () => {
    expect(extractVendorError({ code: '0', msg: '', data: [{ ordId: '1' }] })).toBeUndefined();
    expect(extractVendorError({ code: 0, msg: 'success' })).toBeUndefined();
    expect(extractVendorError({ code: '00000', msg: 'success', data: {} })).toBeUndefined();
    expect(extractVendorError({ retCode: 0, retMsg: 'OK' })).toBeUndefined();
    expect(extractVendorError({ error: [], result: {} })).toBeUndefined();
  });

  it('counts a bare message or plain text only when the status says error', () => {
    expect(extractVendorError({ message: 'Insufficient funds' }, { status: 200 })).toBeUndefined();
    expect(extractVendorError({ message: 'Insufficient funds' }, { status: 400 })).toEqual({
      message: 'Insufficient funds',
    });
    expect(extractVendorError('Too Many Requests', { status: 429 })).toEqual({
      message: 'Too Many Requests',
    });
    expect(extractVendorError('Too Many Requests')).toBeUndefined();
    expect(extractVendorError('<html>502</html>', { status: 502 })).toBeUndefined();
    expect(
      extractVendorError({ type: 'about:blank', title: 'Bad', detail: 'qty < 0' }, { status: 422 }),
    ).toEqual({
      code: 'about:blank',
      message: 'qty < 0',
    });
  });

  it('ignores hostile and odd bodies', () => {
    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new Error('trap');
        },
      },
    );
    expect(extractVendorError(hostile, { status: 400 })).toBeUndefined();
    expect(extractVendorError(null)).toBeUndefined();
    expect(extractVendorError(42)).toBeUndefined();
    expect(extractVendorError({ code: { toString: () => 'x' }, msg: 'y' }, { status: 200 })).toBeUndefined();
  });
});
