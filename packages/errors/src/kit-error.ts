import {
  type CatalogueEntry,
  docsSlugFor,
  ERROR_CATALOGUE,
  type ErrorCategory,
  type ErrorCode,
} from './catalogue';
import { applyRedactHook, sanitizeText } from './safe-text';

const KIT_ERROR_MARKER = Symbol.for('kit.error');
const INSPECT = Symbol.for('nodejs.util.inspect.custom');
// @kit/logger installs a string redactor under Symbol.for('kit.redact') (masking every registered
// Secret); @kit/errors has no dependencies, so safe-text.ts looks the hook up instead of importing it.

/** What is known about whether a failed operation took effect on the server. */
export type ErrorOutcome =
  /** The request never left this process (safe to resend). */
  | 'not_sent'
  /** The request may or may not have been executed: reconcile before resending. */
  | 'unknown'
  /** The server answered and did not execute it. */
  | 'rejected';

/** Options for {@link KitError}. Every field is optional; the catalogue supplies the rest. */
export interface KitErrorOptions {
  /** The message. Must never contain a credential. @default the catalogue entry's `title` */
  message?: string;
  /** The original error. Kept for debugging; `toJSON()` only summarises it. @default undefined */
  cause?: unknown;
  /**
   * Overrides the catalogue's `retryable` (for example a venue saying "retry").
   * @default the catalogue entry's `retryable`
   */
  retryable?: boolean;
  /** The HTTP status, when there was a response. @default undefined */
  status?: number;
  /** The server's request id, from the response headers or body. @default undefined */
  requestId?: string;
  /** How long the server asked us to wait, in milliseconds. @default undefined */
  retryAfterMs?: number;
  /**
   * The server's explicit retry hint (`x-should-retry: true|false`), when it sent one. It sets
   * `retryable`, and retry rules let it override the status rules (a 409 the server says to retry).
   * @default undefined
   */
  retryHint?: boolean;
  /** Attempts made before this error was final. @default undefined */
  attempts?: number;
  /** Total time spent waiting between attempts, in milliseconds. @default undefined */
  totalDelayMs?: number;
  /** The HTTP method. @default undefined */
  method?: string;
  /** The request path without query string (query values may hold signatures). @default undefined */
  path?: string;
  /** Whether the operation may have taken effect. @default undefined (not known) */
  outcome?: ErrorOutcome;
  /** The venue's own error code, when a vendor map produced this error. @default undefined */
  vendorCode?: string;
  /** WebSocket close code. @default undefined */
  closeCode?: number;
  /** WebSocket close reason. @default undefined */
  closeReason?: string;
  /** Structured, secret-free details (schema issue paths, config problems, …). @default undefined */
  details?: unknown;
  /** Overrides the catalogue hint with a more specific one. @default the catalogue entry's `hint` */
  hint?: string;
}

const redactText = applyRedactHook;

/** The optional fields, in the order `toJSON()` lists them. */
const OPTIONAL_FIELDS = [
  'status',
  'requestId',
  'retryAfterMs',
  'retryHint',
  'attempts',
  'totalDelayMs',
  'method',
  'path',
  'outcome',
  'vendorCode',
  'closeCode',
  'closeReason',
  'details',
] as const;

/**
 * The one error type every kit package throws. Check with {@link isKitError} rather than
 * `instanceof`, which fails when two copies of the package are installed.
 *
 * @example
 * ```ts
 * try { await client.get('/account'); }
 * catch (error) {
 *   if (isKitError(error) && error.category === 'rate_limit') console.log(error.retryAfterMs);
 * }
 * ```
 */
