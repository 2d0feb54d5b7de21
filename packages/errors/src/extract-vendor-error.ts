import { readProp } from './safe-text';

/** What a venue said went wrong: its own code and message, both optional. */
export interface VendorErrorInfo {
  /** The venue's error code (`-2010`, `"51000"`, `"EOrder:Insufficient funds"`, `"invalid_client"`). */
  code?: string | number;
  /** The venue's message, exactly as sent (sanitise before showing it). */
  message?: string;
}

/** Context for {@link extractVendorError}: weak shapes (`{message}` alone) only count as errors on 4xx/5xx. */
export interface ExtractVendorErrorContext {
  /** The HTTP status, when known. */
  status?: number;
}

const SUCCESS_CODE = /^0+$/;
const SUCCESS_MESSAGE = /^(success|ok|succeeded)$/i;

function codeOf(value: unknown): string | number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && value.length <= 100) return value.trim();
  return undefined;
}

function textOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function isSuccessCode(code: string | number): boolean {
  return SUCCESS_CODE.test(String(code));
}

function info(code: string | number | undefined, message: string | undefined): VendorErrorInfo | undefined {
  if (code === undefined && message === undefined) return undefined;
  const result: VendorErrorInfo = {};
  if (code !== undefined) result.code = code;
  if (message !== undefined) result.message = message;
  return result;
}

function fromItem(item: unknown): VendorErrorInfo | undefined {
  if (typeof item === 'string') return info(undefined, textOf(item));
  return info(
    codeOf(readProp(item, 'code')) ?? codeOf(readProp(item, 'type')) ?? codeOf(readProp(item, 'id')),
    textOf(readProp(item, 'message')) ?? textOf(readProp(item, 'msg')) ?? textOf(readProp(item, 'detail')),
  );
}

function decode(body: ArrayBuffer | ArrayBufferView): string {
  const bytes =
    body instanceof ArrayBuffer
      ? new Uint8Array(body)
      : new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 64 * 1024));
}

function fromObject(body: object, failed: boolean): VendorErrorInfo | undefined {
  // Bybit: {retCode, retMsg}, 0 = success.
  const retCode = codeOf(readProp(body, 'retCode'));
  if (retCode !== undefined) {
    return isSuccessCode(retCode) ? undefined : info(retCode, textOf(readProp(body, 'retMsg')));
  }
  // Huobi/HTX: {status: "error", "err-code", "err-msg"}.
  if (readProp(body, 'status') === 'error') {
    return (
      info(codeOf(readProp(body, 'err-code')), textOf(readProp(body, 'err-msg'))) ?? { message: 'error' }
    );
  }
  // Binance {code, msg}, OKX {code: "51000", msg, data: [{sCode, sMsg}]}, generic {code, message}.
  const code = codeOf(readProp(body, 'code'));
  const msg = textOf(readProp(body, 'msg')) ?? textOf(readProp(body, 'message'));
  if (code !== undefined && msg !== undefined) {
    const data = readProp(body, 'data');
    const first = Array.isArray(data) ? data[0] : undefined;
    const sCode = codeOf(readProp(first, 'sCode'));
    if (sCode !== undefined && !isSuccessCode(sCode))
      return info(sCode, textOf(readProp(first, 'sMsg')) ?? msg);
    if (isSuccessCode(code) || SUCCESS_MESSAGE.test(msg)) return undefined;
    return { code, message: msg };
  }
  // {error: "invalid_client", error_description}, {error: {code, message}}, Kraken {error: ["EOrder:…"]}.
  const error = readProp(body, 'error');
  if (typeof error === 'string' && error.trim() !== '') {
    const looksLikeCode = /^[A-Za-z0-9_.:-]{1,64}$/.test(error);
    return info(
      looksLikeCode ? error : undefined,
      textOf(readProp(body, 'error_description')) ?? textOf(readProp(body, 'message')) ?? error,
    );
  }
  if (Array.isArray(error)) {
    const messages = error.filter((item): item is string => typeof item === 'string' && item !== '');
    if (messages.length > 0) return { code: messages[0] as string, message: messages.join('; ') };
  } else if (typeof error === 'object' && error !== null) {
    const nested = fromItem(error);
    if (nested) return nested;
  }
  // {errors: [{code, message}]} (GraphQL, GitHub, Coinbase v2).
  const errors = readProp(body, 'errors');
  if (Array.isArray(errors) && errors.length > 0) {
    const nested = fromItem(errors[0]);
    if (nested) return nested;
  }
  if (readProp(body, 'success') === false || readProp(body, 'ok') === false) {
    return info(code, msg) ?? { message: 'The server reported failure' };
  }
  // Weak shapes: a bare message only means an error when the status already says so.
  if (failed) {
    return info(
      code ?? codeOf(readProp(body, 'type')) ?? codeOf(readProp(body, 'label')),
      msg ?? textOf(readProp(body, 'detail')) ?? textOf(readProp(body, 'title')),
    );
  }
  return undefined;
}

/**
 * Finds a venue's error code and message in a response body of any common shape: Binance
 * `{code, msg}`, OKX `{code: "51000", msg}` (and per-item `sCode`; `"0"` means success), Bybit
 * `{retCode, retMsg}`, Kraken `{error: ["EOrder:…"]}`, Coinbase `{message}`, `{error: {code, message}}`,
 * OAuth `{error, error_description}`, `{errors: [...]}`, RFC 7807 `{title, detail}` and plain text.
 * Bodies that only carry a `message` count as errors only when `context.status` is 4xx/5xx, so a
 * successful 200 body is never mistaken for one. Returns `undefined` when the body says no error.
 */
export function extractVendorError(
  body: unknown,
  context: ExtractVendorErrorContext = {},
): VendorErrorInfo | undefined {
  const failed = context.status !== undefined && context.status >= 400;
  try {
    let value = body;
    if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) value = decode(value);
    if (typeof value === 'string') {
      const text = value.trim();
      if (text.startsWith('{') || text.startsWith('[')) {
        try {
          value = JSON.parse(text);
        } catch {
          return failed && text !== '' ? { message: text } : undefined;
        }
      } else {
        return failed && text !== '' && !text.startsWith('<') ? { message: text } : undefined;
      }
    }
    if (Array.isArray(value)) return failed && value.length > 0 ? fromItem(value[0]) : undefined;
    if (typeof value !== 'object' || value === null) return undefined;
    return fromObject(value, failed);
  } catch {
    // A hostile body (throwing getters, revoked proxies) is simply not a recognisable error.
    return undefined;
  }
}
