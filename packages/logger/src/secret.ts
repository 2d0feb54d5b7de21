import { REDACTED, registerSecretValue } from './secret-registry';

const SECRET_MARKER = Symbol.for('kit.secret');
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * A credential that never prints. `reveal()` reads it; `String()`, template literals, `JSON.stringify`
 * and `util.inspect` give `[REDACTED]`. Creating one registers its value, so the logger masks it even
 * where it appears inside other strings (a URL, an error message).
 *
 * @example
 * ```ts
 * const apiSecret = new Secret(process.env.API_SECRET ?? '');
 * sign(payload, apiSecret.reveal());
 * console.log(`${apiSecret}`); // [REDACTED]
 * ```
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
    registerSecretValue(value);
    Object.defineProperty(this, SECRET_MARKER, { value: true });
  }

  /** The secret value. Pass it straight to the code that needs it; never log it. */
  reveal(): string {
    return this.#value;
  }

  /** Whether the secret is empty (an unset environment variable, for example). */
  get isEmpty(): boolean {
    return this.#value.length === 0;
  }

  /** `[REDACTED]`: what `String(secret)` and template literals print. */
  toString(): string {
    return REDACTED;
  }

  /** `[REDACTED]`: what `JSON.stringify` writes. */
  toJSON(): string {
    return REDACTED;
  }

  /** `[REDACTED]`, for every conversion to a primitive (`+secret`, `` `${secret}` ``). */
  [Symbol.toPrimitive](): string {
    return REDACTED;
  }

  /** `Secret([REDACTED])`: what `util.inspect` and `console.log` show. */
  [INSPECT](): string {
    return `Secret(${REDACTED})`;
  }
}

/** Whether `value` is a Secret from any copy of @kit/logger. */
export function isSecret(value: unknown): value is Secret {
  return (
    typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[SECRET_MARKER] === true
  );
}

/** A Secret as-is, or a string wrapped in one. */
export type SecretInput = Secret | string;

/** Wraps a string in a {@link Secret}; returns a Secret unchanged. */
export function toSecret(value: SecretInput): Secret {
  return isSecret(value) ? value : new Secret(value);
}