export class KitError extends Error {
  /** The stable dotted code, e.g. `network.connection_reset`. */
  readonly code: ErrorCode;
  /** The broad family of the failure. */
  readonly category: ErrorCategory;
  /** Whether retrying can succeed (before method and idempotency rules). */
  readonly retryable: boolean;
  /** One sentence a customer can act on. */
  readonly hint: string;
  /** The troubleshooting entry: `docs/troubleshooting/<docsSlug>.md`. */
  readonly docsSlug: string;
  /** The HTTP status, when there was a response. */
  readonly status?: number;
  /** The server's request id. */
  readonly requestId?: string;
  /** How long the server asked us to wait, in milliseconds. */
  readonly retryAfterMs?: number;
  /** The server's explicit retry hint (`x-should-retry`), when it sent one. */
  readonly retryHint?: boolean;
  /** Attempts made before this error was final. */
  attempts?: number;
  /** Total time spent waiting between attempts, in milliseconds. */
  totalDelayMs?: number;
  /** The HTTP method. */
  readonly method?: string;
  /** The request path, without query string. */
  readonly path?: string;
  /** Whether the operation may have taken effect. */
  readonly outcome?: ErrorOutcome;
  /** The venue's own error code. */
  readonly vendorCode?: string;
  /** WebSocket close code. */
  readonly closeCode?: number;
  /** WebSocket close reason. */
  readonly closeReason?: string;
  /** Structured, secret-free details. */
  readonly details?: unknown;

  constructor(code: ErrorCode, options: KitErrorOptions = {}) {
    const entry: CatalogueEntry = ERROR_CATALOGUE[code] ?? ERROR_CATALOGUE['internal.unexpected'];
    super(
      redactText(options.message ?? entry.title),
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'KitError';
    this.code = code;
    this.category = entry.category;
    this.retryable = options.retryable ?? entry.retryable;
    this.hint = options.hint ?? entry.hint;
    this.docsSlug = docsSlugFor(code);
    for (const key of OPTIONAL_FIELDS) {
      if (options[key] !== undefined) (this as Record<string, unknown>)[key] = options[key];
    }
    Object.defineProperty(this, KIT_ERROR_MARKER, { value: true });
  }

  /** A plain, secret-free object for logs and APIs. The cause is summarised, never dumped. */
  toJSON(): Record<string, unknown> {
    const json: Record<string, unknown> = {
      name: this.name,
      code: this.code,
      category: this.category,
      message: redactText(this.message),
      retryable: this.retryable,
      hint: this.hint,
      docsSlug: this.docsSlug,
    };
    for (const key of OPTIONAL_FIELDS) {
      if (this[key] !== undefined) json[key] = this[key];
    }
    if (this.cause !== undefined) json.cause = summariseCause(this.cause);
    return json;
  }

  /** Node's `util.inspect` shows the same secret-free view as `toJSON()`, plus the stack. */
  [INSPECT](): string {
    const { name: _name, message: _message, ...rest } = this.toJSON();
    const stack = redactText(this.stack ?? `${this.name}: ${this.message}`);
    return `${stack}\n${JSON.stringify(rest, null, 2)}`;
  }
}

/**
 * A bounded, secret-free summary of any cause: name, sanitised message (bearer tokens, URL
 * credentials and credential-looking `key=value` pairs masked) and code, recursively (depth 3).
 */
export function summariseCause(cause: unknown, depth = 0): unknown {
  if (depth > 3) return '[cause chain truncated]';
  if (isKitError(cause)) return cause.toJSON();
  if (cause instanceof Error) {
    // Validator messages quote the received value ("Expected number but received \"sk_live_…\"").
    const message =
      cause.name === 'ValiError'
        ? '[omitted: validation messages quote received values]'
        : sanitizeText(cause.message, 500);
    const summary: Record<string, unknown> = { name: cause.name, message };
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string' || typeof code === 'number') summary.code = code;
    if (cause.cause !== undefined) summary.cause = summariseCause(cause.cause, depth + 1);
    return summary;
  }
  if (typeof cause === 'string') return sanitizeText(cause, 500);
  if (cause === null || typeof cause !== 'object') return cause;
  return `[${Object.prototype.toString.call(cause).slice(8, -1)}]`;
}

/**
 * Whether `value` is a KitError from any copy of @kit/errors (a `Symbol.for` brand, not `instanceof`).
 * With `code`, also checks the code.
 */
export function isKitError(value: unknown, code?: ErrorCode): value is KitError {
  if (typeof value !== 'object' || value === null) return false;
  if ((value as Record<symbol, unknown>)[KIT_ERROR_MARKER] !== true) return false;
  return code === undefined || (value as KitError).code === code;
}
