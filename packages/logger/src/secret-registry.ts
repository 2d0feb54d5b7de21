const REDACT_HOOK = Symbol.for('kit.redact');
const REGISTRY = Symbol.for('kit.secret-registry');

/** The mask printed in place of anything secret. */
export const REDACTED = '[REDACTED]';

/**
 * Shortest value registered for masking by value. Shorter strings ("1", "true") would mask
 * ordinary text everywhere; such secrets are still redacted by key.
 */
export const MIN_SECRET_LENGTH = 4;

interface Registry {
  values: Set<string>;
  pattern: RegExp | undefined;
}

/** One registry per process, shared by every copy of @kit/logger (duplicate installs included). */
function registry(): Registry {
  const holder = globalThis as Record<symbol, Registry | undefined>;
  let current = holder[REGISTRY];
  if (!current) {
    current = { values: new Set(), pattern: undefined };
    holder[REGISTRY] = current;
  }
  return current;
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Registers a value to be masked wherever it appears in log output, error messages and
 * `KitError.toJSON()`. Called by `new Secret()`; call it by hand for values you hold as plain strings.
 */
export function registerSecretValue(value: string): void {
  if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) return;
  const current = registry();
  if (current.values.has(value)) return;
  current.values.add(value);
  // Longest first, so a secret that contains another is masked whole.
  const sorted = [...current.values].sort((a, b) => b.length - a.length).map(escapeRegExp);
  current.pattern = new RegExp(sorted.join('|'), 'g');
  (globalThis as Record<symbol, unknown>)[REDACT_HOOK] = redactSecretValues;
}

/** Masks every registered secret value in `text`. */
export function redactSecretValues(text: string): string {
  const pattern = registry().pattern;
  if (!pattern || text.length < MIN_SECRET_LENGTH) return text;
  pattern.lastIndex = 0;
  return text.replace(pattern, REDACTED);
}
